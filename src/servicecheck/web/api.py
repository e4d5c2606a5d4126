"""The API for council systems: POST /api/demands with a per-integration bearer token. The JSON
schema is in the OpenAPI document (GET /openapi.json, for signed-in analysts)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from servicecheck.store.accounts import integration_for
from servicecheck.store.capture import Capture, problems, store_demand
from servicecheck.web.context import ctx

router = APIRouter(prefix="/api", tags=["demand"])


class DemandIn(BaseModel):
    """One demand, as the citizen put it."""

    verbatim: str = Field(min_length=1, max_length=10_000,
                          description="What the citizen said or wrote, in their words.")
    channel: str = Field(description="How it came in: one of the service file's channels.")
    nature: Literal["value", "failure", "unknown"] = Field(
        "unknown", description="Value demand, failure demand, or not yet classified.")
    demand_type: str | None = Field(None, description="The type, in the citizen's terms.")
    failure_kind: str | None = Field(None, description="For failure demand: what failed.")
    first_point_resolved: bool | None = Field(
        None, description="Was it resolved where it was first received?")
    case_id: str | None = Field(None, max_length=200, description="The council's case reference.")
    received_at: dt.datetime | None = Field(
        None, description="When it was received (ISO 8601 with offset); now if absent.")


class DemandOut(BaseModel):
    id: int = Field(description="The demand's id: it is stored when this is returned.")


@router.post("/demands", status_code=201, response_model=DemandOut,
             responses={401: {"description": "No valid integration token."},
                        422: {"description": "The demand is not valid; the detail says why."}})
def post_demand(request: Request, body: DemandIn,
                authorization: str = Header("", description="Bearer <integration token>")
                ) -> DemandOut:
    c = ctx(request)
    token = authorization.removeprefix("Bearer ").strip() if authorization else None
    integration = integration_for(c.store, token)
    if integration is None:
        raise HTTPException(401, "a valid integration token is needed: "
                                 "Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    received = body.received_at
    if received is not None and received.tzinfo is None:
        raise HTTPException(422, "received_at needs a UTC offset, e.g. 2025-03-01T09:30:00Z")
    item = Capture(verbatim=body.verbatim, channel=body.channel, nature=body.nature,
                   demand_type=body.demand_type, failure_kind=body.failure_kind,
                   first_point_resolved=body.first_point_resolved, case_id=body.case_id,
                   received_at=received)
    errors = problems(item, c.service)
    if errors:
        raise HTTPException(422, "; ".join(errors))
    return DemandOut(id=store_demand(c.store, c.service, item, recorded_by=integration,
                                     source=f"api:{integration}"))
