"""A Parquet file's events read where they lie, instead of copied into the workspace.

For a log read once to be analysed (``read_log`` without a workspace), copying every column
of the file into memory was a third of the work: the insert of ten columns, where an analysis
reads four. A view of the file gives the same events, as long as the import would have
written them unchanged; ``InPlace.clean`` finds out in one pass over the view, and where the
import has anything to account for (a row left out, a placeholder, a time after the import)
it writes the rows as any other import does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from servicecheck.io.placeholders import PLACEHOLDER_ROLES, is_placeholder
from servicecheck.io.report import LEFT_OUT, ImportReport
from servicecheck.io.sql import bound
from servicecheck.io.tables import RawTable


@dataclass
class InPlace:
    """The import's SELECT reading the file itself, and the check that the view of it (as
    ``events``) holds what the import would write: the index after its last event, or None."""

    sql: str
    clean: Callable[[duckdb.DuckDBPyConnection, Any], int | None]


def read_in_place(raw: RawTable, columns: dict[str, str], report: ImportReport,
                  sql: str) -> InPlace | None:
    """How to read ``raw`` in place with ``sql`` (the import's SELECT from the file), or None
    where a view would not give what the import writes: a file not read by DuckDB itself;
    naive times (a view reads them in the zone of whoever reads it, not the import's); a
    citizen id (its pseudonym would be made at every read)."""
    stamp = raw.table.schema.field(columns["timestamp"]).type
    if (raw.scan is None or "citizen_id" in columns
            or not (pa.types.is_timestamp(stamp) and stamp.tz is not None)):
        return None
    roles = [role for role in PLACEHOLDER_ROLES if role in columns
             and pa.types.is_string(raw.table.schema.field(columns[role]).type)]

    def clean(con: duckdb.DuckDBPyConnection, now: Any) -> int | None:
        """On the view: the index after its last event when every row is kept, none holds a
        placeholder and no time is after ``now`` (the report is then complete); else None."""
        got = con.execute(bound(
            "SELECT count(*), count(DISTINCT case_id), max(event_index), "
            "count(*) FILTER (WHERE timestamp > ?)"
            + "".join(f", list(DISTINCT {role})" for role in roles) + " FROM events",
            [now])).fetchone()
        assert got is not None
        n_keep, n_cases, last, future, *values = got
        if (n_keep != raw.num_rows or future
                or any(is_placeholder(v) for found in values for v in found or [])):
            return None
        report.dropped = dict.fromkeys(LEFT_OUT, 0)
        report.events, report.cases = int(n_keep), int(n_cases)
        return int(last) + 1

    return InPlace(sql, clean)
