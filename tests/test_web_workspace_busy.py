"""The workspace held by another process (an import from the command line holds DuckDB's lock):
every page that opens it says so in one sentence, with what to do, and never shows the
database's message, the workspace's path or the other process's id; the detail is in the
server's log. A real lock, held by a real second process."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicecheck.engine.workspace import Workspace
from servicecheck.store.accounts import add_user
from servicecheck.web.problems import HELD

from .conftest import PASSWORD
from .test_web_security import sign_in

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Any, Path, subprocess.Popen[str]]]:
    from servicecheck.web import create_app

    ws = tmp_path / "secret-folder" / "ws.duckdb"
    Workspace(ws).close()
    service = tmp_path / "service.toml"
    service.write_text('name = "Housing repairs"\n', encoding="utf-8")
    app = create_app(str(tmp_path / "web.db"), service=service, workspace=ws)
    add_user(app.state.ctx.store, "boss", PASSWORD, "admin")
    assert app.state.ctx.suggester.started.wait(60)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(ws)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield app, ws, holder
    holder.kill()
    holder.wait(10)
    app.state.ctx.uploads.close()
    app.state.ctx.store.close()


# the pages that open the workspace, and how each answers
PAGES = [
    ("/dashboards/summary", 503),
    ("/dashboards/capability", 503),
    ("/export/summary.csv", 503),
    ("/journey?ref=T123", 503),
]


def test_a_held_workspace_is_one_sentence_never_the_database_s_message(
        held: tuple[Any, Path, subprocess.Popen[str]], caplog: pytest.LogCaptureFixture
) -> None:
    app, ws, holder = held
    c, csrf = sign_in(app, "boss")
    caplog.set_level(logging.WARNING, logger="servicecheck.web")
    for path, status in PAGES:
        r = c.get(path)
        assert r.status_code == status, (path, r.text[:300])
        words = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
        assert HELD in words, (path, words[:400])
        for secret in (str(ws), "secret-folder", "ws.duckdb", str(holder.pid), "PID",
                       "IO Error", "lock on file"):
            assert secret not in r.text, (path, secret)
    # the report made from the browser says the same, after "could not be made"
    r = c.post("/report", data={"csrf": csrf})
    assert r.status_code == 200
    job = next(iter(app.state.ctx.reports.jobs.values()))
    deadline = time.monotonic() + 60
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.1)
    status = c.get(f"/report/{job.id}/status").text
    assert "The report could not be made: the workspace is in use by another program" in status
    assert str(ws) not in status and "PID" not in status
    # whoever runs the server finds the detail in its log: the lock and who holds it
    logged = [r.getMessage() for r in caplog.records if "could not be opened" in r.getMessage()]
    assert len(logged) == len(PAGES) + 1
    assert all("lock" in m and str(holder.pid) in m for m in logged)
