"""Demand captured at the front line or sent by a council system: stored redacted, read back
for the live board and for analysts' export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from servicecheck.demand.fields import VERBATIM_LENGTH
from servicecheck.demand.natures import NATURES
from servicecheck.demand.redact import redact_field
from servicecheck.io.errors import InputError
from servicecheck.service.model import Service
from servicecheck.store.db import Store, as_utc, now
from servicecheck.store.schema import demands
from servicecheck.store.text import character_problem, quoted

EXPORT_COLUMNS = ["id", "service", "received_at", "channel", "verbatim", "demand_type",
                  "type_other", "nature", "failure_kind", "first_point_resolved", "case_id",
                  "recorded_by", "source", "suggested_nature", "suggested_confidence"]


@dataclass(frozen=True)
class Capture:
    """One demand as the citizen put it, and how the worker classified it."""

    verbatim: str
    channel: str
    nature: str
    demand_type: str | None = None
    failure_kind: str | None = None
    first_point_resolved: bool | None = None
    case_id: str | None = None
    received_at: dt.datetime | None = None
    suggested_nature: str | None = None
    suggested_confidence: float | None = None
    type_other: str | None = None  # with demand_type OTHER: what the recorder wrote


# The typology's way out: a demand none of the service's types fits is recorded as "Other" with
# what the recorder wrote, and an analyst later maps it to a type (or adds one).
OTHER = "Other"


# the text fields and their longest value: the columns' own lengths, so PostgreSQL never meets
# a value too long for them (SQLite would keep it; both now answer alike)
TEXT_FIELDS = {"verbatim": VERBATIM_LENGTH,
               **{name: int(demands.c[name].type.length)  # type: ignore[attr-defined]
                  for name in ("channel", "demand_type", "type_other", "failure_kind",
                               "case_id", "external_id")}}


def _text_problems(c: Capture, external_id: str | None) -> dict[str, str]:
    out = {}
    values = {"verbatim": c.verbatim, "channel": c.channel, "demand_type": c.demand_type,
              "type_other": c.type_other, "failure_kind": c.failure_kind, "case_id": c.case_id,
              "external_id": external_id}
    for name, value in values.items():
        if value is None:
            continue
        label = LABELS.get(name, name.replace("_", " "))
        problem = character_problem(value, multiline=name == "verbatim")
        if problem:
            out[name] = f"{label}: {problem}"
        elif len(value) > TEXT_FIELDS[name]:
            out[name] = (f"{label}: {len(value):,} characters is more than the "
                         f"{TEXT_FIELDS[name]:,} it may hold; shorten it")
    return out


LABELS = {"type_other": "other type"}


def field_problems(c: Capture, svc: Service, external_id: str | None = None, *,
                   type_required: bool = False,
                   case_known: Callable[[str], bool] | None = None) -> dict[str, str]:
    """What is wrong with a capture, field by field, each as a sentence naming the field and
    the fix: the form shows each beside its field. ``type_required``: a service with a
    typology wants a type (the form; a council system may send none). ``case_known``: whether
    a case reference is one the workspace holds (None: nothing to check against)."""
    bad = _text_problems(c, external_id)
    if "verbatim" not in bad and not c.verbatim.strip():
        bad["verbatim"] = "verbatim: write what the citizen said, in their words"
    if "channel" not in bad and c.channel not in svc.channels:
        bad["channel"] = f"channel: {quoted(c.channel)} is not one of {', '.join(svc.channels)}"
    if c.nature not in NATURES:
        bad["nature"] = "nature: choose value, failure or unknown (not sure yet)"
    if c.suggested_nature is not None and c.suggested_nature not in NATURES:
        bad["suggested_nature"] = ("suggested nature: is not value, failure or unknown; "
                                   "reload the form")
    if c.nature == "failure" and svc.failure_kinds and c.failure_kind and \
            "failure_kind" not in bad and c.failure_kind not in svc.failure_kinds:
        bad["failure_kind"] = (f"failure kind: {quoted(c.failure_kind)} is not one of "
                               f"{', '.join(svc.failure_kinds)}")
    if c.nature != "failure" and c.failure_kind and "failure_kind" not in bad:
        bad["failure_kind"] = ("failure kind: only failure demand has a failure kind; choose "
                               "failure, or leave what failed empty")
    for name, problem in _type_problems(c, svc, type_required).items():
        bad.setdefault(name, problem)
    if c.case_id and "case_id" not in bad and case_known is not None and \
            not case_known(c.case_id.strip()):
        bad["case_id"] = (f"case reference: {quoted(c.case_id)} is not a case in the "
                          "workspace; check it, or tick 'keep it as typed' (a case raised "
                          "since the last import)")
    return bad


def _type_problems(c: Capture, svc: Service, required: bool) -> dict[str, str]:
    if not svc.demand_types:  # no typology yet: the type is free text
        return {}
    if c.demand_type == OTHER:
        if not (c.type_other or "").strip():
            return {"type_other": "other type: say in a few words what the demand was about"}
        return {}
    out = {}
    if c.demand_type and c.demand_type not in svc.demand_types:
        out["demand_type"] = (f"demand type: {quoted(c.demand_type)} is not one of the "
                              f"service's types; choose one, or {OTHER} and say what")
    elif not c.demand_type and required:
        out["demand_type"] = (f"demand type: choose one of the service's types, or {OTHER} "
                              "and say what")
    if (c.type_other or "").strip():
        out["type_other"] = f"other type: only for the type {OTHER}; choose {OTHER}, or empty it"
    return out


def problems(c: Capture, svc: Service, external_id: str | None = None) -> list[str]:
    """What is wrong with a capture, each as a sentence naming the field and the fix."""
    return list(field_problems(c, svc, external_id).values())


def typed(svc: Service, demand_type: str | None) -> tuple[str | None, str | None]:
    """A type as a council system sent it, in the service's typology: one outside it is kept
    as Other with its words, for an analyst to map (nothing a system sends is dropped)."""
    if not demand_type or not svc.demand_types or demand_type in svc.demand_types \
            or demand_type == OTHER or len(demand_type) > TEXT_FIELDS["type_other"] \
            or character_problem(demand_type):  # refused as the demand type it was sent as
        return demand_type or None, None
    return OTHER, demand_type


class SentBefore(InputError):
    """The integration's id was used before for a different demand."""


def _stored_under(store: Store, source: str, external_id: str, request_hash: str | None
                  ) -> int | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(demands.c.id, demands.c.request_hash).where(
            demands.c.source == source, demands.c.external_id == external_id)).first()
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise SentBefore(f"the id {quoted(external_id)} was sent before with a different "
                         f"demand (stored as demand {row.id})", source="external_id",
                         fix="send each demand under its own id, or repeat it unchanged")
    return int(row.id)


def store_demand(store: Store, svc: Service, c: Capture, *, recorded_by: str,
                 source: str, external_id: str | None = None,
                 request_hash: str | None = None) -> int:
    """Redact (when the service file says so) and store; returns the demand's id once the
    database has committed it, so an acknowledged capture is never lost. With
    ``external_id`` (the integration's own id, or its Idempotency-Key) a repeat returns the
    first demand's id and stores nothing; concurrent repeats meet the unique index."""
    if external_id is not None:
        first = _stored_under(store, source, external_id, request_hash)
        if first is not None:
            return first
    try:
        return _insert(store, svc, c, recorded_by=recorded_by, source=source,
                       external_id=external_id, request_hash=request_hash)
    except sa.exc.IntegrityError:
        # a concurrent repeat committed first: answer with its id
        first = _stored_under(store, source, external_id, request_hash) \
            if external_id is not None else None
        if first is None:
            raise
        return first


def _insert(store: Store, svc: Service, c: Capture, *, recorded_by: str, source: str,
            external_id: str | None, request_hash: str | None) -> int:
    def kept(field: str, value: str | None) -> str | None:
        return redact_field(field, value or None, names=svc.redact_names)[0] \
            if svc.redact else value or None

    with store.writing() as conn:
        return int(conn.execute(demands.insert().values(
            service=svc.key, received_at=c.received_at or now(), channel=c.channel,
            verbatim=(kept("verbatim", c.verbatim) or "").strip(),
            demand_type=kept("demand_type", c.demand_type),
            type_other=kept("demand_type", c.type_other) if c.demand_type == OTHER else None,
            nature=c.nature,
            failure_kind=kept("failure_kind", c.failure_kind) if c.nature == "failure" else None,
            first_point_resolved=c.first_point_resolved, case_id=kept("case_id", c.case_id),
            recorded_by=recorded_by, source=source,
            suggested_nature=c.suggested_nature, suggested_confidence=c.suggested_confidence,
            external_id=external_id, request_hash=request_hash,
        ).returning(demands.c.id)).scalar_one())


def demand_frame(store: Store, svc: Service, since: dt.datetime | None = None) -> pd.DataFrame:
    """Captured demand for one service (all of it, or since a time), oldest first."""
    q = sa.select(*[demands.c[c] for c in EXPORT_COLUMNS]).where(demands.c.service == svc.key)
    if since is not None:
        q = q.where(demands.c.received_at >= since)
    with store.engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q.order_by(demands.c.received_at, demands.c.id)).all(),
                          columns=EXPORT_COLUMNS)
    df["received_at"] = pd.to_datetime(df["received_at"], utc=True)
    return df


def count(store: Store, svc: Service, *, labelled: bool = False) -> int:
    """Captured demand for one service (only value or failure, with ``labelled``)."""
    q = sa.select(sa.func.count()).select_from(demands).where(demands.c.service == svc.key)
    if labelled:
        q = q.where(demands.c.nature.in_(["value", "failure"]))
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def purge(store: Store, older_than_days: float, actor: str = "cli") -> int:
    """Delete captured demand received more than ``older_than_days`` ago (the retention
    period the data protection policy sets), with login records and ended sessions of the same
    age; audited. Returns how many demands went."""
    import time

    from servicecheck.store.schema import devices, login_attempts, login_throttle, sessions
    from servicecheck.store.throttle import QUIET_RESET

    cut = now() - dt.timedelta(days=older_than_days)
    with store.writing() as conn:
        gone = conn.execute(demands.delete().where(demands.c.received_at < cut)).rowcount
        conn.execute(login_attempts.delete().where(login_attempts.c.at < cut))
        conn.execute(sessions.delete().where(sessions.c.expires_at < now()))
        conn.execute(devices.delete().where(devices.c.created_at < cut))
        # throttle rows quiet long enough to have started again hold nothing worth keeping
        conn.execute(login_throttle.delete().where(
            login_throttle.c.next_at < time.time() - QUIET_RESET))
    store.audit(actor, "purge", f"{gone} demands received before {cut:%Y-%m-%d}")
    return int(gone)


# Captured demand as the workspace's canonical demands table has it (engine/captured.py joins
# them to the imported demand): the store's id becomes "web-<id>", ordered after every import.
CANONICAL_OFFSET = 1 << 40


def canonical_demands(store: Store, services: list[str] | None = None) -> pa.Table:
    """The captured demand of these services (all without a list) in the workspace's columns.
    Reads only columns every version of the store has, so a store made before a migration
    is read as it is."""
    q = sa.select(demands.c.id, demands.c.service, demands.c.received_at, demands.c.channel,
                  demands.c.verbatim, demands.c.demand_type, demands.c.nature,
                  demands.c.failure_kind, demands.c.first_point_resolved, demands.c.case_id,
                  demands.c.recorded_by)
    if services is not None:
        q = q.where(demands.c.service.in_(services))
    with store.engine.connect() as conn:
        rows = conn.execute(q.order_by(demands.c.id)).all()
    ids = [int(r.id) for r in rows]
    text = pa.string()
    return pa.table({
        "service": pa.array([r.service for r in rows], text),
        "demand_id": pa.array([f"web-{i}" for i in ids], text),
        "received_at": pa.array([as_utc(r.received_at) for r in rows],
                                pa.timestamp("us", tz="UTC")),
        "closed_at": pa.nulls(len(rows), pa.timestamp("us", tz="UTC")),
        "channel": pa.array([r.channel for r in rows], text),
        "verbatim": pa.array([r.verbatim for r in rows], text),
        "demand_type": pa.array([r.demand_type for r in rows], text),
        "nature": pa.array([r.nature for r in rows], text),
        "failure_kind": pa.array([r.failure_kind for r in rows], text),
        "first_point_resolved": pa.array([r.first_point_resolved for r in rows], pa.bool_()),
        "case_id": pa.array([r.case_id for r in rows], text),
        "citizen_ref": pa.nulls(len(rows), text),
        "recorded_by": pa.array([r.recorded_by for r in rows], text),
        "demand_index": pa.array([CANONICAL_OFFSET + i for i in ids], pa.int64()),
    })


def other_types(store: Store, svc: Service) -> list[tuple[str, int]]:
    """What recorders wrote for demand none of the service's types fitted, most often first,
    with how many demands each: for an analyst to map into the typology."""
    q = (sa.select(demands.c.type_other, sa.func.count())
         .where(demands.c.service == svc.key, demands.c.demand_type == OTHER,
                demands.c.type_other.is_not(None))
         .group_by(demands.c.type_other).order_by(sa.func.count().desc(), demands.c.type_other))
    with store.engine.connect() as conn:
        return [(str(r[0]), int(r[1])) for r in conn.execute(q)]


def map_other(store: Store, svc: Service, words: str, demand_type: str, actor: str) -> int:
    """Give the demands recorded as Other with these words a type of the typology (their
    words are kept); audited. Returns how many demands changed."""
    with store.writing() as conn:
        changed = conn.execute(demands.update().where(
            demands.c.service == svc.key, demands.c.demand_type == OTHER,
            demands.c.type_other == words).values(demand_type=demand_type)).rowcount
    store.audit(actor, "types mapped", f"{changed} demands from Other to a type")
    return int(changed)


def rename_service(store: Store, old: Service, new: Service) -> int:
    """File the demand captured under a service with no name yet under the name the team
    gave it (its key), so that naming the service loses none of it; audited. Returns how
    many demands moved."""
    with store.writing() as conn:
        moved = conn.execute(demands.update().where(demands.c.service == old.key)
                             .values(service=new.key)).rowcount
    if moved:
        store.audit("servicecheck", "service named", f"{moved} demands filed under {new.key}")
    return int(moved)
