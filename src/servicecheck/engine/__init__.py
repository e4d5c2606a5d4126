"""The engine: where the data live and how a measure reads them.

``workspace`` holds the reading seam (``Reader``) and the DuckDB workspace (reader and writer);
``remote`` reads a council's own table in place on PostgreSQL or Spark; ``frames`` and
``durations`` are the small typed helpers every measure shares.
"""

from servicecheck.engine.compilers import install as _install

_install()  # Ibis loads only the SQL compilers of the engines used (engine/compilers.py)
