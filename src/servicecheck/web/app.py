"""Build the app: open and migrate the store, load the service, wire routes and guards."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from servicecheck.service import Service
from servicecheck.store import open_store
from servicecheck.store.capture import demand_frame
from servicecheck.web import api, pages
from servicecheck.web.context import Context
from servicecheck.web.security import ANALYST, Forbidden, NotLoggedIn, SecurityHeaders
from servicecheck.web.suggestions import LiveSuggester

# Request threads per worker. Fewer than anyio's default of 40: with 40 threads contending for
# the GIL, the slowest captures waited 0.4 s at 300 a second; with 16, 40-70 ms (measured,
# benchmarks/capture_load.py on PostgreSQL). The store's pool holds as many connections.
REQUEST_THREADS = 16


def _history(workspace: Path | None, service: Service) -> pd.DataFrame | None:
    """Confirmed demand from the workspace, to learn suggestions from at the start."""
    if workspace is None:
        return None
    from servicecheck.engine import Workspace

    with Workspace(workspace, read_only=True) as ws:
        if service.key not in ws.services():
            return None
        d = ws.demands(service.key)
        confirmed: pd.DataFrame = d.filter(d.nature != "unknown").order_by("received_at").select(
            "verbatim", "nature", "demand_type", "failure_kind").to_pandas()
        return confirmed


def _service(service: Service | Path | None, workspace: Path | None) -> Service:
    if isinstance(service, Service):
        return service
    if service is not None:
        return Service.load(service)
    if workspace is not None:
        from servicecheck.engine import Workspace

        with Workspace(workspace, read_only=True) as ws:
            return ws.service()
    return Service(name="Demand")


def create_app(database: str = "servicecheck.db", *, service: Service | Path | None = None,
               workspace: str | Path | None = None, secure_cookies: bool = False) -> FastAPI:
    """The app over a store (SQLite path or SQLAlchemy URL), migrated on start; the service
    file gives the typology and redaction; a workspace, if given, feeds the dashboards."""
    ws_path = Path(workspace) if workspace is not None else None
    svc = _service(service, ws_path)
    store = open_store(database)
    suggester = LiveSuggester(svc, _history(ws_path, svc))
    suggester.maybe_learn(demand_frame(store, svc), wait=True)

    # FastAPI's own /docs pages load scripts from a CDN: off. The OpenAPI document is served
    # below to signed-in analysts, for whoever connects a council system.
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        yield
        store.close()

    app = FastAPI(title="servicecheck", docs_url=None, redoc_url=None, openapi_url=None,
                  summary="Demand capture and the Check dashboard", lifespan=lifespan)
    app.state.ctx = Context(store, svc, ws_path, suggester, secure_cookies)
    app.add_middleware(SecurityHeaders)
    static = resources.files("servicecheck.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(_: Any = ANALYST) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.exception_handler(NotLoggedIn)
    def not_logged_in(request: Request, _: NotLoggedIn) -> Response:
        if request.headers.get("hx-request") or request.method != "GET":
            return Response("Sign in first.", status_code=401,
                            headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return pages.page(request, "error.html", status_code=403, message=exc.why.capitalize()
                          + ".")

    return app


ENV = ("SERVICECHECK_DATABASE", "SERVICECHECK_SERVICE", "SERVICECHECK_WORKSPACE",
       "SERVICECHECK_SECURE_COOKIES")


def app_from_environment() -> FastAPI:
    """The app as `servicecheck serve --workers N` starts it in each worker process (uvicorn
    imports a factory by name there, so the settings travel in the environment)."""
    import os

    return create_app(os.environ["SERVICECHECK_DATABASE"],
                      service=Path(os.environ["SERVICECHECK_SERVICE"])
                      if os.environ.get("SERVICECHECK_SERVICE") else None,
                      workspace=os.environ.get("SERVICECHECK_WORKSPACE") or None,
                      secure_cookies=os.environ.get("SERVICECHECK_SECURE_COOKIES") == "1")
