"""servicecheck: study a public service as a system, from the citizen's side.

The curated public API; everything else is reachable through its subpackages.
"""

from servicecheck.engine import Workspace
from servicecheck.eventlog import EventLog, import_events, read_log
from servicecheck.io.errors import InputError
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
