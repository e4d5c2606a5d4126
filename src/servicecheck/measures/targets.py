"""Targets versus purpose: what the target regime reports beside what citizens live through,
and the mechanisms that separate the two clocks.

The regime's numbers appear only beside the citizen's view (METHOD.md): no red, amber or
green, no league tables. The regime's clock runs per case (an order) from its start activity
to its first end activity, against the timescale of the case's priority; the citizen's clock
runs per need from first contact to the need being met.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import Table

from servicecheck import spc
from servicecheck.engine.durations import DAY_S
from servicecheck.engine.frames import isin, to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, Quantity, Span, count, seconds, share
from servicecheck.io.errors import InputError
from servicecheck.measures import periods
from servicecheck.measures.needs import needs
from servicecheck.measures.order import one_intake
from servicecheck.measures.regime_cases import cases as _cases
from servicecheck.service.model import Clock, Service
from servicecheck.service.need_key import with_need
from servicecheck.workdays import between_many

# what can separate the two clocks for one need (narrative/words.py says each in words)
MECHANISMS = ("late_start", "split", "closed_reraised", "reprioritised", "repeat_report")


@dataclass(frozen=True)
class TargetView:
    orders: pd.DataFrame          # per case on the regime's clock
    regime: pd.DataFrame          # per period: orders closed, % within target, mean days
    citizen: pd.DataFrame         # per period: needs met, median days, contacts, visits
    mechanisms: pd.DataFrame      # per need: each mechanism, and the days it adds
    where_days: pd.DataFrame      # the citizen's days split by what was happening
    freq: str
    unit: str = "order"           # what the regime counts, as the service file names it
    # where the citizen's clock starts (the service file's clock; narrative.voice words it)
    clock: Clock = field(default_factory=Clock)
    calendar: str | None = None   # the working-day calendar's key, when a timescale uses one
    closures: int = 0             # local closure days the working days also skip
    data_end: pd.Timestamp | None = None  # the last event: a period after it is partial
    # per period, P' chart of the regime's on-time share (the orders judged vary from period
    # to period) and XmR chart of the citizen's median days; None with fewer than 2 periods
    regime_chart: spc.Chart | None = None
    citizen_chart: spc.Chart | None = None


def deadline_of(due: pd.Series, tz: str) -> pd.Series:
    """The first instant that is late for each due date: a date without a time of day is met
    by the end of that day (in the service's zone), a date and time by that time."""
    dated = due.dropna()
    if bool((dated == dated.dt.tz_convert(tz).dt.normalize().dt.tz_convert("UTC")).all()):
        later: pd.Series = (due.dt.tz_convert(tz) + pd.DateOffset(days=1)).dt.tz_convert("UTC")
        return later
    return due + pd.Timedelta(microseconds=1)


def _regime_orders(ev: Table, svc: Service) -> tuple[pd.DataFrame, set[str]]:
    """Per order on the regime's clock (computed on the engine, judged here per order), and
    the orders that reached the citizen's end."""
    t = svc.targets
    assert t is not None
    orders = to_frame(_cases(ev, svc).order_by("case_id")).set_index("case_id")
    orders.index.name = None
    if "priority" not in orders:
        orders["priority"] = None
        orders["priority_changed"] = False
    orders["priority_changed"] = orders["priority_changed"].fillna(False).astype(bool)
    # each priority's timescale, in calendar days (hours count as parts of a day) or in
    # working days; anything else takes the default
    def timescale(k: str | None) -> tuple[float | None, float | None]:
        return ((t.timescales_days[k], None) if k in t.timescales_days
                else (None, t.timescales_working_days[k]) if k in t.timescales_working_days
                else (t.default_days, t.default_working_days))

    # decided once per priority, then taken by position: a Python loop over every order
    # took seconds at 2M orders
    codes, kinds = pd.factorize(orders["priority"], use_na_sentinel=True)
    each = [timescale(str(k)) for k in kinds] + [timescale(None)]  # code -1: no priority
    # (as lists: pandas then infers the column's type as it did from the loop's lists)
    orders["timescale_days"] = np.array([d for d, _ in each], dtype=object)[codes].tolist()
    orders["timescale_working_days"] = np.array([w for _, w in each],
                                                dtype=object)[codes].tolist()
    if "due_text" in orders:
        # a due date per case: the regime's own deadline, read in the service's time zone
        # (without a format, in the date order the file was read in: 03/04 is 3 April in
        # a day-first export, as its other dates were read)
        due = pd.to_datetime(orders.pop("due_text"), format=t.due_format, errors="coerce",
                             dayfirst=t.due_format is None
                             and svc.reading.date_order != "month-first")
        if due.dt.tz is None:
            due = due.dt.tz_localize(svc.timezone, ambiguous="NaT",
                                     nonexistent="shift_forward")
        orders["due"] = due.dt.tz_convert("UTC")
    orders["closed"] = orders["regime_end"].notna()
    orders["regime_days"] = (orders["regime_end"] - orders["regime_start"]
                             ).dt.total_seconds() / DAY_S
    scale = orders["timescale_days"].astype(float)
    within = orders["closed"] & (orders["regime_days"] <= scale)
    wd = orders["timescale_working_days"].astype(float)
    # working days after the day the clock started, up to and including the day it stopped
    orders["regime_working_days"] = between_many(
        _utc(orders["regime_start"]), _utc(orders["regime_end"]), t.calendar,
        closures=t.closures, tz=svc.timezone)
    within = within.where(wd.isna(), orders["closed"] & (orders["regime_working_days"] <= wd))
    judged = scale.notna() | wd.notna()
    if "due" in orders:
        has_due = orders["due"].notna()
        deadline = deadline_of(orders["due"], svc.timezone)
        met = orders["regime_end"] < deadline
        within = within.where(~has_due, orders["closed"] & met)
        judged = judged | has_due
        as_at = to_frame(ev.aggregate(as_at=ev.timestamp.max()))["as_at"].iloc[0]
        orders["past_due_open"] = ~orders["closed"] & has_due & (deadline < as_at)
    # 1 within, 0 outside, empty where the regime sets no timescale or date for the case
    orders["within_target"] = within.astype(float).where(judged)
    reached = set(orders.index[orders.pop("reached_end").astype(bool)])
    orders = orders[["regime_start", "regime_end", "priority", "priority_changed",
                     "timescale_days", "timescale_working_days",
                     *(["due"] if "due" in orders else []), "closed", "regime_days",
                     "regime_working_days",
                     *(["past_due_open"] if "past_due_open" in orders else []),
                     "within_target", "need_id"]]
    return orders.rename_axis("case_id").reset_index(), reached


# per order on the regime's clock, judged against its timescale, and the orders that reached
# the citizen's end: what the summary, the target view and the clock sensitivity all read
JudgedOrders = tuple[pd.DataFrame, set[str]]


def judged_orders(workspace: Reader, service: Service | None = None) -> JudgedOrders:
    """The orders judged on the regime's clock, computed once for whatever reads them (a
    report hands them to the summary, ``target_view`` and ``clocks.clock_sensitivity``)."""
    svc = service or workspace.service()
    return _regime_orders(with_need(workspace.events(svc.key), svc), svc)


def regime_orders(workspace: Reader, service: Service | None = None,
                  orders_judged: JudgedOrders | None = None) -> pd.DataFrame:
    """Per case on the regime's clock, judged against its timescale (``TargetView.orders``
    without the rest of the view)."""
    return (orders_judged or judged_orders(workspace, service))[0]


def _utc(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_localize("UTC") if ts.dt.tz is None else ts


def no_regime(svc: Service) -> InputError:
    """The sentence for a service that states no target regime: a [targets] table is no
    column, and a workspace imported without a service file has no file to add it to."""
    if svc.path is None:
        return InputError("the service states no target regime (it was imported without a "
                          "service file)", fix="write one with 'servicecheck init', describe "
                          "the targets under [targets] (start, end and timescales), and "
                          "import the log again with --service and --replace")
    return InputError("the service file states no target regime", source=str(svc.path),
                      fix="add a [targets] table with start, end and timescales")


def target_view(workspace: Reader, service: Service | None = None, *, freq: str = "M",
                late_start_days: float = 1.0, need_table: pd.DataFrame | None = None,
                orders_judged: JudgedOrders | None = None) -> TargetView:
    """The regime's view and the citizen's, per period, and the gap explained per need (the
    needs table and the judged orders computed here unless handed in)."""
    svc = service or workspace.service()
    if svc.targets is None or not svc.targets.start or not svc.targets.end:
        raise no_regime(svc)
    if freq not in ("W", "M"):
        raise ValueError("freq must be W or M")
    tz = svc.timezone
    ev = with_need(workspace.events(svc.key), svc)
    orders, met_cases = orders_judged or _regime_orders(ev, svc)

    # only the columns counted (resample copies what it is given; the orders whole, a
    # quarter of a GB at 10M events, were copied twice)
    closed = orders.loc[orders["closed"], ["regime_end", "within_target", "regime_days"]
                        ].set_index("regime_end")
    g = periods.resample(closed, freq, tz)
    regime = pd.DataFrame({"orders_closed": g.size(),
                           # the orders judged against a timescale or due date, and on time
                           "orders_judged": g["within_target"].count(),
                           "on_time": g["within_target"].sum(),
                           "within_target": g["within_target"].mean(),
                           "mean_regime_days": g["regime_days"].mean()})
    n = need_table if need_table is not None else needs(workspace, svc)
    # a need whose end came before its first contact is set aside, as capability does
    n = n.loc[n["open"] | ~(n["end_to_end_days"] < 0), MECHANISM_NEED_COLUMNS]
    done = n.loc[~n["open"], ["met_at", "end_to_end_days", "contacts", "visits"]
                 ].set_index("met_at")
    h = periods.resample(done, freq, tz)
    citizen = pd.DataFrame({"needs_met": h.size(), "median_days": h["end_to_end_days"].median(),
                            "contacts_per_need": h["contacts"].mean(),
                            "visits_per_need": h["visits"].mean()})
    regime.index.name = citizen.index.name = "period"
    every = regime.index.union(citizen.index)
    regime = regime.reindex(every).reset_index()
    citizen = citizen.reindex(every).reset_index()
    for table in (regime, citizen):
        table["label"] = periods.labels(table["period"], freq)

    mech = _mechanisms(ev, orders, met_cases, n, svc, workspace, late_start_days)
    end = _last_event(ev)
    # an extract of one intake: the medians of the periods its needs were met in rise by
    # construction (measures.order.one_intake), so no chart of them is drawn
    met = n.loc[~n["open"]]
    intake = one_intake(met["first_contact"], met["end_to_end_days"]) is not None
    return TargetView(orders=orders, regime=regime, citizen=citizen, mechanisms=mech,
                      where_days=_where_days(mech), freq=freq,
                      unit=svc.targets.unit if svc.targets else "order", clock=svc.clock,
                      calendar=_working_calendar(svc),
                      closures=len(svc.targets.closures) if svc.targets else 0,
                      data_end=end, regime_chart=_regime_chart(regime, freq, end),
                      citizen_chart=None if intake else _citizen_chart(citizen, freq, end))


def _regime_chart(regime: pd.DataFrame, freq: str, end: pd.Timestamp | None
                  ) -> spc.Chart | None:
    """The regime's on-time share per period on a P′ chart: the orders judged differ from
    period to period (a chart needs two periods; a regime none of whose orders was judged
    draws none, and the words say so instead)."""
    judged = regime[regime["orders_judged"] > 0]
    if len(judged) < 2:
        return None
    return periods.share_chart(judged["on_time"].to_numpy(dtype=float),
                               judged["orders_judged"].to_numpy(dtype=float),
                               list(judged["period"]), freq, data_end=end)


def _citizen_chart(citizen: pd.DataFrame, freq: str, end: pd.Timestamp | None
                   ) -> spc.Chart | None:
    """The median of the needs met per period on an XmR chart (medians have no denominator
    to weigh them by)."""
    met = citizen.dropna(subset=["median_days"])
    if len(met) < 2:
        return None
    return periods.period_chart(met["median_days"].to_numpy(dtype=float), list(met["period"]),
                                freq, data_end=end)


def _last_event(ev: Table) -> pd.Timestamp | None:
    last = to_frame(ev.aggregate(last=ev.timestamp.max()))["last"].iloc[0]
    return None if pd.isna(last) else pd.Timestamp(last)


def _working_calendar(svc: Service) -> str | None:
    """The bank-holiday calendar of the working days, when a timescale counts working days."""
    t = svc.targets
    if t is None or not (t.timescales_working_days or t.default_working_days is not None):
        return None
    return t.calendar


def _per_need(ev: Table, where: ibis.Value, **values: ibis.Value) -> pd.DataFrame:
    """Per need, aggregates of the events where ``where`` holds (computed on the engine)."""
    e = ev.filter(where)
    return to_frame(e.group_by("need").aggregate(**values)).set_index("need")


# the needs' columns the mechanisms read (and the citizen's view per period beside them)
MECHANISM_NEED_COLUMNS = ["need_id", "first_contact", "met_at", "open", "end_to_end_days",
                          "visits", "cases", "contacts"]


def _mechanisms(ev: Table, orders: pd.DataFrame, met_cases: set[str], n: pd.DataFrame,
                svc: Service, ws: Reader, late_start_days: float) -> pd.DataFrame:
    m = n.set_index("need_id")[["first_contact", "met_at", "open", "end_to_end_days",
                                "visits", "cases"]].copy()
    # each order's need as a number, and each need of the table as one of those numbers (or
    # -1: no order): per need figures are then counted on whole numbers and taken by
    # position, where grouping, sorting and aligning by 2M texts each hashed them again
    code, at = _need_numbers(orders, m)
    has = code >= 0
    # each need's first order start
    first = orders["regime_start"][has].groupby(code[has]).min()
    starts = pd.Series(first.array.take(at, allow_fill=True), index=m.index)
    m["late_start_days"] = ((starts - m["first_contact"])
                            .dt.total_seconds() / DAY_S).clip(lower=0)
    m["late_start"] = m["late_start_days"] >= late_start_days
    visit = list(svc.need.visit_activities)
    teams = (_per_need(ev, ev.activity.isin(visit), teams=ev.team.nunique())["teams"]
             if visit else pd.Series(dtype="int64"))
    m["split"] = (teams > 1).reindex(m.index, fill_value=False).astype(bool)
    # an order closed before the need was met and followed by another order of its need (in
    # order of start; of orders started together, the later in the table)
    rows = np.flatnonzero(has)
    # (the starts as whole numbers: to_numpy on zone-aware times makes an object of each)
    rows = rows[np.lexsort((pd.DatetimeIndex(orders["regime_start"]).asi8[rows], code[rows]))]
    followed = np.zeros(len(orders), dtype=bool)
    followed[rows[:-1]] = code[rows[:-1]] == code[rows[1:]]
    early = (orders["closed"].to_numpy(dtype=bool) & ~isin(orders["case_id"], met_cases)
             & followed)
    m["closed_reraised"] = _any_per_need(early, code, at)
    m["reprioritised"] = _any_per_need(orders["priority_changed"].to_numpy(dtype=bool),
                                       code, at)
    # the problem came back: the citizen reported it again after the first completion (an
    # order raised later can be the next trade of a split need, so it is no evidence)
    again: set[str] = set()
    ends = list(svc.clock.end)
    if ends:
        first_done = ev.filter(ev.activity.isin(ends)).group_by("need").aggregate(
            first_done=ev.timestamp.min())
        d = ws.demands(svc.key)
        d = d.filter(d.failure_kind.isin(["not done right", "repeat"]) & d.case_id.notnull())
        r = d.join(first_done, d.case_id == first_done.need)
        r = r.filter(r.received_at > r.first_done).select("case_id").distinct()
        again = set(to_frame(r)["case_id"])
    m["repeat_report"] = isin(m.index, again)

    # where the days go, for needs that were met: before the regime's clock, an order open,
    # or no order open (the clock stopped) — the three add up to the citizen's days
    end = m["met_at"]
    # the earlier of the two, as np.minimum gave it (NaT with no end; the end with no start)
    # without its detour through Python objects: 7 s of the report at 10M events
    earlier = end.mask(starts < end, starts)
    before = ((earlier - m["first_contact"]).dt.total_seconds() / DAY_S)
    m["days_before_clock"] = before.clip(lower=0).where(~m["open"])
    m["days_order_open"] = _open_days(orders, m, code, at).where(~m["open"])
    m["days_clock_stopped"] = (m["end_to_end_days"] - m["days_before_clock"]
                               - m["days_order_open"]).clip(lower=0)
    return m.reset_index()


def _need_numbers(orders: pd.DataFrame, m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each order's need as a number (-1: none), and each need of ``m`` (indexed by need id)
    as one of those numbers (-1: no order)."""
    code, ids = pd.factorize(orders["need_id"])
    return code, pd.Index(ids).get_indexer(m.index)


def _any_per_need(flags: np.ndarray, code: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Per need of the table (``at``: its number among the orders' needs, -1 for none),
    whether any of its orders (``code``: each order's need) has the flag."""
    per = np.zeros(int(code.max(initial=-1)) + 1, dtype=bool)
    per[code[flags & (code >= 0)]] = True
    return (at >= 0) & per[np.maximum(at, 0)] if len(per) else np.zeros(len(at), dtype=bool)


def _open_days(orders: pd.DataFrame, m: pd.DataFrame, code: np.ndarray | None = None,
               at: np.ndarray | None = None) -> pd.Series:
    """Per need: days at least one order was open, between the first start and the need met.

    On whole nanoseconds in arrays, one per column: as a frame of the 21.5M orders of 100M
    events (four columns of times, filtered, copied, sorted, grouped) it took GBs more than
    the process had, and the kernel stopped the report here. The same days, to the bit, as
    the frame gave (``tests/test_targets_engine.py`` keeps that form). ``code``: each order's
    need as a number, ``at``: each need of ``m`` as one of those numbers (-1: no order), as
    ``_mechanisms`` found them; the 21.5M need ids are not hashed again here."""
    if code is None or at is None:
        code, at = _need_numbers(orders, m)
    need = code
    nat = np.iinfo(np.int64).min  # NaT as a whole number

    def ns(times: pd.Series) -> np.ndarray:  # whatever unit pandas read them in
        return np.asarray(pd.DatetimeIndex(times).as_unit("ns").asi8)

    # each order's need met at (NaT: not met, or not among the needs)
    known = at >= 0
    met_of = np.full(int(need.max(initial=-1)) + 1, nat)  # per need number
    met_of[at[known]] = ns(m["met_at"])[known]
    met = np.where(need >= 0, met_of[np.maximum(need, 0)], nat) if len(met_of) else \
        np.full(len(need), nat)
    start, end = ns(orders["regime_start"]), ns(orders["regime_end"])
    # an order still open ends when its need was met; none ends after it
    end = np.minimum(np.where(end == nat, met, end), met)
    keep = (met != nat) & (start != nat) & (end > start)
    need, start, end = need[keep], start[keep], end[keep]
    order = np.lexsort((start, need))
    need, start, end = need[order], start[order], end[order]
    # merge overlapping orders per need: a running maximum of ends marks each new run
    run_end = pd.Series(end).groupby(need).cummax().to_numpy()
    first = np.ones(len(need), dtype=bool)
    first[1:] = need[1:] != need[:-1]
    new_run = first.copy()
    new_run[1:] |= start[1:] > run_end[:-1]
    runs = np.flatnonzero(new_run)
    # each run from its first start (sorted) to its latest end
    s_run, e_run = start[runs], np.maximum.reduceat(end, runs) if len(runs) else end[:0]
    days = (pd.Series(pd.to_timedelta(e_run - s_run, unit="ns")).dt.total_seconds() / DAY_S
            ).groupby(need[runs]).sum()
    per = np.zeros(len(met_of))
    per[days.index.to_numpy()] = days.to_numpy()
    return pd.Series(np.where(known, per[np.maximum(at, 0)], 0.0) if len(per)
                     else np.zeros(len(m)), index=m.index)


def _where_days(m: pd.DataFrame) -> pd.DataFrame:
    """Where the met needs' days went, by code (narrative.targets words each in the regime's
    own unit): before the regime's clock started, while an order was open, while none was."""
    done = m[~m["open"]]
    parts = {"before_clock": done["days_before_clock"].sum(),
             "order_open": done["days_order_open"].sum(),
             "clock_stopped": done["days_clock_stopped"].sum()}
    total = sum(parts.values()) or 1.0
    return pd.DataFrame({"where": list(parts), "days": list(parts.values()),
                         "share": [v / total for v in parts.values()]})


# a service whose file names no target regime: nothing to set beside the citizen's view
NO_REGIME = Finding("targets.none", "need", 0, applies=False, why_not="no target regime")


def findings(view: TargetView, changes: tuple[pd.Timestamp, ...] = ()) -> list[Finding]:
    """The two clocks side by side for the same needs in the same period (the needs first
    reported since the latest change, or all of them), the same before the change when there
    was one, and the mechanisms between the clocks."""
    m = view.mechanisms
    change = changes[-1] if changes else None
    phases = [("after", m["first_contact"] >= change), ("before", m["first_contact"] < change)] \
        if change is not None else [("all", m["first_contact"].notna())]
    orders = view.orders
    # each order's need as its row among the needs (-1: none), found once: a set of the
    # phase's 1.3M ids and a look-up of 2M orders in it took seconds per phase at 10M events
    at = pd.Index(m["need_id"]).get_indexer(orders["need_id"])
    closed = orders["closed"].to_numpy(dtype=bool)
    within = orders["within_target"]
    out: list[Finding] = []
    per_phase: dict[str, dict[str, Quantity]] = {}
    spans: dict[str, Span] = {}
    for phase, mask in phases:
        of_phase = mask.to_numpy(dtype=bool)[np.maximum(at, 0)] & (at >= 0)
        judged = within[of_phase & closed].dropna()
        done = m[mask & ~m["open"]]
        if judged.empty or done.empty:
            continue
        per_phase[phase] = {
            "on_time": share(float(judged.mean())), "judged": count(len(judged)),
            "median": seconds(float(done["end_to_end_days"].median())),
            "p90": seconds(float(done["end_to_end_days"].quantile(0.9))),
            "needs": count(len(done))}
        # the needs whose orders are judged, first reported between the first and last of
        # them, as capability's headline for the same needs says it
        spans[phase] = replace(Span.reported(m.loc[mask, "first_contact"]),
                               change=change if phase == "after" else None,
                               phase=phase)  # type: ignore[arg-type]
    now = "after" if "after" in per_phase else "all" if "all" in per_phase else None
    if now is None:
        out.append(Finding("targets.two_clocks", view.unit, 0, applies=False,
                           why_not="no closed order is judged against a timescale",
                           clock="regime"))
    else:
        numbers = dict(per_phase[now])
        flags: set[str] = set()
        if view.clock.start_at_first_contact:
            flags.add("first_contact")  # else the clock starts at the names' activities
        if now == "after" and "before" in per_phase:
            b = per_phase["before"]
            numbers.update({f"before_{k}": v for k, v in b.items()})
            regime_better = numbers["on_time"].value > b["on_time"].value
            citizen_better = numbers["median"].value < b["median"].value
            flags.add("compared")
            if regime_better != citizen_better:
                flags.add("opposite")
        out.append(Finding("targets.two_clocks", view.unit, int(numbers["judged"].value),
                           numbers, spans[now], "regime", chart="target-regime",
                           headline=95, names=view.clock.start, flags=frozenset(flags)))
    done = m[~m["open"]]
    for key in MECHANISMS:
        has, hasnt = done[done[key]], done[~done[key]]
        if has.empty:
            continue
        numbers = {"share": share(len(has) / len(done)),
                   "median": seconds(float(has["end_to_end_days"].median()))}
        if len(hasnt):
            numbers["without"] = seconds(float(hasnt["end_to_end_days"].median()))
        out.append(Finding("targets.mechanism", "need", len(has), numbers, clock="citizen",
                           names=(key, view.unit)))
    stopped = done[done["days_clock_stopped"] > 0]
    if len(stopped):
        out.append(Finding("targets.clock_stopped", "need", len(stopped),
                           {"share": share(len(stopped) / len(done)),
                            "median": seconds(float(stopped["days_clock_stopped"].median()))},
                           clock="citizen", names=(view.unit,)))
    if len(done):
        wd = view.where_days
        out.append(Finding("targets.where_days", "need", len(done),
                           {str(k): share(float(v)) for k, v in zip(wd["where"], wd["share"],
                                                                 strict=True)},
                           clock="citizen", chart="where-the-days-go",
                           names=(view.unit,)))
    return out
