"""The DuckDB workspace: a file or memory holding one or more services' canonical tables.

It is a ``Reader`` (``engine.reader``, the seam every measure reads through; re-exported
here) and also the writer: imports, labels and capture go through its ``raw`` connection,
one transaction each (``engine.writer``: every row of a file lands or none does). No measure
touches ``raw``.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from servicecheck.engine.memory import memory_config
from servicecheck.engine.reader import ANALYSIS_TIMEZONE, ImportRecord, Reader
from servicecheck.engine.writer import (
    DEMANDS_DDL,
    EVENTS_DDL,
    IMPORT_COLUMNS,
    META_DDL,
    Writer,
)
from servicecheck.io.errors import InputError, WorkspaceUnavailable
from servicecheck.io.rejects import REJECTS_DDL
from servicecheck.io.sql import bound, ident
from servicecheck.service.model import Service
from servicecheck.service.stored import service_from_dict

if TYPE_CHECKING:  # Ibis loads with the first query, never for an import alone
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.expr.types import Table

__all__ = ["ANALYSIS_TIMEZONE", "ImportRecord", "Reader", "Workspace"]


class Workspace(Writer):
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
        self._former: dict[str, str] | None = None  # read-only: services under former keys
        target = str(self.path) if self.path is not None else ":memory:"
        if self.path is not None and read_only and not self.path.exists():
            raise InputError("the workspace does not exist", source=target,
                             fix="import a log first with 'servicecheck import'")
        if self.path is not None and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        config = memory_config(self.path, memory_limit, temp_directory, read_only=read_only)
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
            self.transaction(self._create_tables)
            self._move_former_keys()

    def _create_tables(self) -> None:
        """The canonical tables, and the import log's columns added since a workspace was
        made: in one transaction (each statement its own was 17 commits, each written to the
        log file and synced, 0.04-0.06 s of every new workspace's opening)."""
        for ddl in (EVENTS_DDL, DEMANDS_DDL, *META_DDL, REJECTS_DDL):
            self.raw.execute(ddl)
        for name, ctype in IMPORT_COLUMNS.items():
            self.raw.execute(f"ALTER TABLE imports ADD COLUMN IF NOT EXISTS {name} {ctype}")

    def _stored_keys(self) -> dict[str, str]:
        """Stored key -> the key its service's name gives now, for each service stored under
        the key the former rule gave (``Service.former_key``: a letter with an accent was
        lost)."""
        rows = self.raw.execute("SELECT service, name FROM services").fetchall()
        moved = {}
        for stored, name in rows:
            svc = Service(name=name or stored)
            if svc.former_key == stored:
                moved[stored] = svc.key
        return moved

    def _move_former_keys(self) -> None:
        """File each service stored under its former key under its key, in every table that
        names a service, in one transaction: the workspace a team has had since before the
        rule changed goes on finding its service, and a new import lands beside its rows."""
        moved = self._stored_keys()
        if not moved:
            return
        tables = [r[0] for r in self.raw.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'service' "
            "AND table_schema = current_schema()").fetchall()]

        def work() -> None:
            for old, new in moved.items():
                # the key's own definition, where an import under the new key wrote one
                if self.raw.execute("SELECT count(*) FROM services WHERE service = ?",
                                    [new]).fetchone()[0]:  # type: ignore[index]
                    self.raw.execute("DELETE FROM services WHERE service = ?", [old])
                for table in tables:
                    self.raw.execute(f"UPDATE {ident(table)} SET service = ? "
                                     "WHERE service = ?", [new, old])

        self.transaction(work)

    def _keys_of(self, service: str) -> list[str]:
        """The keys a service's rows may be stored under: its own, and on a workspace opened
        read-only (not moved: see ``_move_former_keys``) its former one."""
        if not self.read_only:
            return [service]
        if self._former is None:
            self._former = self._stored_keys() if self._has_table("services") else {}
        return [service, *(old for old, new in self._former.items() if new == service)]

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
        return self.service_filter(self._table("events"), service)

    def service_filter(self, t: Table, service: str | None) -> Table:
        """``t``'s rows of one service (every row without one), under any key it is stored by."""
        if not service:
            return t
        keys = self._keys_of(service)
        return t.filter(t.service == keys[0]) if len(keys) == 1 else \
            t.filter(t.service.isin(keys))

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
        rows = self.raw.execute(
            "SELECT service, definition, name FROM services ORDER BY 1").fetchall()
        if key is not None:
            # by its key, or by the key it had before (a team's script may still name it so)
            rows = [r for r in rows if r[0] in self._keys_of(key)
                    or Service(name=r[2] or r[0]).former_key == key]
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
        return service_from_dict(json.loads(rows[0][1]))

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
        fp += ", naive_times" if "naive_times" in have else ", NULL"
        rows = self.raw.execute(
            "SELECT import_id, service, kind, source, rows_read, rows_kept, dropped, "
            f"imported_at, {fp} FROM imports ORDER BY import_id").fetchall()
        return [ImportRecord(import_id=r[0], service=r[1], kind=r[2], source=r[3],
                             rows_read=r[4], rows_kept=r[5], dropped=r[6], imported_at=r[7],
                             source_size=r[8], source_sha256=r[9], mapping=r[10],
                             placeholders=r[11], set_aside=r[12], records=r[13],
                             future=r[14], cells_aside=r[15], naive_times=r[16])
                for r in rows]

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
        return self._has_table("rejects")

    def _has_table(self, name: str) -> bool:
        # bound into the text: DuckDB loads pandas on a connection's first bound parameter
        return bool(self.raw.execute(bound("SELECT count(*) FROM information_schema.tables "
                                           "WHERE table_name = ?", [name])).fetchone()[0])  # type: ignore[index]

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
