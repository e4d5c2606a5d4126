"""The workspace's writing: its tables, and the one transaction each import runs in.

Imports (``io.eventlog.import_events``, ``demand.records.import_demands``) insert through
``Writer.append_select`` on a ``session()`` of their own: the rows, the import log with its
fingerprint, the rows set aside and the steps dated after the import land together, or
nothing does. ``engine.workspace.Workspace`` is a Writer; no measure touches any of this.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from servicecheck.engine.reader import ANALYSIS_TIMEZONE
from servicecheck.engine.threads import one_thread_if_small
from servicecheck.io.errors import AlreadyImported
from servicecheck.io.fingerprint import Fingerprint
from servicecheck.io.notes import cells_aside, set_aside_future
from servicecheck.io.rejects import AFTER_IMPORT
from servicecheck.io.report import HELD_ALREADY, ImportReport
from servicecheck.io.sql import bound, ident, set_timezone
from servicecheck.service.model import Service
from servicecheck.service.stored import service_to_dict

if TYPE_CHECKING:
    from servicecheck.io.in_place import InPlace

EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS events (
    service VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    activity VARCHAR NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    start_timestamp TIMESTAMPTZ,
    team VARCHAR,
    resource VARCHAR,
    citizen_ref VARCHAR,
    need_id VARCHAR,
    event_index BIGINT NOT NULL
)"""
DEMANDS_DDL = """
CREATE TABLE IF NOT EXISTS demands (
    service VARCHAR NOT NULL,
    demand_id VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    channel VARCHAR NOT NULL,
    verbatim VARCHAR NOT NULL,
    demand_type VARCHAR,
    nature VARCHAR NOT NULL DEFAULT 'unknown',
    failure_kind VARCHAR,
    first_point_resolved BOOLEAN,
    case_id VARCHAR,
    citizen_ref VARCHAR,
    recorded_by VARCHAR,
    demand_index BIGINT NOT NULL
)"""
META_DDL = [
    """CREATE TABLE IF NOT EXISTS services (
        service VARCHAR PRIMARY KEY, name VARCHAR, definition VARCHAR, source_path VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS imports (
        import_id BIGINT, service VARCHAR, kind VARCHAR, source VARCHAR, rows_read BIGINT,
        rows_kept BIGINT, dropped VARCHAR, imported_at TIMESTAMPTZ)""",
]
# The import log's fingerprint of each source (added to workspaces made before it): the
# file's resolved path, size and SHA-256, the column mapping used, and the range of row
# indexes the import wrote, which --replace deletes.
IMPORT_COLUMNS = {"source_path": "VARCHAR", "source_size": "BIGINT", "source_sha256": "VARCHAR",
                  "mapping": "VARCHAR", "first_index": "BIGINT", "end_index": "BIGINT",
                  "placeholders": "VARCHAR", "set_aside": "VARCHAR", "records": "BIGINT",
                  "future": "VARCHAR", "cells_aside": "VARCHAR", "naive_times": "BOOLEAN"}
INDEX_COLUMN = {"events": "event_index", "demands": "demand_index"}


class Writer:
    """What writes to a workspace: its DuckDB connection ``raw`` and where it lives."""

    raw: duckdb.DuckDBPyConnection
    path: Path | None

    def next_index(self, table: str) -> int:
        col = INDEX_COLUMN[table]
        row = self.raw.execute(f"SELECT coalesce(max({col}) + 1, 0) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def transaction(self, work: Callable[[], None],
                    con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Run work as one transaction (on ``con``, a cursor of this workspace, else its own
        connection): all of it lands, or nothing does."""
        con = con or self.raw
        con.execute("BEGIN TRANSACTION")
        try:
            work()
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    @contextmanager
    def session(self, timezone: str = ANALYSIS_TIMEZONE) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of the caller's own to this workspace, reading naive times in
        ``timezone``: an import sets its source's zone there, never on the workspace's
        connection, so nothing is set and restored on a connection others read through
        (and a new connection would otherwise start in the machine's zone)."""
        con = self.raw.cursor()
        try:
            set_timezone(con, timezone, source="--timezone")
            yield con
        finally:
            con.close()

    @staticmethod
    def _add_columns(con: duckdb.DuckDBPyConnection, table: str, select_sql: str) -> None:
        """Add the columns a SELECT brings that the table does not have yet."""
        have = {r[0].lower() for r in con.execute(bound(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [table])).fetchall()}
        for name, ctype in con.execute(
                f"SELECT column_name, column_type FROM (DESCRIBE {select_sql})").fetchall():
            if name.lower() not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {ident(name)} {ctype}")
                have.add(name.lower())

    def append(self, table: str, data: pa.Table, report: ImportReport, service: Service,
               kind: str, *, first_index: int, fingerprint: Fingerprint | None = None,
               replace: bool = False) -> None:
        """Append an Arrow table's rows and record the import, in one transaction."""
        with self.session() as con:
            con.register("__incoming", data)
            self.append_select(table, "SELECT * FROM __incoming", report, service, kind,
                               con=con, first_index=first_index, fingerprint=fingerprint,
                               replace=replace)

    def append_select(self, table: str, select_sql: str, report: ImportReport,
                      service: Service, kind: str, *, con: duckdb.DuckDBPyConnection,
                      first_index: int, fingerprint: Fingerprint | None = None,
                      replace: bool = False,
                      finish: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
                      in_place: InPlace | None = None,
                      ) -> None:
        """Insert what a SELECT on ``con`` (a ``session()`` holding the source) returns and
        record the import, atomically; ``finish`` (given the rows written) completes the
        report before the import is recorded, and may refuse it (then nothing lands).

        A source whose content is in the import log already (same service, same kind) is
        refused before anything is written, unless ``replace``: then the rows of its earlier
        import (the same content, or the same file since changed) are deleted in the same
        transaction as the new rows are inserted."""
        earlier = self._earlier_imports(con, service.key, kind, fingerprint)
        if (not replace and fingerprint and earlier
                and earlier[0]["source_sha256"] == fingerprint.sha256):
            raise _already_imported(earlier[0], report.source, kind, service.timezone)

        def work() -> None:
            if table == "events":
                self._events_as_table(con)
            if replace:
                self._delete_imports(con, table, earlier)
            self._save_service(con, service)
            now = dt.datetime.now(dt.UTC)
            last = (self._read_in_place(con, in_place, now)
                    if in_place is not None and table == "events" and not earlier else None)
            # read in place: its one pass found no time after now, so nothing to set aside
            read_in_place = last is not None
            if last is None:
                self._add_columns(con, table, select_sql)
                with self._one_thread_if_small(con, report.rows_read):
                    wrote = con.execute(f"INSERT INTO {table} BY NAME {select_sql}").fetchone()
                if finish is not None:
                    finish(con, int(wrote[0]) if wrote else 0)
                if table == "events":
                    self._leave_out_held(con, report, service.key, first_index)
                index = INDEX_COLUMN[table]
                end = con.execute(bound(f"SELECT coalesce(max({index}) + 1, ?) FROM {table} "
                                        f"WHERE {index} >= ?", [first_index, first_index])
                                  ).fetchone()
                last = end[0] if end else first_index
            row = con.execute("SELECT coalesce(max(import_id) + 1, 1) FROM imports").fetchone()
            fp = fingerprint
            import_id = row[0] if row else 1
            report.import_id = int(import_id)
            future = (set_aside_future(con, report, first_index, last, now,
                                       (import_id, service.key, kind))
                      if table == "events" and not read_in_place else None)
            aside = report.rejects.counts()
            if future:  # the import's own count says what it kept
                report.events -= future["events"]
                aside[AFTER_IMPORT] = future["events"]
            con.execute(bound(
                "INSERT INTO imports BY NAME SELECT ? AS import_id, ? AS service, ? AS kind, "
                "? AS source, ? AS rows_read, ? AS rows_kept, ? AS dropped, "
                "? AS imported_at, ? AS source_path, ? AS source_size, ? AS source_sha256, "
                "? AS mapping, ? AS first_index, ? AS end_index, ? AS placeholders, "
                "? AS set_aside, ? AS records, ? AS future, ? AS cells_aside, "
                "? AS naive_times",
                [import_id, service.key, kind, report.source, report.rows_read,
                 report.events, json.dumps(report.dropped), now,
                 fp.path if fp else None, fp.size if fp else None, fp.sha256 if fp else None,
                 json.dumps(report.mapping), first_index, last,
                 json.dumps(report.placeholders), json.dumps(aside),
                 report.records or report.rows_read, json.dumps(future) if future else None,
                 json.dumps(cells_aside(report)), report.naive_times]))
            if report.rejects.rows:
                con.register("__rejects", report.rejects.table)
                try:
                    con.execute(
                        'INSERT INTO rejects BY NAME SELECT ? AS import_id, ? AS service, '
                        '? AS kind, ? AS source, "row", "column", value, reason '
                        "FROM __rejects", [import_id, service.key, kind, report.source])
                finally:
                    con.unregister("__rejects")

        self.transaction(work, con)

    def _read_in_place(self, con: duckdb.DuckDBPyConnection, in_place: InPlace,
                       now: dt.datetime) -> int | None:
        """Make the events a view of the source file, when this workspace is in memory and
        holds no event yet, and the file's rows need no change (``InPlace.clean``): the index
        after its last event. Otherwise None, and the events stay a table to write into."""
        if self.path is not None:
            return None
        held = con.execute("SELECT count(*) FROM events").fetchone()
        if held is None or held[0]:
            return None
        con.execute("DROP TABLE events")
        con.execute(f"CREATE VIEW events AS {in_place.sql}")
        last = in_place.clean(con, now)
        if last is None:
            con.execute("DROP VIEW events")
            con.execute(EVENTS_DDL)
        return last

    @staticmethod
    def _leave_out_held(con: duckdb.DuckDBPyConnection, report: ImportReport, service: str,
                        first_index: int) -> None:
        """Leave out the events just written that the service held already from an earlier
        import (the same case, activity and time), and count them in the report. One event
        is one event however many exports carry it; within one file, equal events are kept
        as the file has them. Nothing to compare with in a service's first import."""
        earlier = con.execute(bound("SELECT EXISTS (SELECT 1 FROM events WHERE service = ? "
                                    "AND event_index < ?)", [service, first_index])).fetchone()
        if not (earlier and earlier[0]):
            return
        gone = con.execute(bound(
            "DELETE FROM events AS n WHERE n.event_index >= ? AND n.service = ? AND EXISTS ("
            "SELECT 1 FROM events AS o WHERE o.event_index < ? AND o.service = n.service AND "
            "o.case_id = n.case_id AND o.activity = n.activity AND o.timestamp = n.timestamp)",
            [first_index, service, first_index])).fetchone()
        held = int(gone[0]) if gone else 0
        if not held:
            return
        report.events -= held
        report.dropped[HELD_ALREADY] = report.dropped.get(HELD_ALREADY, 0) + held
        cases = con.execute(bound("SELECT count(DISTINCT case_id) FROM events WHERE "
                                  "event_index >= ? AND service = ?", [first_index, service])
                            ).fetchone()
        report.cases = int(cases[0]) if cases else 0

    @staticmethod
    def _events_in_place(con: duckdb.DuckDBPyConnection) -> bool:
        """Whether the events are a view of a file read in place (``_read_in_place``)."""
        found = con.execute("SELECT count(*) FROM duckdb_views() "
                            "WHERE view_name = 'events' AND NOT internal AND NOT temporary"
                            ).fetchone()
        return bool(found and found[0])

    def _events_as_table(self, con: duckdb.DuckDBPyConnection) -> None:
        """Events read in place become a table before anything is written beside them:
        a second import, or one that replaces the first, writes into what the first read."""
        if not self._events_in_place(con):
            return
        con.execute("CREATE TEMP TABLE __events_read AS SELECT * FROM events")
        con.execute("DROP VIEW events")
        con.execute(EVENTS_DDL)
        self._add_columns(con, "events", "SELECT * FROM __events_read")
        con.execute("INSERT INTO events BY NAME SELECT * FROM __events_read")
        con.execute("DROP TABLE __events_read")

    @staticmethod
    def _earlier_imports(con: duckdb.DuckDBPyConnection, service: str, kind: str,
                         fingerprint: Fingerprint | None) -> list[dict[str, Any]]:
        """Earlier imports of this source into this service: the same content first, then
        the same file (by path) whose content has changed since."""
        if fingerprint is None:
            return []
        cur = con.execute(bound(
            "SELECT * FROM imports WHERE service = ? AND kind = ? AND "
            "((source_sha256 = ? AND source_size = ?) OR source_path = ?) "
            "ORDER BY source_sha256 = ? DESC, import_id",
            [service, kind, fingerprint.sha256, fingerprint.size, fingerprint.path,
             fingerprint.sha256]))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    @staticmethod
    def _delete_imports(con: duckdb.DuckDBPyConnection, table: str,
                        imports: list[dict[str, Any]]) -> None:
        index = INDEX_COLUMN[table]
        for imp in imports:
            con.execute(bound(f"DELETE FROM {table} WHERE service = ? AND {index} >= ? "
                              f"AND {index} < ?",
                              [imp["service"], imp["first_index"], imp["end_index"]]))
            con.execute(bound("DELETE FROM imports WHERE import_id = ?", [imp["import_id"]]))
            con.execute(bound("DELETE FROM rejects WHERE import_id = ?", [imp["import_id"]]))

    def reading_small_on_one_thread(self) -> AbstractContextManager[None]:
        """DuckDB on one thread while the block reads, if the workspace holds fewer events
        than a row group (``engine.threads``: a command's queries over a 50k-event log spent
        0.18 s of CPU on one thread against 0.26 s on two)."""
        try:
            row = self.raw.execute("SELECT count(*) FROM events").fetchone()
        except duckdb.CatalogException:  # a file no import has written to: nothing to read
            row = None
        return self._one_thread_if_small(self.raw, int(row[0]) if row else 0)

    def _one_thread_if_small(self, con: duckdb.DuckDBPyConnection, rows: int
                             ) -> AbstractContextManager[None]:
        """DuckDB on one thread while it inserts (or reads) fewer rows than a row group,
        agreed with the other users of this database (``engine.threads``)."""
        key = str(self.path.resolve()) if self.path is not None else f"memory:{id(self.raw)}"
        return one_thread_if_small(con, key, rows)

    def save_service(self, service: Service) -> None:
        """Keep this definition of the service (a service file changed since the import)."""
        self.transaction(lambda: self._save_service(self.raw, service))

    @staticmethod
    def _save_service(con: duckdb.DuckDBPyConnection, service: Service) -> None:
        definition = json.dumps(service_to_dict(service))
        con.execute(bound("DELETE FROM services WHERE service = ?", [service.key]))
        con.execute(bound("INSERT INTO services VALUES (?, ?, ?, ?)",
                          [service.key, service.name, definition,
                           str(service.path) if service.path else None]))


def _already_imported(earlier: dict[str, Any], source: str, kind: str, tz: str
                      ) -> AlreadyImported:
    """The refusal of a double, worded in narrative/ on the service's clock."""
    from servicecheck.io.report import already_finding
    from servicecheck.narrative.words import Voice, say

    when = earlier["imported_at"].astimezone(dt.UTC)
    kept = int(earlier["rows_kept"])
    return AlreadyImported(
        say(already_finding(str(earlier["source"]), when, kept, kind), Voice(tz=tz)),
        source=source, earlier=str(earlier["source"]), when=when, kept=kept,
        fix="leave the workspace as it is, or pass --replace to put this file's rows in "
        "place of the earlier import's")
