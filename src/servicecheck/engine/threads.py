"""DuckDB on one thread for small work, agreed between everyone using the database.

DuckDB's `threads` belongs to the database, shared by every connection to it in this process,
not to a connection. Inserting fewer rows than a row group, threads only add partial row
groups to merge: measured on the real PermitLog XES (81k events, 170 columns), 0.25 s on one
thread, 0.48-0.52 s on two; the whole import 3.0-3.7 s of CPU against 5.3-5.6 s under load
14. Reading a workspace that small, two threads wait on each other: the flow command's
queries over a 50k-event log took 0.18 s of CPU on one thread against 0.26 s on two, its
whole work 0.5-0.6 s against 0.6-0.7 s (wall 0.75-1.5 s against 1.5-2.1 s at load 6-7).

The first user to need one thread sets it and the last one done puts back what the first
found, so work running together never leaves the database on one thread. Other reads of
the same file in this process meanwhile run on one thread too (slower, never different).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

__all__ = ["ROW_GROUP", "one_thread_if_small"]

# DuckDB's rows per row group, its unit of parallel writing
ROW_GROUP = 122_880
# per database (its file, or an in-memory one): (users, the setting before the first)
_lock = threading.Lock()
_users: dict[str, tuple[int, int]] = {}


@contextmanager
def one_thread_if_small(con: duckdb.DuckDBPyConnection, database: str, rows: int
                        ) -> Iterator[None]:
    """DuckDB on one thread while the block runs, if it handles fewer ``rows`` than a row
    group; ``database`` names the database ``con`` is a connection to."""
    if rows >= ROW_GROUP:
        yield
        return
    with _lock:
        users, before = _users.get(database, (0, 0))
        if users == 0:
            row = con.execute("SELECT current_setting('threads')").fetchone()
            before = int(row[0]) if row else 1
            con.execute("SET threads = 1")
        _users[database] = (users + 1, before)
    try:
        yield
    finally:
        with _lock:
            users, before = _users.pop(database)
            if users == 1:
                con.execute(f"SET threads = {int(before)}")
            else:
                _users[database] = (users - 1, before)
