"""What every request needs: the store, the service, the workspace (for dashboards), the
suggester and the templates. Built once by create_app and kept on app.state."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request

from servicecheck.service.model import Service
from servicecheck.store import Store
from servicecheck.web.cases import CaseIndex
from servicecheck.web.reports import Reports
from servicecheck.web.suggestions import LiveSuggester
from servicecheck.web.uploads import Uploads


def templates() -> jinja2.Environment:
    from servicecheck.report.templates import environment

    return environment("servicecheck.web")


@dataclass
class Context:
    store: Store
    service: Service
    workspace: Path | None
    suggester: LiveSuggester
    secure_cookies: bool = False
    _env: jinja2.Environment | None = None
    dashboards: dict[tuple[str, str, float, int], Any] = field(default_factory=dict)
    clock: Callable[[], float] = time.time  # sign-in throttling's clock (tests move it on)
    cases: CaseIndex | None = None  # the workspace's case references, to check captures by
    reports: Reports = field(default_factory=Reports)  # Check reports made from the browser
    setup_key: str | None = None  # the first run's one-time key (web/setup_pages.py)
    uploads: Uploads = field(default_factory=Uploads)  # files brought in from the browser


    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            self._env = templates()
        return self._env


def link(workspace: Path, service: Service, database: str) -> None:
    """Make the workspace read this store's captures (engine/captured.py): the report, the
    dashboards and the CLI then analyse captured demand where it is, with no export. Written
    once; a workspace already linked to this store is only read."""
    from servicecheck.engine.captured import capture_links, link_capture, link_url
    from servicecheck.engine.workspace import Workspace

    if workspace.exists():
        with Workspace(workspace, read_only=True) as ws:
            if capture_links(ws).get(service.key) == link_url(database):
                return
    with Workspace(workspace) as ws:
        link_capture(ws, service, database)


def named(c: Context, svc: Service) -> None:
    """The app's own service, given its name for the first time (by the first file brought
    in, or the service file's form): the app shows it, and the workspace reads the captures
    of it from now on (an unnamed service is linked to none: its key would stay behind)."""
    from servicecheck.store.capture import rename_service

    # demand captured before the name was given (the Check often starts there) moves with it
    rename_service(c.store, c.service, svc)
    c.service = c.suggester.service = svc
    c.dashboards.clear()
    if c.workspace is not None:
        from servicecheck.io.errors import InputError

        with contextlib.suppress(InputError):  # in use just now: the next start links it
            link(c.workspace, svc, c.store.url)


def ctx(request: Request) -> Context:
    context: Context = request.app.state.ctx
    return context
