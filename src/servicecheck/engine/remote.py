"""Analysis where the data already live: a council's own event (and demand) table on
PostgreSQL, or a table (or Parquet files) on Spark, read in place through Ibis, nothing
copied. The table keeps its own column names; the service file's ``[columns]`` maps them,
exactly as on import, and every measure runs unchanged as SQL on that engine.

    servicecheck capability --backend postgresql://user@host/db --table repairs_events \\
        --service-file service.toml
    servicecheck report --backend spark:local[4] --table events.parquet \\
        --service-file service.toml -o check.html
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import unquote, urlparse

import ibis
import ibis.expr.types as ir
import sqlglot as sg
from ibis.backends import BaseBackend
from ibis.expr.types import Table

from servicecheck.engine.workspace import ANALYSIS_TIMEZONE, ImportRecord
from servicecheck.io.errors import InputError
from servicecheck.io.placeholders import PLACEHOLDER_ROLES, cleared
from servicecheck.service.model import Service

CANONICAL = ("case_id", "activity", "timestamp", "start_timestamp", "team", "resource",
             "citizen_ref", "need_id")
DEFAULT_NAMES = {"case": "case_id", "activity": "activity", "timestamp": "timestamp",
                 "start_timestamp": "start_timestamp", "team": "team", "resource": "resource",
                 "citizen_ref": "citizen_ref", "need": "need_id"}


def spark_session(url: str) -> Any:
    """A Spark session: ``spark`` or ``spark:local[N]`` on this machine, ``spark://host:7077``
    on a cluster, ``sc://host:15002`` through Spark Connect."""
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName("servicecheck")
    if url.startswith("sc://"):
        b = b.remote(url)
    else:
        master = url.split(":", 1)[1] if url.startswith("spark:") and not url.startswith(
            "spark://") else url if url.startswith("spark://") else "local[2]"
        b = b.master(master).config("spark.ui.enabled", "false")
        if master.startswith("local"):
            # on one machine everything stays on loopback: without the advertised host too,
            # shuffle blocks are fetched from the machine's own address and refused. The
            # driver is the executor here: the default 1 GB heap ran out collecting the needs
            # of 10M events (measured), so give it what SERVICECHECK_SPARK_MEMORY says.
            b = (b.config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.driver.host", "127.0.0.1")
                 .config("spark.driver.memory",
                         os.environ.get("SERVICECHECK_SPARK_MEMORY", "4g")))
    # results come to Python through Arrow, not row by row
    b = b.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    return (b.config("spark.sql.session.timeZone", "UTC")  # as DuckDB: analysis in UTC
            .getOrCreate())


def connect(url: str) -> BaseBackend:
    """An Ibis connection from a URL: postgresql://user:password@host:port/database, or a
    Spark master (``spark``, ``spark:local[4]``, ``spark://host:7077``, ``sc://host:15002``)."""
    if url == "spark" or url.startswith(("spark:", "sc://")):
        try:
            return ibis.pyspark.connect(spark_session(url))
        except ImportError:
            raise InputError("Spark is not installed", source="--backend",
                             fix="pip install 'servicecheck[spark]' (Java 17 is needed too)"
                             ) from None
    u = urlparse(url.replace("postgresql+psycopg://", "postgresql://"))
    if u.scheme not in ("postgresql", "postgres"):
        raise InputError(f"'{u.scheme}' is not a backend servicecheck reads in place",
                         source="--backend", fix="give a postgresql://user@host/db URL")
    try:
        return ibis.postgres.connect(host=u.hostname or "localhost", port=u.port or 5432,
                                     user=unquote(u.username or ""),
                                     password=unquote(u.password or "") or None,
                                     database=(u.path or "/").lstrip("/") or None)
    except Exception as exc:  # the driver's own errors vary; say it in one sentence
        raise InputError(f"the database cannot be reached ({str(exc).strip()[:160]})",
                         source=f"{u.hostname}:{u.port or 5432}",
                         fix="check the URL, that the server runs and the user may connect"
                         ) from None


def _register_files(con: BaseBackend, table: str) -> str:
    """On Spark a Parquet file or folder can stand for a table: read it as a view named after
    it (a table in the catalog is read by its name)."""
    import hashlib
    from pathlib import Path

    path = Path(table)
    if con.name != "pyspark" or not path.exists():
        return table
    # Ibis asks Spark's catalog for a view by its bare name, so the name is a plain
    # identifier whatever the file is called (O'Brien's "log".parquet), and one per file:
    # two services' events.parquet in two folders are two views, not one replacing the other
    stem = re.sub(r"[^a-z0-9_]+", "_", path.name.split(".")[0].lower()).strip("_") or "table"
    where = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    name = f"{stem}_{where}"
    session: Any = con._session  # the SparkSession behind Ibis
    # Spark parses the name as SQL: quoted by sqlglot's Spark dialect, never by hand
    session.read.parquet(str(path)).createOrReplaceTempView(
        sg.to_identifier(name, quoted=True).sql(dialect="spark"))
    return name


# The demands a measure reads, in the canonical shape: a council's demand table brings the
# columns it has (by these names); the others read as missing.
DEMAND_SCHEMA = ibis.schema({
    "demand_id": "string", "received_at": "timestamp('UTC')", "closed_at": "timestamp('UTC')",
    "channel": "string", "verbatim": "string", "demand_type": "string", "nature": "string",
    "failure_kind": "string", "first_point_resolved": "boolean", "case_id": "string",
    "citizen_ref": "string", "recorded_by": "string"})


class RemoteWorkspace:
    """A Reader (``engine.workspace``) over tables on another backend, read in place:
    one service's events (and demands) per table, and more services added with ``add``.
    Read-only: imports, labels and the web app's capture write to a DuckDB workspace."""

    timezone = ANALYSIS_TIMEZONE

    def __init__(self, con: BaseBackend, service: Service, events_table: str,
                 demands_table: str | None = None, order_column: str | None = None) -> None:
        """``order_column`` orders events with the same time (an event id); without it, ties
        are ordered by case and activity, which can differ from the source's own order."""
        self.con = con
        self._services: dict[str, tuple[Service, Table, Table]] = {}
        self.add(service, events_table, demands_table, order_column)

    def add(self, service: Service, events_table: str, demands_table: str | None = None,
            order_column: str | None = None) -> None:
        """Read another service's tables from the same backend: citizens meet a council, not
        a department, so joined-up measures ask for several services at once."""
        events_table = _register_files(self.con, events_table)
        demands_table = _register_files(self.con, demands_table) if demands_table else None
        names = self.con.list_tables()
        for t in (events_table, demands_table):
            if t is not None and t not in names:
                raise InputError(f"there is no table '{t}'", source="--table",
                                 fix=f"the tables are: {', '.join(sorted(names)[:20])}")
        events = _canonical_events(self.con.table(events_table), service, order_column)
        demands = _canonical_demands(
            self.con.table(demands_table) if demands_table else None, service)
        self._services[service.key] = (service, events, demands)

    @property
    def source(self) -> str:
        return f"tables read in place on {self.con.name}"

    def events(self, service: str | None = None) -> Table:
        return self._union([self._held(k)[1] for k in self._keys(service)])

    def demands(self, service: str | None = None) -> Table:
        return self._union([self._held(k)[2] for k in self._keys(service)])

    def services(self) -> list[str]:
        return sorted(self._services)

    def service(self, key: str | None = None) -> Service:
        if key is None and len(self._services) > 1:
            raise InputError("several services are read in place", source="--backend",
                             fix=f"name one ({', '.join(self.services())})")
        return self._held(key or next(iter(self._services)))[0]

    def import_log(self) -> list[ImportRecord]:
        return []  # read in place: nothing was imported

    def close(self) -> None:
        self.con.disconnect()

    def __enter__(self) -> RemoteWorkspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _keys(self, service: str | None) -> list[str]:
        return [service] if service else self.services()

    def _held(self, key: str) -> tuple[Service, Table, Table]:
        if key not in self._services:
            raise InputError(f"no service {key!r} is read in place", source="--backend",
                             fix=f"name one of: {', '.join(self.services())}")
        return self._services[key]

    @staticmethod
    def _union(tables: list[Table]) -> Table:
        first, *rest = tables
        return first.union(*rest) if rest else first


def _canonical_events(t: Table, service: Service, order_column: str | None) -> Table:
    """The source's events in the canonical shape, its own columns mapped by the service
    file; columns that are not canonical (a priority, a property) come along unchanged."""
    mapping = {**DEFAULT_NAMES, **{k: v for k, v in service.columns.items()
                                   if k in DEFAULT_NAMES}}
    if service.team_column and "team" not in service.columns:
        mapping["team"] = service.team_column
    cols: dict[str, ir.Value] = {}
    for role, canonical in DEFAULT_NAMES.items():
        source = mapping[role]
        if source in t.columns:
            value = t[source]
            cols[canonical] = value.cast("string") if canonical not in (
                "timestamp", "start_timestamp") else value
            if role in PLACEHOLDER_ROLES:  # "EMPTY" is no team: as on import, it is missing
                cols[canonical] = cleared(cols[canonical])
        elif role in ("case", "activity", "timestamp"):
            raise InputError(f"the table has no column '{source}' for the {role}",
                             source="--table", column=source,
                             fix="map it under [columns] in the service file")
        else:
            cols[canonical] = ibis.null().cast(
                "timestamp('UTC')" if canonical == "start_timestamp" else "string")
    if "team" not in service.columns and service.activity_teams:
        cols["team"] = t[mapping["activity"]].cast("string").substitute(
            service.activity_teams, else_=ibis.null().cast("string"))
    taken = {*mapping.values(), *CANONICAL, "service", "event_index"}
    extra = {c: t[c] for c in t.columns if c not in taken}
    order = ([t[order_column]] if order_column else
             [t[mapping["timestamp"]], t[mapping["case"]], t[mapping["activity"]]])
    keep = (t[mapping["case"]].notnull() & cols["activity"].notnull()
            & t[mapping["timestamp"]].notnull())
    return t.filter(keep).select(
        service=ibis.literal(service.key), **cols, **extra,
        event_index=ibis.row_number().over(order_by=order))


def _canonical_demands(t: Table | None, service: Service) -> Table:
    """The source's demands in the canonical shape; without a table, none (an empty table
    of that shape, which Ibis puts on the backend where a query needs it)."""
    if t is None:
        t = ibis.memtable(DEMAND_SCHEMA.to_pyarrow().empty_table())
    cols = {c: (t[c].cast(typ) if c in t.columns else ibis.null().cast(typ))
            for c, typ in DEMAND_SCHEMA.items()}
    return t.select(service=ibis.literal(service.key), **cols)
