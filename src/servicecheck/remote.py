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
from typing import Any
from urllib.parse import unquote, urlparse

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from servicecheck.engine import Workspace
from servicecheck.io.errors import InputError
from servicecheck.service import Service

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


def connect(url: str) -> Any:
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


def _register_files(con: Any, table: str) -> str:
    """On Spark a Parquet file or folder can stand for a table: read it as a view named after
    it (a table in the catalog is read by its name)."""
    from pathlib import Path

    path = Path(table)
    if con.name != "pyspark" or not path.exists():
        return table
    name = path.name.split(".")[0].replace("-", "_")
    con._session.read.parquet(str(path)).createOrReplaceTempView(name)
    return name


class RemoteWorkspace(Workspace):
    """A workspace whose events (and demands) are tables on another backend, read in place.
    Read-only: imports, labels and the web app's capture write to a DuckDB workspace."""

    def __init__(self, con: Any, service: Service, events_table: str,
                 demands_table: str | None = None, order_column: str | None = None) -> None:
        """``order_column`` orders events with the same time (an event id); without it, ties
        are ordered by case and activity, which can differ from the source's own order."""
        self.path = None
        self.con = con
        self._service = service
        events_table = _register_files(con, events_table)
        demands_table = _register_files(con, demands_table) if demands_table else None
        names = con.list_tables()
        for t in (events_table, demands_table):
            if t is not None and t not in names:
                raise InputError(f"there is no table '{t}'", source="--table",
                                 fix=f"the tables are: {', '.join(sorted(names)[:20])}")
        self._events = self._canonical(con.table(events_table), order_column)
        self._demands = con.table(demands_table) if demands_table else None

    def _canonical(self, t: Table, order_column: str | None) -> Table:
        mapping = {**DEFAULT_NAMES, **{k: v for k, v in self._service.columns.items()
                                       if k in DEFAULT_NAMES}}
        if self._service.team_column and "team" not in self._service.columns:
            mapping["team"] = self._service.team_column
        cols: dict[str, Any] = {}
        for role, canonical in DEFAULT_NAMES.items():
            source = mapping[role]
            if source in t.columns:
                value = t[source]
                cols[canonical] = value.cast("string") if canonical not in (
                    "timestamp", "start_timestamp") else value
            elif role in ("case", "activity", "timestamp"):
                raise InputError(f"the table has no column '{source}' for the {role}",
                                 source="--table", column=source,
                                 fix="map it under [columns] in the service file")
            else:
                cols[canonical] = ibis.null().cast(
                    "timestamp('UTC')" if canonical == "start_timestamp" else "string")
        if "team" not in self._service.columns and self._service.activity_teams:
            cols["team"] = t[mapping["activity"]].cast("string").substitute(
                self._service.activity_teams, else_=ibis.null().cast("string"))
        order = ([t[order_column]] if order_column else
                 [t[mapping["timestamp"]], t[mapping["case"]], t[mapping["activity"]]])
        keep = (t[mapping["case"]].notnull() & t[mapping["activity"]].notnull()
                & t[mapping["timestamp"]].notnull())
        return t.filter(keep).select(
            service=ibis.literal(self._service.key), **cols,
            event_index=ibis.row_number().over(order_by=order))

    # -- reading, as a DuckDB workspace reads ---------------------------------------------
    def events(self, service: str | None = None) -> Table:
        return self._events

    def demands(self, service: str | None = None) -> Table:
        if self._demands is not None:
            return self._demands
        # no demand table: an empty one, of the canonical shape
        empty = ibis.memtable(pa.schema([
            ("service", pa.string()), ("demand_id", pa.string()),
            ("received_at", pa.timestamp("us", tz="UTC")), ("channel", pa.string()),
            ("verbatim", pa.string()), ("demand_type", pa.string()), ("nature", pa.string()),
            ("failure_kind", pa.string()), ("first_point_resolved", pa.bool_()),
            ("case_id", pa.string()), ("citizen_ref", pa.string()),
            ("recorded_by", pa.string())]).empty_table())
        self._demands = empty  # Ibis puts it on the backend where a query needs it
        return self._demands

    def services(self) -> list[str]:
        return [self._service.key]

    def service(self, key: str | None = None) -> Service:
        return self._service

    def import_log(self) -> list[dict[str, Any]]:
        return []

    def close(self) -> None:
        self.con.disconnect()
