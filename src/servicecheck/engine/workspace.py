"""The reading seam and the workspace.

``Reader`` is everything a measure may ask of where the data live: the events and demands of
a service as Ibis tables, the service definition, the services held, and the time zone the
engine hands times back in. Measures are Ibis expressions over a Reader, so the same code runs
on the DuckDB ``Workspace`` (a file or memory) and on PostgreSQL or Spark read in place
(``servicecheck.engine.remote.RemoteWorkspace``).

The DuckDB ``Workspace`` is also the writer: imports, labels and capture go through its
``raw`` connection, one transaction each (every row of a file lands or none does). No measure
touches ``raw``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

import duckdb
import pyarrow as pa

from servicecheck.engine.memory import memory_config
from servicecheck.io.errors import AlreadyImported, InputError, WorkspaceUnavailable
from servicecheck.io.fingerprint import Fingerprint
from servicecheck.io.notes import cells_aside, set_aside_future
from servicecheck.io.rejects import AFTER_IMPORT, REJECTS_DDL
from servicecheck.io.report import ImportReport
from servicecheck.io.sql import bound, ident, set_timezone
from servicecheck.service.model import Service
from servicecheck.service.stored import service_to_dict

if TYPE_CHECKING:  # Ibis loads with the first query, never for an import alone
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.expr.types import Table

# Every engine runs its analysis in UTC (DuckDB's setting below, Spark's session zone):
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
# DuckDB's rows per row group, its unit of parallel writing
ROW_GROUP = 122_880
# DuckDB's `threads` belongs to the database, shared by every connection to it in this
# process: imports on several threads agree on it here (users, the setting before the first)
_threads_lock = threading.Lock()
_one_thread_users: dict[str, tuple[int, int]] = {}
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
                  "future": "VARCHAR", "cells_aside": "VARCHAR"}
INDEX_COLUMN = {"events": "event_index", "demands": "demand_index"}


class Workspace:
    """Canonical tables for one or more services, in a DuckDB file or in memory: a Reader
    for measures, and the writer imports, labels and capture go through."""

    timezone = ANALYSIS_TIMEZONE

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 memory_limit: str | None = None, temp_directory: str | Path | None = None
                 ) -> None:
        """``memory_limit`` (e.g. "1GB") caps DuckDB's memory; without one, a limit chosen from
        the machine (``engine.memory.default_memory_limit``). Work larger than the limit spills to
        ``temp_directory``: beside the file by default, or for a workspace in memory a folder
        of the system's temporary directory (DuckDB removes its files when it closes)."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._tables: dict[str, Table] = {}  # read-only: each table's columns asked once
        target = str(self.path) if self.path is not None else ":memory:"
        if self.path is not None and read_only and not self.path.exists():
            raise InputError("the workspace does not exist", source=target,
                             fix="import a log first with 'servicecheck import'")
        if self.path is not None and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        config = memory_config(self.path, memory_limit, temp_directory)
        try:
            self.raw = duckdb.connect(target, read_only=read_only, config=config)
        except duckdb.Error as exc:
            raise WorkspaceUnavailable(
                f"the workspace could not be opened ({exc})", source=target, detail=str(exc),
                held="lock" in str(exc).lower(),
                fix="check the path, the memory limit (like 2GB) and that no other program "
                "holds the file") from None
        # Timestamps are stored in UTC; analysis in UTC makes day boundaries reproducible.
        self.raw.execute(bound("SET TimeZone = ?", [ANALYSIS_TIMEZONE]))
        if not read_only:
            for ddl in (EVENTS_DDL, DEMANDS_DDL, *META_DDL, REJECTS_DDL):
                self.raw.execute(ddl)
            for name, ctype in IMPORT_COLUMNS.items():
                self.raw.execute(f"ALTER TABLE imports ADD COLUMN IF NOT EXISTS {name} {ctype}")

    @property
    def source(self) -> str:
        from servicecheck.engine.captured import stores_words

        return str(self.path or "a workspace in memory") + stores_words(self)

    @cached_property
    def con(self) -> DuckDBBackend:
        """The Ibis connection, made on first use: an import alone never needs it, and
        loading Ibis's DuckDB backend (with sqlglot) costs a quarter of a second."""
        import ibis

        return ibis.duckdb.from_connection(self.raw)

    # -- reading ---------------------------------------------------------------------------
    def _table(self, name: str) -> Table:
        """A table of the workspace as Ibis reads it. Ibis asks DuckDB for its columns each
        time (3 ms; a report asks about thirty times); a workspace opened read-only cannot
        change under it, so there it asks once. A writer's imports add columns."""
        if not self.read_only:
            return self.con.table(name)
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]

    def events(self, service: str | None = None) -> Table:
        t = self._table("events")
        return t.filter(t.service == service) if service else t

    def demands(self, service: str | None = None) -> Table:
        from servicecheck.engine.captured import with_captures  # the web app's, each once

        return with_captures(self, self._table("demands"), service)

    def services(self) -> list[str]:
        rows = self.raw.execute(
            "SELECT service FROM services UNION SELECT DISTINCT service FROM events "
            "UNION SELECT DISTINCT service FROM demands ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def service(self, key: str | None = None) -> Service:
        """The service definition stored with the workspace (the only one when key is None)."""
        rows = self.raw.execute("SELECT service, definition FROM services ORDER BY 1").fetchall()
        if key is not None:
            rows = [r for r in rows if r[0] == key]
        if not rows:
            keys = self.services()
            if key is None and len(keys) == 1:
                return Service(name=keys[0])
            raise InputError(f"no service {key!r} is stored in the workspace" if key else
                             "the workspace holds no service definition",
                             source=str(self.path or "workspace"),
                             fix="import with --service service.toml")
        if len(rows) > 1:
            raise InputError("the workspace holds several services",
                             source=str(self.path or "workspace"),
                             fix=f"name one with --service ({', '.join(r[0] for r in rows)})")
        return Service.from_dict(json.loads(rows[0][1]), source="workspace")

    def import_log(self) -> list[ImportRecord]:
        # a workspace made before fingerprints and opened read-only has no such columns
        have = {r[0] for r in self.raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'imports'"
        ).fetchall()}
        fp = ("source_size, source_sha256, mapping"
              if {"source_size", "source_sha256", "mapping"} <= have else "NULL, NULL, NULL")
        fp += (", placeholders, set_aside" if {"placeholders", "set_aside"} <= have
               else ", NULL, NULL")
        fp += (", records, future, cells_aside" if {"records", "future", "cells_aside"} <= have
               else ", NULL, NULL, NULL")
        rows = self.raw.execute(
            "SELECT import_id, service, kind, source, rows_read, rows_kept, dropped, "
            f"imported_at, {fp} FROM imports ORDER BY import_id").fetchall()
        return [ImportRecord(import_id=r[0], service=r[1], kind=r[2], source=r[3],
                             rows_read=r[4], rows_kept=r[5], dropped=r[6], imported_at=r[7],
                             source_size=r[8], source_sha256=r[9], mapping=r[10],
                             placeholders=r[11], set_aside=r[12], records=r[13],
                             future=r[14], cells_aside=r[15])
                for r in rows]

    # -- writing ---------------------------------------------------------------------------
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
            raise _already_imported(earlier[0], report.source, kind)

        def work() -> None:
            if replace:
                self._delete_imports(con, table, earlier)
            self._save_service(con, service)
            self._add_columns(con, table, select_sql)
            with self._one_thread_if_small(con, report.rows_read):
                wrote = con.execute(f"INSERT INTO {table} BY NAME {select_sql}").fetchone()
            if finish is not None:
                finish(con, int(wrote[0]) if wrote else 0)
            index = INDEX_COLUMN[table]
            end = con.execute(bound(f"SELECT coalesce(max({index}) + 1, ?) FROM {table} "
                                    f"WHERE {index} >= ?", [first_index, first_index])).fetchone()
            row = con.execute("SELECT coalesce(max(import_id) + 1, 1) FROM imports").fetchone()
            fp = fingerprint
            import_id = row[0] if row else 1
            now = dt.datetime.now(dt.UTC)
            last = end[0] if end else first_index
            future = (set_aside_future(con, report, first_index, last, now,
                                       (import_id, service.key, kind))
                      if table == "events" else None)
            aside = report.rejects.counts()
            if future:  # the import's own count says what it kept
                report.events -= future["events"]
                aside[AFTER_IMPORT] = future["events"]
            con.execute(bound(
                "INSERT INTO imports BY NAME SELECT ? AS import_id, ? AS service, ? AS kind, "
                "? AS source, ? AS rows_read, ? AS rows_kept, ? AS dropped, "
                "? AS imported_at, ? AS source_path, ? AS source_size, ? AS source_sha256, "
                "? AS mapping, ? AS first_index, ? AS end_index, ? AS placeholders, "
                "? AS set_aside, ? AS records, ? AS future, ? AS cells_aside",
                [import_id, service.key, kind, report.source, report.rows_read,
                 report.events, json.dumps(report.dropped), now,
                 fp.path if fp else None, fp.size if fp else None, fp.sha256 if fp else None,
                 json.dumps(report.mapping), first_index, last,
                 json.dumps(report.placeholders), json.dumps(aside),
                 report.records or report.rows_read, json.dumps(future) if future else None,
                 json.dumps(cells_aside(report))]))
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

    @contextmanager
    def _one_thread_if_small(self, con: duckdb.DuckDBPyConnection, rows: int
                             ) -> Iterator[None]:
        """DuckDB on one thread while it inserts fewer rows than a row group: threads then
        only add partial row groups to merge. Measured on the real PermitLog XES (81k
        events, 170 columns): 0.25 s on one thread, 0.48-0.52 s on two; the whole import
        3.0-3.7 s of CPU against 5.3-5.6 s under load 14.

        The setting is the database's, not the connection's: the first import to need it
        sets it and the last one done puts back what the first found, so imports running
        together never leave the database on one thread. Other reads of the same file in
        this process meanwhile run on one thread too (slower, never different)."""
        if rows >= ROW_GROUP:
            yield
            return
        key = str(self.path.resolve()) if self.path is not None else f"memory:{id(self.raw)}"
        with _threads_lock:
            users, before = _one_thread_users.get(key, (0, 0))
            if users == 0:
                row = con.execute("SELECT current_setting('threads')").fetchone()
                before = int(row[0]) if row else 1
                con.execute("SET threads = 1")
            _one_thread_users[key] = (users + 1, before)
        try:
            yield
        finally:
            with _threads_lock:
                users, before = _one_thread_users.pop(key)
                if users == 1:
                    con.execute(f"SET threads = {int(before)}")
                else:
                    _one_thread_users[key] = (users - 1, before)

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

    def rejects(self, service: str | None = None, import_id: int | None = None) -> pa.Table:
        """The rows imports set aside (file, row, column, value, reason), in import order:
        one service's, or one import's."""
        if not self._has_rejects():
            # a workspace made before rejects, opened read-only
            return pa.schema([("service", pa.string()), ("source", pa.string()),
                              ("row", pa.int64()), ("column", pa.string()),
                              ("value", pa.string()), ("reason", pa.string())]).empty_table()
        given = {"service": service, "import_id": import_id}
        where = " AND ".join(f"{k} = ?" for k, v in given.items() if v is not None)
        return self.raw.execute(
            'SELECT service, source, "row", "column", value, reason FROM rejects '
            f'{"WHERE " + where if where else ""} ORDER BY import_id, "row", "column"',
            [v for v in given.values() if v is not None]).to_arrow_table()

    def set_aside_rows(self) -> dict[int, int]:
        """Rows each import set aside, by import id (a row with two bad values counts once)."""
        return {int(i): int(n) for i, n in self.raw.execute(
            'SELECT import_id, count(DISTINCT "row") FROM rejects GROUP BY import_id'
        ).fetchall()} if self._has_rejects() else {}

    def _has_rejects(self) -> bool:
        return bool(self.raw.execute("SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_name = 'rejects'").fetchone()[0])  # type: ignore[index]

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _already_imported(earlier: dict[str, Any], source: str, kind: str) -> AlreadyImported:
    when = earlier["imported_at"].astimezone(dt.UTC)
    rows = "events" if kind == "events" else "demands"
    return AlreadyImported(
        f"this content was imported already, on {when:%d %b %Y at %H:%M} UTC from "
        f"{earlier['source']} ({earlier['rows_kept']:,} {rows} kept), so importing it again "
        "would count every row twice", source=source, earlier=str(earlier["source"]),
        when=when, kept=int(earlier["rows_kept"]),
        fix="leave the workspace as it is, or pass --replace to put this file's rows in "
        "place of the earlier import's")
