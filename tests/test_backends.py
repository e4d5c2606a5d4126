"""The same analysis on DuckDB, on a council's own tables in PostgreSQL and on Spark local[2]
(read in place through Ibis, nothing copied), asserting identical results for every measure
(flow, capability, demand, targets, economics, joined-up) on two real logs and the
generators' synthetic services."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from ibis.backends import BaseBackend
from typer.testing import CliRunner

from servicecheck import import_events, spc
from servicecheck.cli import app
from servicecheck.demand.analysis import (
    failure_share,
    one_stop,
    pareto,
    per_period,
    predictability,
    yearly_failure_cost,
)
from servicecheck.engine.remote import RemoteWorkspace, connect
from servicecheck.engine.workspace import Reader, Workspace
from servicecheck.flow.dfg import case_durations, directly_follows, start_end_activities
from servicecheck.flow.handoffs import handoff_matrix
from servicecheck.flow.rework import rework
from servicecheck.flow.variants import variants
from servicecheck.generators.benefits import load_pair
from servicecheck.generators.load import load_repairs
from servicecheck.measures import joined_up as ju
from servicecheck.measures.capability import Capability, capability
from servicecheck.measures.capability import findings as capability_findings
from servicecheck.measures.economics import economics
from servicecheck.measures.needs import needs
from servicecheck.measures.targets import target_view
from servicecheck.narrative.words import say_all, voice_for
from servicecheck.service.model import Service

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
def spark() -> Iterator[BaseBackend]:
    con = connect("spark:local[2]")
    yield con
    con._session.stop()


def canonical_copy(local: Workspace, key: str, kind: str) -> pa.Table:
    """One service's canonical table from a DuckDB workspace, as a council would hold it."""
    return local.raw.execute(f"SELECT * FROM {kind} WHERE service = ?", [key]).to_arrow_table()


def read_in_place(backend: str, con: BaseBackend, local: Workspace, services: list[Service],
                  folder: Path) -> RemoteWorkspace:
    """The services' canonical tables put on the backend (a PostgreSQL table, Parquet files
    for Spark) and read in place. The tables already have the canonical names, so the
    service files' column mappings are left out."""
    remote: RemoteWorkspace | None = None
    for svc in services:
        tables = []
        for kind in ("events", "demands"):
            name = f"{svc.key.replace('-', '_')}_{kind}"
            data = canonical_copy(local, svc.key, kind)
            if backend == "postgresql":
                con.create_table(name, data, overwrite=True)
                tables.append(name)
            else:
                path = folder / f"{name}.parquet"
                pq.write_table(data, path)
                tables.append(str(path))
        plain = replace(svc, columns={}, team_column=None, activity_teams={})
        if remote is None:
            remote = RemoteWorkspace(con, plain, tables[0], tables[1],
                                     order_column="event_index")
        else:
            remote.add(plain, tables[0], tables[1], order_column="event_index")
    assert remote is not None
    return remote


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Workspace]]:
    """The generators' services, small: housing repairs, and the benefits pair (two services,
    one citizen across them)."""
    folder = tmp_path_factory.mktemp("synthetic")
    os.environ.setdefault("SERVICECHECK_SALT_FILE", str(folder / "salt"))
    repairs = load_repairs(folder / "repairs", events=6000, seed=2).workspace
    pair = Workspace()
    load_pair(folder / "pair", pair, citizens=300, seed=3)
    yield {"repairs": repairs, "benefits-pair": pair}
    repairs.close()
    pair.close()


DATASETS = ["sepsis", "road-traffic-fines", "repairs", "benefits-pair"]
BACKENDS = [(b, d) for b in ("postgresql", "spark") for d in DATASETS]


@pytest.fixture(scope="module", params=BACKENDS, ids=[f"{b}-{d}" for b, d in BACKENDS])
def both(request: pytest.FixtureRequest, database: str, spark: BaseBackend,
         synthetic: dict[str, Workspace], tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Reader, Reader, list[Service]]]:
    """The same services on DuckDB and, read in place, on PostgreSQL or Spark local[2]."""
    backend, dataset = request.param
    con = connect(database) if backend == "postgresql" else spark
    folder = tmp_path_factory.mktemp(backend)
    local: Workspace
    if dataset in synthetic:
        local = synthetic[dataset]
        services = [local.service(k) for k in local.services()]
        remote = read_in_place(backend, con, local, services, folder)
    else:
        # a real log as a council holds it: its own column names and an event id
        log = dict(LOGS)[dataset]
        services = [Service.load(ROOT / "examples" / dataset / "service.toml")]
        if backend == "postgresql":
            table = dataset.replace("-", "_") + "_events"
            load_into_postgres(database, log, table)
        else:
            table = str(as_parquet(log, folder))
        remote = RemoteWorkspace(con, services[0], table, order_column="event_id")
        local = Workspace()
        import_events(local, DATA / log, service=services[0])
    yield local, remote, services
    if backend == "postgresql":
        remote.close()
    if dataset not in synthetic:
        local.close()


def same(a: pd.DataFrame, b: pd.DataFrame, name: str) -> None:
    """Equal tables whatever order the engine returned the rows in: sorted by every column
    that is not a float, floats equal to 1e-12 (the same sums in another order)."""
    keys = [c for c in a.columns if a[c].dtype.kind not in "fc"]
    if keys:
        a = a.sort_values(keys, kind="stable").reset_index(drop=True)
        b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    assert a.columns.tolist() == b.columns.tolist() and len(a) == len(b), name
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind == "f":
            assert np.allclose(x, y, rtol=1e-12, atol=1e-9, equal_nan=True), (name, col)
        elif x.dtype.kind == "M" or str(x.dtype).startswith("datetime"):
            assert (x.fillna(pd.Timestamp(0, tz="UTC")) == y.fillna(pd.Timestamp(0, tz="UTC"))
                    ).all(), (name, col)
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), (name, col)


def table(**values: object) -> pd.DataFrame:
    """Figures that are not tables, as a one-row table to compare like the others."""
    return pd.DataFrame([values])


def chart_table(chart: spc.Chart) -> pd.DataFrame:
    return pd.DataFrame({"label": list(chart.labels), "value": chart.values})


def flow_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    ev = ws.events(svc.key)
    starts, ends = start_end_activities(ev)
    # rank among variants with equal counts is arbitrary; the set of variants is not
    v = variants(ev).drop(columns=["rank", "cumulative_coverage"])
    v["activities"] = v["activities"].map(tuple)
    return {"directly-follows": directly_follows(ev), "case durations": case_durations(ev),
            "variants": v, "rework": rework(ev), "hand-offs": handoff_matrix(ev),
            "start and end": table(starts=str(sorted(starts.items())),
                                   ends=str(sorted(ends.items())))}


def capability_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    cap = capability(ws, svc)
    return {"needs": needs(ws, svc), "capability chart": chart_table(cap.chart),
            "capability limits": pd.DataFrame([vars(lim) for lim in cap.chart.limits]),
            "capability in words": table(words=" ".join(capability_words(cap, svc)))}


def capability_words(cap: Capability, svc: Service) -> list[str]:
    found = capability_findings(cap)
    return say_all(found, voice_for(svc, found))


def demand_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    d = ws.demands(svc.key)
    kinds = predictability(d, "W", min_total=5)
    return {"failure share": failure_share(d), "by channel": failure_share(d, by="channel"),
            "by week": per_period(d, "W"), "pareto": pareto(d),
            "predictability": pd.DataFrame([(k.demand_type, k.nature, k.per_period_mean,
                                             k.predictable) for k in kinds]),
            "one stop and cost": table(one_stop=one_stop(d), **dict(zip(
                ("failures_a_year", "cost_a_year"),
                yearly_failure_cost(d, {"phone": 6.0, "web": 4.0}, 0.5), strict=True)))}


def target_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    if svc.targets is None:
        return {}
    from servicecheck.measures import regulators
    from servicecheck.measures.clocks import clock_choices, clock_sensitivity

    v = target_view(ws, svc)
    choices = clock_choices(svc)
    sens = clock_sensitivity(ws, svc, starts=choices.starts, stops=choices.stops,
                             pause=choices.pause)
    return {"orders": v.orders, "regime": v.regime, "citizen": v.citizen,
            "mechanisms": v.mechanisms, "where the days go": v.where_days,
            "clock sensitivity": sens.table, "TSM RP02": regulators.tsm_rp02(v, svc)}


def clock_choice_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    from servicecheck.measures.clock_choice import clock_choices

    choices, total = clock_choices(ws, svc)
    return {"where the clock may stop": choices.assign(needs_in_all=total)}


def economics_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    e = economics(ws, svc)
    return {"cost per need": e.per_need, "transactions": e.transactions,
            "cost per period": e.per_period, "failure by type": e.failure_by_type,
            "waste by step": e.waste_by_step, "a year": table(**e.per_year),
            "cost charts": pd.concat([chart_table(e.need_chart), chart_table(e.contact_chart)])}


def overview_results(ws: Reader, svc: Service) -> dict[str, pd.DataFrame]:
    from servicecheck.measures.overview import measure_charts

    rows = measure_charts(ws, svc)
    if not rows:
        return {}
    return {"summary charts": pd.concat([chart_table(r.chart).assign(key=r.key)
                                         for r in rows], ignore_index=True)}


def joined_up_results(ws: Reader, services: list[Service]) -> dict[str, pd.DataFrame]:
    if len(services) < 2:
        return {}
    a, b = services[0].key, services[1].key
    window = ju.Window(min_open_days=28)
    per_citizen = ju.services_per_citizen(ws)
    someone = per_citizen.sort_values("citizen_ref")["citizen_ref"].iloc[0]
    return {"cross matrix": ju.cross_matrix(ws, window),
            "cross failure": ju.cross_failure(ws, a, b, window),
            "per month": ju.per_month(ws, a, b, window).astype({"month": str}),
            "services per citizen": per_citizen,
            "followed by": table(share=ju.followed_by(ws, a, b, 365)),
            "journey": ju.journey(ws, someone)}


def every_measure(ws: Reader, services: list[Service]) -> dict[str, pd.DataFrame]:
    out = {}
    for svc in services:
        for part in (flow_results, capability_results, demand_results, target_results,
                     economics_results, overview_results, clock_choice_results):
            out |= {f"{svc.key}: {k}": v for k, v in part(ws, svc).items()}
    return out | joined_up_results(ws, services)


def test_every_measure_identical_on_duckdb_and_in_place(
        both: tuple[Reader, Reader, list[Service]]) -> None:
    local, remote, services = both
    a, b = every_measure(local, services), every_measure(remote, services)
    assert a.keys() == b.keys()
    for name in a:
        same(a[name], b[name], name)
    # the comparison compared something: real rows in the core tables
    key = services[0].key
    assert len(a[f"{key}: needs"]) > 5 and len(a[f"{key}: directly-follows"]) >= 2
    if len(services) > 1:
        assert a["cross matrix"]["failure_demands"].sum() > 0


def test_commands_read_a_table_in_place(database: str, spark: BaseBackend, tmp_path: Path
                                        ) -> None:
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
    assert "or less from ER Registration" in " ".join(r.output.split())


# file names Spark could not take as a view's name, and a name two folders share
AWKWARD_NAMES = ["O'Brien's \"log\" `x`.parquet", "events; DROP VIEW x.parquet",
                 "events.parquet", "2024 jobs (1).parquet", "ÉVÉNEMENTS.parquet"]


def test_spark_reads_parquet_files_whatever_they_are_called(tmp_path: Path) -> None:
    """A Parquet path with quotes, backticks, semicolons, spaces or accents is read in place
    (it was a traceback), and two services' files of the same name in two folders are two
    tables, each read as its own (one view used to replace the other)."""
    # a session of its own: the commands read in place above stop the one they used
    spark = connect("spark:local[2]")
    data = pq.read_table(as_parquet("sepsis_hospital.csv.gz", tmp_path))
    svc = Service(name="Sepsis", columns={"case": "case_id", "activity": "activity",
                                          "timestamp": "timestamp"})
    for i, name in enumerate(AWKWARD_NAMES):
        folder = tmp_path / f"folder {i} it's"
        folder.mkdir()
        path = folder / name
        cases = sorted(set(data["case_id"].drop_null().to_pylist()))[: 10 + i]
        pq.write_table(data.filter(pc.is_in(data["case_id"], pa.array(cases))), path)
        remote = RemoteWorkspace(spark, svc, str(path), order_column="event_id")
        events = remote.events(svc.key)
        assert events.case_id.nunique().execute() == 10 + i, name
    # the first "events.parquet" is still its own after another folder's was read
    first = tmp_path / "folder 2 it's" / "events.parquet"
    again = RemoteWorkspace(spark, svc, str(first), order_column="event_id")
    other = tmp_path / "folder 9 it's"
    other.mkdir()
    pq.write_table(data.filter(pc.equal(data["case_id"], "A")).slice(0, 1),
                   other / "events.parquet")
    again.add(replace(svc, name="Other"), str(other / "events.parquet"))
    assert again.events(svc.key).case_id.nunique().execute() == 12
    assert again.events("other").count().execute() == 1
