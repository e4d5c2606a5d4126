"""Captured demand, users, sessions, integration tokens and the audit log, in SQLite (WAL) or
PostgreSQL through SQLAlchemy, with Alembic migrations from the first table."""

from servicecheck.store.db import Store, open_store

__all__ = ["Store", "open_store"]
