"""What every request needs: the store, the service, the workspace (for dashboards), the
suggester and the templates. Built once by create_app and kept on app.state."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.requests import Request

from servicecheck.service import Service
from servicecheck.store import Store
from servicecheck.web.suggestions import LiveSuggester


def _words(text: str) -> Markup:
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False)))


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("servicecheck.web", "templates"),
                                    jinja2.PackageLoader("servicecheck.report", "templates")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["words"] = _words
    return env


@dataclass
class Context:
    store: Store
    service: Service
    workspace: Path | None
    suggester: LiveSuggester
    secure_cookies: bool = False
    env: jinja2.Environment = field(default_factory=templates)
    dashboards: dict[tuple[str, float], Any] = field(default_factory=dict)


def ctx(request: Request) -> Context:
    context: Context = request.app.state.ctx
    return context
