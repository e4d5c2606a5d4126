"""servicecheck: study a public service as a system, from the citizen's side.

The curated public API; everything else is reachable through its subpackages.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    from servicecheck.engine import Workspace
    from servicecheck.eventlog import EventLog, import_events, read_log
    from servicecheck.service import Service

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
_LAZY = {"Workspace": "servicecheck.engine", "EventLog": "servicecheck.eventlog",
         "import_events": "servicecheck.eventlog", "read_log": "servicecheck.eventlog",
         "Service": "servicecheck.service"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'servicecheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
