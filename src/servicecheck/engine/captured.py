"""Demand captured in the web app, analysed where it is stored.

The web app's store (SQLite or PostgreSQL) is where the front line's captures live: it takes
many writers at once, which a DuckDB workspace file does not (a report being built would lock
capture out). So the workspace does not copy captures in; it remembers which store holds a
service's captured demand (``link_capture``, done by ``servicecheck serve``), and its
``demands()`` reads that store and joins its rows to the imported demand, once each time a
workspace is opened. The report, the dashboards and the CLI thus see every capture at once, with no
export and import, and each capture once: a capture that was also exported to CSV and
imported (the old way) is dropped from the imported rows in favour of the store's, which
carries any later correction.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from servicecheck.io.errors import InputError
from servicecheck.service.model import Service

if TYPE_CHECKING:
    from servicecheck.engine.workspace import Workspace

# each open workspace's captures, read from the store once (None: no store linked)
_READ: weakref.WeakKeyDictionary[Workspace, Table | None] = weakref.WeakKeyDictionary()


# where each service's demand captured in the web app is stored: made by the first link
LINKS_DDL = ("CREATE TABLE IF NOT EXISTS capture_stores (service VARCHAR PRIMARY KEY, "
             "url VARCHAR NOT NULL)")


def capture_links(ws: Workspace) -> dict[str, str]:
    """Service key -> URL of the store holding its captured demand."""
    have = ws.raw.execute("SELECT count(*) FROM information_schema.tables "
                          "WHERE table_name = 'capture_stores'").fetchone()
    if not have or not have[0]:  # a workspace made before links, opened read-only
        return {}
    return dict(ws.raw.execute("SELECT service, url FROM capture_stores").fetchall())


def link_capture(ws: Workspace, service: Service, database: str) -> None:
    """Remember that ``database`` (the web app's store) holds this service's captured demand:
    from then on the workspace's ``demands()`` reads it there."""
    url = link_url(database)
    if service.key not in ws.services():
        ws.save_service(service)

    def work() -> None:
        ws.raw.execute(LINKS_DDL)
        ws.raw.execute("DELETE FROM capture_stores WHERE service = ?", [service.key])
        ws.raw.execute("INSERT INTO capture_stores VALUES (?, ?)", [service.key, url])

    ws.transaction(work)
    _READ.pop(ws, None)


def stores_words(ws: Workspace) -> str:
    """Where the captures are, for the words naming where the data live."""
    stores = sorted({url.split("@")[-1].removeprefix("sqlite:///")
                     for url in capture_links(ws).values()})
    return f" with the demand captured in {', '.join(stores)}" if stores else ""


def imported_demands(ws: Workspace, service: str | None = None) -> Table:
    """Only the demand imported into the workspace, not the linked store's captures."""
    t = ws.con.table("demands")
    return t.filter(t.service == service) if service else t


def with_captures(ws: Workspace, imported: Table, service: str | None = None) -> Table:
    """The imported demand (of one service, or all) joined by the linked stores' captures
    (as it is, where no store is linked)."""
    if ws not in _READ:
        links = capture_links(ws)
        table = None
        if links:
            ws.raw.register("__captured", read_captured(links, former_keys(ws)))
            table = ws.con.table("__captured")
        _READ[ws] = table
    captured = _READ[ws]
    t = imported if captured is None else merged(imported, captured)
    return ws.service_filter(t, service)


def link_url(database: str) -> str:
    """The store's URL as a workspace keeps it: a SQLite file by its full path, a server's URL
    without its password (the reader then needs PGPASSWORD or a .pgpass file, as psql does):
    a workspace file is shared more freely than a password should be."""
    import sqlalchemy as sa  # only here: every workspace reads this module, few link a store

    from servicecheck.store.db import database_url

    url = sa.make_url(database_url(database))
    if url.password is None:
        return url.render_as_string(hide_password=False)
    # URL.set(password=None) keeps the password: build the URL again without it
    return sa.engine.URL.create(url.drivername, username=url.username, host=url.host,
                                port=url.port, database=url.database, query=url.query
                                ).render_as_string(hide_password=False)


def former_keys(ws: Workspace) -> dict[str, str]:
    """Each stored service's key -> the key the former rule gave its name, where that differs
    (``Service.former_key``): a store the web app has not opened since may hold it so."""
    rows = ws.raw.execute("SELECT service, name FROM services").fetchall()
    return {key: old for key, name in rows
            if (old := Service(name=name or key).former_key) and old != key}


def read_captured(links: dict[str, str], former: dict[str, str] | None = None) -> pa.Table:
    """The captured demand of each linked service (service key -> store URL), in the
    workspace's demand columns; demand a store holds under a service's former key
    (``former``: key -> former key) is read as the service's."""
    import pyarrow.compute as pc

    former = former or {}
    from servicecheck.store import open_store
    from servicecheck.store.capture import canonical_demands

    parts = []
    by_store: dict[str, list[str]] = {}
    for service, url in links.items():
        by_store.setdefault(url, []).extend([service, *([former[service]]
                                                        if service in former else [])])
    for url, services in by_store.items():
        try:
            store = open_store(url, run_migrations=False)
        except InputError as exc:
            raise InputError(f"the demand captured for {', '.join(services)} cannot be read "
                             f"({exc.args[0] if exc.args else exc})", source=url.split("@")[-1],
                             fix="start the database, or check the file is where "
                             "'servicecheck serve' had it") from None
        try:
            parts.append(canonical_demands(store, services))
        finally:
            store.close()
    table = pa.concat_tables(parts)
    for key, old in former.items():
        at = table.schema.get_field_index("service")
        table = table.set_column(at, "service", pc.if_else(
            pc.equal(table["service"], old), key, table["service"]))
    return table


def merged(imported: Table, captured: Table) -> Table:
    """Imported and captured demand as one table in the imported table's columns. An imported
    row that is a capture exported before (same service, words and second received) is left
    out: the capture counts once, as the store now has it."""
    c = captured
    again = [imported.service == c.service, imported.verbatim == c.verbatim,
             imported.received_at.truncate("s") == c.received_at.truncate("s")]
    # the stored table's NOT NULL columns would not match the captures' types in a union
    schema = {name: dtype.copy(nullable=True) for name, dtype in imported.schema().items()}
    kept = imported.anti_join(c, again).select(
        **{name: imported[name].cast(dtype) for name, dtype in schema.items()})
    added = c.select(**{name: c[name].cast(dtype) if name in c.columns else
                        ibis.null(dtype) for name, dtype in schema.items()})
    return kept.union(added)
