"""The reading seam: everything a measure may ask of where the data live.

``Reader`` is the events and demands of a service as Ibis tables, the service definition, the
services held, and the time zone the engine hands times back in. Measures are Ibis
expressions over a Reader, so the same code runs on the DuckDB ``Workspace`` (a file or
memory, ``engine.workspace``) and on PostgreSQL or Spark read in place
(``servicecheck.engine.remote.RemoteWorkspace``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, TypedDict

from servicecheck.service.model import Service

if TYPE_CHECKING:  # Ibis loads with the first query, never for an import alone
    from ibis.expr.types import Table

# Every engine runs its analysis in UTC (the DuckDB workspace's connection, Spark's session zone):
# day boundaries are then the same on all three; the service's own zone is for words.
ANALYSIS_TIMEZONE = "UTC"


class ImportRecord(TypedDict):
    """One import, as the workspace's ``imports`` table keeps it."""

    import_id: int
    service: str
    kind: str
    source: str
    rows_read: int
    rows_kept: int
    dropped: str  # JSON: why rows were left out, and how many for each reason
    imported_at: dt.datetime
    source_size: int | None  # the source's fingerprint (None for imports made before it)
    source_sha256: str | None
    mapping: str | None  # JSON: the column mapping the import used
    placeholders: str | None  # JSON: {column: {value: n}} read as missing (none stand for)
    set_aside: str | None  # JSON: {reason: n} values set aside in the rejects table
    records: int | None  # rows of the source (a case table's rows, not the events made)
    future: str | None  # JSON: io.notes.Future, events dated after the import
    cells_aside: str | None  # JSON: [io.notes.CellsAside], a case table's dates set aside
    naive_times: bool | None  # any time read without a zone of its own (None: not known)


class Reader(Protocol):
    """What a measure (and a view arranging results) may ask of a workspace."""

    @property
    def timezone(self) -> str:
        """The zone in which the engine computes and returns times."""
        ...

    @property
    def source(self) -> str:
        """Where the data live, in words for a report's footer."""
        ...

    def events(self, service: str | None = None) -> Table:
        """The canonical events of one service (of all, without a key)."""
        ...

    def demands(self, service: str | None = None) -> Table:
        """The canonical demands of one service (of all, without a key)."""
        ...

    def services(self) -> list[str]:
        """The keys of the services held, in order."""
        ...

    def service(self, key: str | None = None) -> Service:
        """One service's definition (the only one, without a key)."""
        ...

    def import_log(self) -> list[ImportRecord]:
        """What was imported, file by file (empty where the data were not imported)."""
        ...
