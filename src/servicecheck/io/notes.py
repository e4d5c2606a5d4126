"""What an import notes about its source beyond the events it keeps, for Data quality: steps
dated after the moment of import (set aside), and a case table's dates set aside while their
rows were kept.

Steps in the future are found once the events are in the workspace, inside the import's
transaction, from the rows just written: a filter on two typed columns, not another pass
over the source (the validation pass reads text; this reads the times it made).
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

import duckdb

from servicecheck.io.rejects import AFTER_IMPORT, UNREADABLE_TIME
from servicecheck.io.report import ImportReport
from servicecheck.io.sql import Value, bound

FIRST = 3  # the first rows named, for the team to find them in the file


class Place(TypedDict):
    row: int  # the row a person sees in the file (the header counted)
    column: str
    when: str  # the time as read, in the source's zone


class Future(TypedDict):
    """Events dated after the import, set aside: how many, in how many cases, and where the
    first are."""

    events: int
    cases: int
    first: list[Place]
    at: str  # the moment of import, ISO 8601 in UTC


class CellsAside(TypedDict):
    """A case table's date column whose unreadable dates were set aside, the rest of each
    row kept: the moment (activity) it records and how many."""

    column: str
    activity: str
    n: int


def set_aside_future(con: duckdb.DuckDBPyConnection, report: ImportReport, first_index: int,
                     end_index: int, now: dt.datetime, rejects: tuple[int, str, str]
                     ) -> Future | None:
    """Set aside the events this import wrote (indexes ``first_index`` to ``end_index``) dated
    after ``now``: moved to the rejects table (``rejects``: the import's id, service and kind)
    with their file row and column, and counted.

    Set aside rather than kept and flagged: a step that had not happened when the data were
    exported is not a fact, and kept it is counted as one everywhere (a repair closed "on 1
    Jan 2099" made a need of 27,000 days and moved the line past which needs are stale to 60
    years). Nothing is lost: the row stays, without that step (a case it would have closed is
    open), and the date waits in the rejects table to be corrected and imported again, as an
    unreadable date does."""
    where = "event_index >= ? AND event_index < ? AND timestamp > ?"
    bounds: list[Value] = [first_index, end_index, now]
    got = con.execute(bound(f"SELECT count(*), count(DISTINCT case_id) FROM events "
                            f"WHERE {where}", bounds)).fetchone()
    if not got or not got[0]:
        return None
    # the time as the import read it, in the source's zone (the import's connection's)
    found = con.execute(bound(f"SELECT event_index, CAST(timestamp AS VARCHAR) FROM events "
                              f"WHERE {where} ORDER BY event_index", bounds)).fetchall()
    places = [_place(report, int(i) - first_index, str(t)) for i, t in found]
    import_id, service, kind = rejects
    con.executemany(
        'INSERT INTO rejects (import_id, service, kind, source, "row", "column", value, reason) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [[import_id, service, kind, report.source, p["row"], p["column"], p["when"],
          AFTER_IMPORT] for p in places])
    con.execute(bound(f"DELETE FROM events WHERE {where}", bounds))
    report.after_import = int(got[0])
    return Future(events=int(got[0]), cases=int(got[1]), first=places[:FIRST],
                  at=now.astimezone(dt.UTC).isoformat())


def _place(report: ImportReport, row: int, when: str) -> Place:
    """The file's row and column of an event's internal row number (as io.rejects names
    them: a case table's row holds one event per moment, in the moments' order)."""
    moments = list(report.moments)
    per = len(moments) or 1
    column = moments[row % per] if moments else report.mapping.get("timestamp", "timestamp")
    return Place(row=row // per + (report.header_row or 0) + 1, column=column, when=when)


def cells_aside(report: ImportReport) -> list[CellsAside]:
    """A case table's dates that could not be read, by column: each was set aside alone, and
    its row kept as a case without that moment (a closing date set aside leaves it open)."""
    if not report.moments or not report.rejects.rows:
        return []
    counts: dict[str, int] = {}
    for r in report.rejects.table.to_pylist():
        if r["reason"] == UNREADABLE_TIME and r["column"] in report.moments:
            counts[r["column"]] = counts.get(r["column"], 0) + 1
    return [CellsAside(column=c, activity=report.moments[c], n=n) for c, n in counts.items()]
