"""Blind second classification (any signed-in person): one demand at a time, its words and
channel only, never the first person's choice. The board shows the agreement."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from servicecheck.demand.natures import NATURES
from servicecheck.store import blind
from servicecheck.store.accounts import Session
from servicecheck.store.capture import OTHER, count
from servicecheck.web.context import ctx
from servicecheck.web.pages import page
from servicecheck.web.security import RECORDER

router = APIRouter(include_in_schema=False)
ID_LIMIT = 2**31  # the store's ids are 32-bit integers


def _next(request: Request, s: Session, status_code: int = 200, **values: object
          ) -> HTMLResponse:
    c = ctx(request)
    values.setdefault("error", None)
    values.setdefault("saved", False)
    return page(request, "classify.html", status_code=status_code, other=OTHER,
                item=blind.next_demand(c.store, c.service, s.user.name),
                done=len(blind.pairs(c.store, c.service)),
                labelled=count(c.store, c.service, labelled=True), **values)


@router.get("/classify", response_class=HTMLResponse)
def classify_form(request: Request, s: Session = RECORDER) -> HTMLResponse:
    return _next(request, s)


@router.post("/classify", response_class=HTMLResponse)
def classify(request: Request, s: Session = RECORDER, demand_id: int = Form(...),
             nature: str = Form(""), demand_type: str = Form("")) -> HTMLResponse:
    c = ctx(request)
    types = (*c.service.demand_types, OTHER) if c.service.demand_types else ()
    if nature not in NATURES[:2]:
        return _next(request, s, 422, error="Choose value or failure.")
    if demand_type and demand_type not in types:
        return _next(request, s, 422, error="Choose one of the service's types, or none.")
    # an id no demand can have (SQLite cannot even bind one past 64 bits) is no demand
    if not 0 < demand_id < ID_LIMIT or not blind.save(
            c.store, c.service, demand_id, s.user.name, nature, demand_type or None):
        return _next(request, s, 422, error="That demand is not one for you to classify "
                                            "blind; here is the next.")
    return _next(request, s, saved=True)
