"""The whole Check in a real browser against a real server, no terminal and no export: a
recorder captures ten demands (one with a combination that is not allowed: they see the
message beside the field, correct it, and it is recorded); an analyst changes the service
file through its form and downloads the Check report (HTML and PDF), which counts all ten.
Debian's Chromium through Playwright; screenshots kept in test-artifacts/."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD, ROOT
from .test_report_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from .test_web_browser import free_port

TYPES = ["Leaks and plumbing", "Heating and hot water", "Progress of my repair"]
# words, type, failure kind ("" for value demand)
DEMANDS = [(f"Call {i}: " + words, kind, failure) for i, (words, kind, failure) in enumerate([
    ("water through the kitchen ceiling", TYPES[0], ""),
    ("no heating since Friday", TYPES[1], ""),
    ("still waiting for the plumber", TYPES[2], "progress chasing"),
    ("boiler banging", TYPES[1], ""),
    ("tap will not turn off", TYPES[0], ""),
    ("nobody came on Tuesday", TYPES[2], "not done"),
    ("radiator cold upstairs", TYPES[1], ""),
    ("leak is back after the repair", TYPES[0], "not done right"),
    ("pigeons nesting in the loft", "Other", ""),
    ("when is someone coming", TYPES[2], "progress chasing"),
], 1)]
INVALID = 4  # recorded first as value demand with a failure kind still set


def contacts(ws: Path) -> int:
    from servicecheck.engine.workspace import Workspace

    with Workspace(ws, read_only=True) as w:
        return int(w.demands(w.service().key).count().execute())


@contextlib.contextmanager
def serving(folder: Path, service: Path | None, ws: Path, users: dict[str, str]
            ) -> Iterator[str]:
    """`servicecheck serve` with a store in ``folder`` holding these people (name -> role),
    on a free port: its address, once it answers. Its output goes to folder/server.log.
    With no ``service``, the server is started as a new team starts it: no --service."""
    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_user

    db = str(folder / "web.db")
    store = open_store(db)
    for name, role in users.items():
        add_user(store, name, PASSWORD, role)
    store.close()
    port = free_port()
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "servicecheck", "serve", "-d", db,
         *(["--service", str(service)] if service else []),
         "-w", str(ws), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    from servicecheck.web.launch import answering

    deadline = time.monotonic() + 120
    while not answering("127.0.0.1", port):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the server did not start: " + (folder / "server.log").read_text())
        time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path
           ) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("check")
    ws, service = folder / "ws.duckdb", folder / "service.toml"
    shutil.copy(demo_workspace, ws)
    shutil.copy(demo_workspace.parent / "data" / "service.toml", service)
    with serving(folder, service, ws, {"rita": "recorder", "ann": "analyst"}) as url:
        yield url, ws, service
    assert "Call 1" not in (folder / "server.log").read_text()  # no verbatim logged


def signed_in(browser: Any, server: str, name: str) -> tuple[Any, Any, list[str]]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1200, "height": 950}, accept_downloads=True)
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/capture")
    return context, page, errors


def test_ten_demands_reach_the_report_with_no_export(
        browser: Any, server: tuple[str, Path, Path]) -> None:  # noqa: F811
    url, ws, service = server
    before = contacts(ws)
    context, page, errors = signed_in(browser, url, "rita")
    ARTIFACTS.mkdir(exist_ok=True)
    for i, (words, kind, failure) in enumerate(DEMANDS, 1):
        page.fill("#verbatim", words)
        assert page.locator("#type_other").is_hidden()  # only while the type is Other
        page.select_option("#demand_type", kind)
        if kind == "Other":
            page.fill("#type_other", "Pests")  # the box is there now: say what
        if i == INVALID:  # value demand, with what failed still set from a habit
            page.check("input[name=nature][value=value]")
            page.select_option("#failure_kind", "repeat")
        else:
            page.check(f"input[name=nature][value={'failure' if failure else 'value'}]")
            page.select_option("#failure_kind", failure)
        page.keyboard.press("Control+Enter")
        if i == INVALID:
            beside = page.locator("#failure_kind-error")
            beside.wait_for()
            assert "only failure demand has a failure kind" in beside.inner_text()
            page.screenshot(path=str(ARTIFACTS / "web-capture-problem.png"), full_page=True)
            # what was typed is all still there, and the cursor is on the field to correct
            assert page.input_value("#verbatim") == words
            assert page.input_value("#demand_type") == kind
            assert page.evaluate("document.activeElement.id") == "failure_kind"
            assert page.get_by_role("status").count() == 0  # nothing was recorded
            page.select_option("#failure_kind", "")
            page.keyboard.press("Control+Enter")
        page.get_by_role("status").filter(has_text=f"Recorded demand {i}.").wait_for()
    context.close()
    # the browser notes the form's 422 answer in its console; nothing else may be there
    assert [e for e in errors if "status of 422" not in e] == []
    assert sum("status of 422" in e for e in errors) == 1
    assert contacts(ws) == before + 10  # in the workspace's Reader, with no export
    from servicecheck.store import open_store

    store = open_store(str(ws.parent / "web.db"))
    with store.engine.connect() as conn:
        other = conn.exec_driver_sql("SELECT demand_type, type_other FROM demands "
                                     "WHERE type_other IS NOT NULL").all()
    store.close()
    assert [tuple(r) for r in other] == [("Other", "Pests")]

    context, page, errors = signed_in(browser, url, "ann")
    # the service file, through its form: a purpose in the citizen's words, one more end
    page.goto(url + "/service")
    page.fill("#purpose", "Fix my problem, first time, when it suits me")
    end = page.locator("#clock-end").get_by_label("Order closed", exact=False).first
    assert "would stay open" in end.locator("xpath=..").inner_text()
    end.check()
    page.click("#service-form button[type=submit]")
    page.get_by_role("status").filter(has_text="Saved to").wait_for()
    page.screenshot(path=str(ARTIFACTS / "web-service-form.png"), full_page=True)
    data = tomllib.loads(service.read_text(encoding="utf-8"))
    assert data["purpose"] == "Fix my problem, first time, when it suits me"
    assert "Order closed" in data["clock"]["end"]

    # the report, made and downloaded from the browser, with its progress shown
    page.goto(url + "/report")
    page.click("#make-report")
    page.locator("#report-progress").wait_for()
    page.screenshot(path=str(ARTIFACTS / "web-report-progress.png"), full_page=True)
    link = page.get_by_role("link", name="Download the report (HTML)")
    link.wait_for(timeout=600_000)
    with page.expect_download() as got:
        link.click()
    html = Path(got.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
    context.close()
    assert errors == []
    assert f"{before + 10:,} contacts between" in html
    assert "Fix my problem, first time, when it suits me" in html
