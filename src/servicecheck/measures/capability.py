"""Capability: what the system achieves against purpose, measured from the citizen's side.

A *need* is everything that served one citizen's problem: all linked cases (orders), visits
and contacts. Its end-to-end time runs from the citizen's first contact to the need being met
(the last end activity, when the most recent case has one). Needs not yet met are work in
progress: their ages are censored and kept apart, never averaged in as if finished.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from servicecheck import spc
from servicecheck.engine.durations import DAY_S
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import (
    Clock,
    Finding,
    Quantity,
    Span,
    count,
    seconds,
    share,
    signals,
)
from servicecheck.measures import periods
from servicecheck.measures.needs import needs
from servicecheck.measures.order import (
    in_completion_order,
    intake_end,
    intake_end_findings,
    intake_start,
    intake_start_findings,
    is_stale,
    one_intake,
    stale_after_days,
    tied,
    without_tied_trends,
)
from servicecheck.measures.quality import future_findings
from servicecheck.service.model import Change, Service


@dataclass(frozen=True)
class Capability:
    """What the system predictably delivers, with its chart and the work still in progress.

    ``completed`` are the needs charted (in phase, then completion order; needs met at the
    same instant in the fixed order of ``tie_order``); ``open`` the needs
    still moving; ``stale`` open needs idle far longer than the service's usual time (ended
    some other way, most likely); ``set_aside`` needs whose end came before their start."""

    service: str
    chart: spc.Chart
    completed: pd.DataFrame
    open: pd.DataFrame
    clock: Clock = "citizen"
    stale: pd.DataFrame = field(default_factory=pd.DataFrame)
    set_aside: int = 0
    changes: tuple[pd.Timestamp, ...] = ()
    as_at: pd.Timestamp | None = None
    stale_after_days: float | None = None
    timezone: str = "UTC"  # the service's: periods and dates are read there
    future: Finding | None = None  # steps dated after their import (measures.quality), kept
    # the clock's end steps the events never hold, asked only when no need was met: a name
    # misspelt in the service file, not a service where nothing is ever finished
    absent_ends: tuple[str, ...] = ()
    # the column the chart orders needs by: "met_at", or "first_contact" for an extract of one
    # intake (``one_intake``), whose window of first contacts is ``intake_days`` long
    ordered_by: str = "met_at"
    intake_days: float | None = None
    # the last first contact, when the data run on after it for longer than 9 in 10 needs
    # take (``intake_end``): the needs met after it are only the slow ones
    intake_end: pd.Timestamp | None = None
    # the first first contact (``intake_start``), where the chart is in order of completion
    intake_start: pd.Timestamp | None = None

    @property
    def n_completed(self) -> int:
        return len(self.completed)

    @property
    def n_open(self) -> int:
        return len(self.open)

    @property
    def n_stale(self) -> int:
        return len(self.stale)

    def predictable_range(self, phase: int = -1) -> tuple[float, float]:
        """Lower and upper limit of the given phase, the lower drawn at zero when negative."""
        lim = self.chart.limits[phase]
        return max(lim.lower or 0.0, 0.0), float(lim.upper or 0.0)

    def phase(self, i: int = -1) -> pd.DataFrame:
        """The completed needs of one phase (the latest by default)."""
        if not self.chart.limits:
            return self.completed
        lim = self.chart.limits[i]
        return self.completed.iloc[lim.first_point - 1:lim.last_point]


def capability(
    workspace: Reader,
    service: Service | None = None,
    *,
    preset: str = "ptd",
    phases: list[str] | None = None,
    need_table: pd.DataFrame | None = None,
) -> Capability:
    """End-to-end time of every completed need on an XmR chart, in order of completion.

    ``phases`` are dates of known changes in the system (the service file's redesign date
    by default); limits are recalculated from the first need completed after each.
    """
    svc = service or workspace.service()
    df = need_table if need_table is not None else needs(workspace, svc)
    change_dates = phases if phases is not None else svc.phase_dates
    done = met_needs(df, svc, change_dates)
    wip = df[df["open"]]
    intake = one_intake(done["first_contact"], done["end_to_end_days"])
    # one intake: the needs met are those quicker than the data's run, so their times give
    # no usual time to call an open need stale by (NYC 311's 545 requests still "Open" or
    # "In Progress" were told "most likely ended some other way")
    stale_after = stale_after_days(done["end_to_end_days"]) if intake is None else None
    stale = is_stale(wip, stale_after)
    # completion order within the phase, so needs begun before a change do not blur the new
    # limits (each phase its own limits: ``current_days`` reads the latest one's needs)
    at = "met_at" if intake is None else "first_contact"
    done = in_completion_order(done, at, "need_id", first=["phase"])
    starts = done.index[done["phase"].diff().fillna(0) > 0]
    breaks = [int(i) + 1 for i in starts]
    local = done[at].dt.tz_convert(svc.timezone) if len(done) else done[at]
    labels = periods.day_labels(local)
    params: dict[str, Any] = {}
    if preset in ("ptd", "mdc2023"):
        params["improvement_direction"] = "decrease"
    chart = without_tied_trends(spc.xmr(done["end_to_end_days"].to_numpy(), preset=preset,
                                        labels=labels, phases=breaks or None, **params),
                                done[at])
    # the instants as one zone-aware index (whole nanoseconds), not a Timestamp object per
    # need: 13M objects, over a GB, at 100M events
    chart = replace(chart, dates=pd.DatetimeIndex(local))
    ends = df["met_at"].max() if len(df) else None
    ages = (df["first_contact"] + pd.to_timedelta(df["age_days"], unit="D")).max() \
        if len(wip) else None
    as_at = max((t for t in (ends, ages) if t is not None and not pd.isna(t)), default=None)
    # one intake is charted in order of first contact, where its own finding says it already
    ended = (intake_end(df["first_contact"], done["end_to_end_days"], as_at)
             if intake is None else None)
    return Capability(service=svc.key, chart=chart, completed=done,
                      future=next(iter(future_findings(workspace, svc)), None),
                      absent_ends=absent_steps(workspace, svc, svc.clock.end)
                      if done.empty else (),
                      open=wip[~stale].reset_index(drop=True),
                      stale=wip[stale].reset_index(drop=True),
                      set_aside=int((~df["open"]).sum()) - len(done),
                      clock="citizen" if svc.clock.end else "last-event",
                      changes=change_times(svc, change_dates),
                      as_at=as_at, stale_after_days=stale_after, timezone=svc.timezone,
                      ordered_by=at, intake_days=intake, intake_end=ended,
                      intake_start=(intake_start(df["first_contact"], done["end_to_end_days"])
                                    if intake is None else None))


def met_needs(need_table: pd.DataFrame, svc: Service,
              phases: list[str] | None = None) -> pd.DataFrame:
    """The needs met, each with the phase of the system that received it (0 before the first
    known change, 1 after it, ...: ``phases``, the service file's by default), by first
    contact; a need whose end came before its start is left out (set aside, never charted)."""
    finished = need_table[~need_table["open"]]
    done = finished[~(finished["end_to_end_days"] < 0)].reset_index(drop=True)
    done["phase"] = phase_of(done["first_contact"], change_times(svc, phases))
    return done


def current_days(need_table: pd.DataFrame, svc: Service) -> pd.Series:
    """The end-to-end days of the needs the capability says the system delivers now
    (``capability.current``: the needs of the chart's latest limits, which are recalculated
    at each phase that holds a need), without charting them: what the voice's unit is chosen
    from (``cli.common.report_voice``), in any order."""
    done = met_needs(need_table, svc)
    days: pd.Series = done.loc[done["phase"] == done["phase"].max(), "end_to_end_days"]
    return days


def absent_steps(workspace: Reader, svc: Service, steps: Sequence[str]) -> tuple[str, ...]:
    """``steps`` when no event of the service holds any of them, else nothing."""
    if not steps:
        return ()
    ev = workspace.events(svc.key)
    held = to_frame(ev.aggregate(n=ev.count(where=ev.activity.isin(list(steps)))))
    return () if int(held["n"].iloc[0]) else tuple(steps)


def change_times(svc: Service, dates: list[str] | None = None) -> tuple[pd.Timestamp, ...]:
    """The known changes in the system (the redesign date by default) as instants: a date
    starts at midnight in the service's own time zone."""
    if dates is None:
        dates = svc.phase_dates
    return tuple(pd.Timestamp(d, tz=svc.timezone).tz_convert("UTC") for d in sorted(dates))


def change_signal(cap: Capability) -> spc.Signal | None:
    """The first signal the new phase raises on the old phase's limits, extended.

    Limits are recalculated at a known change only when the data show it: this is the
    evidence (a run below the old centre line, or points beyond the old limits).
    """
    if len(cap.chart.limits) < 2:
        return None
    first_new = cap.chart.limits[1].first_point
    if first_new - 1 < 12:
        return None  # too few points before the change to fix limits on
    # the chart's own labels, not a list of them: a copy of 13M pointers at 100M events
    old = spc.ptd_spc(cap.chart.values, labels=cap.chart.labels,
                      fix_after_n_points=first_new - 1, improvement_direction="decrease")
    after = [s for s in old.signals if s.points[-1] >= first_new and s.rule != "trend"]
    return after[0] if after else None


def phase_of(first_contact: pd.Series, changes: tuple[pd.Timestamp, ...]) -> pd.Series:
    """0 before the first change, 1 after it, and so on."""
    phase = pd.Series(0, index=first_contact.index)
    for c in changes:
        phase += (first_contact >= c).astype(int)
    return phase


@dataclass(frozen=True)
class PeriodView:
    """Completed needs per day, week or month: their number, and their typical time.

    Counts of empty periods are zero; times of empty periods are gaps (there is nothing to
    average), so the time chart has one point per period that has completed needs.
    """

    freq: str
    stat: str
    table: pd.DataFrame
    days: spc.Chart
    counts: spc.Chart


def period_summary(done: pd.DataFrame, freq: str = "W", stat: str = "median",
                   tz: str = "UTC") -> pd.DataFrame:
    """Completed needs per period in ``tz``: count and the mean or median days; empty periods
    are gaps."""
    periods.kind(freq)
    if stat not in ("mean", "median"):
        raise ValueError(f"stat must be mean or median, not {stat!r}")
    if done.empty:
        return pd.DataFrame(columns=["period", "label", "needs", "days"])
    s = done.set_index("met_at")["end_to_end_days"].sort_index()
    g = periods.resample(s, freq, tz)
    out = pd.DataFrame({"needs": g.count(), "days": getattr(g, stat)()})
    out.index.name = "period"
    out = out.reset_index()
    out["label"] = periods.labels(out["period"], freq)
    return out[["period", "label", "needs", "days"]]


def by_period(cap: Capability, freq: str = "W", stat: str = "median", *,
              preset: str = "ptd", phases: list[str] | None = None) -> PeriodView:
    """The capability as period charts: days (gaps for empty periods) and counts (zeros),
    periods in the service's time zone, the last one partial when the data end within it."""
    table = period_summary(cap.completed, freq, stat, cap.timezone)
    # a change dated a day starts at midnight where the service is, as its periods do
    change = [pd.Timestamp(d, tz=cap.timezone) for d in (phases or [])]

    def breaks(starts: pd.Series) -> list[int] | None:
        pts = sorted({int((starts < c).sum()) + 1 for c in change
                      if 0 < int((starts < c).sum()) < len(starts)})
        return pts or None

    have = table[table["needs"] > 0].reset_index(drop=True)
    params: dict[str, Any] = ({"improvement_direction": "decrease"}
                              if preset in ("ptd", "mdc2023") else {})
    days = periods.period_chart(have["days"].to_numpy(dtype=float), list(have["period"]),
                                freq, data_end=cap.as_at, preset=preset,
                                phases=breaks(have["period"]), **params)
    counts = periods.period_chart(table["needs"].to_numpy(dtype=float), list(table["period"]),
                                  freq, data_end=cap.as_at, preset=preset,
                                  phases=breaks(table["period"]),
                                  **({"improvement_direction": "neutral"}
                                     if preset in ("ptd", "mdc2023") else {}))
    return PeriodView(freq=freq, stat=stat, table=table, days=days, counts=counts)


def case_clock(workspace: Reader, service: Service | None = None, *,
               preset: str = "ptd") -> Capability:
    """Each case's first-to-last-event time: the system's own clock, NOT the citizen's.

    Equal to PM4Py's case durations; useful beside the citizen's clock to show how much of
    the wait the cases do not see.
    """
    from servicecheck.flow.dfg import case_durations

    svc = service or workspace.service()
    d = case_durations(workspace.events(svc.key))
    d = in_completion_order(d, "last", "case_id")
    done = pd.DataFrame({
        "need_id": d["case_id"], "first_contact": d["first"], "met_at": d["last"],
        "end_to_end_days": d["duration_s"] / DAY_S,
    })
    labels = periods.day_labels(done["met_at"])
    params: dict[str, Any] = ({"improvement_direction": "decrease"}
                              if preset in ("ptd", "mdc2023") else {})
    chart = without_tied_trends(spc.xmr(done["end_to_end_days"].to_numpy(), preset=preset,
                                        labels=labels, **params), done["met_at"])
    return Capability(service=svc.key, chart=chart, completed=done, open=done.iloc[0:0],
                      clock="case")


# -- findings ---------------------------------------------------------------------------------
def _spread(days: pd.Series) -> dict[str, Quantity]:
    return {"median": seconds(float(days.median())), "p90": seconds(float(days.quantile(0.9))),
            "longest": seconds(float(days.max())), "shortest": seconds(float(days.min()))}


def findings(cap: Capability) -> list[Finding]:
    """What the capability chart says, as findings: the current phase first (what the system
    delivers now), the change, then the work still open, stale or set aside."""
    out: list[Finding] = []
    waiting = cap.n_open + cap.n_stale
    if cap.n_completed == 0:
        out.append(Finding("capability.none_met", "need", waiting, clock=cap.clock,
                           applies=False, why_not="no need met", names=cap.absent_ends))
    else:
        cur = cap.phase(-1)
        several = len(cap.chart.limits) > 1
        change = cap.changes[-1] if several and cap.changes else None
        # since a change: "first reported since the change and met by" the end of the data;
        # else the needs counted, "first reported between" the first and last of them
        span = (Span(change, cap.as_at or cur["met_at"].max(), change, "after")
                if change is not None else
                replace(Span.reported(cur["first_contact"]),
                        phase="after" if several else "all"))
        lim = cap.chart.limits[-1]
        episodes = cap.chart.episodes()
        numbers = {**_spread(cur["end_to_end_days"]),
                   **signals(len(episodes), cap.chart.signal_kinds())}
        # a chart of one need has no limits (NaN), nor one of needs that all took the same
        # time (every moving range 0): none is stated, and neither is "predictable"
        limited = lim.upper is not None and math.isfinite(lim.upper)
        if not episodes and limited:
            numbers["lower"] = seconds(max(lim.lower or 0.0, 0.0))
            numbers["upper"] = seconds(float(lim.upper or 0.0))
        state = "unstable" if episodes else "stable" if limited else "no_limits"
        if cap.intake_days is not None:
            # one intake cannot show whether the time is predictable: no limits, no signals
            # stated as the service's (the chart draws them, in order of first contact)
            numbers = {**_spread(cur["end_to_end_days"]), "intake": seconds(cap.intake_days)}
            state = "one_intake"
        out.append(Finding("capability.current", "need", len(cur), numbers, span, cap.clock,
                           chart="capability", headline=100, names=(cap.chart.rule_set,),
                           flags=frozenset({state})))
        if several:
            before = cap.phase(-2)
            sig = change_signal(cap)
            b = _spread(before["end_to_end_days"])
            out.append(Finding(
                "capability.change", "need", len(before) + len(cur),
                {**{f"before_{k}": v for k, v in b.items()},
                 **{f"after_{k}": v for k, v in _spread(cur["end_to_end_days"]).items()},
                 "before_n": count(len(before)), "after_n": count(len(cur)),
                 "signal_points": count(len(sig.points) if sig else 0)},
                Span(before["first_contact"].min(), span.end, change, "all"), cap.clock,
                chart="capability", headline=70,
                names=(sig.rule,) if sig else ()))
        out += intake_end_findings(cap)
        out += intake_start_findings(cap)
        out += tied_findings(cap)
    if cap.n_open:
        ages = cap.open["age_days"]
        out.append(Finding("capability.open", "need", cap.n_open,
                           {"oldest": seconds(float(ages.max()))}, clock=cap.clock,
                           chart="capability",
                           # with no need met there is no usual time to call one stale by,
                           # nor with needs met of one intake only (``one_intake``)
                           flags=frozenset({"one_intake"} if cap.intake_days is not None
                                           else {"unjudged"} if cap.stale_after_days is None
                                           else set())))
    if cap.n_stale and cap.stale_after_days is not None:
        out.append(Finding("capability.stale", "need", cap.n_stale,
                           {"stale_after": seconds(cap.stale_after_days),
                            "longest_idle": seconds(float(cap.stale["idle_days"].max()))},
                           clock=cap.clock))
    if cap.set_aside:
        out.append(Finding("quality.backwards", "need", cap.set_aside, clock=cap.clock))
    # beside the times they touch: a need met by a step dated in the future is not a fact
    return out + ([cap.future] if cap.future is not None else [])


def tied_findings(cap: Capability) -> list[Finding]:
    """The needs charted that share their completion instant with another: the log does not
    order them, so the chart does (``tie_order``). ``dates``: every need was met at midnight,
    where the service is or in UTC (a date read without a zone), so the log holds dates only
    and "the same instant" is the same day."""
    met = cap.completed[cap.ordered_by]
    n = tied(met)
    if not n:
        return []
    dates = any(bool((t == t.dt.normalize()).all())
                for t in (met.dt.tz_convert(cap.timezone), met.dt.tz_convert("UTC")))
    flags = {"dates"} if dates else set()
    if cap.ordered_by == "first_contact":
        flags.add("reported")  # the chart's order is of first contact: ties there
    return [Finding("capability.tied", "need", n,
                    {"share": share(n / len(met)), "met": count(len(met))}, clock=cap.clock,
                    chart="capability", flags=frozenset(flags))]


def period_findings(view: PeriodView, cap: Capability,
                    changes: Sequence[Change] = ()) -> list[Finding]:
    """The period chart in findings: what the per-period figure is (the median of the needs
    met in each period; its centre line is the mean of those medians, and is named so), its
    range, and its signals, the last period left out of them when it is not over yet; and,
    given the service's change log, each signal that starts soon after a change."""
    have = view.table[view.table["needs"] > 0].reset_index(drop=True)
    if len(have) < 2:  # one period is no chart and no range: capability.current says it
        return []
    if cap.ordered_by == "first_contact":
        return []  # one intake: the medians of the periods needs were met in rise by design
    unit = periods.kind(view.freq).unit
    chart = view.days
    # the partial last period is not in the chart's points, limits or signals
    partial = chart.partial is not None
    lim = chart.limits[-1]  # the latest phase: its periods, its centre, its signals
    have = have.iloc[lim.first_point - 1:lim.last_point]
    # a signal is counted once: signals that overlap or touch are one (Chart.episodes)
    episodes = len(chart.episodes())
    span = Span(have["period"].iloc[0], cap.as_at or have["period"].iloc[-1],
                cap.changes[-1] if len(chart.limits) > 1 and cap.changes else None,
                "after" if len(chart.limits) > 1 else "all")
    empty = view.table[view.table["needs"] == 0]
    gaps = [Finding("capability.empty_periods", unit, len(empty),
                    span=Span(empty["period"].iloc[0], empty["period"].iloc[-1]),
                    chart=f"capability-{unit}")] if len(empty) else []
    return [*gaps, Finding(
        "capability.per_period", "need", int(have["needs"].sum()),
        {"periods": count(len(have)), "centre": seconds(lim.centre),
         "lowest": seconds(float(have["days"].min())),
         "highest": seconds(float(have["days"].max())),
         **signals(episodes, chart.signal_kinds())},
        span, cap.clock, chart=f"capability-{unit}",
        names=(unit, view.stat, chart.rule_set),
        flags=frozenset({"partial"} if partial else set())),
        *signals_after_changes(chart, changes, unit, view.stat, cap.timezone)]


# a signal that starts within this many periods of a change is said to follow it
FOLLOWS_WITHIN = 3


def signals_after_changes(chart: spc.Chart, changes: Sequence[Change], unit: str, stat: str,
                          tz: str, within: int = FOLLOWS_WITHIN) -> list[Finding]:
    """Each signal on a dated period chart that starts in the period of a change in the team's
    log or up to ``within`` periods after it: the change it follows (the latest such), how
    many periods after, how long it lasts and which way it moved. Only the team's own changes
    are named; nothing is inferred."""
    if chart.dates is None or not changes or not chart.signals:
        return []
    starts = pd.DatetimeIndex([pd.Timestamp(d) for d in chart.dates])
    starts = starts.tz_localize(tz) if starts.tz is None else starts.tz_convert(tz)
    out = []
    for a, b, way in chart.runs(None):
        followed = [(c, a - p) for c in changes
                    if (p := int((starts <= pd.Timestamp(c.date, tz=tz)).sum())) > 0
                    and 0 <= a - p <= within]
        if not followed:
            continue
        change, after = followed[-1]
        flags = {"higher" if way > 0 else "lower"} if way else set()
        if b == chart.n:
            flags.add("to_date")  # the signal runs to the last complete period
        out.append(Finding(
            "capability.signal_after_change", unit, b - a + 1, {"after": count(after)},
            Span(starts[a - 1], starts[b - 1], pd.Timestamp(change.date, tz=tz), "after"),
            chart=f"capability-{unit}", names=(change.what, stat), flags=frozenset(flags)))
    return out
