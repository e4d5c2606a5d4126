"""Mapping "Other" (analysts): what recorders wrote when none of the service's types fitted,
most often first, each given a type of the typology, or added to it as a new type (saved into
the service file, as its form saves it)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from servicecheck.demand.fields import LENGTHS
from servicecheck.io.errors import InputError
from servicecheck.store.accounts import Session
from servicecheck.store.capture import count, map_other, other_types
from servicecheck.store.text import character_problem
from servicecheck.web.context import ctx
from servicecheck.web.pages import page
from servicecheck.web.security import ANALYST
from servicecheck.web.service_pages import apply

router = APIRouter(include_in_schema=False)
NEW = "__new__"  # the choice that adds the words as a type of their own


def _page(request: Request, status_code: int = 200, message: str | None = None,
          error: str | None = None) -> HTMLResponse:
    c = ctx(request)
    # with nothing captured, "every demand has a type" would be true of no demand at all
    return page(request, "types.html", status_code=status_code, others=other_types(
        c.store, c.service), new=NEW, message=message, error=error,
        captured=count(c.store, c.service))


@router.get("/types", response_class=HTMLResponse)
def types_page(request: Request, s: Session = ANALYST) -> HTMLResponse:
    return _page(request)


@router.post("/types", response_class=HTMLResponse)
def map_type(request: Request, s: Session = ANALYST, words: str = Form(""),
             demand_type: str = Form("")) -> HTMLResponse:
    c = ctx(request)
    longest = LENGTHS["demand_type"]
    problem = character_problem(words) or (
        f"{len(words):,} characters is more than the {longest} a type may hold"
        if len(words) > longest else None) or (
        None if words.strip() else "choose them from the list")
    if problem:
        return _page(request, 422, error=f"Words: {problem}.")
    if demand_type == NEW:
        try:  # the words become a type of the typology, in the service file and the app
            apply(c, {"demand.types": [*c.service.demand_types, words.strip()]})
        except (InputError, OSError) as exc:
            return _page(request, 422, error=f"The type could not be added: {exc}")
        demand_type = words.strip()
    elif demand_type not in c.service.demand_types:
        return _page(request, 422, error="Choose one of the service's types, or add the words "
                                         "as a new one.")
    n = map_other(c.store, c.service, words, demand_type, s.user.name)
    from servicecheck.findings import Finding
    from servicecheck.narrative.words import Voice, say  # loaded on first use, not at start

    retyped = Finding("demand.retyped", "demand", n, names=(demand_type,))
    return _page(request, message=say(retyped, Voice(tz=c.service.timezone, on_page=True)))
