"""The pages people use: sign in, capture, the live board, dashboards, export, administration.
Each handler reads the request, calls the library, and renders; no measure is computed here."""

from __future__ import annotations

import datetime as dt
import io
import math
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from servicecheck.demand.fields import VERBATIM_LENGTH
from servicecheck.io.errors import InputError, WorkspaceUnavailable
from servicecheck.io.spreadsheets import safe_frame
from servicecheck.store import accounts, blind
from servicecheck.store.accounts import Session
from servicecheck.store.capture import (
    OTHER,
    Capture,
    count,
    demand_frame,
    field_problems,
    store_demand,
)
from servicecheck.store.schema import ROLES
from servicecheck.store.text import character_problem
from servicecheck.store.throttle import Throttled
from servicecheck.web.board import agreement_view, board
from servicecheck.web.context import ctx
from servicecheck.web.problems import unavailable
from servicecheck.web.security import (
    ADMIN,
    ANALYST,
    DEVICE_COOKIE,
    DEVICE_DAYS,
    LOGIN_CSRF_COOKIE,
    RECORDER,
    SESSION_COOKIE,
    check_login_form,
    session,
    set_cookie,
)

router = APIRouter(include_in_schema=False)  # pages; the OpenAPI document is the API's


def page(request: Request, template: str, status_code: int = 200, **values: Any
         ) -> HTMLResponse:
    c = ctx(request)
    s = session(request)
    body = c.env.get_template(template).render(
        request=request, session=s, service=c.service, has_workspace=c.workspace is not None,
        **values)
    return HTMLResponse(body, status_code=status_code)


def nothing_yet(request: Request) -> HTMLResponse | None:
    """The page for a workspace nothing has been brought into yet (its file is made by the
    first import), in the browser's words, not the command line's; None once it exists."""
    workspace = ctx(request).workspace
    if workspace is None or workspace.exists():
        return None
    return page(request, "error.html", status_code=404,
                message="Nothing has been brought in yet: bring your service's data in under "
                        "Bring your data, and this page shows it.")


def partial(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# -- signing in -------------------------------------------------------------------------------
def _safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/capture"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", login_csrf=token, next=_safe_next(next), error=None)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(request: Request, name: str = Form(...), password: str = Form(...),
          csrf: str = Form(""), next: str = Form("/capture")) -> Response:
    c = ctx(request)
    check_login_form(request, csrf, "sign-in form")
    address = request.client.host if request.client else "unknown"
    try:
        user = accounts.sign_in(c.store, name, password, address, at=c.clock(),
                                device=request.cookies.get(DEVICE_COOKIE))
    except Throttled as slow:
        wait = math.ceil(slow.seconds)
        who = "for this name" if slow.key.kind == "name" else "from this address"
        refused = page(request, "login.html", status_code=429, login_csrf=csrf,
                       next=_safe_next(next),
                       error=f"Too many failed attempts {who}: wait {wait} seconds and try "
                             "again.")
        refused.headers["Retry-After"] = str(wait)
        return refused
    if user is None:
        return page(request, "login.html", status_code=401, login_csrf=csrf,
                    next=_safe_next(next), error="That name and password do not match.")
    token, _ = accounts.start_session(c.store, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token,
               max_age=accounts.SESSION_HOURS * 3600)
    device = accounts.remember_device(c.store, user, request.cookies.get(DEVICE_COOKIE))
    if device:
        set_cookie(response, request, DEVICE_COOKIE, device, max_age=DEVICE_DAYS * 86400)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, s: Session = RECORDER) -> Response:
    accounts.end_session(ctx(request).store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, s: Session = RECORDER) -> Response:
    return RedirectResponse("/capture", status_code=303)


# -- capture ----------------------------------------------------------------------------------
# where a problem's link in the summary takes the cursor (the field, or the group's first box)
ANCHORS = {"nature": "nature", "suggested_nature": "verbatim", "suggested_confidence": "verbatim"}


def _capture_page(request: Request, template: str, **values: Any) -> HTMLResponse:
    values.setdefault("errors", {})
    return page(request, template, other=OTHER, anchors=ANCHORS, **values)


@router.get("/capture", response_class=HTMLResponse)
def capture_form(request: Request, s: Session = RECORDER) -> HTMLResponse:
    return _capture_page(request, "capture.html", form=None, saved=None,
                         channel=ctx(request).service.channels[0])


@router.post("/capture", response_class=HTMLResponse)
def capture(request: Request, s: Session = RECORDER, verbatim: str = Form(""),
            channel: str = Form(""), demand_type: str = Form(""), type_other: str = Form(""),
            nature: str = Form(""), failure_kind: str = Form(""),
            first_point_resolved: str = Form(""), case_id: str = Form(""),
            keep_case: str = Form(""), suggested_nature: str = Form(""),
            suggested_confidence: str = Form("")) -> HTMLResponse:
    c = ctx(request)
    confidence = _confidence(suggested_confidence)
    item = Capture(verbatim=verbatim, channel=channel, nature=nature or "",
                   demand_type=demand_type.strip() or None, type_other=type_other.strip() or None,
                   failure_kind=failure_kind or None,
                   first_point_resolved=bool(first_point_resolved), case_id=case_id.strip() or None,
                   suggested_nature=suggested_nature or None, suggested_confidence=confidence)
    errors = field_problems(item, c.service, type_required=True,
                            case_known=None if keep_case or c.cases is None else c.cases.known)
    if suggested_confidence and confidence is None:
        errors["suggested_confidence"] = ("suggested confidence: is not a number from 0 to 1; "
                                          "reload the form")
    saved = None
    if not errors:
        saved = store_demand(c.store, c.service, item, recorded_by=s.user.name, source="form")
        # a count, not every capture ever made, decides whether it is time to learn again
        if c.suggester.due(count(c.store, c.service, labelled=True)):
            c.suggester.maybe_learn(demand_frame(c.store, c.service))
    template = "_capture_form.html" if partial(request) else "capture.html"
    # With problems the form comes back as typed, each problem beside its field (422: htmx is
    # configured to show it, see base.html). After a capture it comes back empty but keeps the
    # channel: the next call is most likely on the same line.
    return _capture_page(request, template, status_code=422 if errors else 200,
                         form=item if errors else None, errors=errors, saved=saved,
                         channel=channel)


def _confidence(text: str) -> float | None:
    """The suggester's confidence the form carried back: a number from 0 to 1, else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None  # nan fails both comparisons


@router.post("/capture/suggest", response_class=HTMLResponse)
def suggest(request: Request, s: Session = RECORDER, verbatim: str = Form("")) -> HTMLResponse:
    c = ctx(request)
    # a suggestion reads no more than a capture may hold: a megabyte pasted in (or posted by a
    # script, at every keystroke's pause) must not hold a request thread for its length
    return page(request, "_suggestion.html",
                suggestion=c.suggester.suggest(verbatim[:VERBATIM_LENGTH]),
                ready=c.suggester.ready)


# -- the live board ---------------------------------------------------------------------------
@router.get("/board", response_class=HTMLResponse)
def board_page(request: Request, s: Session = RECORDER) -> HTMLResponse:
    c = ctx(request)
    b = board(demand_frame(c.store, c.service), c.service.timezone)
    agreement = agreement_view(blind.pairs(c.store, c.service), c.service.timezone)
    return page(request, "_board.html" if partial(request) else "board.html", board=b,
                agreement=agreement)


# -- dashboards over the workspace -------------------------------------------------------------
DASHBOARDS = {"summary": "At a glance", "capability": "Capability", "flow": "Flow",
              "targets": "Targets versus purpose"}


@router.get("/dashboards/{name}", response_class=HTMLResponse)
def dashboard(request: Request, name: str, s: Session = ANALYST,
              service: str = "") -> HTMLResponse:
    from servicecheck.web.dashboards import section
    from servicecheck.web.upload_services import services

    if name not in DASHBOARDS:
        return page(request, "error.html", status_code=404, message="There is no such page.")
    if (empty := nothing_yet(request)) is not None:
        return empty
    try:
        held = services(ctx(request))
        named, sec = section(ctx(request), name, service if service in held else "")
    except WorkspaceUnavailable as exc:
        return page(request, "error.html", status_code=503, message=unavailable(exc))
    except InputError as exc:
        return page(request, "error.html", status_code=503, message=str(exc))
    return page(request, "dashboard.html", s=sec, name=name, dashboards=DASHBOARDS,
                services=held, chosen=service, named=named)


# -- one citizen across services (admins only: it joins a person's whole record) ------------
@router.get("/journey", response_class=HTMLResponse)
def citizen_journey(request: Request, ref: str = "", s: Session = ADMIN) -> HTMLResponse:
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.joined_up import journey

    c = ctx(request)
    problem = character_problem(ref) or (
        "is longer than 200 characters; give the reference itself" if len(ref) > 200 else None)
    if problem:
        return page(request, "error.html", status_code=422,
                    message=f"The citizen reference {problem}.")
    if c.workspace is None:
        return page(request, "error.html", status_code=503,
                    message="No workspace was given to the server: start it with --workspace.")
    steps = None
    if ref:
        with Workspace(c.workspace, read_only=True) as ws:
            steps = journey(ws, ref.strip())
        c.store.audit(s.user.name, "journey viewed", f"{len(steps)} steps")
    return page(request, "journey.html", ref=ref, steps=steps)


# -- export -----------------------------------------------------------------------------------
@router.get("/export/demands.csv")
def export(request: Request, s: Session = ANALYST) -> Response:
    c = ctx(request)
    frame = demand_frame(c.store, c.service)
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    c.store.audit(s.user.name, "export", f"demands.csv: {len(frame)} rows")
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}"
    return StreamingResponse(iter([buffer.getvalue()]), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{quote(c.service.key)}-demands-'
                               f'{stamp}.csv"'})


@router.get("/export/summary.csv")
def export_summary(request: Request, s: Session = ANALYST) -> Response:
    from servicecheck.web.dashboards import summary_frame

    c = ctx(request)
    if (empty := nothing_yet(request)) is not None:
        return empty
    try:
        frame = summary_frame(c)
    except WorkspaceUnavailable as exc:
        return page(request, "error.html", status_code=503, message=unavailable(exc))
    except InputError as exc:
        return page(request, "error.html", status_code=503, message=str(exc))
    return StreamingResponse(iter([safe_frame(frame).to_csv(index=False)]),
                             media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{quote(c.service.key)}-summary.csv"'})


# -- administration ---------------------------------------------------------------------------
@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, welcome: bool = False, s: Session = ADMIN) -> HTMLResponse:
    if welcome:  # straight from the first-run page: what to do next
        return _admin_page(request, message="You are the admin. Add your team below, then "
                           "bring in your service's data under Bring your data.")
    return _admin_page(request)


def _admin_page(request: Request, status_code: int = 200, **values: Any) -> HTMLResponse:
    c = ctx(request)
    store = c.store
    values.setdefault("message", None)
    values.setdefault("new_token", None)
    return page(request, "admin.html", status_code=status_code, users=accounts.list_users(store),
                tokens=accounts.list_tokens(store), audit=store.audit_log(), roles=ROLES,
                when=_local_time(c.service.timezone), **values)


def _local_time(zone: str) -> Callable[[dt.datetime | None], str]:
    """A stored moment (UTC, naive) as the service's own clock reads it, to the second:
    "2026-12-02 11:49:24.800806" read as UTC to a team in another zone."""
    from zoneinfo import ZoneInfo

    def said(at: dt.datetime | None) -> str:
        if at is None:
            return ""
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        return at.astimezone(ZoneInfo(zone)).strftime("%d %b %Y %H:%M:%S")

    return said


def _admin_do(request: Request, work: Any, done: str, **values: Any) -> HTMLResponse:
    """Run one admin action; its InputError is the page's one sentence, with 422."""
    try:
        work()
    except InputError as exc:
        return _admin_page(request, status_code=422, message=str(exc))
    return _admin_page(request, message=done, **values)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(request: Request, s: Session = ADMIN, name: str = Form(""),
             password: str = Form(""), role: str = Form("recorder")) -> HTMLResponse:
    return _admin_do(request, lambda: accounts.add_user(ctx(request).store, name.strip(),
                                                        password, role, actor=s.user.name),
                     f"Added {name.strip()} as {role}.")


@router.post("/admin/users/disable", response_class=HTMLResponse)
def disable_user(request: Request, s: Session = ADMIN, name: str = Form("")) -> HTMLResponse:
    return _admin_do(request, lambda: accounts.set_disabled(ctx(request).store, name, True,
                                                            actor=s.user.name),
                     f"Disabled {name}: their sessions have ended.")


@router.post("/admin/users/enable", response_class=HTMLResponse)
def enable_user(request: Request, s: Session = ADMIN, name: str = Form("")) -> HTMLResponse:
    return _admin_do(request, lambda: accounts.set_disabled(ctx(request).store, name, False,
                                                            actor=s.user.name),
                     f"Enabled {name}.")


@router.post("/admin/users/password", response_class=HTMLResponse)
def reset_password(request: Request, s: Session = ADMIN, name: str = Form(""),
                   password: str = Form("")) -> HTMLResponse:
    return _admin_do(request, lambda: accounts.reset_password(ctx(request).store, name,
                                                              password, actor=s.user.name),
                     f"Set a new password for {name}: their sessions have ended.")


@router.post("/admin/tokens", response_class=HTMLResponse)
def add_token(request: Request, s: Session = ADMIN, name: str = Form("")) -> HTMLResponse:
    try:
        token = accounts.add_token(ctx(request).store, name.strip(), actor=s.user.name)
    except InputError as exc:
        return _admin_page(request, status_code=422, message=str(exc))
    return _admin_page(request, new_token=token, message=f"Token for {name.strip()}: copy it "
                       "now, it is not shown again.")


@router.post("/admin/tokens/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, s: Session = ADMIN, name: str = Form("")) -> HTMLResponse:
    return _admin_do(request, lambda: accounts.revoke_token(ctx(request).store, name,
                                                            actor=s.user.name),
                     f"Revoked the token of {name}: it is refused from now on.")
