"""Who gets what: every route walked unauthenticated and as each role, on SQLite and on
PostgreSQL; CSRF on every form post; cookie flags; login rate limit; security headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

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
    ("GET", "/export/demands.csv", None, "analyst", 200),
    ("GET", "/openapi.json", None, "analyst", 200),
    ("GET", "/admin", None, "admin", 200),
    ("GET", "/journey", None, "admin", 503),  # no workspace given: said so
    ("POST", "/admin/users", {"name": "newbie", "password": "another long one",
                              "role": "recorder"}, "admin", 200),
    ("POST", "/admin/tokens", {"name": "crm"}, "admin", 200),
    ("POST", "/logout", {}, "recorder", 303),
]
OPEN = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/demands")}  # tested apart


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
    have = {(m, path.replace("{name}", n)) for path, methods in routes(web_app.routes)
            for m in methods - {"HEAD"}
            for n in (["capability", "flow", "targets"] if "{name}" in path else [""])}
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


def test_login_is_rate_limited_per_name(web_app: Any) -> None:
    c = TestClient(web_app, base_url="http://127.0.0.1")
    c.get("/login")
    token = c.cookies.get("sc_login_csrf")
    for _ in range(5):
        r = c.post("/login", data={"name": "recorder", "password": "wrong!", "csrf": token})
        assert r.status_code == 401 and "do not match" in r.text
    r = c.post("/login", data={"name": "recorder", "password": PASSWORD, "csrf": token},
               follow_redirects=False)
    assert r.status_code == 429 and r.headers["retry-after"] == "900"
    # another name is not locked out
    r = c.post("/login", data={"name": "analyst", "password": PASSWORD, "csrf": token},
               follow_redirects=False)
    assert r.status_code == 303


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


def test_sessions_end_at_logout(web_app: Any) -> None:
    c, csrf = sign_in(web_app, "recorder")
    cookie = c.cookies.get("sc_session")
    assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    stale = TestClient(web_app, base_url="http://127.0.0.1", cookies={"sc_session": cookie})
    assert stale.get("/capture", follow_redirects=False).status_code == 303
