"""Who gets what: every route walked unauthenticated and as each role, on SQLite and on
PostgreSQL; CSRF on every form post; cookie flags; login rate limit; security headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecheck.store import throttle

from .conftest import PASSWORD, ROLES


def sign_in(app: Any, role: str | None) -> tuple[TestClient, str]:
    """A client signed in as ``role`` (or not at all) and the session's CSRF token."""
    c = TestClient(app, base_url="http://127.0.0.1")
    if role is None:
        return c, ""
    c.get("/login")
    r = c.post("/login", data={"name": role, "password": PASSWORD,
                               "csrf": c.cookies.get("sc_login_csrf"), "next": "/capture"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get("/capture").text
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m
    return c, m.group(1)


CAPTURE = {"verbatim": "The tap in my kitchen is leaking", "channel": "phone",
           "nature": "value", "demand_type": "Leak"}
# method, path, form (csrf added), lowest role allowed, status when allowed
ROUTES: list[tuple[str, str, dict[str, str] | None, str, int]] = [
    ("GET", "/", None, "recorder", 303),
    ("GET", "/capture", None, "recorder", 200),
    ("POST", "/capture", CAPTURE, "recorder", 200),
    ("POST", "/capture/suggest", {"verbatim": "leak"}, "recorder", 200),
    ("GET", "/board", None, "recorder", 200),
    ("GET", "/dashboards/capability", None, "analyst", 503),  # no workspace given: said so
    ("GET", "/dashboards/flow", None, "analyst", 503),
    ("GET", "/dashboards/targets", None, "analyst", 503),
    ("GET", "/dashboards/summary", None, "analyst", 503),
    ("GET", "/export/summary.csv", None, "analyst", 503),
    ("GET", "/export/demands.csv", None, "analyst", 200),
    ("GET", "/openapi.json", None, "analyst", 200),
    ("GET", "/admin", None, "admin", 200),
    ("GET", "/journey", None, "admin", 503),  # no workspace given: said so
    ("POST", "/admin/users", {"name": "newbie", "password": "another long one",
                              "role": "recorder"}, "admin", 200),
    ("POST", "/admin/users/disable", {"name": "newbie"}, "admin", 200),
    ("POST", "/admin/users/enable", {"name": "newbie"}, "admin", 200),
    ("POST", "/admin/users/password", {"name": "newbie", "password": "a new long one here"},
     "admin", 200),
    ("POST", "/admin/tokens", {"name": "crm"}, "admin", 200),
    ("POST", "/admin/tokens/revoke", {"name": "crm"}, "admin", 200),
    ("GET", "/classify", None, "recorder", 200),
    ("POST", "/classify", {"demand_id": "999", "nature": "value"}, "recorder", 422),  # none
    ("GET", "/service", None, "analyst", 200),
    ("POST", "/service", {"timezone": "Mars/Olympus"}, "analyst", 422),  # nothing written
    ("GET", "/types", None, "analyst", 200),
    ("POST", "/types", {"words": "pigeons", "demand_type": "Leak"}, "analyst", 200),
    ("GET", "/report", None, "analyst", 200),
    ("POST", "/report", {}, "analyst", 503),  # no workspace given: said so
    ("GET", "/report/nope/status", None, "analyst", 404),
    ("GET", "/report/nope/check.html", None, "analyst", 404),
    # bringing data in needs a workspace (none given here: said so)
    ("GET", "/upload", None, "analyst", 503),
    ("POST", "/upload", {}, "analyst", 503),
    ("POST", "/upload/next", {}, "analyst", 503),
    ("POST", "/upload/nope/read", {}, "analyst", 503),
    ("POST", "/upload/nope/import", {}, "analyst", 503),
    ("POST", "/upload/nope/save", {}, "analyst", 503),
    ("GET", "/upload/nope/rejects.csv", None, "analyst", 503),
    ("GET", "/imports", None, "analyst", 503),
    ("GET", "/imports/1/rejects.csv", None, "analyst", 503),
    ("POST", "/logout", {}, "recorder", 303),
]
# a route's path parameters, as the table above fills them
PARAMETERS = {"{job_id}": ["nope"], "{kind}": ["html"], "{upload_id}": ["nope"],
              "{import_id}": ["1"]}
OPEN = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/demands"),  # tested apart
        ("GET", "/setup"), ("POST", "/setup"),  # the first run: tests/test_web_setup.py
        ("GET", "/favicon.ico")}  # a static file


def routes(items: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every (path, methods) of the app, through included routers (FastAPI >= 0.16x keeps
    them as wrappers rather than copying their routes)."""
    out = []
    for r in items:
        if hasattr(r, "original_router"):
            out += routes(r.original_router.routes, prefix + r.include_context.prefix)
        elif getattr(r, "methods", None):
            out.append((prefix + r.path, set(r.methods)))
    return out


def test_the_route_table_covers_every_route(web_app: Any) -> None:
    from servicecheck.web.pages import DASHBOARDS

    parameters = {**PARAMETERS, "{name}": list(DASHBOARDS)}

    def filled(path: str) -> list[str]:
        for name, values in parameters.items():
            if name in path:
                return [p for v in values for p in filled(path.replace(name, v))]
        return [path]

    have = {(m, p) for path, methods in routes(web_app.routes) for m in methods - {"HEAD"}
            for p in filled(path)}
    have = {(m, p) for m, p in have if not p.startswith("/static")}
    assert have == {(m, p) for m, p, *_ in ROUTES} | OPEN


@pytest.mark.parametrize("who", [None, *ROLES])
def test_every_route_as_everyone(web_app: Any, who: str | None) -> None:
    rank = {None: -1, **{r: i for i, r in enumerate(ROLES)}}
    for method, path, form, lowest, allowed_status in ROUTES:
        c, csrf = sign_in(web_app, who)  # fresh each time: /logout ends the session
        data = {**form, "csrf": csrf} if form is not None else None
        r = c.request(method, path, data=data, follow_redirects=False)
        if who is None:
            expected = 303 if method == "GET" else 401
            assert r.status_code == expected, (method, path)
            if method == "GET":
                assert r.headers["location"].startswith("/login")
        elif rank[who] >= ROLES.index(lowest):
            assert r.status_code == allowed_status, (who, method, path, r.text[:300])
        else:
            assert r.status_code == 403, (who, method, path)
            assert "needs the" in r.text


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_every_form_post_needs_the_csrf_token(web_app: Any, token: str | None) -> None:
    c, _ = sign_in(web_app, "admin")
    for method, path, form, *_ in ROUTES:
        if method != "POST":
            continue
        data = dict(form or {})
        if token is not None:
            data["csrf"] = token
        r = c.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, path
        assert "security token" in r.text
    # nothing was stored by the refused posts
    r = c.get("/export/demands.csv")
    assert r.text.count("\n") == 1  # the header only


def test_login_form_needs_its_token_and_cookie(web_app: Any) -> None:
    c = TestClient(web_app, base_url="http://127.0.0.1")
    r = c.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": "x"},
               follow_redirects=False)
    assert r.status_code == 403


def test_cookie_flags(web_app: Any) -> None:
    c = TestClient(web_app, base_url="http://127.0.0.1")
    r = c.get("/login")
    assert "httponly" in r.headers["set-cookie"].lower()
    r = c.post("/login", data={"name": "analyst", "password": PASSWORD,
                               "csrf": c.cookies.get("sc_login_csrf")}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and
              v.startswith("sc_session=")).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    web_app.state.ctx.secure_cookies = True  # behind a TLS proxy
    c = TestClient(web_app, base_url="https://127.0.0.1")
    c.get("/login")
    r = c.post("/login", data={"name": "analyst", "password": PASSWORD,
                               "csrf": c.cookies.get("sc_login_csrf")}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and
              v.startswith("sc_session=")).lower()
    assert "secure" in cookie


def attempt(c: TestClient, name: str, password: str) -> Any:
    if not c.cookies.get("sc_login_csrf"):
        c.get("/login")
    return c.post("/login", data={"name": name, "password": password,
                                  "csrf": c.cookies.get("sc_login_csrf")},
                  follow_redirects=False)


def test_guesses_are_slowed_down_but_never_lock_a_name(web_app: Any) -> None:
    now = [1_000_000.0]
    web_app.state.ctx.clock = lambda: now[0]
    # the real user's own browser, where they signed in before: it holds a device cookie
    usual = TestClient(web_app, base_url="http://127.0.0.1", client=("198.51.100.7", 1))
    assert attempt(usual, "recorder", PASSWORD).status_code == 303
    assert usual.cookies.get("sc_device")
    stranger = TestClient(web_app, base_url="http://127.0.0.1", client=("203.0.113.9", 1))
    for _ in range(throttle.NAME.free):
        assert attempt(stranger, "recorder", "wrong guess!").status_code == 401
    # the next attempt, even with the right password, waits its turn: one second
    r = attempt(stranger, "recorder", PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert "Too many failed attempts for this name: wait 1 seconds" in r.text
    # a stranger guessing as fast as allowed: the waits double up to a minute, never more
    waits = []
    for _ in range(10):
        now[0] += 0.5
        r = attempt(stranger, "recorder", "wrong guess!")
        if r.status_code == 429:
            waits.append(int(r.headers["retry-after"]))
            now[0] += waits[-1]
            assert attempt(stranger, "recorder", "wrong guess!").status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    # from their usual browser the real user is not slowed at all; the stranger's copy of
    # a device cookie that is not the user's changes nothing
    assert attempt(usual, "recorder", PASSWORD).status_code == 303
    stranger.cookies.set("sc_device", "made-up")
    assert attempt(stranger, "recorder", "wrong guess!").status_code == 429
    # from a new browser they are in within a minute of the stranger's last guess
    user = TestClient(web_app, base_url="http://127.0.0.1", client=("198.51.100.7", 1))
    assert attempt(user, "recorder", PASSWORD).status_code == 429
    now[0] += 60
    assert attempt(user, "recorder", PASSWORD).status_code == 303
    # a right password starts the name again; another name was never slowed
    assert attempt(user, "recorder", "wrong guess!").status_code == 401
    assert attempt(stranger, "analyst", PASSWORD).status_code == 303


def test_guesses_from_one_address_are_slowed_across_names(web_app: Any) -> None:
    now = [2_000_000.0]
    web_app.state.ctx.clock = lambda: now[0]
    sprayer = TestClient(web_app, base_url="http://127.0.0.1", client=("203.0.113.10", 1))
    for i in range(throttle.ADDRESS.free):
        assert attempt(sprayer, f"guess{i}", "wrong guess!").status_code == 401
    r = attempt(sprayer, "somebody", "wrong guess!")
    assert r.status_code == 429 and "from this address: wait 1 seconds" in r.text
    # other addresses are not slowed by it
    other = TestClient(web_app, base_url="http://127.0.0.1", client=("198.51.100.8", 1))
    assert attempt(other, "admin", PASSWORD).status_code == 303


def test_forty_concurrent_guesses_get_the_stated_number_of_checks(store_url: str) -> None:
    """The count is taken in the database before the password is checked: 40 threads at one
    name at one instant get exactly the free attempts, never more."""
    import concurrent.futures

    import sqlalchemy as sa

    from servicecheck.store import open_store
    from servicecheck.store.accounts import add_user, sign_in
    from servicecheck.store.schema import login_attempts

    store = open_store(store_url)
    add_user(store, "ann", PASSWORD, "recorder")

    def guess(i: int) -> str:
        try:
            return "checked" if sign_in(store, "ann", f"wrong guess {i}", f"198.51.100.{i}",
                                         at=5_000_000.0) is None else "in"
        except throttle.Throttled:
            return "refused"

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    with store.engine.connect() as c:
        checks = c.execute(sa.select(sa.func.count()).select_from(login_attempts)).scalar()
    store.close()
    assert outcomes.count("checked") == checks == throttle.NAME.free
    assert outcomes.count("refused") == 40 - throttle.NAME.free


def test_the_schedule_bounds_checks_over_time() -> None:
    # 5 at once, then one after 1, 2, 4, 8 s ...: 7 checks within 3 s, 10 within 31 s
    assert [throttle.delay_after(n, 5) for n in range(4, 13)] == [0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.allowed_within(0, 5) == 5
    assert throttle.allowed_within(3, 5) == 7
    assert throttle.allowed_within(31, 5) == 10


def test_open_redirects_are_refused(web_app: Any) -> None:
    c = TestClient(web_app, base_url="http://127.0.0.1")
    c.get("/login")
    for target, lands in [("//evil.example", "/capture"), ("https://evil.example", "/capture"),
                          ("/board", "/board")]:
        r = c.post("/login", data={"name": "admin", "password": PASSWORD, "next": target,
                                   "csrf": c.cookies.get("sc_login_csrf")},
                   follow_redirects=False)
        assert r.headers["location"] == lands
        c.get("/login")


def test_security_headers_and_no_cdn(web_app: Any) -> None:
    c, _ = sign_in(web_app, "admin")
    r = c.get("/capture")
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
    assert "http://" not in r.text and "https://" not in r.text
    assert c.get("/docs").status_code == 404  # FastAPI's docs page would load a CDN
    assert c.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
    # static files need no login
    assert TestClient(web_app).get("/static/app.css").status_code == 200
    icon = TestClient(web_app).get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert "no-store" not in icon.headers.get("cache-control", "")


def test_sessions_end_at_logout(web_app: Any) -> None:
    c, csrf = sign_in(web_app, "recorder")
    cookie = c.cookies.get("sc_session")
    assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    stale = TestClient(web_app, base_url="http://127.0.0.1", cookies={"sc_session": cookie})
    assert stale.get("/capture", follow_redirects=False).status_code == 303


def test_lifecycle_on_the_admin_page_takes_effect_at_once(web_app: Any) -> None:
    admin, csrf = sign_in(web_app, "admin")
    user, _ = sign_in(web_app, "recorder")
    assert user.get("/capture").status_code == 200

    def do(path: str, **form: str) -> Any:
        return admin.post(path, data={**form, "csrf": csrf})

    r = do("/admin/users/disable", name="recorder")
    assert r.status_code == 200 and "Disabled recorder: their sessions have ended." in r.text
    assert user.get("/capture", follow_redirects=False).status_code == 303  # signed out
    assert attempt(TestClient(web_app), "recorder", PASSWORD).status_code == 401
    assert do("/admin/users/disable", name="admin").status_code == 422  # not yourself
    assert "you cannot disable yourself" in do("/admin/users/disable", name="admin").text
    assert "there is no user called &#39;nobody&#39;" in do("/admin/users/enable",
                                                           name="nobody").text
    assert do("/admin/users/enable", name="recorder").status_code == 200
    user, _ = sign_in(web_app, "recorder")
    # a new password ends the user's sessions; the old one no longer opens a new one
    r = do("/admin/users/password", name="recorder", password="short")
    assert r.status_code == 422 and "shorter than 12 characters" in r.text
    assert do("/admin/users/password", name="recorder",
              password="a fresh long password").status_code == 200
    assert user.get("/capture", follow_redirects=False).status_code == 303
    assert attempt(TestClient(web_app), "recorder", PASSWORD).status_code == 401
    assert attempt(TestClient(web_app), "recorder",
                   "a fresh long password").status_code == 303
    # a revoked token is refused from the very next post (no cache keeps it alive)
    r = do("/admin/tokens", name="crm")
    token = re.search(r'<code class="token">([^<]+)</code>', r.text)
    assert token
    api = TestClient(web_app)
    post = {"verbatim": "Boiler broken", "channel": "web"}
    auth = {"Authorization": f"Bearer {token.group(1)}"}
    assert api.post("/api/demands", json=post, headers=auth).status_code == 201
    assert "Revoked the token of crm" in do("/admin/tokens/revoke", name="crm").text
    assert api.post("/api/demands", json=post, headers=auth).status_code == 401
    actions = [a.action for a in web_app.state.ctx.store.audit_log()]
    for action in ("user disabled", "user enabled", "password reset", "token revoked"):
        assert action in actions


PASSWORDS = [  # (name, password, the sentence's words) for the policy
    ("sam", "", "the password is only spaces"),
    ("sam", " " * 14, "the password is only spaces"),
    ("sam", "aaaaaaaaaaaaaa", "fewer than 5 different characters"),
    ("sam", "abababababab", "fewer than 5 different characters"),
    ("sam", "password12", "shorter than 12 characters"),
    ("sam", "elevenchars", "shorter than 12 characters"),
    ("samuel.jones", "samuel.jones", "contains the user name"),
    ("samuel", "I am Samuel, hello", "contains the user name"),
    ("sam", "password1234", "on the list of common passwords"),
    ("sam", "Password2024!", "on the list of common passwords"),
    ("sam", "qwerty123456", "on the list of common passwords"),
    ("sam", "football1234567", "on the list of common passwords"),
    ("sam", "long enough\x00really", "holds a NUL character"),
    ("sam", "long enough\nreally", "holds a control character"),
    ("sam", "long enough \ud800 really", "lone UTF-16 surrogate"),
    ("sam", "correct horse battery", None),
    ("ab", "cab and abacus rides", None),  # a two-letter name may appear inside words
]


@pytest.mark.parametrize(("name", "password", "words"), PASSWORDS)
def test_password_policy(name: str, password: str, words: str | None) -> None:
    from servicecheck.store.passwords import password_problem

    problem = password_problem(name, password)
    assert (problem is None) if words is None else (words in str(problem)), problem
    if problem:
        assert problem.count(";") == 1  # one sentence: the problem; the fix


@pytest.mark.parametrize(("name", "words"), [
    ("", "the user name is empty"), ("   ", "the user name is empty"),
    (" ann", "starts or ends with a space"), ("a" * 81, "longer than 80 characters"),
    ("ann\x00", "holds a NUL character"), ("ann\tlee", "holds a control character")])
def test_user_names_are_checked(name: str, words: str) -> None:
    from servicecheck.store.passwords import name_problem

    assert words in str(name_problem(name))


def test_the_common_password_list_is_bundled() -> None:
    from servicecheck.store.passwords import common_passwords

    words = common_passwords()
    assert len(words) > 19_000 and "password" in words and "qwerty123456" in words


CELLS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)",
         "\tTAB=1", "\rCR=1"]


@pytest.mark.parametrize(("cell", "safe"), [
    *[(c, "'" + c) for c in CELLS], ("plain words", "plain words"), ("", ""),
    ("a=b", "a=b"), (" =1", " =1"), (-5, -5), (1.5, 1.5), (None, None)])
def test_neutralise(cell: Any, safe: Any) -> None:
    from servicecheck.io.spreadsheets import neutralise

    assert neutralise(cell) == safe


def test_the_csv_export_carries_no_live_formula(web_app: Any) -> None:
    import csv
    import io

    from servicecheck.store.accounts import add_token
    from servicecheck.web.context import Context

    c: Context = web_app.state.ctx
    token = add_token(c.store, "=cmd|' /C calc'!A0")  # an integration's name is a cell too
    api = TestClient(web_app)
    for cell in CELLS[:4]:  # tabs and CRs are refused in short fields, trimmed off verbatims
        body = {"verbatim": cell, "channel": "web", "demand_type": cell, "case_id": cell}
        r = api.post("/api/demands", json=body, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
    analyst, _ = sign_in(web_app, "analyst")
    rows = list(csv.reader(io.StringIO(analyst.get("/export/demands.csv").text,
                                       newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    live = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert live == []
    quoted = [cell for cell in cells if cell[:1] == "'"]
    # verbatim, type, case id, recorded_by (the integration's name) in each of the 4 rows
    assert len(quoted) == 4 * 4
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'-2+3" in cells


def test_hsts_only_over_tls_or_from_the_trusted_proxy(tmp_path: Any) -> None:
    from servicecheck.web import create_app

    plain = create_app(str(tmp_path / "a.db"))
    assert "strict-transport-security" not in TestClient(plain).get("/login").headers
    r = TestClient(plain, base_url="https://testserver").get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    # a client's own X-Forwarded-Proto is not believed...
    forged = TestClient(plain, client=("203.0.113.5", 1))
    assert "strict-transport-security" not in forged.get(
        "/login", headers={"X-Forwarded-Proto": "https"}).headers
    # ...the declared proxy's is, and it says who the client is (throttling by address)
    proxied = create_app(str(tmp_path / "b.db"), trusted_proxies="10.0.0.2")
    via = TestClient(proxied, client=("10.0.0.2", 1))
    r = via.get("/login", headers={"X-Forwarded-Proto": "https",
                                   "X-Forwarded-For": "198.51.100.1"})
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    other = TestClient(proxied, client=("10.0.0.3", 1))
    assert "strict-transport-security" not in other.get(
        "/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_sqlite_store_is_private_to_its_owner(tmp_path: Any) -> None:
    import os
    import stat

    from servicecheck.web import create_app

    old = os.umask(0o022)  # a usual umask would leave new files world-readable
    try:
        app = create_app(str(tmp_path / "private.db"))
        app.state.ctx.store.audit("t", "t", "t")  # a write: the WAL file exists now
    finally:
        os.umask(old)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["private.db", "private.db-shm", "private.db-wal"]
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    app.state.ctx.store.close()
