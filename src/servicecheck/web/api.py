"""The API for council systems: POST /api/demands with a per-integration bearer token. The JSON
schema is in the OpenAPI document (GET /openapi.json, for signed-in analysts)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from servicecheck.demand.fields import VERBATIM_LENGTH
from servicecheck.store.accounts import integration_for
from servicecheck.store.capture import (
    TEXT_FIELDS,
    Capture,
    SentBefore,
    problems,
    store_demand,
    typed,
)
from servicecheck.web.context import ctx

router = APIRouter(prefix="/api", tags=["demand"])


class DemandIn(BaseModel):
    """One demand, as the citizen put it."""

    verbatim: str = Field(min_length=1, max_length=VERBATIM_LENGTH,
                          description="What the citizen said or wrote, in their words.")
    channel: str = Field(description="How it came in: one of the service file's channels.")
    nature: Literal["value", "failure", "unknown"] = Field(
        "unknown", description="Value demand, failure demand, or not yet classified.")
    demand_type: str | None = Field(
        None, description="The type, in the citizen's terms: one of the service file's types; "
                          "any other is stored as Other with these words, for an analyst to map.")
    failure_kind: str | None = Field(None, description="For failure demand: what failed.")
    first_point_resolved: bool | None = Field(
        None, description="Was it resolved where it was first received?")
    case_id: str | None = Field(None, max_length=TEXT_FIELDS["case_id"],
                                description="The council's case reference.")
    received_at: dt.datetime | None = Field(
        None, description="When it was received (ISO 8601 with offset); now if absent.")
    external_id: str | None = Field(
        None, max_length=TEXT_FIELDS["external_id"],
        description="The integration's own id for this demand (or send an Idempotency-Key "
                    "header): a repeat returns the first answer and stores nothing new.")


class DemandOut(BaseModel):
    id: int = Field(description="The demand's id: it is stored when this is returned.")


@router.post("/demands", status_code=201, response_model=DemandOut,
             responses={401: {"description": "No valid integration token."},
                        409: {"description": "The id was sent before with another demand."},
                        413: {"description": "The body is larger than 1 MiB."},
                        422: {"description": "The demand is not valid; the detail says why."}})
def post_demand(request: Request, body: DemandIn,
                authorization: str = Header("", description="Bearer <integration token>"),
                idempotency_key: str | None = Header(
                    None, description="An id for this post: a repeat with the same key returns "
                                      "the first answer and stores nothing new.")
                ) -> DemandOut:
    c = ctx(request)
    token = authorization.removeprefix("Bearer ").strip() if authorization else None
    integration = integration_for(c.store, token)
    if integration is None:
        raise HTTPException(401, "a valid integration token is needed: "
                                 "Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    if idempotency_key is not None and body.external_id is not None and \
            idempotency_key != body.external_id:
        raise HTTPException(422, "the Idempotency-Key header and external_id differ; send one "
                                 "of them, or the same id in both")
    external_id = body.external_id if body.external_id is not None else idempotency_key
    received = body.received_at
    if received is not None and received.tzinfo is None:
        raise HTTPException(422, "received_at needs a UTC offset, e.g. 2025-03-01T09:30:00Z")
    # a type outside the typology is kept as Other with the system's words, for an analyst to
    # map: nothing a council system sends is dropped
    demand_type, type_other = typed(c.service, body.demand_type)
    item = Capture(verbatim=body.verbatim, channel=body.channel, nature=body.nature,
                   demand_type=demand_type, type_other=type_other,
                   failure_kind=body.failure_kind,
                   first_point_resolved=body.first_point_resolved, case_id=body.case_id,
                   received_at=received)
    errors = problems(item, c.service, external_id)
    if errors:
        raise HTTPException(422, "; ".join(errors))
    # what makes a repeat a repeat: the demand's fields, not how the id travelled
    sent = hashlib.sha256(body.model_dump_json(exclude={"external_id"}).encode()).hexdigest()
    try:
        stored = store_demand(c.store, c.service, item, recorded_by=integration,
                              source=f"api:{integration}", external_id=external_id,
                              request_hash=sent if external_id is not None else None)
    except SentBefore as exc:
        raise HTTPException(409, str(exc)) from None
    return DemandOut(id=stored)
