"""Queries compiled once per shape (engine/prepared.py): the same results, with the same
pandas types, as the plain Ibis path; each table read, never the first one's rows again; the
temporary table of the flow plan gone after it; and Ibis loading only DuckDB's compiler."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ibis
import pandas as pd
import pytest
from ibis.expr.types import Table

from servicecheck import Workspace, read_log
from servicecheck.engine import prepared
from servicecheck.engine.frames import in_utc, isin, to_frame
from servicecheck.flow import analyse
from servicecheck.flow.dfg import ordered
from servicecheck.service.model import Service

from .conftest import DATA

LOG = """case_id,activity,timestamp,team
A,Report,2024-01-01 09:00,Call centre
A,Diagnose,2024-01-02 09:00,
A,Fix,2024-01-02 11:00,Trade
B,Report,2024-01-01 10:00,Call centre
B,Diagnose,2024-01-05 10:00,Trade
B,Diagnose,2024-01-09 10:30,Trade
C,Report,2024-02-01 10:00,Call centre
"""


def _written(folder: Path, rows: str, name: str = "log") -> Path:
    (folder / f"{name}.csv").write_text(rows)
    return folder / f"{name}.csv"


@pytest.fixture()
def events(tmp_path: Path) -> Table:
    return read_log(_written(tmp_path, LOG), timezone="UTC").table


def _counts(t: Table) -> Table:
    return t.group_by(t.case_id).aggregate(n=t.count()).order_by("case_id")


# Columns of every type a measure hands back, with and without missing values: the fast
# conversion (pyarrow's own) must give what Ibis gives, type for type and value for value.
SHAPES = {
    "text with blanks": lambda t: t.select(t.case_id, t.timestamp, t.team),
    "integers with blanks": lambda t: t.select(
        t.case_id, t.timestamp, n=(t.team == "Trade").ifelse(1, ibis.null("int64"))),
    "floats with blanks": lambda t: t.group_by(t.case_id).aggregate(
        timestamp=t.timestamp.min(), sd=t.event_index.std(how="sample"),
        mean=t.event_index.mean()),
    "times with a zone": lambda t: t.group_by(t.case_id).aggregate(
        timestamp=t.timestamp.min(), last=t.timestamp.max()),
    "times, some missing": lambda t: t.select(
        t.case_id, t.timestamp,
        at=t.team.isnull().ifelse(t.timestamp, ibis.null("timestamp('UTC')"))),
    "booleans with blanks": lambda t: t.select(t.case_id, t.timestamp,
                                               trade=t.team == "Trade"),
    "lists": lambda t: t.group_by(t.case_id).aggregate(
        timestamp=t.timestamp.min(), steps=t.activity.collect(order_by=t.timestamp)),
    "dates": lambda t: t.select(t.case_id, t.timestamp, day=t.timestamp.date()),
}


def _in_order(shape: Callable[[Table], Table]) -> Callable[[Table], Table]:
    return lambda t: shape(t).order_by(["case_id", "timestamp"])


_BUILDERS = {name: _in_order(shape) for name, shape in SHAPES.items()}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_same_frame_as_ibis_gives(events: Table, shape: str) -> None:
    build = _BUILDERS[shape]
    plain = in_utc(build(events).to_pandas())  # Ibis's own conversion
    assert len(plain) >= 3
    for fast in (prepared.frame(build, events), to_frame(build(events))):
        pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    with prepared.materialised(ordered, events, ("team",)) as o:  # a table by name, too
        pd.testing.assert_frame_equal(prepared.frame(build, o),
                                      in_utc(build(o).to_pandas()), check_exact=True)


# text ids (Arrow-backed, as measures hand them back) against sets of every kind
ISIN = {"some ids": {"A", "C"}, "none": set(), "a missing id": {None}, "ids and a blank":
        {"B", None}, "not text": [1, "A"], "no such id": {"Z"}, "NaN and an id": {float("nan"),
                                                                                 "B"}}


@pytest.mark.parametrize("values", list(ISIN))
def test_isin_is_pandas_isin(values: str) -> None:
    ids = pd.Series(["A", "B", None, "C", "A"], dtype="str")
    for column in (ids, pd.Index(ids)):
        got = isin(column, ISIN[values])
        assert got.tolist() == list(column.isin(list(ISIN[values])))
    assert isin(pd.Series([1, 2, 3]), {2}).tolist() == [False, True, False]


def test_compiled_once_and_each_table_read(tmp_path: Path) -> None:
    calls: list[int] = []

    def counted(t: Table) -> Table:
        calls.append(1)
        return _counts(t)

    ws = Workspace()
    one, two = Service(name="one"), Service(name="two")
    for svc, rows in ((one, LOG), (two, LOG.replace("C,Report", "A,Report"))):
        read_log(_written(tmp_path, rows, svc.key), timezone="UTC", workspace=ws, service=svc)
    first = prepared.frame(counted, ws.events(one.key))
    second = prepared.frame(counted, ws.events(two.key))
    assert first["n"].tolist() == [3, 3, 1] and second["n"].tolist() == [4, 3]
    assert len(calls) == 1  # the second service's query reused the first's SQL
    prepared.frame(counted, ws.events(one.key).select("case_id", "activity"))
    assert len(calls) == 2  # another schema, compiled afresh


def test_the_plan_table_is_dropped_after(events: Table) -> None:
    con = events._find_backend()
    before = set(con.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall())
    with prepared.materialised(ordered, events, ("team",)) as o:
        name = o.op().name
        assert prepared.frame(_counts, o)["n"].tolist() == [3, 3, 1]
        held = set(con.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall())
        assert (name,) in held
    assert set(con.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall()) == before


def test_a_builder_that_reads_nothing_is_refused(events: Table) -> None:
    with pytest.raises(ValueError, match="does not read the table"):
        prepared.frame(lambda t: ibis.memtable({"x": [1]}), events)


def test_ibis_loads_only_the_compiler_of_the_engine_used(tmp_path: Path) -> None:
    f = _written(tmp_path, LOG)
    code = (f"from servicecheck import read_log\nfrom servicecheck.flow import analyse\n"
            f"analyse(read_log({str(f)!r}, timezone='UTC').table)\n"
            "import json, sys\nprint(json.dumps(sorted(m.rsplit('.', 1)[1] for m in "
            "sys.modules if m.startswith('ibis.backends.sql.compilers.'))))\n"
            "from ibis.backends.sql.compilers import PostgresCompiler, PySparkCompiler\n"
            "import ibis.backends.sql.compilers as sc\n"
            "assert sc.postgres.PostgresCompiler is PostgresCompiler\n"
            "print(PySparkCompiler.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert json.loads(out[0]) == ["_compat", "base", "duckdb"]
    assert out[1] == "PySparkCompiler"  # the others still load, when asked for


def test_the_analysis_on_a_real_log_is_the_plain_ibis_one() -> None:
    log = read_log(DATA / "sepsis_hospital.csv.gz", timezone="UTC")
    a = analyse(log.table)
    with log.table.cache() as o:  # a table of another shape, through the plain Ibis path
        plain_dfg = to_frame(o.pipe(_plain_dfg))
    pd.testing.assert_frame_equal(a.dfg[["source", "target", "count"]], plain_dfg)
    assert a.dfg["count"].sum() == len(log.table.execute()) - a.case_durations.shape[0]


def _plain_dfg(t: Table) -> Table:
    w = ibis.window(group_by=t.case_id, order_by=[t.timestamp, t.event_index])
    n = t.mutate(target=t.activity.lead().over(w))
    n = n.filter(n.target.notnull())
    agg = n.group_by(source=n.activity, target=n.target).aggregate(count=n.count())
    return agg.order_by(["source", "target"])
