"""The first run, with no terminal: while nobody can sign in, the person who started the app
makes the first admin in the browser. The page needs the one-time key that `servicecheck
serve` prints (and `servicecheck open` opens), so nobody else on the network can claim the
app first; once anyone exists it only points to the sign-in page."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecheck.io.errors import InputError
from servicecheck.store import accounts
from servicecheck.web.context import ctx
from servicecheck.web.pages import page
from servicecheck.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Forbidden,
    check_login_form,
    set_cookie,
)

router = APIRouter(include_in_schema=False)


def _key_ok(request: Request, key: str) -> bool:
    expected = ctx(request).setup_key
    return bool(expected and key and secrets.compare_digest(expected, key))


@router.get("/setup", response_class=HTMLResponse)
def setup_form(request: Request, key: str = "") -> Response:
    if accounts.has_users(ctx(request).store):
        return RedirectResponse("/login", status_code=303)
    if not _key_ok(request, key):
        raise Forbidden("this first-run page needs the address `servicecheck serve` printed "
                        "(with its key); or make the first admin with 'servicecheck users add "
                        "NAME --role admin'")
    token = secrets.token_urlsafe(24)
    response = page(request, "setup.html", login_csrf=token, key=key, error=None, name="")
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.post("/setup")
def setup(request: Request, key: str = Form(""), csrf: str = Form(""), name: str = Form(""),
          password: str = Form(""), again: str = Form("")) -> Response:
    c = ctx(request)
    check_login_form(request, csrf, "first-run form")
    if accounts.has_users(c.store):
        return RedirectResponse("/login", status_code=303)
    if not _key_ok(request, key):
        raise Forbidden("this first-run page needs the address `servicecheck serve` printed")

    def again_page(error: str) -> HTMLResponse:
        return page(request, "setup.html", status_code=422, login_csrf=csrf, key=key,
                    error=error, name=name)

    if password != again:
        return again_page("The two passwords differ: type the same password twice.")
    try:
        user = accounts.add_first_admin(c.store, name.strip(), password)
    except InputError as refused:
        if accounts.has_users(c.store):  # someone else was first
            return RedirectResponse("/login", status_code=303)
        return again_page(str(refused))
    token, _ = accounts.start_session(c.store, user)
    response = RedirectResponse("/admin?welcome=1", status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token,
               max_age=accounts.SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response
