"""The report's templates and their `words` filter, shared with the web app's pages: light
(Jinja2 only), so the web app renders its first page without loading the analysis."""

from __future__ import annotations

import base64
import functools
import html
import re
from importlib import resources

import jinja2
from markupsafe import Markup


def words(text: str) -> Markup:
    """Escape a sentence and show `names` (service-file keys, commands) as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False)))


@functools.cache
def favicon() -> str:
    """The app's icon (the web app's static file) as a data address: a report is one file,
    opened from disk or printed, and asks nothing of any server (a missing icon was a 404 in
    the console of every page)."""
    icon = resources.files("servicecheck").joinpath("web/static/favicon.ico").read_bytes()
    return "data:image/x-icon;base64," + base64.b64encode(icon).decode("ascii")


def environment(*packages: str) -> jinja2.Environment:
    """Templates from these packages (first match wins) and the report's own, with the
    `words` filter: the report and the web app's dashboards render sections alike."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader(p, "templates")
                                    for p in (*packages, "servicecheck.report")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["words"] = words
    env.globals["favicon"] = favicon
    return env
