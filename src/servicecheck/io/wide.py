"""Case tables: one row per case with a column per moment (created, closed, due...).

Many council exports look like this. Each filled date becomes an event named by the team;
a date left empty is an event that has not happened (not a bad row). Order within a row
follows the mapping's order, so ties in time keep it.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from servicecheck.io.errors import InputError
from servicecheck.io.tables import RawTable

ACTIVITY = "__activity"
TIMESTAMP = "__timestamp"


def widen(raw: RawTable, stamps: dict[str, str]) -> RawTable:
    """Events from a case table: ``stamps`` maps a date column to the activity it records."""
    table = raw.table
    if raw.scan is not None:
        raise ValueError("read the case table into memory first (in_place=False)")
    missing = [c for c in stamps if c not in table.column_names]
    if missing:
        raise InputError(f"the case table has no column '{missing[0]}'", source=raw.source,
                         column=missing[0],
                         fix=f"name date columns it has: {', '.join(table.column_names[:20])}")
    k = len(stamps)
    keep = [c for c in table.column_names if c not in stamps]
    base = table.select(keep)
    index = pa.array(range(table.num_rows), type=pa.int64())
    parts = []
    for i, (col, activity) in enumerate(stamps.items()):
        when = pc.cast(table.column(col), pa.string())
        filled = pc.and_(pc.is_valid(when), pc.not_equal(pc.utf8_trim_whitespace(when), ""))
        filled = pc.fill_null(filled, False)
        part = base.filter(filled)
        part = part.append_column(ACTIVITY, pa.array([activity] * part.num_rows, pa.string()))
        part = part.append_column(TIMESTAMP, when.filter(filled))
        part = part.append_column("__row", pc.add(pc.multiply(index.filter(filled), k), i))
        parts.append(part)
    events = pa.concat_tables(parts).sort_by("__row")
    return RawTable(events, raw.source, raw.header_rows, raw.kind, rows_per_record=k,
                    stamp_columns=tuple(stamps), sheet=raw.sheet)
