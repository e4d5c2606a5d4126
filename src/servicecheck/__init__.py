"""servicecheck: study a public service as a system, from the citizen's side.

The curated public API; everything else is reachable through its subpackages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicecheck._lazy import lazy_names as _lazy_names
from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.eventlog import EventLog, import_events, read_log
    from servicecheck.service.model import Service

__version__ = "0.1.0"

__all__ = [
    "EventLog",
    "InputError",
    "Service",
    "Workspace",
    "__version__",
    "import_events",
    "read_log",
]

# The engine pulls in Ibis, DuckDB, pandas and pyarrow (about a second): load each name on its
# first use, so that `servicecheck --help` and anything importing one light subpackage start
# at once (PEP 562).
_LAZY = {"Workspace": "servicecheck.engine.workspace", "EventLog": "servicecheck.io.eventlog",
         "import_events": "servicecheck.io.eventlog", "read_log": "servicecheck.io.eventlog",
         "Service": "servicecheck.service.model"}

__getattr__, __dir__ = _lazy_names(__name__, _LAZY, globals())
