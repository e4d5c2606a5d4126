"""The web app in a real browser against a real server: a recorder signs in, captures five
demands with the keyboard alone, and sees them on the live board. Debian's Chromium through
Playwright; screenshots kept in test-artifacts/; an accessibility check with axe-core."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import PASSWORD, ROOT
from .test_report_browser import ARTIFACTS, AXE, browser  # noqa: F401  (the browser fixture)

SERVICE = """name = "Housing repairs"
[demand]
types = ["Leak", "Heating", "Progress chase"]
"""

DEMANDS = [
    # verbatim, type, failure?, resolved at first point
    ("Water coming through the ceiling from upstairs", "Leak", False, False),
    ("No heating since Friday, two small children", "Heating", False, False),
    ("Third call: nobody came on Tuesday as promised", "Progress chase", True, False),
    ("Boiler making a banging noise", "Heating", False, True),
    ("Still waiting for the plumber you said would come", "Progress chase", True, False),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_and_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_user

    folder = tmp_path_factory.mktemp("web")
    (folder / "service.toml").write_text(SERVICE, encoding="utf-8")
    db = str(folder / "web.db")
    store = open_store(db)
    add_user(store, "rita", PASSWORD, "recorder")
    store.close()
    port = free_port()
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from servicecheck.cli import main; main()", "serve",
         "--database", db, "--service", str(folder / "service.toml"), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("the server stopped: " + (folder / "server.log").read_text())
            time.sleep(0.2)
    yield url, db
    proc.terminate()
    proc.wait(timeout=20)
    log.close()
    assert "Water coming" not in (folder / "server.log").read_text()  # no verbatim logged


def test_a_recorder_captures_five_demands_by_keyboard(
        browser: Any, server_and_store: tuple[str, str]) -> None:  # noqa: F811
    import sqlalchemy as sa

    from servicecheck.store import open_store

    server = server_and_store[0]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url} {m.location} {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(server + "/board")  # not signed in: sent to sign in, then back to the board
    assert "/login" in page.url
    page.keyboard.type("rita")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/board")
    page.goto(server + "/capture")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-capture-empty.png"), full_page=True)

    for i, (words, kind, failure, resolved) in enumerate(DEMANDS, 1):
        started = time.monotonic()
        assert page.evaluate("document.activeElement.id") == "verbatim"
        page.keyboard.type(words)
        page.keyboard.press("Tab")            # channel: phone, as the list starts
        page.keyboard.press("Tab")
        page.keyboard.type(kind)              # type, from the service's typology
        page.keyboard.press("Tab")            # the value/failure choice
        page.keyboard.press("ArrowDown" if failure else "Space")
        if failure:
            page.keyboard.press("Tab")
            page.keyboard.type("progress")    # the failure kind, picked by typing
        if resolved:
            page.focus("#first_point_resolved")
            page.keyboard.press("Space")
        page.keyboard.press("Control+Enter")  # recorded from anywhere in the form
        page.get_by_role("status").filter(has_text=f"Recorded demand {i}.").wait_for()
        assert time.monotonic() - started < 10
        if i == 3:
            page.screenshot(path=str(ARTIFACTS / "web-capture-recorded.png"), full_page=True)

    page.goto(server + "/board")
    text = page.locator("#board").inner_text()
    assert "Today: 5 demands" in text and "40% failure demand" in text
    assert "Progress chase" in text
    page.screenshot(path=str(ARTIFACTS / "web-board.png"), full_page=True)
    # the board updates itself: a sixth demand shows without reloading
    api = context.request
    page2 = context.new_page()
    page2.goto(server + "/capture")
    page2.fill("#verbatim", "Damp patch in the bedroom")
    page2.select_option("#demand_type", "Leak")
    page2.check("input[name=nature][value=value]")
    page2.click("#capture button[type=submit]")
    page2.get_by_role("status").wait_for()
    page.locator("#board").filter(has_text="Today: 6 demands").wait_for(timeout=15000)
    assert api is not None and errors == []

    # axe is injected as a script, which the app's own CSP rightly refuses: a second context,
    # signed in as the same person, lets it in
    checker = browser.new_context(bypass_csp=True, storage_state=context.storage_state())
    page = checker.new_page()
    page.goto(server + "/capture")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.help);
    }""")
    assert result == []
    checker.close()
    context.close()

    # what the keyboard recorded is what is stored, field by field
    store = open_store(server_and_store[1])
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT verbatim, nature, failure_kind, "
                                    "first_point_resolved FROM demands ORDER BY id")).all()
    store.close()
    assert [r[0] for r in rows[:5]] == [d[0] for d in DEMANDS]
    assert [r[1] for r in rows[:5]] == ["failure" if d[2] else "value" for d in DEMANDS]
    assert [r[2] for r in rows[:5]] == ["progress chasing" if d[2] else None for d in DEMANDS]
    assert [bool(r[3]) for r in rows[:5]] == [d[3] for d in DEMANDS]


def test_every_page_has_its_icon_and_asks_for_nothing_missing(
        browser: Any, server_and_store: tuple[str, str]) -> None:  # noqa: F811
    """A browser asks for /favicon.ico beside any page or PDF it shows: a 404 in the console
    of every page until the app served one (a static file, no login)."""
    server = server_and_store[0]
    context = browser.new_context()
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    statuses: dict[str, int] = {}
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: statuses.__setitem__(r.url.removeprefix(server), r.status))
    page.goto(server + "/login")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/favicon.ico"
    for address in (icon, "/favicon.ico"):  # linked; asked for unlinked, beside a PDF
        got = page.request.get(server + address)
        assert got.status == 200, address
        assert got.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        assert got.body()[:4] == b"\x00\x00\x01\x00"  # an icon file, not a page
    assert {u: s for u, s in statuses.items() if s >= 400} == {} and errors == []
    context.close()
