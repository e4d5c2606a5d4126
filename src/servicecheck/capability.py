"""Capability: what the system achieves against purpose, measured from the citizen's side.

A *need* is everything that served one citizen's problem: all linked cases (orders), visits
and contacts. Its end-to-end time runs from the citizen's first contact to the need being met
(the last end activity, when the most recent case has one). Needs not yet met are work in
progress: their ages are censored and kept apart, never averaged in as if finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from servicecheck import spc
from servicecheck._frames import in_utc
from servicecheck._time import DAY_S, seconds_between
from servicecheck.engine import Workspace
from servicecheck.need_key import with_need
from servicecheck.service import Service

NEED_COLUMNS = ["need_id", "citizen_ref", "first_contact", "met_at", "end_to_end_days",
                "open", "age_days", "cases", "visits", "contacts", "failure_demands",
                "first_visit_fix"]


def needs(workspace: Workspace, service: Service | None = None) -> pd.DataFrame:
    """One row per need on the citizen's clock: first contact, met at, days, and counts.

    Columns: need_id, first_contact, met_at, end_to_end_days (NaN while open), open,
    age_days (open needs only, censored at the data's last event), cases, visits, contacts,
    failure_demands, first_visit_fix. Computed in one query on the backend; only the
    result comes to Python.
    """
    svc = service or workspace.service()
    ev = with_need(workspace.events(svc.key), svc)
    starts, ends = list(svc.clock.start), list(svc.clock.end)
    visits = list(svc.need.visit_activities)
    # Without named activities every event may start a need and every event may end it: a
    # need is then met at its last event (PM4Py's convention), and capability says so in
    # words. As columns, so that they aggregate like the named case.
    is_end = ev.activity.isin(ends) if ends else ev.event_index >= 0
    is_start = ev.activity.isin(starts) if starts else ev.event_index >= 0

    # a need is met when its most recently started case reached an end activity
    per_case = ev.group_by([ev.need, ev.case_id]).aggregate(
        case_first=ev.timestamp.min(), has_end=is_end.any())
    w = ibis.window(group_by=per_case.need,
                    order_by=[per_case.case_first.desc(), per_case.case_id.desc()])
    last = per_case.mutate(r=ibis.row_number().over(w))
    last = last.filter(last.r == 0).select("need", last_case_met=last.has_end)
    agg = ev.group_by(ev.need).aggregate(
        first_event=ev.timestamp.min(),
        first_start=ev.timestamp.min(where=is_start),
        met_at=ev.timestamp.max(where=is_end),
        cases=ev.case_id.nunique(),
        visits=ev.count(where=ev.activity.isin(visits)) if visits else ibis.literal(0),
        citizen_ref=ev.citizen_ref.max(),
    )
    dem = workspace.demands(svc.key)
    dem = dem.filter(dem.case_id.notnull())
    d = dem.group_by(need=dem.case_id).aggregate(
        first_demand=dem.received_at.min(),
        contacts=dem.count(),
        failure_demands=dem.count(where=dem.nature == "failure"),
    )
    t = agg.join(last, "need").join(d, "need", how="left")
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
        cases=t.cases,
        visits=t.visits,
        contacts=t.contacts.fill_null(0),
        failure_demands=t.failure_demands.fill_null(0),
        first_visit_fix=~is_open & (t.visits == 1) & (t.cases == 1),
    ).order_by(["first_contact", "need_id"])
    # Arrow's own conversion: several times faster than a column-by-column one for 1M rows
    df: pd.DataFrame = in_utc(out.to_pyarrow().to_pandas())
    return df[NEED_COLUMNS]


@dataclass(frozen=True)
class Capability:
    """What the system predictably delivers, with its chart and the work still in progress."""

    service: str
    chart: spc.Chart
    completed: pd.DataFrame
    open: pd.DataFrame
    unit: str = "days"
    clock: str = "citizen: first contact to need met"

    @property
    def n_completed(self) -> int:
        return len(self.completed)

    @property
    def n_open(self) -> int:
        return len(self.open)

    def predictable_range(self, phase: int = -1) -> tuple[float, float]:
        """Lower and upper limit of the given phase, the lower drawn at zero when negative."""
        lim = self.chart.limits[phase]
        return max(lim.lower or 0.0, 0.0), float(lim.upper or 0.0)

    def _latest(self) -> pd.DataFrame:
        """The completed needs of the latest phase (all of them when there is one phase)."""
        first = self.chart.limits[-1].first_point if self.chart.limits else 1
        return self.completed.iloc[first - 1:]

    def _since(self) -> str:
        if len(self.chart.limits) < 2 or "first_contact" not in self.completed:
            return ""
        first = self.completed["first_contact"].iloc[self.chart.limits[-1].first_point - 1]
        return f" for needs first reported after the change ({first:%d %b %Y} on)"

    def _starts(self, starts: str) -> str:
        return "its first event to its last" if "names no end activity" in self.clock else starts

    def headline(self, noun: str = "need", starts: str = "the citizen's first contact") -> str:
        """One sentence: the predictable range when the system is stable; when it is not, what
        the needs took (median and 9 in 10), since limits then predict nothing."""
        starts = self._starts(starts)
        if self.chart.stable:
            lo, hi = self.predictable_range()
            return f"A {noun} takes between {lo:.0f} and {hi:.0f} days from {starts}."
        days = self._latest()["end_to_end_days"] if "end_to_end_days" in self.completed else None
        if days is None or days.empty:
            return f"The time a {noun} takes from {starts} is not predictable."
        since = self._since().replace(f" for {noun}s", "").replace(" for needs", "")
        return (f"Half of the {noun}s{since} took {days.median():.0f} days or fewer from "
                f"{starts}, 9 in 10 up to {days.quantile(0.9):.0f}, and the time is not "
                "predictable.")

    def describe(self, noun: str = "need", starts: str = "the citizen's first contact") -> str:
        lo, hi = self.predictable_range()
        state = self.chart.describe()
        since = self._since()
        starts = self._starts(starts)
        if self.chart.stable:
            text = (f"A {noun} takes between {lo:.0f} and {hi:.0f} days from {starts}{since}; "
                    f"the system is {state}.")
        else:
            text = (f"A {noun} takes between {lo:.0f} and {hi:.0f} days from {starts}{since} "
                    f"on the process limits, but the system is {state}, so that range is no "
                    "prediction: find and act on the causes of the signals first.")
        if "names no end activity" in self.clock:
            text += (" (The service file names no end activity, so each case counts as "
                     "finished at its last event; name it under [clock] end.)")
        if self.n_open:
            older = int((self.open["age_days"] > hi).sum())
            is_are = f"{noun} is" if self.n_open == 1 else f"{noun}s are"
            text += (f" {self.n_open:,} {is_are} still open (not counted above)"
                     + ((", already older than" if self.n_open == 1 else
                         f", {older:,} of them already older than") + f" {hi:.0f} days"
                        if older else "")
                     + ".")
        return text

    def warning(self) -> str | None:
        """A warning when open work would change the picture if it were finished today."""
        if not self.n_open or not self.n_completed:
            return None
        _, hi = self.predictable_range()
        older = int((self.open["age_days"] > hi).sum())
        share = self.n_open / (self.n_open + self.n_completed)
        if older > 0.05 * self.n_completed or share > 0.2:
            return (f"{self.n_open:,} needs are open ({share:.0%}); {older:,} are already older "
                    "than the upper limit, so the finished needs flatter the system.")
        return None


def capability(
    workspace: Workspace,
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
    done = df[~df["open"]].sort_values(["met_at", "need_id"]).reset_index(drop=True)
    wip = df[df["open"]].reset_index(drop=True)
    change_dates = phases if phases is not None else (
        [svc.redesign_date] if svc.redesign_date else [])
    # A need belongs to the system that received it: phase by first contact, then completion
    # order within the phase, so needs begun before a change do not blur the new limits.
    done["phase"] = phase_of(done["first_contact"], change_dates)
    done = done.sort_values(["phase", "met_at", "need_id"]).reset_index(drop=True)
    starts = done.index[done["phase"].diff().fillna(0) > 0]
    breaks = [int(i) + 1 for i in starts]
    labels = [f"{t:%d %b %Y}" for t in done["met_at"]]
    params: dict[str, Any] = {}
    if preset in ("ptd", "mdc2023"):
        params["improvement_direction"] = "decrease"
    chart = spc.xmr(done["end_to_end_days"].to_numpy(), preset=preset, labels=labels,
                    phases=breaks or None, **params)
    clock = (Capability.clock if svc.clock.end else
             "first event to last event: the service file names no end activity")
    return Capability(service=svc.key, chart=chart, completed=done, open=wip, clock=clock)


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
    old = spc.ptd_spc(cap.chart.values, labels=list(cap.chart.labels),
                      fix_after_n_points=first_new - 1, improvement_direction="decrease")
    after = [s for s in old.signals if s.points[-1] >= first_new and s.rule != "trend"]
    return after[0] if after else None


def phase_of(first_contact: pd.Series, dates: list[str]) -> pd.Series:
    """0 before the first change date, 1 after it, and so on."""
    phase = pd.Series(0, index=first_contact.index)
    for d in sorted(dates):
        phase += (first_contact >= pd.Timestamp(d, tz="UTC")).astype(int)
    return phase


PERIODS = {"D": ("D", "%d %b %Y", "day"), "W": ("W-MON", "w/c %d %b %Y", "week"),
           "M": ("MS", "%b %Y", "month")}


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

    @property
    def empty_periods(self) -> list[str]:
        return [p for p, n in zip(self.table["label"], self.table["needs"], strict=True)
                if n == 0]

    def note(self) -> str | None:
        empty = self.empty_periods
        if not empty:
            return None
        unit = PERIODS[self.freq][2]
        return (f"{len(empty)} {unit}{'s' if len(empty) > 1 else ''} had no completed needs "
                f"(first: {empty[0]}): counted as 0 on the count chart, left as gaps on the "
                "time chart, never as zero days.")


def period_summary(done: pd.DataFrame, freq: str = "W", stat: str = "median") -> pd.DataFrame:
    """Completed needs per period: count and the mean or median days; empty periods are gaps."""
    if freq not in PERIODS:
        raise ValueError(f"freq must be D, W or M, not {freq!r}")
    if stat not in ("mean", "median"):
        raise ValueError(f"stat must be mean or median, not {stat!r}")
    if done.empty:
        return pd.DataFrame(columns=["period", "label", "needs", "days"])
    rule, fmt, _ = PERIODS[freq]
    s = done.set_index("met_at")["end_to_end_days"].sort_index()
    g = s.resample(rule, label="left", closed="left")
    out = pd.DataFrame({"needs": g.count(), "days": getattr(g, stat)()})
    out.index.name = "period"
    out = out.reset_index()
    out["label"] = [f"{p:{fmt}}" for p in out["period"]]
    return out[["period", "label", "needs", "days"]]


def by_period(cap: Capability, freq: str = "W", stat: str = "median", *,
              preset: str = "ptd", phases: list[str] | None = None) -> PeriodView:
    """The capability as period charts: days (gaps for empty periods) and counts (zeros)."""
    table = period_summary(cap.completed, freq, stat)
    change = [pd.Timestamp(d, tz="UTC") for d in (phases or [])]

    def breaks(periods: pd.Series) -> list[int] | None:
        pts = sorted({int((periods < c).sum()) + 1 for c in change
                      if 0 < int((periods < c).sum()) < len(periods)})
        return pts or None

    have = table[table["needs"] > 0].reset_index(drop=True)
    params: dict[str, Any] = ({"improvement_direction": "decrease"}
                              if preset in ("ptd", "mdc2023") else {})
    days = spc.xmr(have["days"].to_numpy(dtype=float), preset=preset,
                   labels=list(have["label"]), phases=breaks(have["period"]), **params)
    counts = spc.xmr(table["needs"].to_numpy(dtype=float), preset=preset,
                     labels=list(table["label"]), phases=breaks(table["period"]),
                     **({"improvement_direction": "neutral"}
                        if preset in ("ptd", "mdc2023") else {}))
    return PeriodView(freq=freq, stat=stat, table=table, days=days, counts=counts)


def case_clock(workspace: Workspace, service: Service | None = None, *,
               preset: str = "ptd") -> Capability:
    """Each case's first-to-last-event time: the system's own clock, NOT the citizen's.

    Equal to PM4Py's case durations; useful beside the citizen's clock to show how much of
    the wait the cases do not see.
    """
    from servicecheck.flow.dfg import case_durations

    svc = service or workspace.service()
    d = case_durations(workspace.events(svc.key))
    d = d.sort_values(["last", "case_id"]).reset_index(drop=True)
    done = pd.DataFrame({
        "need_id": d["case_id"], "first_contact": d["first"], "met_at": d["last"],
        "end_to_end_days": d["duration_s"] / DAY_S,
    })
    labels = [f"{t:%d %b %Y}" for t in done["met_at"]]
    params: dict[str, Any] = ({"improvement_direction": "decrease"}
                              if preset in ("ptd", "mdc2023") else {})
    chart = spc.xmr(done["end_to_end_days"].to_numpy(), preset=preset, labels=labels, **params)
    return Capability(service=svc.key, chart=chart, completed=done, open=done.iloc[0:0],
                      clock="case: first to last event (not the citizen's clock)")
