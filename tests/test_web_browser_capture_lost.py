"""A capture that does not reach the store is said at once, beside the words still typed.

Before, a capture the app did not answer (restarting, the network down) or refused left the
last "Recorded demand N." on screen with nothing new said, and a capture after the sign-in had
ended moved the page to the sign-in, the words typed gone with it. Each way a capture can fail
is one row; the request is made to fail by the browser (Playwright's routing) or, for the
sign-in, by the real server. Debian's Chromium; screenshots kept in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD
from .test_report_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from .test_web_browser import server_and_store  # noqa: F401  (a real server and store)

WORDS = "Nobody came on Tuesday, water still coming through"

# (how the capture fails, the sentence shown): abort is the app not answering at all
FAILURES = [
    ("abort", "Not recorded: the app did not answer (it may be restarting, or the network is "
              "down). What you typed is still in the form: record it again in a moment."),
    ("500", "Not recorded: the app could not store it just now. What you typed is still in "
            "the form: record it again, and if this comes back, tell whoever runs the app."),
    ("403", "Not recorded: the form was opened under an earlier sign-in. What you typed is "
            "still in the form: record it again."),
    ("signed out", "Your sign-in has ended, so nothing can be recorded. What you typed is "
                   "still in the form: sign in again in a new tab, then come back here and "
                   "record it."),
]


def stored(db: str) -> int:
    import sqlalchemy as sa

    from servicecheck.store import open_store

    store = open_store(db)
    try:
        with store.engine.connect() as c:
            return int(c.execute(sa.text("SELECT count(*) FROM demands")).scalar_one())
    finally:
        store.close()


def sign_in(page: Any, server: str) -> None:
    page.goto(server + "/login?next=/capture")
    page.fill("#name", "rita")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/capture")


def fill(page: Any) -> None:
    page.fill("#verbatim", WORDS)
    page.select_option("#demand_type", "Progress chase")
    page.check("input[name=nature][value=failure]")


@pytest.mark.parametrize(("how", "said"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_capture_not_stored_says_so_and_keeps_the_words(
        browser: Any, server_and_store: tuple[str, str], how: str, said: str  # noqa: F811
        ) -> None:
    server, db = server_and_store
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    page = context.new_page()
    sign_in(page, server)
    fill(page)
    page.keyboard.press("Control+Enter")
    page.get_by_role("status").filter(has_text="Recorded demand").wait_for()
    before = stored(db)
    token = page.input_value("#capture input[name=csrf]")

    def fail(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif how == "abort":
            route.abort()
        else:
            route.fulfill(status=int(how), body="refused")

    if how == "signed out":
        context.clear_cookies()  # the session ended (12 hours, or signed out elsewhere)
    else:
        page.route(server + "/capture", fail)
    fill(page)
    page.keyboard.press("Control+Enter")
    box = page.locator("#not-recorded")
    box.wait_for()
    assert " ".join(box.inner_text().split()) == said
    assert page.url == server + "/capture"  # never moved to the sign-in: the words are here
    assert page.input_value("#verbatim") == WORDS
    assert page.locator("#capture-area .saved").count() == 0  # the last "Recorded" is gone
    assert stored(db) == before
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-capture-not-recorded-{how}.png"),
                    full_page=True)

    # put right (signed in again in another tab, the app answering): recorded once
    if how == "signed out":
        other = context.new_page()
        sign_in(other, server)
        other.close()
        page.evaluate("window.dispatchEvent(new Event('focus'))")  # back to the first tab
        page.wait_for_function(  # the form's token, fetched for the new sign-in
            "t => document.querySelector('#capture input[name=csrf]').value !== t", arg=token)
    else:
        page.unroute(server + "/capture")
    page.keyboard.press("Control+Enter")
    page.get_by_role("status").filter(has_text="Recorded demand").wait_for()
    assert box.is_hidden()
    assert stored(db) == before + 1
    context.close()
