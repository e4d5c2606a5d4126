"""Open the store (SQLite file by default, PostgreSQL by URL) and bring its tables up to date."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from servicecheck.io.errors import InputError
from servicecheck.store import schema


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def database_url(text: str) -> str:
    """A URL, or a path to a SQLite file."""
    if "://" in text:
        if text.startswith("postgresql://"):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + text[len("postgresql://"):]
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets the board read while captures write; NORMAL keeps every committed capture
    # through a crash of the server process (only a power cut may lose the last commits);
    # a busy timeout makes concurrent writers queue instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


@dataclass
class Store:
    engine: sa.Engine
    url: str
    # SQLite takes one writer at a time; writers that find it busy back off in sleeps of up to
    # 100 ms. Queueing them here instead, in the process, keeps a capture's wait to the
    # writes ahead of it (measured: p99 1.9 s -> see benchmarks/RESULTS.md).
    _write_lock: threading.Lock | None = None

    @contextlib.contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """A write transaction: committed when the block ends, rolled back on error."""
        if self._write_lock is None:
            with self.engine.begin() as c:
                yield c
            return
        with self._write_lock, self.engine.begin() as c:
            yield c

    def audit(self, actor: str, action: str, detail: str) -> None:
        with self.writing() as c:
            c.execute(schema.audit.insert().values(at=now(), actor=actor, action=action,
                                                   detail=detail))

    def audit_log(self, limit: int = 200) -> list[sa.Row[Any]]:
        with self.engine.connect() as c:
            return list(c.execute(schema.audit.select().order_by(schema.audit.c.id.desc())
                                  .limit(limit)))

    def close(self) -> None:
        self.engine.dispose()


def head_revision() -> str:
    """The newest migration's revision: the files are numbered, and each revision is its
    number ("0003_....py" is revision "0003"; a test holds Alembic to this)."""
    versions = resources.files("servicecheck.store").joinpath("migrations", "versions")
    return max(f.name.split("_", 1)[0] for f in versions.iterdir()
               if f.name[:1].isdigit() and f.name.endswith(".py"))


def at_head(engine: sa.Engine) -> bool:
    """Whether the store is migrated already: then Alembic (most of a second to load) is not
    started at all."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return False
        found = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    return [r[0] for r in found] == [head_revision()]


def migrate(engine: sa.Engine) -> None:
    """Run every Alembic revision not yet applied (at each start of the app)."""
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("servicecheck.store").joinpath("migrations")))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (0600), whatever the umask,
    before SQLite opens it: the store holds citizens' words and password hashes. SQLite
    creates its -wal and -shm files with the database file's permissions. An existing file
    keeps the permissions its admin gave it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def open_store(url: str, *, run_migrations: bool = True) -> Store:
    """Connect and migrate. ``url`` is a SQLAlchemy URL or a path to a SQLite file."""
    full = database_url(url)
    if full.startswith("sqlite"):
        file = full.split("?")[0].removeprefix("sqlite:///")
        if full.startswith("sqlite:///") and file and file != ":memory:":
            private_file(Path(file))
        engine = sa.create_engine(full, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # At least as many pooled connections as the web app has request threads (16): an
        # overflow connection is closed when returned, and opening PostgreSQL connections
        # under load put 100+ ms on the slowest captures (measured). No pre-ping: a round
        # trip per request; stale connections are recycled instead.
        engine = sa.create_engine(full, pool_size=16, max_overflow=8, pool_recycle=1800)
    try:
        if run_migrations:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise InputError(f"the database cannot be opened ({str(exc.orig).strip()[:160]})",
                         source=url.split("@")[-1],
                         fix="check the URL, that the server runs and the user may connect"
                         ) from None
    return Store(engine, full, threading.Lock() if full.startswith("sqlite") else None)
