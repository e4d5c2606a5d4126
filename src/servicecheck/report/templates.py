"""The report's templates and their `words` filter, shared with the web app's pages: light
(Jinja2 only), so the web app renders its first page without loading the analysis."""

from __future__ import annotations

import html
import re

import jinja2
from markupsafe import Markup


def words(text: str) -> Markup:
    """Escape a sentence and show `names` (service-file keys, commands) as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False)))


def environment(*packages: str) -> jinja2.Environment:
    """Templates from these packages (first match wins) and the report's own, with the
    `words` filter: the report and the web app's dashboards render sections alike."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader(p, "templates")
                                    for p in (*packages, "servicecheck.report")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["words"] = words
    return env
