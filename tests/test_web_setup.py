"""The first run with no terminal: while nobody can sign in, the person who started the app
makes the first admin in the browser, with the one-time key `serve` prints; after that the
page only points to the sign-in, and nobody else ever claims the app. SQLite and PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecheck.store.accounts import has_users, list_users
from servicecheck.web import create_app

from .conftest import PASSWORD

KEY = "the-one-time-key-serve-printed"


@pytest.fixture
def fresh_app(store_url: str) -> Any:
    app = create_app(store_url, setup_key=KEY)
    yield app
    app.state.ctx.store.close()


def form(c: TestClient, key: str = KEY) -> str:
    r = c.get(f"/setup?key={key}")
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m
    return m.group(1)


def post(c: TestClient, token: str, **fields: str) -> Any:
    data = {"key": KEY, "csrf": token, "name": "ann", "password": PASSWORD,
            "again": PASSWORD, **fields}
    return c.post("/setup", data=data, follow_redirects=False)


# (what is sent, status, words on the page): nothing is made by any of these
REFUSED = [
    ({"again": "another long password"}, 422, "The two passwords differ"),
    ({"password": "short", "again": "short"}, 422, "12 characters"),
    ({"password": "password1234", "again": "password1234"}, 422, "common"),
    ({"name": ""}, 422, "name"),
    ({"key": "wrong"}, 403, "first-run page needs the address"),
    ({"csrf": "wrong"}, 403, "security token"),
]


@pytest.mark.parametrize(("fields", "status", "words"), REFUSED,
                         ids=[w for *_, w in REFUSED])
def test_refused_first_admins_make_nobody(fresh_app: Any, fields: dict[str, str],
                                          status: int, words: str) -> None:
    c = TestClient(fresh_app)
    r = post(c, form(c), **fields)
    assert r.status_code == status
    assert words.lower() in r.text.lower()
    assert not has_users(fresh_app.state.ctx.store)


def test_the_first_admin_is_made_once_and_signed_in(fresh_app: Any) -> None:
    c = TestClient(fresh_app)
    assert c.get("/setup", follow_redirects=False).status_code == 403  # no key
    assert c.get("/setup?key=nearly", follow_redirects=False).status_code == 403
    r = post(c, form(c))
    assert (r.status_code, r.headers["location"]) == (303, "/admin?welcome=1")
    page = c.get(r.headers["location"])
    assert page.status_code == 200  # signed in, as admin, and told what comes next
    assert "Bring your data" in page.text and "Add your team" in page.text
    # the audit log says when in the service's own time, to the second (not a UTC stamp
    # with microseconds)
    row = re.search(r"<tr><td>([^<]*)</td><td>setup</td>", page.text)
    assert row and re.fullmatch(r"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d", row.group(1))
    users = list_users(fresh_app.state.ctx.store)
    assert [(u.name, u.role) for u in users] == [("ann", "admin")]
    # from now on the page only points to the sign-in, key or not, and makes nobody
    other = TestClient(fresh_app)
    r = other.get(f"/setup?key={KEY}", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    token = "t" * 32
    other.cookies.set("sc_login_csrf", token)
    r = post(other, token, name="mallory")
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert len(list_users(fresh_app.state.ctx.store)) == 1


def test_without_a_key_the_page_is_closed(store_url: str) -> None:
    """An app built without a key (tests, `create_app` from Python) has no first-run page."""
    app = create_app(store_url)
    try:
        r = TestClient(app).get("/setup?key=", follow_redirects=False)
        assert r.status_code == 403
    finally:
        app.state.ctx.store.close()


def test_two_at_once_make_one_admin(fresh_app: Any) -> None:
    clients = [TestClient(fresh_app) for _ in range(6)]
    tokens = [form(c) for c in clients]

    def claim(i: int) -> int:
        return int(post(clients[i], tokens[i], name=f"person{i}").status_code)

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(claim, range(6)))
    assert outcomes.count(303) == 6  # the first to /admin, the others to /login
    assert len(list_users(fresh_app.state.ctx.store)) == 1
