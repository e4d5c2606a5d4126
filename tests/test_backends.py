"""The same analysis on DuckDB, on a council's own table in PostgreSQL and on Spark local[2]
(read in place through Ibis, nothing copied), asserting identical results, for real logs and
every core measure."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import import_events
from servicecheck.capability import capability, needs
from servicecheck.cli import app
from servicecheck.engine import Workspace
from servicecheck.flow.dfg import case_durations, directly_follows, start_end_activities
from servicecheck.flow.handoffs import handoff_matrix
from servicecheck.flow.rework import rework
from servicecheck.flow.variants import variants
from servicecheck.remote import RemoteWorkspace, connect
from servicecheck.service import Service

from .conftest import DATA, ROOT, fresh_postgres_database

LOGS = [("sepsis", "sepsis_hospital.csv.gz"),
        ("road-traffic-fines", "road_traffic_fines_first10k_cases.csv.gz")]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url, drop = fresh_postgres_database()
    yield url
    drop()  # type: ignore[operator]


def load_into_postgres(url: str, log: str, table: str) -> None:
    """The log as a council would hold it: its own column names, and an event id."""
    import psycopg

    df = pd.read_csv(DATA / log)
    df.insert(0, "event_id", range(len(df)))
    types = {"event_id": "bigint", "timestamp": "timestamptz"}
    cols = ", ".join(f'"{c}" {types.get(c, "text")}' for c in df.columns)
    buf = io.StringIO()
    df.to_csv(buf, index=False, header=False)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as c:
        c.execute(f'DROP TABLE IF EXISTS "{table}"')
        c.execute(f'CREATE TABLE "{table}" ({cols})')
        with c.cursor().copy(f'COPY "{table}" FROM STDIN WITH (FORMAT csv)') as copy:
            copy.write(buf.getvalue())


def as_parquet(log: str, folder: Path) -> Path:
    """The log as Parquet files a Spark job would read: text columns, UTC times, an event id."""
    df = pd.read_csv(DATA / log, dtype=str)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    df.insert(0, "event_id", range(len(df)))
    path = folder / f"{log.split('.')[0]}.parquet"
    df.to_parquet(path)
    return path


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    con = connect("spark:local[2]")
    yield con
    con._session.stop()


BACKENDS = [(b, log) for b in ("postgresql", "spark") for log in LOGS]


@pytest.fixture(scope="module", params=BACKENDS, ids=[f"{b}-{x[0]}" for b, x in BACKENDS])
def both(request: pytest.FixtureRequest, database: str, spark: Any,
         tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Workspace, Workspace, Service]]:
    backend, (example, log) = request.param
    svc = Service.load(ROOT / "examples" / example / "service.toml")
    if backend == "postgresql":
        table = example.replace("-", "_") + "_events"
        load_into_postgres(database, log, table)
        remote = RemoteWorkspace(connect(database), svc, table, order_column="event_id")
    else:
        path = as_parquet(log, tmp_path_factory.mktemp("spark"))
        remote = RemoteWorkspace(spark, svc, str(path), order_column="event_id")
    local = Workspace()
    import_events(local, DATA / log, service=svc)
    yield local, remote, svc
    if backend == "postgresql":
        remote.close()
    local.close()


def same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert a.columns.tolist() == b.columns.tolist() and len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind == "f":
            # the same arithmetic, summed in another order on another server: equal to 1e-12
            assert np.allclose(x, y, rtol=1e-12, atol=1e-9, equal_nan=True), col
        elif x.dtype.kind == "M" or str(x.dtype).startswith("datetime"):
            assert (x.fillna(pd.Timestamp(0, tz="UTC")) == y.fillna(pd.Timestamp(0, tz="UTC"))
                    ).all(), col
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), col


MEASURES: list[tuple[str, Callable[[Workspace, Service], Any], list[str]]] = [
    ("needs", lambda ws, s: needs(ws, s), ["need_id"]),
    ("directly-follows", lambda ws, s: directly_follows(ws.events(s.key)), ["source", "target"]),
    ("case durations", lambda ws, s: case_durations(ws.events(s.key)), ["case_id"]),
    # rank among variants with equal counts is arbitrary; the set of variants is not
    ("variants", lambda ws, s: variants(ws.events(s.key)).drop(
        columns=["rank", "cumulative_coverage"]), ["cases", "activities"]),
    ("rework", lambda ws, s: rework(ws.events(s.key)), ["activity"]),
    ("hand-offs", lambda ws, s: handoff_matrix(ws.events(s.key)), ["holder", "next_holder"]),
]


@pytest.mark.parametrize(("name", "measure", "keys"), MEASURES, ids=[m[0] for m in MEASURES])
def test_identical_on_duckdb_and_postgresql(both: tuple[Workspace, Workspace, Service],
                                            name: str, measure: Callable[..., Any],
                                            keys: list[str]) -> None:
    local, remote, svc = both
    a, b = measure(local, svc), measure(remote, svc)
    if name == "variants":  # lists of activities compare as text
        a["activities"], b["activities"] = a["activities"].map(tuple), b["activities"].map(tuple)
    same(a, b, keys)
    assert len(a) > 5


def test_start_end_and_capability_identical(both: tuple[Workspace, Workspace, Service]
                                            ) -> None:
    local, remote, svc = both
    assert start_end_activities(local.events(svc.key)) == start_end_activities(remote.events())
    a, b = capability(local, svc), capability(remote, svc)
    assert np.allclose(a.chart.values, b.chart.values, rtol=1e-12)
    assert [v for lim in a.chart.limits for v in (lim.centre, lim.upper)] == pytest.approx(
        [v for lim in b.chart.limits for v in (lim.centre, lim.upper)], rel=1e-12)
    from servicecheck.capability import findings
    from servicecheck.narrative.words import say_all, voice_for

    voice = voice_for(svc, findings(a))
    assert say_all(findings(a), voice) == say_all(findings(b), voice)


def test_commands_read_a_table_in_place(database: str, spark: Any, tmp_path: Path) -> None:
    load_into_postgres(database, "sepsis_hospital.csv.gz", "sepsis_cli")
    service = str(ROOT / "examples" / "sepsis" / "service.toml")
    base = ["--backend", database, "--table", "sepsis_cli", "--order-column", "event_id",
            "--service-file", service]
    runner = CliRunner()
    r = runner.invoke(app, ["capability", *base])
    assert r.exit_code == 0, r.output
    assert "or less from ER Registration" in " ".join(r.output.split())
    for command, words in [("flow", "at the median"), ("targets", "patients on time"),
                           ("costs", "Not costed"),
                           ("demand", "No demand has been imported")]:
        r = runner.invoke(app, [command, *base])
        assert r.exit_code == 0, (command, r.output)
        assert words in " ".join(r.output.split()), command
    r = runner.invoke(app, ["report", *base, "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    assert "Check report" in r.output and (tmp_path / "r.html").stat().st_size > 50_000
    r = runner.invoke(app, ["capability", "--backend", database, "--table", "nope",
                            "--service-file", service])
    assert r.exit_code == 2 and "there is no table 'nope'" in r.output
    # Spark reads Parquet files as the table (the session above is reused)
    parquet = as_parquet("sepsis_hospital.csv.gz", tmp_path)
    r = runner.invoke(app, ["capability", "--backend", "spark:local[2]", "--table",
                            str(parquet), "--order-column", "event_id", "--service-file",
                            service])
    assert r.exit_code == 0, r.output
    assert "days from" in r.output
