"""Start-up stays quick: the command line loads none of the heavy libraries until a command
needs them (`servicecheck --help` in well under a second; benchmarks/startup.py times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("ibis", "duckdb", "pandas", "pyarrow", "numpy", "altair", "vl_convert", "sklearn",
         "fastapi", "starlette", "uvicorn", "sqlalchemy", "jinja2", "pygraphviz", "argon2",
         "markdown_it")  # Rich help's Markdown parser: plain help needs none


def _loaded(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after running ``code``."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport json, sys\n"
                          "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import servicecheck.cli",
    "from servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
    "assert CliRunner().invoke(app, ['--help']).exit_code == 0",
    "import servicecheck\nservicecheck.InputError",
    # serve checks the port and prints its address before the app loads
    "from servicecheck.web.launch import answering\nanswering('127.0.0.1', 9)",
])
def test_the_command_line_loads_no_heavy_library(code: str) -> None:
    assert _loaded(code) & set(HEAVY) == set()


def test_the_web_app_still_loads_on_first_use() -> None:
    assert {"fastapi", "sqlalchemy"} <= _loaded("import servicecheck.web\n"
                                                "servicecheck.web.create_app")


def test_the_public_names_still_load_on_first_use() -> None:
    import servicecheck

    assert servicecheck.read_log.__module__ == "servicecheck.io.eventlog"
    assert servicecheck.Workspace.__name__ == "Workspace"
    assert set(servicecheck.__all__) <= set(dir(servicecheck))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        servicecheck.nope  # noqa: B018
    # and a check of the test itself: loading the engine does load DuckDB (and Ibis with
    # the first table read)
    assert "duckdb" in _loaded("import servicecheck\nservicecheck.Workspace")
    assert {"ibis", "duckdb"} <= _loaded("import servicecheck\nservicecheck.Workspace().events()")


def test_an_import_loads_no_ibis(tmp_path: Path) -> None:
    """`servicecheck import` writes through DuckDB alone: Ibis (and every SQL dialect's
    compiler) loads with the first command that reads, not with an import; nor does sqlglot,
    as names and texts are quoted by DuckDB's rule (``io.sql``)."""
    (tmp_path / "log.csv").write_text("case_id,activity,timestamp\nA,Start,2024-07-01 09:00\n"
                                      "A,End,2024-07-01 17:30\n", encoding="utf-8")
    loaded = _loaded("from servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
                     f"r = CliRunner().invoke(app, ['import', {str(tmp_path / 'log.csv')!r}, "
                     f"'-w', {str(tmp_path / 'ws.duckdb')!r}])\n"
                     "assert r.exit_code == 0, r.output")
    assert "duckdb" in loaded and not loaded & {"ibis", "sqlglot"}


def test_a_parquet_import_loads_no_pandas(tmp_path: Path) -> None:
    """DuckDB converting a bound Python value asks whether it is pandas's NaT, and pyarrow
    making an empty table asks whether its input is a pandas array: each loads pandas, 0.6 s
    of CPU at load 14 in a command that uses none. An import of a Parquet file, and its
    replacement, bind no Python value (``io.sql.bound``) and make no table from Python
    values; the same log, imported the same way, holds the same events."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "log.parquet"
    pq.write_table(pa.table({
        "case_id": ["A", "A", "B", "B"], "activity": ["Start", "End", "Start", "End"],
        "timestamp": ["2024-07-01 09:00", "2024-07-01 17:30", "2024-07-02 09:00", " "],
        "team": ["one", "two", "one", "it's"]}), log)
    ws = tmp_path / "ws.duckdb"
    steps = [["import", str(log), "-w", str(ws)],
             ["import", str(log), "-w", str(ws), "--replace"]]
    loaded = _loaded("from servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
                     f"for step in {steps!r}:\n"
                     "    r = CliRunner().invoke(app, step)\n"
                     "    assert r.exit_code == 0, r.output\n")
    assert "duckdb" in loaded and "pyarrow" in loaded
    assert not loaded & {"pandas", "ibis", "sqlglot"}
    import duckdb

    with duckdb.connect(str(ws), read_only=True) as con:
        assert con.execute("SELECT case_id, activity, team FROM events ORDER BY event_index"
                           ).fetchall() == [("A", "Start", "one"), ("A", "End", "two"),
                                            ("B", "Start", "one")]
        # the row without a time left out, and said so, once: the replaced import is gone
        assert con.execute("SELECT count(*), max(rows_read), max(rows_kept) FROM imports"
                           ).fetchone() == (1, 4, 3)


def test_import_and_flow_read_the_service_without_its_schema(tmp_path: Path) -> None:
    """The service a workspace stored was checked when the team's file was read: `import`
    (without a service file) and `flow` read it back key for key, without building the
    service file's pydantic schema (about 0.1 s of CPU a command). Typer itself still loads
    pydantic to coerce a command's options (typer 0.29). A service file given to the import
    is still checked against the schema."""
    (tmp_path / "log.csv").write_text("case_id,activity,timestamp\nA,Start,2024-07-01 09:00\n"
                                      "A,End,2024-07-01 17:30\n", encoding="utf-8")
    (tmp_path / "service.toml").write_text('name = "Repairs"\n', encoding="utf-8")
    code = ("import sys\nfrom servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
            "r = CliRunner().invoke(app, {args!r})\nassert r.exit_code == 0, r.output\n"
            "print('servicecheck.service.schema' in sys.modules)")
    ws, log = str(tmp_path / "ws.duckdb"), str(tmp_path / "log.csv")
    for args, schema in [(["import", log, "-w", ws], False), (["flow", "-w", ws], False),
                         (["import", log, "-w", str(tmp_path / "checked.duckdb"), "--service",
                           str(tmp_path / "service.toml")], True)]:
        out = subprocess.run([sys.executable, "-c", code.format(args=args)],
                             capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == str(schema), args


def _imported(tmp_path: Path, log: str) -> str:
    """A workspace holding ``log`` (CSV text), imported by the command line in a process of
    its own, so the test's process loads nothing for it."""
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    ws = str(tmp_path / "ws.duckdb")
    subprocess.run([sys.executable, "-m", "servicecheck.cli", "import",
                    str(tmp_path / "log.csv"), "-w", ws], check=True, capture_output=True)
    return ws


def test_flow_loads_the_map_only_when_asked_for_one(tmp_path: Path) -> None:
    """`servicecheck flow` reads the measures it says; the map's drawing (and the package's
    other names, loaded on first use) load with `--out` alone. It still loads Ibis and
    pandas: its measures are Ibis expressions run on three engines whose results the findings,
    the report and the web read as pandas frames, the needs the voice is told from among them
    (benchmarks/RESULTS.md, 3 Dec 2026)."""
    ws = _imported(tmp_path, "case_id,activity,timestamp,team\n"
                   "A,Start,2024-07-01 09:00,one\nA,End,2024-07-01 17:30,two\n"
                   "B,Start,2024-07-02 09:00,one\nB,End,2024-07-03 10:00,two\n")
    code = ("import sys\nfrom servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
            "r = CliRunner().invoke(app, {args!r})\nassert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in sys.modules if m.startswith(('servicecheck.flow.',"
            " 'servicecheck.charts'))))")
    drawing = {"servicecheck.charts", "servicecheck.charts.flow_map", "servicecheck.flow.map"}
    for args, drawn in [(["flow", "-w", ws], False),
                        (["flow", "-w", ws, "--out", str(tmp_path / "map")], True)]:
        out = subprocess.run([sys.executable, "-c", code.format(args=args)],
                             capture_output=True, text=True, check=True)
        loaded = set(json.loads(out.stdout.splitlines()[-1].replace("'", '"')))
        assert {"servicecheck.flow.findings", "servicecheck.flow.dfg"} <= loaded
        assert (drawing <= loaded) if drawn else not drawing & loaded, (args, loaded)


def test_a_command_collects_garbage_seldom(tmp_path: Path) -> None:
    """The command line starts with the collector's thresholds raised (``cli.main``): `flow`
    loads pandas and Ibis, hundreds of thousands of long-lived objects, which Python's default
    (every 700 new objects) walked some 300 times and twice whole. Raised, it collects a few
    dozen times, the whole heap never; cycles are still collected. No timing: the counts."""
    ws = _imported(tmp_path, "case_id,activity,timestamp\nA,Start,2024-07-01 09:00\n"
                   "A,End,2024-07-01 17:30\n")
    code = ("import gc, sys\nruns = [0, 0, 0]\n"
            "gc.callbacks.append(lambda phase, info: phase == 'stop' and "
            "runs.__setitem__(info['generation'], runs[info['generation']] + 1))\n"
            "from servicecheck.cli import main\n"
            f"sys.argv = ['servicecheck', 'flow', '-w', {ws!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(runs, gc.get_threshold())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()[-1]
    young, _, whole = (int(n) for n in out.split("]")[0].strip("[").split(", "))
    # 60 and none, against about 330 and 2 (the CLI's own modules load before main())
    assert young < 120 and whole == 0, out


def test_flow_makes_no_chart_for_its_voice(tmp_path: Path) -> None:
    """The unit `flow` tells its times in is capability's, read off the median of the needs
    met now (``cli.common.report_voice``): the capability chart (limits, signals, labels, the
    steps dated after their import) is not made for it. Run with the chart's making broken,
    the command still says its flow, in hours as the needs took 30 hours (in days it would
    say 1.2 days)."""
    ws = _imported(tmp_path, "case_id,activity,timestamp,team\n" + "".join(
        f"C{i},Start,2024-07-0{i} 09:00,one\nC{i},End,2024-07-0{i + 1} 15:00,two\n"
        for i in range(1, 7)))
    code = ("import servicecheck.spc\n"
            "def broken(*a, **k):\n    raise AssertionError('a chart was made')\n"
            "servicecheck.spc.xmr = broken\n"
            "from servicecheck.cli import app\nfrom typer.testing import CliRunner\n"
            f"r = CliRunner().invoke(app, ['flow', '-w', {ws!r}])\n"
            "assert r.exit_code == 0, (r.output, r.exception)\nprint(r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "\nFrom Start to End: 30 hours at the median (6 times).\n" in out, out
