"""Needs on the citizen's clock: one row per need, computed in one query on the backend.

A *need* is everything that served one citizen's problem: all linked cases (orders), visits
and contacts. Its end-to-end time runs from the citizen's first contact to the need being met
(the last end activity, when the most recent case has one); needs not yet met are open, with
their ages censored at the data's last event. ``measures.capability`` charts them.
"""

from __future__ import annotations

import ibis
import pandas as pd

from servicecheck.engine.durations import DAY_S, seconds_between
from servicecheck.engine.frames import in_utc
from servicecheck.engine.workspace import Reader
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need

NEED_COLUMNS = ["need_id", "citizen_ref", "first_contact", "met_at", "end_to_end_days",
                "open", "age_days", "idle_days", "cases", "visits", "contacts",
                "failure_demands", "first_visit_fix"]


def needs(workspace: Reader, service: Service | None = None) -> pd.DataFrame:
    """One row per need on the citizen's clock: first contact, met at, days, and counts.

    Columns: need_id, first_contact, met_at, end_to_end_days (NaN while open), open,
    age_days (open needs only, censored at the data's last event), cases, visits, contacts,
    failure_demands, first_visit_fix. Computed in one query on the backend; only the
    result comes to Python.
    """
    out = need_expr(workspace, service or workspace.service())
    # Arrow's own conversion: several times faster than a column-by-column one for 1M rows
    df: pd.DataFrame = in_utc(out.to_pyarrow().to_pandas())
    return df[NEED_COLUMNS]


def need_expr(workspace: Reader, svc: Service) -> ibis.Table:
    """The needs as an Ibis expression on the workspace's engine (the columns ``needs``
    returns), for measures that go on joining and counting there."""
    ev = with_need(workspace.events(svc.key), svc)
    starts, ends = list(svc.clock.start), list(svc.clock.end)
    visits = list(svc.need.visit_activities)
    # Without named activities every event may start a need and every event may end it: a
    # need is then met at its last event (PM4Py's convention), and capability says so in
    # words. As columns, so that they aggregate like the named case.
    is_end = ev.activity.isin(ends) if ends else ev.event_index >= 0
    # With ends named and no starts, a need starts at its first step that is not an end: a
    # case closed on a date before it was created (NYC 311: created 28 Feb 2023, closed
    # 1 Jan 2023) started at its close, took no time, and made its service "first reported"
    # two months before any record was; now its end is before its start, set aside and counted.
    is_start = (ev.activity.isin(starts) if starts else
                ~ev.activity.isin(ends) if ends else ev.event_index >= 0)

    # One pass over the events, per case, then the needs from the cases (two passes, one with
    # COUNT(DISTINCT), took twice as long and ran out of 2 GB at 100M events: RESULTS.md).
    # A need is met when its most recently started case reached an end activity.
    per_case = ev.group_by([ev.need, ev.case_id]).aggregate(
        case_first=ev.timestamp.min(),
        case_last=ev.timestamp.max(),
        first_start=ev.timestamp.min(where=is_start),
        met_at=ev.timestamp.max(where=is_end),
        has_end=is_end.any(),
        visits=ev.count(where=ev.activity.isin(visits)) if visits else ibis.literal(0),
        citizen_ref=ev.citizen_ref.max(),
    )
    w = ibis.window(group_by=per_case.need,
                    order_by=[per_case.case_first.desc(), per_case.case_id.desc()])
    ranked = per_case.mutate(last=ibis.row_number().over(w) == 0)
    agg = ranked.group_by(ranked.need).aggregate(
        first_event=ranked.case_first.min(),
        last_event=ranked.case_last.max(),
        first_start=ranked.first_start.min(),
        met_at=ranked.met_at.max(),
        cases=ranked.count(),
        visits=ranked.visits.sum(),
        citizen_ref=ranked.citizen_ref.max(),
        last_case_met=(ranked.last & ranked.has_end).any(),
    )
    dem = workspace.demands(svc.key)
    dem = dem.filter(dem.case_id.notnull())
    d = dem.group_by(need=dem.case_id).aggregate(
        first_demand=dem.received_at.min(),
        contacts=dem.count(),
        failure_demands=dem.count(where=dem.nature == "failure"),
    )
    t = agg.join(d, "need", how="left")
    start = t.first_start.fill_null(t.first_event)
    first_contact = ibis.least(start, t.first_demand) if svc.clock.start_at_first_contact \
        else start  # least() passes over a missing first demand
    is_open = ~(t.last_case_met & t.met_at.notnull())
    met_at = ibis.ifelse(is_open, ibis.null(t.met_at.type()), t.met_at)
    as_at = workspace.events(svc.key).timestamp.max().as_scalar()  # the data run to here
    out = t.select(
        need_id=t.need,
        citizen_ref=t.citizen_ref,
        first_contact=first_contact,
        met_at=met_at,
        end_to_end_days=seconds_between(first_contact, met_at) / DAY_S,
        open=is_open,
        age_days=ibis.ifelse(is_open, seconds_between(first_contact, as_at) / DAY_S,
                             ibis.null("float64")),
        # how long an open need has not moved: far past the usual time it is stale, not open
        idle_days=ibis.ifelse(is_open, seconds_between(t.last_event, as_at) / DAY_S,
                              ibis.null("float64")),
        cases=t.cases,
        visits=t.visits,
        contacts=t.contacts.fill_null(0),
        failure_demands=t.failure_demands.fill_null(0),
        first_visit_fix=~is_open & (t.visits == 1) & (t.cases == 1),
    ).order_by(["first_contact", "need_id"])
    return out
