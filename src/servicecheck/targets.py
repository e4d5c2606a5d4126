"""Targets versus purpose: what the target regime reports beside what citizens live through,
and the mechanisms that separate the two clocks.

The regime's numbers appear only beside the citizen's view (METHOD.md): no red, amber or
green, no league tables. The regime's clock runs per case (an order) from its start activity
to its first end activity, against the timescale of the case's priority; the citizen's clock
runs per need from first contact to the need being met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicecheck._frames import to_frame
from servicecheck._time import DAY_S
from servicecheck.capability import needs
from servicecheck.engine import Workspace
from servicecheck.io.errors import InputError
from servicecheck.need_key import with_need
from servicecheck.service import Service
from servicecheck.workdays import between_many

PERIODS = {"W": ("W-MON", "w/c %d %b %Y"), "M": ("MS", "%b %Y")}
MECHANISMS = {
    "late_start": "the regime's clock started a day or more after the first contact",
    "split": "one need was split into orders for several trades or teams",
    "closed_reraised": "an order was closed before the need was met, then raised again",
    "reprioritised": "an order's priority was changed",
    "repeat_report": "the problem was reported again after the repair was called complete",
}


@dataclass(frozen=True)
class TargetView:
    orders: pd.DataFrame          # per case on the regime's clock
    regime: pd.DataFrame          # per period: orders closed, % within target, mean days
    citizen: pd.DataFrame         # per period: needs met, median days, contacts, visits
    mechanisms: pd.DataFrame      # per need: each mechanism, and the days it adds
    where_days: pd.DataFrame      # the citizen's days split by what was happening
    freq: str
    unit: str = "order"           # what the regime counts, as the service file names it
    starts: str = "first contact"  # where the citizen's clock starts, in words
    calendar: str | None = None   # the working-day calendar, when a timescale uses one

    def headline(self) -> str:
        closed = self.orders[self.orders["closed"]]
        judged = closed["within_target"].dropna()
        n = self.mechanisms
        done = n[~n["open"]]
        if len(judged):
            regime = f"{judged.mean():.0%} of {self.unit}s met their target"
        else:
            regime = (f"no closed {self.unit} has a timescale or due date the regime judges it "
                      "by")
        if not len(done):
            return f"{regime}; no need has been met yet."
        days = done["end_to_end_days"].median()
        text = (f"{regime}; the median citizen waited {days:.0f} "
                f"{'day' if round(days) == 1 else 'days'} from {self.starts} to the need "
                "being met")
        if done["visits"].sum() > 0:
            text += f", and {(done['visits'] > 1).mean():.0%} needed more than one visit"
        return text + "."


def _regime_orders(ev: pd.DataFrame, svc: Service) -> pd.DataFrame:
    t = svc.targets
    assert t is not None
    tz = svc.timezone
    starts, ends = set(t.start), set(t.end)
    ev = ev.sort_values(["case_id", "timestamp", "event_index"])
    first_start = ev[ev["activity"].isin(starts)].groupby("case_id")["timestamp"].min()
    e = ev.join(first_start.rename("regime_start"), on="case_id")
    closes = e[e["activity"].isin(ends) & (e["timestamp"] >= e["regime_start"])]
    first_end = closes.groupby("case_id")["timestamp"].min().rename("regime_end")
    orders = pd.concat([first_start.rename("regime_start"), first_end], axis=1)
    orders = orders[orders["regime_start"].notna()]
    col = t.priority_column
    if col and col in ev.columns:
        # a blank priority is no priority (Parquet keeps '' where CSV readers give null)
        ev = ev.assign(**{col: ev[col].where(ev[col].astype(str).str.strip() != "")})
        # the priority the order had when its clock stopped (its latest, while still open)
        with_end = ev.join(first_end, on="case_id")
        upto = with_end[with_end["regime_end"].isna()
                        | (with_end["timestamp"] <= with_end["regime_end"])]
        orders["priority"] = upto.dropna(subset=[col]).groupby("case_id")[col].last()
        changed = ev.dropna(subset=[col]).groupby("case_id")[col].nunique() > 1
        orders["priority_changed"] = changed.reindex(orders.index, fill_value=False)
    else:
        orders["priority"] = None
        orders["priority_changed"] = False
    # each priority's timescale, in calendar days (hours count as parts of a day) or in
    # working days; anything else takes the default
    both = [(t.timescales_days[k], None) if k in t.timescales_days
            else (None, t.timescales_working_days[k]) if k in t.timescales_working_days
            else (t.default_days, t.default_working_days)
            for k in (None if p is None else str(p) for p in orders["priority"])]
    orders["timescale_days"] = [d for d, _ in both]
    orders["timescale_working_days"] = [w for _, w in both]
    if t.due_column and t.due_column in ev.columns:
        # a due date per case: the regime's own deadline, read in the service's time zone
        raw_due = ev.dropna(subset=[t.due_column]).groupby("case_id")[t.due_column].first()
        due = pd.to_datetime(raw_due, format=t.due_format, errors="coerce")
        if due.dt.tz is None:
            due = due.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        orders["due"] = due.dt.tz_convert("UTC").reindex(orders.index)
    orders["closed"] = orders["regime_end"].notna()
    orders["regime_days"] = (orders["regime_end"] - orders["regime_start"]
                             ).dt.total_seconds() / DAY_S
    scale = orders["timescale_days"].astype(float)
    within = orders["closed"] & (orders["regime_days"] <= scale)
    wd = orders["timescale_working_days"].astype(float)
    # working days after the day the clock started, up to and including the day it stopped
    orders["regime_working_days"] = between_many(
        _utc(orders["regime_start"]), _utc(orders["regime_end"]), t.calendar,
        closures=t.closures, tz=tz)
    within = within.where(wd.isna(), orders["closed"] & (orders["regime_working_days"] <= wd))
    judged = scale.notna() | wd.notna()
    if "due" in orders:
        has_due = orders["due"].notna()
        within = within.where(~has_due, orders["closed"]
                              & (orders["regime_end"] <= orders["due"]))
        judged = judged | has_due
        as_at = ev["timestamp"].max()
        orders["past_due_open"] = ~orders["closed"] & has_due & (orders["due"] < as_at)
    # 1 within, 0 outside, empty where the regime sets no timescale or date for the case
    orders["within_target"] = within.astype(float).where(judged)
    need_of = ev.groupby("case_id")["need"].first()
    orders["need_id"] = need_of.reindex(orders.index)
    return orders.reset_index()


def _utc(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_localize("UTC") if ts.dt.tz is None else ts


def target_view(workspace: Workspace, service: Service | None = None, *, freq: str = "M",
                late_start_days: float = 1.0) -> TargetView:
    """The regime's view and the citizen's, per period, and the gap explained per need."""
    svc = service or workspace.service()
    if svc.targets is None or not svc.targets.start or not svc.targets.end:
        raise InputError("the service file states no target regime",
                         source=str(svc.path or "service file"), column="targets",
                         fix="add a [targets] table with start, end and timescales")
    if freq not in PERIODS:
        raise ValueError("freq must be W or M")
    rule, fmt = PERIODS[freq]
    cols = ["case_id", "need", "activity", "timestamp", "event_index", "team"]
    ev_t = with_need(workspace.events(svc.key), svc)
    extra = [c for c in (svc.targets.priority_column, svc.targets.due_column)
             if c and c in ev_t.columns]
    ev = to_frame(ev_t.select(*cols, *extra))
    orders = _regime_orders(ev, svc)

    closed = orders[orders["closed"]].set_index("regime_end")
    g = closed.resample(rule, label="left", closed="left")
    regime = pd.DataFrame({"orders_closed": g.size(),
                           "within_target": g["within_target"].mean(),
                           "mean_regime_days": g["regime_days"].mean()})
    n = needs(workspace, svc)
    done = n[~n["open"]].set_index("met_at")
    h = done.resample(rule, label="left", closed="left")
    citizen = pd.DataFrame({"needs_met": h.size(), "median_days": h["end_to_end_days"].median(),
                            "contacts_per_need": h["contacts"].mean(),
                            "visits_per_need": h["visits"].mean()})
    regime.index.name = citizen.index.name = "period"
    periods = regime.index.union(citizen.index)
    regime = regime.reindex(periods).reset_index()
    citizen = citizen.reindex(periods).reset_index()
    for table in (regime, citizen):
        table["label"] = [f"{p:{fmt}}" for p in table["period"]]

    mech = _mechanisms(ev, orders, n, svc, workspace, late_start_days)
    starts = ("first contact" if svc.clock.start_at_first_contact else
              " or ".join(svc.clock.start) or "the first event")
    return TargetView(orders=orders, regime=regime, citizen=citizen, mechanisms=mech,
                      where_days=_where_days(mech), freq=freq,
                      unit=svc.targets.unit if svc.targets else "order", starts=starts,
                      calendar=_calendar_words(svc))


def _calendar_words(svc: Service) -> str | None:
    t = svc.targets
    if t is None or not (t.timescales_working_days or t.default_working_days is not None):
        return None
    n = len(t.closures)
    closed = f", and {n} local closure day{'' if n == 1 else 's'}" if n else ""
    return f"working days: Monday to Friday, less {t.calendar} bank holidays{closed}"


def _mechanisms(ev: pd.DataFrame, orders: pd.DataFrame, n: pd.DataFrame, svc: Service,
                ws: Workspace, late_start_days: float) -> pd.DataFrame:
    m = n.set_index("need_id")[["first_contact", "met_at", "open", "end_to_end_days",
                                "visits", "cases"]].copy()
    per_need = orders.groupby("need_id")
    first_start = per_need["regime_start"].min()
    m["late_start_days"] = ((first_start.reindex(m.index) - m["first_contact"])
                            .dt.total_seconds() / DAY_S).clip(lower=0)
    m["late_start"] = m["late_start_days"] >= late_start_days
    visits = ev[ev["activity"].isin(svc.need.visit_activities)]
    m["split"] = (visits.groupby("need")["team"].nunique() > 1).reindex(m.index,
                                                                        fill_value=False)
    ends = set(svc.clock.end)
    met_cases = set(ev[ev["activity"].isin(ends)]["case_id"])
    o = orders.sort_values(["need_id", "regime_start"])
    o["next_start"] = o.groupby("need_id")["regime_start"].shift(-1)
    early = o[o["closed"] & ~o["case_id"].isin(met_cases) & o["next_start"].notna()]
    m["closed_reraised"] = m.index.isin(set(early["need_id"]))
    m["reprioritised"] = (per_need["priority_changed"].any()
                          .reindex(m.index, fill_value=False).astype(bool))
    # the problem came back: the citizen reported it again after the first completion (an
    # order raised later can be the next trade of a split need, so it is no evidence)
    first_done = ev[ev["activity"].isin(ends)].groupby("need")["timestamp"].min()
    again: set[str] = set()
    d = ws.demands(svc.key)
    repeats = to_frame(d.filter(d.failure_kind.isin(["not done right", "repeat"])
                                & d.case_id.notnull()).select("case_id", "received_at"))
    repeats = repeats.join(first_done.rename("first_done"), on="case_id")
    again |= set(repeats[repeats["received_at"] > repeats["first_done"]]["case_id"])
    m["repeat_report"] = m.index.isin(again)

    # where the days go, for needs that were met: before the regime's clock, an order open,
    # or no order open (the clock stopped) — the three add up to the citizen's days
    starts = first_start.reindex(m.index)
    end = m["met_at"]
    before = ((np.minimum(starts, end) - m["first_contact"]).dt.total_seconds() / DAY_S)
    m["days_before_clock"] = before.clip(lower=0).where(~m["open"])
    m["days_order_open"] = _open_days(orders, m).where(~m["open"])
    m["days_clock_stopped"] = (m["end_to_end_days"] - m["days_before_clock"]
                               - m["days_order_open"]).clip(lower=0)
    return m.reset_index()


def _open_days(orders: pd.DataFrame, m: pd.DataFrame) -> pd.Series:
    """Per need: days at least one order was open, between the first start and the need met."""
    o = orders.join(m[["met_at"]], on="need_id")
    o = o[o["met_at"].notna()].copy()
    o["end"] = o["regime_end"].fillna(o["met_at"])
    o["end"] = o[["end", "met_at"]].min(axis=1)
    o = o[o["end"] > o["regime_start"]].sort_values(["need_id", "regime_start"])
    # merge overlapping intervals per need: a running maximum of ends marks each new run
    o["run_end"] = o.groupby("need_id")["end"].cummax()
    prev_end = o.groupby("need_id")["run_end"].shift()
    new_run = prev_end.isna() | (o["regime_start"] > prev_end)
    o["run"] = new_run.cumsum()
    runs = o.groupby(["need_id", "run"]).agg(s=("regime_start", "min"), e=("end", "max"))
    days = ((runs["e"] - runs["s"]).dt.total_seconds() / DAY_S).groupby("need_id").sum()
    return days.reindex(m.index, fill_value=0.0)


def _where_days(m: pd.DataFrame) -> pd.DataFrame:
    done = m[~m["open"]]
    parts = {"before the regime's clock started": done["days_before_clock"].sum(),
             "an order was open (the regime's clock ran)": done["days_order_open"].sum(),
             "no order was open (the clock stopped)": done["days_clock_stopped"].sum()}
    total = sum(parts.values()) or 1.0
    return pd.DataFrame({"where": list(parts), "days": list(parts.values()),
                         "share": [v / total for v in parts.values()]})


def target_lines(view: TargetView) -> list[str]:
    """The comparison in plain words."""
    lines = [view.headline()]
    m = view.mechanisms
    done = m[~m["open"]]
    lines.append("What separates the two clocks (share of needs, and the median days "
                 "those needs took):")
    for key, words in MECHANISMS.items():
        has, hasnt = done[done[key]], done[~done[key]]
        if len(has):
            added = (f", {has['end_to_end_days'].median() - hasnt['end_to_end_days'].median():+.0f}"
                     " days against needs without it" if len(hasnt) else "")
            lines.append(f"  {words}: {len(has) / len(done):.0%} of needs, "
                         f"median {has['end_to_end_days'].median():.0f} days end to end{added}")
    stopped = done[done["days_clock_stopped"] > 0]
    if len(stopped):
        lines.append(f"  the clock stopped (no order open while the need was unmet): "
                     f"{len(stopped) / len(done):.0%} of needs, "
                     f"{stopped['days_clock_stopped'].median():.0f} days at the median")
    for where, share in zip(view.where_days["where"], view.where_days["share"], strict=True):
        lines.append(f"  {share:.0%} of the citizens' days: {where}")
    return lines
