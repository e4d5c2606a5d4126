"""No hidden global state (docs/contributing.md, "Global state"): an import allocates from a
pool it hands to Arrow without switching the process's default, reads its source's time zone
on a connection of its own, Graphviz prints into a child process's stderr rather than this
process's being redirected, `serve` leaves its own environment alone, and the command line
writes nothing outside the paths it is given except the salt, which it says."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck.cli import app
from servicecheck.engine.workspace import Workspace
from servicecheck.io.eventlog import import_events

from .conftest import DATA, ROOT

runner = CliRunner()
LOG = "case_id,activity,timestamp\nA,Start,2024-07-01 09:00\nA,End,2024-07-01 17:30\n"


def test_imports_never_switch_arrows_default_pool(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    switched: list[object] = []
    monkeypatch.setattr(pa, "set_memory_pool", switched.append)
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    xes = DATA / "original" / "bpic2020_cleaned" / "PrepaidTravelCost.xes.gz"
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "log.csv")
        assert import_events(ws, xes).events == 17_507  # the columnar XES reader
    assert switched == []
    assert "ARROW_DEFAULT_MEMORY_POOL" not in os.environ


def test_an_import_reads_its_zone_on_a_connection_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While an import reads naive times in London, the workspace's own connection (which
    the measures read through) stays in UTC: nothing is set on it to be restored later."""
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    seen: list[str] = []
    real = Workspace.append_select

    def watching(self: Workspace, *args: object, **kwargs: object) -> None:
        row = self.raw.execute("SELECT current_setting('TimeZone')").fetchone()
        seen.append(str(row[0]) if row else "")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "append_select", watching)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "log.csv", timezone="Europe/London")
        first = ws.events().to_pandas()["timestamp"].min()
    assert seen == ["UTC"]
    assert first.isoformat() == "2024-07-01T08:00:00+00:00"  # 09:00 summer time in London


def test_concurrent_imports_in_different_zones_each_keep_their_own(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    zones = {"Europe/London": "08:00", "Asia/Tokyo": "00:00", "America/New_York": "13:00",
             "Australia/Sydney": "23:00"}
    got: dict[str, str] = {}
    errors: list[BaseException] = []

    def one(zone: str) -> None:
        try:
            for _ in range(5):
                path = tmp_path / f"{zone.replace('/', '-')}.duckdb"
                path.unlink(missing_ok=True)
                with Workspace(path) as ws:
                    import_events(ws, tmp_path / "log.csv", timezone=zone)
                    first = ws.events().to_pandas()["timestamp"].min()
                got[zone] = f"{first:%H:%M}"
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(z,)) for z in zones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert got == zones


def test_overlapping_small_imports_leave_duckdbs_threads_as_they_were(tmp_path: Path) -> None:
    """A small insert runs on one thread, a setting of the whole database: two imports that
    overlap, the first done first, still leave it as it was (setting it and restoring it
    one by one left it on one thread)."""
    with Workspace(tmp_path / "ws.duckdb") as ws:
        def threads() -> int:
            row = ws.raw.execute("SELECT current_setting('threads')").fetchone()
            return int(row[0]) if row else 0

        ws.raw.execute("SET threads = 2")
        inside, first_done = threading.Barrier(2), threading.Event()

        def insert(first: bool) -> None:
            with ws.session() as con, ws._one_thread_if_small(con, rows=10):
                inside.wait()
                if not first:
                    first_done.wait()
            if first:
                first_done.set()

        workers = [threading.Thread(target=insert, args=(f,)) for f in (True, False)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert threads() == 2


@pytest.mark.parametrize(("events", "inside"), [(0, 1), (50_000, 1), (122_880, 2)])
def test_a_small_workspace_is_read_on_one_thread_and_left_as_it_was(
        tmp_path: Path, events: int, inside: int) -> None:
    """The command line reads a workspace of fewer events than a row group on one DuckDB
    thread (two only wait on each other for so little data), and puts the setting back
    after; a larger one keeps its threads."""
    with Workspace(tmp_path / "ws.duckdb") as ws:
        ws.raw.execute("SET threads = 2")
        ws.raw.execute("INSERT INTO events (service, case_id, activity, timestamp, "
                       "event_index) SELECT 's', 'c', 'a', TIMESTAMPTZ '2024-07-01', range "
                       f"FROM range({events})")

        def threads() -> int:
            row = ws.raw.execute("SELECT current_setting('threads')").fetchone()
            return int(row[0]) if row else 0

        with ws.reading_small_on_one_thread():
            assert threads() == inside
        assert threads() == 2


def test_drawing_a_map_leaves_other_threads_stderr_alone(tmp_path: Path) -> None:
    """Another thread writes to stderr all the while a fresh process draws its first map:
    every line arrives (the map used to be drawn with file descriptor 2 pointed at
    /dev/null, swallowing whatever else was written meanwhile)."""
    script = """
import os, sys, threading
from servicecheck.charts.graphviz import render_svg
stop = threading.Event()
def chatter():
    n = 0
    while not stop.is_set():
        os.write(2, b"line %d\\n" % n)
        n += 1
    os.write(2, b"wrote %d\\n" % n)
t = threading.Thread(target=chatter)
t.start()
svg = render_svg('digraph { a -> b [label="x"] }')
stop.set()
t.join()
assert svg.lstrip().startswith("<?xml"), svg[:80]
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    wrote = int(lines[-1].split()[1])
    assert wrote > 0
    assert [ln for ln in lines if ln.startswith("line ")] == [f"line {i}" for i in range(wrote)]
    assert "Fontconfig" not in done.stderr


def test_serve_with_workers_leaves_its_own_environment_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from servicecheck.cli import serve

    started: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(serve.subprocess, "run",
                        lambda args, env, check: started.append((args, env)))
    before = dict(os.environ)
    db = tmp_path / "store.db"
    r = runner.invoke(app, ["serve", "-d", str(db), "--workers", "2", "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert dict(os.environ) == before
    [(args, env)] = started
    assert env["SERVICECHECK_DATABASE"] == str(db)
    assert args[args.index("--workers") + 1] == "2"
    # a first run: the one-time key printed is the one every worker's page checks
    first = f"http://127.0.0.1:8123/setup?key={env['SERVICECHECK_SETUP_KEY']}"
    assert "make the first admin at" in r.output
    assert first in r.output.splitlines()  # a line of its own, whole


def _files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def test_the_command_line_writes_only_where_it_is_told(tmp_path: Path) -> None:
    """With HOME in a fresh folder: the demo and an import write into the folders named, and
    the one file outside them, the salt of citizen references, is said when it is made."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "log.csv").write_text(
        "case_id,activity,timestamp,customer\nA,Start,2024-07-01 09:00,X1\n"
        "A,End,2024-07-02 09:00,X1\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SERVICECHECK_SALT", "XDG_"))}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT / "src"))

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "servicecheck.cli", *args], cwd=work,
                              env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("demo", "--out", "demo", "--events", "2000")
    assert _files(home) == set()
    said = run("import", "log.csv", "-w", "ws.duckdb", "--citizen-id", "customer")
    salt = home / ".config" / "servicecheck" / "salt"
    assert _files(home) == {salt.relative_to(home)}
    # (Rich may break the long path across lines)
    assert f"Madethesaltforcitizenreferencesat{salt}" in "".join(said.split())
    again = run("import", "log.csv", "-w", "other.duckdb", "--citizen-id", "customer")
    assert "salt" not in again  # said once, when made
    assert {p.parts[0] for p in _files(work)} == {"demo", "log.csv", "ws.duckdb",
                                                  "other.duckdb"}


def test_the_web_apps_capture_logs_the_salt_it_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A capture whose case reference holds an e-mail address makes the salt while the app
    serves: one line in the server's log names the file, and nothing the citizen said."""
    from servicecheck.service.model import Service
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    from .conftest import PASSWORD
    from .test_web_security import sign_in

    salt = tmp_path / "config" / "salt"
    monkeypatch.delenv("SERVICECHECK_SALT", raising=False)
    monkeypatch.setenv("SERVICECHECK_SALT_FILE", str(salt))
    web = create_app(str(tmp_path / "web.db"), service=Service(name="Repairs"))
    add_user(web.state.ctx.store, "recorder", PASSWORD, "recorder")
    c, csrf = sign_in(web, "recorder")
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        r = c.post("/capture", headers={"HX-Request": "true"}, data={
            "channel": "phone", "nature": "value", "csrf": csrf,
            "verbatim": "The tap drips", "case_id": "ann@example.org"})
        assert r.status_code == 200, r.text
    web.state.ctx.store.close()
    said = [r for r in caplog.records if r.name == "servicecheck.io.pseudonym"]
    assert [(r.levelno, r.getMessage().split(":")[0]) for r in said] == [
        (logging.WARNING, f"Made the salt for citizen references at {salt}")]  # once
    assert "ann@example" not in caplog.text and "drips" not in caplog.text
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600 and len(salt.read_text()) == 64


def test_threads_making_the_salt_at_once_agree_on_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Sixteen threads (the web app's request threads) needing the salt at the same moment
    read one whole salt, made and said once, and leave no temporary file behind."""
    from servicecheck.io.pseudonym import salt

    monkeypatch.delenv("SERVICECHECK_SALT", raising=False)
    monkeypatch.setenv("SERVICECHECK_SALT_FILE", str(tmp_path / "salt"))
    caplog.set_level(logging.WARNING)
    start = threading.Barrier(16)
    got: list[str] = []

    def read() -> None:
        start.wait()
        got.append(salt())

    workers = [threading.Thread(target=read) for _ in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(got) == 16 and len(set(got)) == 1 and len(got[0]) == 64
    assert len([r for r in caplog.records if r.name == "servicecheck.io.pseudonym"]) == 1
    assert _files(tmp_path) == {Path("salt")}
