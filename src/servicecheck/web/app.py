"""Build the app: open and migrate the store, load the service, wire routes and guards."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pandas as pd
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicecheck.engine import memory
from servicecheck.io.errors import InputError, WorkspaceUnavailable
from servicecheck.service.model import Service
from servicecheck.store import open_store
from servicecheck.store.capture import demand_frame
from servicecheck.web import (
    api,
    classify_pages,
    imports_pages,
    pages,
    report_pages,
    service_pages,
    setup_pages,
    types_pages,
    upload_pages,
)
from servicecheck.web.cases import CaseIndex
from servicecheck.web.context import Context, link
from servicecheck.web.problems import unavailable
from servicecheck.web.security import (
    ANALYST,
    MAX_UPLOAD,
    BodyLimit,
    Contained,
    Forbidden,
    NotLoggedIn,
    SecurityHeaders,
)
from servicecheck.web.suggestions import LiveSuggester

LOG = logging.getLogger("servicecheck.web")

# Request threads per worker. Fewer than anyio's default of 40: with 40 threads contending for
# the GIL, the slowest captures waited 0.4 s at 300 a second; with 16, 40-70 ms (measured,
# benchmarks/capture_load.py on PostgreSQL). The store's pool holds as many connections.
REQUEST_THREADS = 16


def _history(workspace: Path | None, service: Service) -> pd.DataFrame | None:
    """Confirmed demand from the workspace, to learn suggestions from at the start."""
    if workspace is None or not workspace.exists():  # nothing brought in yet
        return None
    from servicecheck.engine.captured import imported_demands
    from servicecheck.engine.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        if service.key not in ws.services():
            return None
        d = imported_demands(ws, service.key)  # the captures are learned from the store
        confirmed: pd.DataFrame = d.filter(d.nature != "unknown").order_by("received_at").select(
            "verbatim", "nature", "demand_type", "failure_kind").to_pandas()
        return confirmed


def _service(service: Service | Path | None, workspace: Path | None) -> Service:
    if isinstance(service, Service):
        return service
    if service is not None:
        return Service.load(service)
    # a workspace not made yet, or holding nothing yet, is one to bring data into
    # (Bring your data): the app's service has no name until then. Its name heads every page
    # and the report, so it is never made up from the file's name ("Ws" for ws.duckdb): the
    # pages say it is not named yet, and the first file brought in names it.
    if workspace is not None and workspace.exists():
        from servicecheck.engine.workspace import Workspace

        with Workspace(workspace, read_only=True) as ws:
            held = ws.services()
            # the app's own is the one whose file it saves beside the workspace (the Service
            # file form's and Bring your data's), so that a restart shows the same service
            own = _saved_beside(workspace, held)
            if own is not None:
                return own
            # else the first the workspace keeps a definition of (the others are chosen on
            # each page)
            for key in held:
                try:
                    return ws.service(key)
                except InputError:  # demand only, no definition kept
                    continue
            if held:
                return Service(name=held[0])
    return Service(name="")


def _saved_beside(workspace: Path, held: list[str]) -> Service | None:
    """The service file the app saved beside the workspace (``service_pages.service_path``),
    if it is one of the services the workspace holds."""
    path = workspace.parent / "service.toml"
    if not path.exists():
        return None
    try:
        svc = Service.load(path)
    except InputError:  # not one the app can read: the workspace's own definitions serve
        return None
    return svc if svc.key in held else None


def invalid_request(exc: RequestValidationError) -> str:
    """FastAPI's list of validation errors as one sentence naming the field, without echoing
    the value sent (it may be a citizen's words)."""
    error = exc.errors()[0]
    if error.get("type") == "json_invalid":
        return "the body is not valid JSON; send one JSON object with the demand's fields."
    field = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        message = "is required"
    elif error.get("type") == "string_unicode":  # pydantic's words for a lone surrogate
        message = "holds a broken character (a lone UTF-16 surrogate); type or paste it again"
    return f"{field or 'the body'}: {message[:1].lower() + message[1:]}.".replace("..", ".")


def create_app(database: str = "servicecheck.db", *, service: Service | Path | None = None,
               workspace: str | Path | None = None, secure_cookies: bool = False,
               trusted_proxies: str | None = None, setup_key: str | None = None,
               max_upload: int = MAX_UPLOAD) -> FastAPI:
    """The app over a store (SQLite path or SQLAlchemy URL), migrated on start; the service
    file gives the typology and redaction; a workspace, if given, feeds the dashboards.
    ``trusted_proxies`` (addresses, comma-separated) may say, in X-Forwarded-For and
    X-Forwarded-Proto, who the client is and that it came over TLS; nobody else may.
    ``setup_key`` opens the first-run page (/setup?key=...) while nobody can sign in.
    ``max_upload`` is the largest file (bytes) an analyst may bring in from the browser."""
    ws_path = Path(workspace) if workspace is not None else None
    svc = _service(service, ws_path)
    store = open_store(database)
    if svc.former_key:
        from servicecheck.store.capture import rename_service

        # demand captured under the key the former rule gave its name is filed under its key
        rename_service(store, Service(name=svc.former_key), svc)
    if ws_path is not None and svc.name:  # an unnamed service is linked once it is named
        link(ws_path, svc, database)
    suggester = LiveSuggester(svc)
    # learned in the background, the workspace read there too: the app answers at once,
    # suggestions follow in seconds
    suggester.start(lambda: _history(ws_path, svc), lambda: demand_frame(store, svc))

    # FastAPI's own /docs pages load scripts from a CDN: off. The OpenAPI document is served
    # below to signed-in analysts, for whoever connects a council system.
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        yield
        store.close()
        app.state.ctx.reports.close()
        app.state.ctx.uploads.close()

    app = FastAPI(title="servicecheck", docs_url=None, redoc_url=None, openapi_url=None,
                  summary="Demand capture and the Check dashboard", lifespan=lifespan)
    app.state.ctx = Context(store, svc, ws_path, suggester, secure_cookies,
                            cases=CaseIndex(ws_path, svc.key) if ws_path else None,
                            setup_key=setup_key)
    app.add_middleware(Contained)  # first, so innermost: its one sentence gets the headers
    app.add_middleware(SecurityHeaders)
    app.state.max_upload = max_upload
    # added last: runs first, before any route or guard
    app.add_middleware(BodyLimit, uploads=max_upload)
    if trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware,
                           trusted_hosts=[h.strip() for h in trusted_proxies.split(",")])
    static = resources.files("servicecheck.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        # a static file: a browser asks for it, unasked, beside a PDF or any page it shows
        return FileResponse(str(static.joinpath("favicon.ico")), media_type="image/x-icon")

    app.include_router(pages.router)
    app.include_router(report_pages.router)
    app.include_router(classify_pages.router)
    app.include_router(service_pages.router)
    app.include_router(types_pages.router)
    app.include_router(setup_pages.router)
    app.include_router(upload_pages.router)
    app.include_router(imports_pages.router)
    app.include_router(api.router)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(_: Any = ANALYST) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.exception_handler(NotLoggedIn)
    def not_logged_in(request: Request, _: NotLoggedIn) -> Response:
        if request.headers.get("hx-request") or request.method != "GET":
            # a capture is never answered by a move to the sign-in: the page, and the words
            # typed into it, would be gone (the capture page says the sign-in has ended)
            typed = request.url.path.startswith("/capture")
            return Response("Sign in first.", status_code=401,
                            headers={} if typed else {"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            exc = StarletteHTTPException(400, "the body could not be read; send JSON (or a "
                                              "form) encoded as UTF-8")
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    def not_valid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": invalid_request(exc)}, status_code=422)

    # A value the checks before the insert did not foresee: one sentence, and nothing logged
    # (the database's message would carry the citizen's words into the server's log).
    @app.exception_handler(sa.exc.SQLAlchemyError)
    def database_refused(_: Request, exc: sa.exc.SQLAlchemyError) -> PlainTextResponse:
        if isinstance(exc, sa.exc.DataError | sa.exc.IntegrityError):
            return PlainTextResponse("The database refused a value of this request; check "
                                     "the fields for unusual characters or very long text.",
                                     status_code=400)
        cause = getattr(exc, "orig", None) or exc
        LOG.error("the database failed a request (%s)", type(cause).__name__)  # no values
        return PlainTextResponse("The database did not answer; try again in a minute, and "
                                 "tell the admin if it goes on.", status_code=503)

    # any other page that opens the workspace (the citizen's journey, ...): the same sentence
    @app.exception_handler(WorkspaceUnavailable)
    def workspace_unavailable(request: Request, exc: WorkspaceUnavailable) -> HTMLResponse:
        return pages.page(request, "error.html", status_code=503, message=unavailable(exc))

    # a page whose analysis did not fit in the memory DuckDB may use: the sentence and its fix
    # (the server started with more), not a bare 500
    @app.exception_handler(duckdb.OutOfMemoryException)
    def out_of_memory(request: Request, exc: duckdb.OutOfMemoryException) -> HTMLResponse:
        said = memory.out_of_memory(exc, run_again=None)
        assert said is not None  # DuckDB's error of this type is always told
        LOG.error("a page ran out of memory (limit %s)", said.limit)
        return pages.page(request, "error.html", status_code=503, message=str(said))

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return pages.page(request, "error.html", status_code=403, message=exc.why.capitalize()
                          + ".")

    return app


ENV = ("SERVICECHECK_DATABASE", "SERVICECHECK_SERVICE", "SERVICECHECK_WORKSPACE",
       "SERVICECHECK_SECURE_COOKIES", "SERVICECHECK_TRUSTED_PROXIES", "SERVICECHECK_SETUP_KEY")


def app_from_environment() -> FastAPI:
    """The app as `servicecheck serve --workers N` starts it in each worker process (uvicorn
    imports a factory by name there, so the settings travel in the environment)."""
    import os

    return create_app(os.environ["SERVICECHECK_DATABASE"],
                      service=Path(os.environ["SERVICECHECK_SERVICE"])
                      if os.environ.get("SERVICECHECK_SERVICE") else None,
                      workspace=os.environ.get("SERVICECHECK_WORKSPACE") or None,
                      secure_cookies=os.environ.get("SERVICECHECK_SECURE_COOKIES") == "1",
                      trusted_proxies=os.environ.get("SERVICECHECK_TRUSTED_PROXIES") or None,
                      setup_key=os.environ.get("SERVICECHECK_SETUP_KEY") or None)
