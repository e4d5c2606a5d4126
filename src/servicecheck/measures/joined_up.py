"""Joined-up: citizens meet a council, not a department. Several services in one workspace,
one citizen across them (by the pseudonymous ``citizen_ref``), and the failure demand one
service causes in another.

A failure demand in service B is attributed to a need in service A when it comes from the
same citizen while that need was open — from its first contact until it was met, plus a
window the team sets (a letter sent the day before a claim is paid still causes the call).
Optionally only needs that had been open at least ``min_open_days`` count ("claims open more
than 28 days"), and only demand of named types.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.durations import DAY_S, seconds_between
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, Quantity, Span, count, share
from servicecheck.measures.needs import need_expr

# Times are cast to one type before a union: engines differ in the precision they name, and
# a union needs one schema.
UTC = "timestamp('UTC')"


@dataclass(frozen=True)
class Window:
    within_days: float = 0.0    # after the need was met, demand still counts for this long
    min_open_days: float = 0.0  # the need had been open at least this long when B was asked
    demand_types: tuple[str, ...] = ()  # only these types of B's failure demand (all if empty)


def _needs_by_citizen(ws: Reader, service: str) -> Table:
    n = need_expr(ws, ws.service(service))
    return n.filter(n.citizen_ref.notnull()).select(
        "need_id", "citizen_ref", "first_contact", "met_at", service=ibis.literal(service))


def _failure_attributed(ws: Reader, cause: str, effect: str, w: Window) -> Table:
    """The ``cross_failure`` rows as an expression on the workspace's engine."""
    n = _needs_by_citizen(ws, cause).rename(cause_need="need_id", cause_citizen="citizen_ref")
    d = ws.demands(effect)
    d = d.filter((d.nature == "failure") & d.citizen_ref.notnull())
    if w.demand_types:
        d = d.filter(d.demand_type.isin(list(w.demand_types)))
    m = d.join(n, d.citizen_ref == n.cause_citizen)
    # open at least min_open_days when B was asked, and not met more than within_days before
    m = m.filter((seconds_between(m.first_contact, m.received_at) >= w.min_open_days * DAY_S)
                 & (m.met_at.isnull()
                    | (seconds_between(m.met_at, m.received_at) <= w.within_days * DAY_S)))
    # the most recently begun need the citizen had open
    latest = ibis.window(group_by=m.demand_id,
                         order_by=[m.first_contact.desc(), m.cause_need.desc()])
    m = m.mutate(r=ibis.row_number().over(latest))
    m = m.filter(m.r == 0)
    return m.select("demand_id", "received_at", "citizen_ref", "demand_type", "cause_need",
                    "first_contact", "met_at", cause=ibis.literal(cause),
                    effect=ibis.literal(effect))


def cross_failure(ws: Reader, cause: str, effect: str, window: Window | None = None
                  ) -> pd.DataFrame:
    """Failure demand in ``effect`` whose citizen had a need open in ``cause`` at the time:
    one row per demand, with the need it is attributed to (the most recently begun)."""
    t = _failure_attributed(ws, cause, effect, window or Window())
    return to_frame(t.order_by(["received_at", "demand_id"]))


def cross_matrix(ws: Reader, window: Window | None = None,
                 services: Sequence[str] | None = None) -> pd.DataFrame:
    """Every ordered pair of services: failure demand in the second caused by the first, and
    that as a share of the second's failure demand."""
    keys = list(services or ws.services())
    rows = []
    for a, b in itertools.permutations(keys, 2):
        caused = int(_failure_attributed(ws, a, b, window or Window()).count().execute())
        d = ws.demands(b)
        total = int(d.count(where=d.nature == "failure").execute())
        rows.append({"cause": a, "effect": b, "failure_demands": caused,
                     "share_of_effect_failure": caused / total if total else float("nan")})
    return pd.DataFrame(rows, columns=["cause", "effect", "failure_demands",
                                       "share_of_effect_failure"])


def per_month(ws: Reader, cause: str, effect: str, window: Window | None = None
              ) -> pd.DataFrame:
    """Per month: the effect service's contacts, those caused by the cause service, and the
    share."""
    caused = _failure_attributed(ws, cause, effect, window or Window())
    d = ws.demands(effect)
    total = d.group_by(month=d.received_at.truncate("M")).aggregate(contacts=d.count())
    c = caused.group_by(month=caused.received_at.truncate("M")).aggregate(
        caused=caused.count())
    t = total.left_join(c, "month").select(total.month, total.contacts,
                                           caused=c.caused.fill_null(0))
    out = to_frame(t.order_by("month"))
    out["month"] = out["month"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    out[["contacts", "caused"]] = out[["contacts", "caused"]].astype(int)
    out["share"] = out["caused"] / out["contacts"].where(out["contacts"] > 0)
    return out[["month", "contacts", "caused", "share"]]


def services_per_citizen(ws: Reader) -> pd.DataFrame:
    """Per citizen: how many services they had a need in, and the most at once."""
    parts = [_needs_by_citizen(ws, s) for s in ws.services()]
    n = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    # a sweep over starts (+1) and ends (-1, ends before starts at the same moment): the most
    # services open at one moment; a need still open never ends
    moves = n.select("citizen_ref", at=n.first_contact.cast(UTC), step=ibis.literal(1)).union(
        n.filter(n.met_at.notnull()).select("citizen_ref", at=n.met_at.cast(UTC),
                                            step=ibis.literal(-1)))
    sweep = ibis.cumulative_window(group_by=moves.citizen_ref,
                                   order_by=[moves.at, moves.step])
    moves = moves.mutate(open_services=moves.step.sum().over(sweep))
    most = moves.group_by("citizen_ref").aggregate(most=moves.open_services.max())
    # count services, not needs: two needs in one service at once are still one service
    per = n.group_by("citizen_ref").aggregate(services=n.service.nunique())
    t = per.join(most, "citizen_ref")
    out = to_frame(t.select("citizen_ref", "services",
                            at_once=ibis.least(t.most, t.services).cast("int64"))
                   .order_by("citizen_ref"))
    return out


def followed_by(ws: Reader, a: str, b: str, within_days: float) -> float:
    """The share of needs in ``a`` followed within ``within_days`` of their first contact by
    demand in ``b`` from the same citizen."""
    n = _needs_by_citizen(ws, a)
    d = ws.demands(b)
    d = d.filter(d.citizen_ref.notnull() & d.received_at.notnull()).select(
        demand_citizen=d.citizen_ref, received_at=d.received_at)
    m = n.join(d, n.citizen_ref == d.demand_citizen)
    after = seconds_between(m.first_contact, m.received_at)
    hit = m.filter((after >= 0) & (after <= within_days * DAY_S))
    counts = to_frame(n.aggregate(needs=n.count()).cross_join(
        hit.aggregate(hit=hit.need_id.nunique())))
    total, hits = int(counts["needs"].iloc[0]), int(counts["hit"].iloc[0])
    return hits / total if total else float("nan")


def journey(ws: Reader, citizen_ref: str) -> pd.DataFrame:
    """Everything one citizen met, across services, in time order: events and contacts."""
    e = ws.events()
    e = e.filter(e.citizen_ref == citizen_ref)
    d = ws.demands()
    d = d.filter(d.citizen_ref == citizen_ref)
    t = e.select(at=e.timestamp.cast(UTC), service=e.service.cast("string"),
                 kind=ibis.literal("event"), ref=e.case_id.cast("string"),
                 what=e.activity.cast("string")).union(
        d.select(at=d.received_at.cast(UTC), service=d.service.cast("string"),
                 kind=ibis.literal("contact (").concat(d.nature, ")"),
                 ref=d.case_id.fill_null(d.demand_id).cast("string"),
                 what=d.demand_type.fill_null("").cast("string")))
    return to_frame(t.order_by(["at", "service", "kind", "ref", "what"]))


def findings(ws: Reader, window: Window | None = None) -> list[Finding]:
    """One citizen across services, as findings: how many need more than one service (and at
    once), failure demand one service causes in another (and its highest month), and needs
    followed by demand elsewhere."""
    w = window or Window()
    keys = ws.services()
    if len(keys) < 2:
        return [Finding("joined.one_service", "service", len(keys), applies=False,
                        why_not="one service", names=tuple(keys))]
    spc = services_per_citizen(ws)
    if spc.empty:  # no citizen reference in any service: no person can be followed across
        return [Finding("joined.no_citizens", "service", len(keys), applies=False,
                        why_not="no citizen reference")]
    out = [Finding("joined.citizens", "citizen", len(spc),
                   {"services": count(len(keys)),
                    "more_than_one": share(float((spc["services"] > 1).mean())),
                    "at_once": share(float((spc["at_once"] > 1).mean()))})]
    m = cross_matrix(ws, w, keys)
    name = {k: ws.service(k).name for k in keys}
    hits = m[m["failure_demands"] > 0].sort_values("failure_demands", ascending=False)
    for cause, effect, n, part in zip(hits["cause"].astype(str), hits["effect"].astype(str),
                                      hits["failure_demands"].astype(int),
                                      hits["share_of_effect_failure"].astype(float),
                                      strict=True):
        out.append(Finding("joined.caused", "failure demand", int(n),
                           {"share": share(part), "min_open": Quantity.days(w.min_open_days)},
                           names=(name[cause], name[effect])))
        months = per_month(ws, cause, effect, w)
        top = months.sort_values("share", ascending=False).iloc[0]
        if top["caused"] > 0 and top["share"] > 0:
            m_ = top["month"]
            month = m_.to_timestamp() if isinstance(m_, pd.Period) else pd.Timestamp(m_)
            out.append(Finding("joined.peak", "contact", int(top["caused"]),
                               {"one_in": count(round(1 / top["share"])),
                                "min_open": Quantity.days(w.min_open_days)},
                               Span(month, month), names=(name[cause], name[effect])))
    for a, b in itertools.permutations(keys, 2):
        followed = followed_by(ws, a, b, 28)
        if followed > 0:
            out.append(Finding("joined.followed", "need", 0,
                               {"share": share(followed), "within": Quantity.days(28)},
                               names=(name[a], name[b])))
    return out


def service_names(ws: Reader) -> dict[str, str]:
    """Each service's name by its key, in the workspace's order."""
    return {k: ws.service(k).name for k in ws.services()}
