"""No SQL from text, and no doubles: names and values with quotes import as they are,
injections are refused with every table intact, and a file imported twice is refused (or
replaced in one transaction), also after a kill between the commit and the message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from servicecheck import InputError, Service, Workspace, import_events
from servicecheck.cli import app
from servicecheck.demand import import_demands
from servicecheck.io.pseudonym import citizen_ref

runner = CliRunner()
EVENTS = "case_id,activity,timestamp\nA,Reported,2024-01-01 09:00\nA,Fixed,2024-01-03 10:00\n"
DEMANDS = ("received_at,channel,verbatim\n2024-01-01 09:00,citizen's portal,my boiler\n"
           "2024-01-02 09:00,phone,where is the plumber\n")
INJECTION = "UTC'; DROP TABLE demands; SELECT '1"


def _tables(ws_path: Path) -> dict[str, int]:
    with Workspace(ws_path, read_only=True) as ws:
        names = [r[0] for r in ws.raw.execute("SHOW TABLES").fetchall()]
        return {n: ws.raw.execute(f"SELECT count(*) FROM {n}").fetchone()[0]  # type: ignore[index]
                for n in names}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "demand.csv").write_text(DEMANDS, encoding="utf-8")
    (tmp_path / "service.toml").write_text(
        'name = "Repairs"\n[demand]\nchannels = ["citizen\'s portal", "phone"]\n',
        encoding="utf-8")
    ws = str(tmp_path / "ws.duckdb")
    svc = ["--service", str(tmp_path / "service.toml")]
    assert runner.invoke(app, ["import", str(tmp_path / "events.csv"), "-w", ws, *svc]
                         ).exit_code == 0
    r = runner.invoke(app, ["import-demand", str(tmp_path / "demand.csv"), "-w", ws, *svc])
    assert r.exit_code == 0, r.output
    return tmp_path


INJECTIONS = [
    (["--timezone", INJECTION], "is not a time zone"),
    (["--timezone", "Europe/London'; DROP TABLE events; --"], "is not a time zone"),
    (["--timestamp-format", "%Y'); DROP TABLE events; --"], "is not a date and time"),
    (["--case", "case_id\"; DROP TABLE events; --"], "not in the file"),
    (["--activity", "x' OR '1'='1"], "not in the file"),
    (["--service", "{folder}/injected.toml"], "is not a time zone"),
]


@pytest.mark.parametrize(("options", "words"), INJECTIONS, ids=[o[0] for o, _ in INJECTIONS])
def test_an_injection_is_refused_and_every_table_is_intact(folder: Path, options: list[str],
                                                           words: str) -> None:
    (folder / "injected.toml").write_text(f'name = "Repairs"\ntimezone = "{INJECTION}"\n',
                                          encoding="utf-8")
    (folder / "other.csv").write_text(EVENTS.replace("A,", "B,"), encoding="utf-8")
    ws = folder / "ws.duckdb"
    before, raw = _tables(ws), ws.read_bytes()
    assert before["events"] == 2 and before["demands"] == 2
    r = runner.invoke(app, ["import", str(folder / "other.csv"), "-w", str(ws),
                            *[o.replace("{folder}", str(folder)) for o in options]])
    assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output, r.output
    assert _tables(ws) == before and ws.read_bytes() == raw


def test_names_and_values_with_quotes_import_as_they_are(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("SERVICECHECK_SALT", "it's a \"salt\"")
    log = tmp_path / "o'brien's log.csv"
    log.write_text('case "id",Step,When,NI,a"b\'c\n'
                   "A,Order 'raised',2024-01-01'09:00,AB 12 34 56 C,x\n"
                   'A,"Fixed ""well""",2024-01-02\'10:00,,y\n', encoding="utf-8")
    svc = Service.from_dict({"name": "Tenant's \"repairs\"", "teams": {"activities": {
        "Order 'raised'": 'Call "centre"'}}})
    ws = Workspace()
    report = import_events(ws, log, service=svc, timestamp_format="%Y-%m-%d'%H:%M",
                           columns={"case": 'case "id"', "activity": "Step", "timestamp": "When",
                                    "citizen_id": "NI"})
    assert report.events == 2
    rows = ws.raw.execute('SELECT service, activity, team, citizen_ref, "a""b\'c", '
                          "strftime(timestamp, '%Y-%m-%d %H:%M') FROM events "
                          "ORDER BY event_index").fetchall()
    assert rows == [
        ("tenant-s-repairs", "Order 'raised'", 'Call "centre"', citizen_ref("AB 12 34 56 C"),
         "x", "2024-01-01 09:00"),
        ("tenant-s-repairs", 'Fixed "well"', None, None, "y", "2024-01-02 10:00"),
    ]


def test_a_parquet_file_with_a_quote_in_its_name_imports(tmp_path: Path) -> None:
    path = tmp_path / "it's.parquet"
    pq.write_table(pa.table({"case_id": ["A"], "activity": ["x"], "timestamp": ["2024-01-01"]}),
                   path)
    assert import_events(Workspace(), path).events == 1


def test_a_channel_with_a_quote_is_a_channel(folder: Path) -> None:
    with Workspace(folder / "ws.duckdb", read_only=True) as ws:
        assert sorted(ws.raw.execute("SELECT channel FROM demands").fetchall()) == [
            ("citizen's portal",), ("phone",)]


def test_the_same_file_again_is_refused_and_replace_swaps_it(folder: Path) -> None:
    ws_path = folder / "ws.duckdb"
    ws = Workspace(ws_path)
    svc = Service.load(folder / "service.toml")
    with pytest.raises(InputError, match="this file's content was imported already") as info:
        import_events(ws, folder / "events.csv", service=svc)
    assert "--replace" in str(info.value)
    # the same content under another name is the same source
    (folder / "copy.csv").write_bytes((folder / "events.csv").read_bytes())
    with pytest.raises(InputError, match="imported already"):
        import_events(ws, folder / "copy.csv", service=svc)
    with pytest.raises(InputError, match="imported already"):
        import_demands(ws, folder / "demand.csv", service=svc)
    assert ws.events().count().execute() == 2 and ws.demands().count().execute() == 2
    # replace: the rows are swapped, not doubled, and the log keeps one import per source
    import_events(ws, folder / "events.csv", service=svc, replace=True)
    import_demands(ws, folder / "demand.csv", service=svc, replace=True)
    assert ws.events().count().execute() == 2 and ws.demands().count().execute() == 2
    log = ws.import_log()
    assert [(r["kind"], r["rows_kept"]) for r in log] == [("events", 2), ("demands", 2)]
    assert log[0]["source_size"] == len(EVENTS) and len(log[0]["source_sha256"]) == 64
    assert '"case": "case_id"' in log[0]["mapping"]
    # the same file, corrected: --replace puts the new rows in place of the old
    (folder / "events.csv").write_text(EVENTS + "B,Reported,2024-01-04 09:00\n")
    import_events(ws, folder / "events.csv", service=svc, replace=True)
    assert sorted(ws.raw.execute("SELECT case_id, activity FROM events").fetchall()) == [
        ("A", "Fixed"), ("A", "Reported"), ("B", "Reported")]
    # another service may hold the same file
    assert import_events(ws, folder / "copy.csv", service=Service(name="Other")).events == 2
    ws.close()


def test_a_rerun_after_a_kill_between_commit_and_message_is_safe(folder: Path) -> None:
    """The import commits, then the process is killed before it says so; the user runs it
    again: refused, and the workspace holds the events once."""
    (folder / "more.csv").write_text(EVENTS.replace("A,", "K,"), encoding="utf-8")
    ws = folder / "ws.duckdb"
    script = ("import os, signal, sys; from servicecheck import Workspace, import_events; "
              "ws = Workspace(sys.argv[1]); import_events(ws, sys.argv[2]); ws.close(); "
              "os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", script, str(ws), str(folder / "more.csv")],
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                          check=False)
    assert done.returncode == -9
    before = _tables(ws)
    r = runner.invoke(app, ["import", str(folder / "more.csv"), "-w", str(ws)])
    assert r.exit_code == 2 and "imported already" in r.output
    assert _tables(ws) == before
    with Workspace(ws, read_only=True) as w:
        assert w.events().filter(w.events().case_id == "K").count().execute() == 2
