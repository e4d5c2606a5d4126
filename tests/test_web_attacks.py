"""An attacker's pass over the pages added for the workbench: report generation spam, path
traversal and header injection in downloads, an error nobody foresaw, and a program already
on the port `serve --open` would show. Each is answered with one sentence or a 4xx, and
nothing reaches a log but the sentence."""

from __future__ import annotations

import logging
import re
import socket
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from servicecheck.cli import app as cli
from servicecheck.store.accounts import add_user
from servicecheck.web import reports
from servicecheck.web.reports import AT_ONCE, Reports
from servicecheck.web.security import FAILED

from .conftest import PASSWORD
from .test_web_bad_input import SECRET, serving
from .test_web_security import sign_in


@pytest.fixture
def held_reports(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Reports that stay 'being made' until the event is set (the report itself is tested
    elsewhere: here only how many are made at once)."""
    gate = threading.Event()

    def build(self: Reports, job: reports.ReportJob, workspace: Path, service: str | None
              ) -> None:
        gate.wait(30)
        job.done = True

    monkeypatch.setattr(Reports, "_build", build)
    return gate


def test_reports_are_made_one_per_person_and_few_at_once(web_app: Any, tmp_path: Path,
                                                         held_reports: threading.Event
                                                         ) -> None:
    from servicecheck.engine.workspace import Workspace

    # a workspace an import has made (before any, the page points to bringing data in)
    with Workspace(tmp_path / "ws.duckdb"):
        pass
    web_app.state.ctx.workspace = tmp_path / "ws.duckdb"
    for i in range(AT_ONCE):
        add_user(web_app.state.ctx.store, f"analyst{i}", PASSWORD, "analyst")
    analyst, csrf = sign_in(web_app, "analyst")
    first = analyst.post("/report", data={"csrf": csrf})
    assert first.status_code == 200
    job = re.search(r"/report/([\w-]+)/status", first.text)
    assert job
    # pressing again, or a script posting in a loop, starts nothing new
    for _ in range(20):
        again = analyst.post("/report", data={"csrf": csrf})
        assert again.status_code == 200 and f"/report/{job.group(1)}/status" in again.text
    assert len(web_app.state.ctx.reports.jobs) == 1
    others = [sign_in(web_app, f"analyst{i}") for i in range(AT_ONCE)]
    assert others[0][0].post("/report", data={"csrf": others[0][1]}).status_code == 200
    busy = others[1][0].post("/report", data={"csrf": others[1][1]})
    assert busy.status_code == 429 and busy.headers["retry-after"] == "60"
    assert f"{AT_ONCE} reports are being made just now" in busy.text
    assert len(web_app.state.ctx.reports.jobs) == AT_ONCE
    held_reports.set()
    for made in list(web_app.state.ctx.reports.jobs.values()):
        while not made.done:
            threading.Event().wait(0.01)
    assert others[1][0].post("/report", data={"csrf": others[1][1]}).status_code == 200


def test_a_report_being_made_is_never_deleted_for_a_newer_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()

    def build(self: Reports, job: reports.ReportJob, workspace: Path, service: str | None
              ) -> None:
        if job.started_by == "ann":  # ann's report takes long; everyone else's is quick
            gate.wait(30)
        job.done = True

    monkeypatch.setattr(Reports, "_build", build)
    r = Reports()

    def made(user: str) -> reports.ReportJob:
        job = r.start(tmp_path, None, user)
        while not job.done:
            threading.Event().wait(0.01)
        return job

    try:
        first = r.start(tmp_path, None, "ann")
        for i in range(reports.KEEP + 3):
            made(f"user{i}")
        assert first.id in r.jobs and first.folder.exists()
        assert len(r.jobs) == reports.KEEP
        gate.set()
        while not first.done:
            threading.Event().wait(0.01)
        made("later")
        assert len(r.jobs) == reports.KEEP and first.id not in r.jobs
        assert not first.folder.exists()
    finally:
        r.close()


DOWNLOADS = ["/report/..%2F..%2Fetc%2Fpasswd/check.html", "/report/%2e%2e/check.html",
             "/report/nope/check.py", "/report/nope/check.html%00.pdf",
             "/report/nope/check.", "/report/" + "a" * 5000 + "/check.html",
             "/report/nope%0d%0aSet-Cookie:%20a=b/check.pdf", "/report/nope/status%00",
             "/dashboards/..%2F..%2Fadmin", "/dashboards/%00", "/static/../../app.py",
             "/static/%2e%2e/%2e%2e/store/db.py"]


@pytest.mark.parametrize("path", DOWNLOADS)
def test_downloads_refuse_traversal(web_app: Any, path: str) -> None:
    analyst, _ = sign_in(web_app, "analyst")
    r = analyst.get(path, follow_redirects=False)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert "import " not in r.text and "a=b" not in r.headers.get("set-cookie", "")


def test_download_names_carry_no_header(tmp_path: Path) -> None:
    from servicecheck.service.model import Service
    from servicecheck.web import create_app

    name = 'Repairs"\r\nSet-Cookie: sc_session=stolen; x="\u202e'
    web = create_app(str(tmp_path / "s.db"), service=Service(name=name))
    try:
        add_user(web.state.ctx.store, "analyst", PASSWORD, "analyst")
        analyst, _ = sign_in(web, "analyst")
        r = analyst.get("/export/demands.csv")
        assert r.status_code == 200
        disposition = r.headers["content-disposition"]
        assert re.fullmatch(r'attachment; filename="[a-z0-9-]+-demands-\d{8}-\d{4}\.csv"',
                            disposition), disposition
        assert "stolen" not in r.headers.get("set-cookie", "")
    finally:
        web.state.ctx.store.close()


def test_an_error_nobody_foresaw_is_one_sentence_and_logs_no_words(
        web_app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str]) -> None:
    from servicecheck.web import pages

    def broken(*_: Any, **__: Any) -> None:
        raise ValueError(f"{SECRET} said the boiler is broken, see /home/council/secret.db")

    monkeypatch.setattr(pages, "demand_frame", broken)
    caplog.set_level(logging.DEBUG)
    recorder, _ = sign_in(web_app, "recorder")
    r = recorder.get("/board")
    assert (r.status_code, r.text) == (500, FAILED)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "/board failed (ValueError at test_web_attacks.py:" in caplog.text
    # and through a real server: nothing in its log but the type and the line
    with serving(web_app) as port:
        cookie = "; ".join(f"{k}={v}" for k, v in recorder.cookies.items())
        request = urllib.request.Request(f"http://127.0.0.1:{port}/board",
                                         headers={"Cookie": cookie})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        assert answer.value.code == 500 and answer.value.read().decode() == FAILED
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert "Quigley" not in text and "secret.db" not in text and "Traceback" not in text


@pytest.mark.parametrize("command", [["serve"], ["serve", "--open"], ["open"]])
def test_serve_refuses_a_port_another_program_holds(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    command: list[str]) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url))
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(cli, [*command, "--port", str(port), "-d",
                                          str(tmp_path / "s.db")])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and f"another program answers on port {port}" in lines[0]
    assert opened == [] and not (tmp_path / "s.db").exists()


# sign-in fields a browser never sends: (name, password) as percent-encoded form values
LOGINS = [("admin%00", "a+long+test+password"), ("%ED%A0%80", "a+long+test+password"),
          ("a" * 100_000, "a+long+test+password"), ("admin", "x" * 500_000),
          ("admin%27+OR+%271%27%3D%271", "a+long+test+password"), ("admin", "%00"),
          ("admin%0d%0aSet-Cookie:+a%3Db", "a+long+test+password"), ("", ""),
          ("%FF%FE", "%FF")]


@pytest.mark.parametrize(("name", "password"), LOGINS, ids=range(len(LOGINS)))
def test_sign_in_fields_are_answered_with_a_4xx(web_app: Any, name: str, password: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c, _ = sign_in(web_app, None)
    c.get("/login")
    token = c.cookies.get("sc_login_csrf")
    r = c.post("/login", content=f"name={name}&password={password}&csrf={token}".encode(),
               headers={"Content-Type": "application/x-www-form-urlencoded"},
               follow_redirects=False)
    assert r.status_code in (400, 401, 422, 429), (r.status_code, r.text[-300:])
    assert "sc_session" not in r.headers.get("set-cookie", "")
    assert "a=b" not in r.headers.get("set-cookie", "") and "Traceback" not in caplog.text


def test_a_suggestion_reads_no_more_than_a_capture_holds(web_app: Any,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from servicecheck.demand.fields import VERBATIM_LENGTH

    read: list[int] = []
    monkeypatch.setattr(web_app.state.ctx.suggester, "suggest",
                        lambda text: read.append(len(text)))
    recorder, csrf = sign_in(web_app, "recorder")
    for size in (10, VERBATIM_LENGTH + 1, 900_000):
        r = recorder.post("/capture/suggest", data={"verbatim": "damp " * (size // 5 + 1),
                                                    "csrf": csrf})
        assert r.status_code == 200
    assert read == [15, VERBATIM_LENGTH, VERBATIM_LENGTH]
