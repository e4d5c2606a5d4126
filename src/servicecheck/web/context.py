"""What every request needs: the store, the service, the workspace (for dashboards), the
suggester and the templates. Built once by create_app and kept on app.state."""

from __future__ import annotations

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


def ctx(request: Request) -> Context:
    context: Context = request.app.state.ctx
    return context
