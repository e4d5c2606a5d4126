"""Who may do what: sessions from an HttpOnly cookie, roles enforced on the server, a CSRF
token on every form post, security headers on every response (HSTS over TLS), and request
bodies capped before anything reads them."""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Depends, HTTPException, Request, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicecheck.store.accounts import Session, session_for
from servicecheck.web.context import ctx

LOG = logging.getLogger("servicecheck.web")
SESSION_COOKIE = "sc_session"
LOGIN_CSRF_COOKIE = "sc_login_csrf"
# a browser that signed in before: its sign-ins are throttled apart from strangers' guesses
DEVICE_COOKIE = "sc_device"
DEVICE_DAYS = 365

# The largest request body read: a capture form or an API post is a few kilobytes; a long
# letter typed in as the verbatim (10,000 characters) is well under this.
MAX_BODY = 1024 * 1024
# The largest file an analyst may bring in from the browser (Bring your data): a year of a
# council's job list is a few megabytes; a larger log is imported with `servicecheck import`.
MAX_UPLOAD = 200 * 1024 * 1024
UPLOADS = ("/upload", "/upload/next")  # the paths that take a file (and so MAX_UPLOAD)
# a year, as browsers' preload lists ask; sent only on responses that came over TLS
HSTS = "max-age=31536000; includeSubDomains"

# Scripts and styles only from this server (htmx is vendored); SVG charts are inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def session(request: Request) -> Session | None:
    cached: Session | None = getattr(request.state, "session", None)
    if cached is None:
        cached = session_for(ctx(request).store, request.cookies.get(SESSION_COOKIE))
        request.state.session = cached
    return cached


def check_login_form(request: Request, sent: str, form: str) -> None:
    """A form posted before anyone is signed in (sign-in, first run) carries the token its
    page set in a cookie (double submit); without it, one sentence and 403."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, sent):
        raise Forbidden(f"the {form}'s security token is missing or out of date; reload the "
                        "page and try again")


def require(role: str) -> Callable[[Request], Awaitable[Session]]:
    """A dependency: the session of a user with at least ``role``, and for a form post a valid
    CSRF token (field ``csrf`` or header X-CSRF-Token)."""

    async def dependency(request: Request) -> Session:
        s = session(request)
        if s is None:
            raise NotLoggedIn()
        if not s.user.may(role):
            raise Forbidden(f"this needs the {role} role; you are signed in as "
                            f"{s.user.role}")
        if request.method == "POST":
            sent = request.headers.get("x-csrf-token")
            if sent is None:
                form = await request.form()
                value = form.get("csrf")
                sent = value if isinstance(value, str) else None
            if not sent or not secrets.compare_digest(sent, s.csrf):
                raise Forbidden("the form's security token is missing or out of date; "
                                "reload the page and try again")
        return s

    return dependency


RECORDER = Depends(require("recorder"))
ANALYST = Depends(require("analyst"))
ADMIN = Depends(require("admin"))


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int | None = None) -> None:
    secure = ctx(request).secure_cookies or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=secure, path="/")


class HttpMiddleware:
    """Plain ASGI middleware (cheaper than BaseHTTPMiddleware under load) for HTTP requests;
    anything else (lifespan) passes straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecurityHeaders(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = scope["path"].startswith("/static/") or scope["path"] == "/favicon.ico"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                if not static:
                    headers["Cache-Control"] = "no-store"  # pages hold citizens' words
                # "https" when TLS ended here, or at a proxy the admin declared trusted
                # (serve --trusted-proxy): a client's own X-Forwarded-Proto counts for nothing
                if scope.get("scheme") == "https":
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, with_headers)


TOO_LARGE = (f"the request is larger than {MAX_BODY // 1024 ** 2} MiB; send less: a demand's "
             "words fit in a few kilobytes")


def size_words(limit: int) -> str:
    """A size limit in the unit that fits it: 200 MiB, 256 KiB."""
    return (f"{limit / 1024 ** 2:,.0f} MiB" if limit >= 1024 ** 2 else
            f"{limit / 1024:,.0f} KiB")


def too_large_file(limit: int) -> str:
    return (f"the file is larger than {size_words(limit)}, the most the web app takes; "
            "import it with 'servicecheck import' instead")


class BodyTooLarge(HTTPException):
    def __init__(self, text: str = TOO_LARGE) -> None:
        super().__init__(413, text)


class BodyLimit(HttpMiddleware):
    """Refuse a body over MAX_BODY (a file brought in: MAX_UPLOAD) before the app sees the
    request (so before sign-in or a token is checked) when its Content-Length says so,
    without reading it; a body sent without a length is counted as it arrives and refused
    at the limit."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, uploads: int = MAX_UPLOAD) -> None:
        super().__init__(app)
        self.limit = limit
        self.uploads = uploads

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["path"] in UPLOADS
        limit = self.uploads if upload else self.limit
        too_large = too_large_file(limit) if upload else TOO_LARGE
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            status, text = (413, too_large) if length.isdigit() else \
                (400, "the Content-Length header is not a number; send the body's size")
            response = Response(text + ".", status_code=status, media_type="text/plain",
                                headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI passes an HTTPException through as 413
                    raise BodyTooLarge(too_large)
            return message

        await self.app(scope, counted, send)


FAILED = ("Something went wrong on the server and nothing was changed by this request; try "
          "again, and tell the admin if it goes on.")


class Contained(HttpMiddleware):
    """The last line: an exception no handler answered is logged by its type and the line
    that raised it, never its message (a database's or a parser's message can carry a
    citizen's words or the server's paths), and the person is answered with one sentence.
    Starlette's own last handler re-raises to the server, whose log prints the message and
    the whole traceback."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            LOG.error("a request to %s failed (%s at %s)", scope.get("path", "?"),
                      type(exc).__name__, where)
            if not started:
                response = Response(FAILED, status_code=500, media_type="text/plain")
                await response(scope, receive, send)
