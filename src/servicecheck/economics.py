"""Economics of flow: what meeting one need costs end to end, beside the unit cost of one
transaction; what failure demand and waste steps cost; what a redesign saves, with its
uncertainty. Every figure comes from the service file's cost model or a stated default, and
every output carries the list of assumptions it used.

Economies of scale lower the unit cost of a call, an order, a visit while failure demand,
hand-offs, rework and repeat visits multiply the transactions a need takes; the per-need view
shows that, the per-transaction view hides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servicecheck import periods, spc
from servicecheck._frames import to_frame
from servicecheck.capability import change_times, needs, phase_of
from servicecheck.demand.analysis import link_to_needs
from servicecheck.engine import Workspace
from servicecheck.findings import Finding, Span, money, ratio, share
from servicecheck.need_key import with_need
from servicecheck.service import Service

DEFAULT_CONTACT_MINUTES = 6.0
DEFAULT_COST_PER_MINUTE = 0.50  # about £30 an hour with overheads: a stated guess


@dataclass(frozen=True)
class CostModel:
    currency: str
    contact_minutes: dict[str, float]
    cost_per_minute: float
    team_cost_per_minute: dict[str, float]
    activity_minutes: dict[str, float]
    activity_cost: dict[str, float]
    visit_cost: float
    order_cost: float
    assumptions: tuple[str, ...]

    @classmethod
    def from_service(cls, svc: Service) -> CostModel:
        c = svc.costs
        said: list[str] = []
        cur = c.currency
        if svc.cost_per_minute is not None:
            rate = svc.cost_per_minute
            said.append(f"a minute of work costs {cur}{rate:.2f} (service file)")
        else:
            rate = DEFAULT_COST_PER_MINUTE
            said.append(f"a minute of work costs {cur}{rate:.2f} (default: set "
                        "demand.cost_per_minute)")
        if c.team_cost_per_minute:
            said.append("per-team minute costs: " + ", ".join(
                f"{t} {cur}{v:.2f}" for t, v in c.team_cost_per_minute.items()))
        minutes = dict(svc.handling_minutes)
        said.append("handling a contact takes " + (", ".join(
            f"{m:g} min by {ch}" for ch, m in minutes.items()) + "; " if minutes else "")
            + f"{DEFAULT_CONTACT_MINUTES:g} min by any other channel (default)")
        if c.activity_minutes:
            said.append("work time per step: " + ", ".join(
                f"{a} {m:g} min" for a, m in c.activity_minutes.items()))
        else:
            said.append("steps are not costed by time (set costs.activity_minutes)")
        if c.activity_cost:
            said.append("fixed cost per step: " + ", ".join(
                f"{a} {cur}{v:,.2f}" for a, v in c.activity_cost.items()))
        said.append(f"a visit costs {cur}{c.visit_cost:,.2f} besides its time"
                    if c.visit_cost is not None else "visits have no cost besides their time "
                    "(set costs.visit_cost)")
        said.append(f"an order costs {cur}{c.order_cost:,.2f} to raise and manage"
                    if c.order_cost is not None else "orders have no cost besides their steps "
                    "(set costs.order_cost)")
        return cls(cur, minutes, rate, dict(c.team_cost_per_minute), dict(c.activity_minutes),
                   dict(c.activity_cost), c.visit_cost or 0.0, c.order_cost or 0.0,
                   tuple(said))

    def contact_cost(self, channel: object) -> float:
        return self.contact_minutes.get(str(channel), DEFAULT_CONTACT_MINUTES) * \
            self.cost_per_minute

    def step_cost(self, activity: object, team: object) -> float:
        rate = self.team_cost_per_minute.get(str(team), self.cost_per_minute)
        return (self.activity_minutes.get(str(activity), 0.0) * rate
                + self.activity_cost.get(str(activity), 0.0))


def need_costs(ws: Workspace, svc: Service, model: CostModel | None = None,
               need_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per need: what each contact, step, visit and order cost, and how much of it was waste
    (failure demand, steps that are not value work, visits after the first, orders after the
    first). Columns end in ``_cost``; ``total`` and ``waste`` sum them."""
    model = model or CostModel.from_service(svc)
    n = need_table if need_table is not None else needs(ws, svc)
    out = n[["need_id", "first_contact", "met_at", "open", "end_to_end_days", "visits",
             "cases"]].rename(columns={"cases": "orders"}).set_index("need_id")
    dem = ws.demands(svc.key).select("received_at", "channel", "nature", "case_id",
                                     "citizen_ref", "demand_type").to_pandas()
    linked = link_to_needs(dem, n, svc.link_within_days)
    linked = linked[linked["need_id"].notna()]
    linked["cost"] = linked["channel"].map(model.contact_cost).astype(float)
    g = linked.groupby("need_id")
    out["contacts"] = g.size()
    out["contact_cost"] = g["cost"].sum()
    fail = linked[linked["nature"] == "failure"].groupby("need_id")
    out["failure_contacts"] = fail.size()
    out["failure_contact_cost"] = fail["cost"].sum()

    ev = with_need(ws.events(svc.key), svc)
    steps = to_frame(ev.group_by([ev.need, ev.activity, ev.team]).aggregate(n=ev.count()))
    steps["cost"] = [model.step_cost(a, t) * k for a, t, k in
                     zip(steps["activity"], steps["team"], steps["n"], strict=True)]
    steps["waste"] = ~steps["activity"].isin(svc.value_steps) if svc.value_steps else False
    per = steps.groupby("need")
    out["step_cost"] = per["cost"].sum()
    out["waste_step_cost"] = steps[steps["waste"]].groupby("need")["cost"].sum()
    out["visit_cost"] = out["visits"] * model.visit_cost
    out["repeat_visit_cost"] = (out["visits"] - 1).clip(lower=0) * model.visit_cost
    out["order_cost"] = out["orders"] * model.order_cost
    out["extra_order_cost"] = (out["orders"] - 1).clip(lower=0) * model.order_cost
    costs = ["contact_cost", "step_cost", "visit_cost", "order_cost"]
    waste = ["failure_contact_cost", "waste_step_cost", "repeat_visit_cost", "extra_order_cost"]
    cols = ["contacts", "failure_contacts", *costs, *waste]
    # a need without demand or steps has none of them: zero, as numbers (an empty group-by
    # would otherwise leave a column of another type)
    out[cols] = out[cols].apply(pd.to_numeric).fillna(0.0)
    out["total"] = out[costs].sum(axis=1)
    out["waste"] = out[waste].sum(axis=1)
    return out.reset_index()


@dataclass(frozen=True)
class Saving:
    """A yearly saving with its 90% bootstrap interval: never a bare point figure."""

    per_year: float
    low: float
    high: float
    before_per_need: float
    after_per_need: float
    needs_per_year: float


@dataclass(frozen=True)
class Economics:
    model: CostModel
    per_need: pd.DataFrame          # every need, completed or open
    transactions: pd.DataFrame      # transaction, count, unit cost (the economy-of-scale view)
    per_period: pd.DataFrame        # period, cost per need met, cost per contact
    need_chart: spc.Chart
    contact_chart: spc.Chart
    failure_by_type: pd.DataFrame   # demand type, failure contacts a year, cost a year
    waste_by_step: pd.DataFrame     # step, events a year, cost a year
    per_year: dict[str, float]      # total, failure demand, waste steps, repeat visits, ...
    value_share: float
    saving: Saving | None
    freq: str = "M"
    notes: list[str] = field(default_factory=list)


def _per_year(span_days: float) -> float:
    return 365.25 / max(span_days, 1.0)


def _bootstrap_saving(before: np.ndarray, after: np.ndarray, needs_per_year: float,
                      reps: int = 2000, seed: int = 0) -> Saving:
    """Resample the needs of each phase with replacement; the saving is the difference in
    mean cost per need times the needs a year. 90% interval from the 5th and 95th centiles."""
    rng = np.random.default_rng(seed)
    b = rng.choice(before, size=(reps, len(before))).mean(axis=1)
    a = rng.choice(after, size=(reps, len(after))).mean(axis=1)
    diffs = (b - a) * needs_per_year
    point = (before.mean() - after.mean()) * needs_per_year
    return Saving(float(point), float(np.percentile(diffs, 5)), float(np.percentile(diffs, 95)),
                  float(before.mean()), float(after.mean()), needs_per_year)


def economics(ws: Workspace, svc: Service, *, freq: str = "M",
              need_table: pd.DataFrame | None = None) -> Economics:
    model = CostModel.from_service(svc)
    n = need_table if need_table is not None else needs(ws, svc)
    per = need_costs(ws, svc, model, n)
    done = per[~per["open"]].sort_values("met_at")
    ev = ws.events(svc.key)
    span = ev.aggregate(first=ev.timestamp.min(), last=ev.timestamp.max()).to_pandas().iloc[0]
    scale = _per_year((span["last"] - span["first"]).total_seconds() / 86400)
    dem = ws.demands(svc.key).select("received_at", "channel", "nature",
                                     "demand_type").to_pandas()
    dem["cost"] = dem["channel"].map(model.contact_cost).astype(float)

    # the economy-of-scale view: what one transaction of each kind costs
    rows = [("a contact", len(dem), float(dem["cost"].mean()))] if len(dem) else []
    for channel, grp in dem.groupby("channel"):
        rows.append((f"a contact by {channel}", len(grp), model.contact_cost(channel)))
    orders = int(per["orders"].sum())
    if orders:
        rows.append(("an order (its steps and its own cost)", orders,
                     float((per["step_cost"].sum() + per["order_cost"].sum()) / orders)))
    visits = int(per["visits"].sum())
    if visits and model.visit_cost:
        rows.append(("a visit", visits, model.visit_cost))
    events = int(ev.count().execute())
    if events:
        rows.append(("a step", events, float(per["step_cost"].sum() / events)))
    transactions = pd.DataFrame(rows, columns=["transaction", "count", "unit_cost"])

    need_p = periods.resample(done.set_index("met_at")["total"], freq, svc.timezone).mean()
    contact_p = periods.resample(dem.set_index("received_at")["cost"], freq,
                                 svc.timezone).mean()
    table = pd.DataFrame({"cost_per_need": need_p, "cost_per_contact": contact_p})
    table.index.name = "period"
    table = table.reset_index()
    phases = None
    if svc.redesign_date:
        change = change_times(svc)[-1]
        first_after = int((table["period"] < change).sum()) + 1
        phases = [first_after] if 1 < first_after <= len(table) else None

    def chart(col: str) -> spc.Chart:
        values = table[col].to_numpy(dtype=float)
        keep = ~np.isnan(values)
        kept_phases = None
        if phases:
            shifted = int(keep[:phases[0] - 1].sum()) + 1
            kept_phases = [shifted] if 1 < shifted <= int(keep.sum()) else None
        return periods.period_chart(values[keep], list(table["period"][keep]), freq,
                                    data_end=span["last"], phases=kept_phases)

    failure = dem[dem["nature"] == "failure"]
    failure_by_type = failure.assign(demand_type=failure["demand_type"].fillna("(no type)")
                                     ).groupby("demand_type").agg(
        contacts=("cost", "size"), cost=("cost", "sum")).reset_index()
    failure_by_type[["contacts", "cost"]] = failure_by_type[["contacts", "cost"]] * scale
    failure_by_type = failure_by_type.sort_values("cost", ascending=False).reset_index(drop=True)

    ev_t = to_frame(ev.group_by([ev.activity, ev.team]).aggregate(n=ev.count()))
    ev_t["cost"] = [model.step_cost(a, t) * k for a, t, k in
                    zip(ev_t["activity"], ev_t["team"], ev_t["n"], strict=True)]
    steps = ev_t.groupby("activity").agg(events=("n", "sum"), cost=("cost", "sum")).reset_index()
    waste_steps = steps[~steps["activity"].isin(svc.value_steps)] if svc.value_steps else \
        steps.iloc[0:0]
    waste_by_step = waste_steps.assign(events=waste_steps["events"] * scale,
                                       cost=waste_steps["cost"] * scale).sort_values(
        "cost", ascending=False).reset_index(drop=True)

    all_needs = per  # costs incurred in the period, open needs included
    per_year = {
        "total": float(all_needs["total"].sum() * scale),
        "failure demand": float(all_needs["failure_contact_cost"].sum() * scale),
        "waste steps": float(all_needs["waste_step_cost"].sum() * scale),
        "repeat visits": float(all_needs["repeat_visit_cost"].sum() * scale),
        "extra orders": float(all_needs["extra_order_cost"].sum() * scale),
    }
    waste_total = sum(v for k, v in per_year.items() if k != "total")
    value_share = 1 - waste_total / per_year["total"] if per_year["total"] else float("nan")

    saving = None
    notes: list[str] = []
    if svc.redesign_date and len(done):
        phase = phase_of(done["first_contact"], change_times(svc))
        before = done.loc[phase == 0, "total"].to_numpy(dtype=float)
        after = done.loc[phase == 1, "total"].to_numpy(dtype=float)
        if len(before) >= 30 and len(after) >= 30:
            saving = _bootstrap_saving(before, after, len(per) * scale)
        else:
            notes.append("Too few needs on one side of the redesign date (under 30) to "
                         "estimate a saving.")
    return Economics(model, per, transactions, table, chart("cost_per_need"),
                     chart("cost_per_contact"), failure_by_type, waste_by_step, per_year,
                     value_share, saving, freq, notes)


def costed(svc: Service) -> bool:
    """Whether the team gave a cost model at all: without one, nothing is costed (the economics
    say "not costed", never a cost of nought)."""
    return svc.cost_per_minute is not None or svc.costs.given


def findings(e: Economics | None, svc: Service) -> list[Finding]:
    """The economics as findings; every one rests on the stated assumptions, and those resting
    on a default minute cost are marked so, and never lead the Check."""
    if e is None or not costed(svc):
        return [Finding("economics.not_costed", "need", 0, applies=False,
                        why_not="no cost model")]
    defaults = svc.cost_per_minute is None
    done = e.per_need[~e.per_need["open"]]
    out: list[Finding] = []
    if done.empty:
        return [Finding("economics.none_met", "need", 0, applies=False,
                        why_not="no need met")]
    parts = {"failure demand": done["failure_contact_cost"].sum(),
             "steps that are not value work": done["waste_step_cost"].sum(),
             "repeat visits": done["repeat_visit_cost"].sum(),
             "extra orders": done["extra_order_cost"].sum()}
    unit_costs = dict(zip(e.transactions["transaction"], e.transactions["unit_cost"],
                          strict=True))
    what = "a contact" if "a contact" in unit_costs else "a step"
    out.append(Finding(
        "economics.per_need", "need", len(done),
        {"cost": money(float(done["total"].mean())), "waste": money(float(done["waste"].mean())),
         "unit": money(float(unit_costs.get(what, 0.0)))},
        chart="cost-per-need", defaults=defaults,
        names=(what, *[k for k, v in parts.items() if v > 0])))
    per = {c: ratio(float(done[c].mean())) for c in ("contacts", "orders", "visits")
           if done[c].sum() > 0}
    if per:
        out.append(Finding("economics.transactions", "need", len(done), per, defaults=defaults))
    py = e.per_year
    if py["total"] > 0:
        out.append(Finding(
            "economics.per_year", "need", len(e.per_need),
            {"total": money(py["total"]), "value_share": share(e.value_share),
             **{k: money(v) for k, v in py.items() if k != "total" and v > 0}},
            defaults=defaults))
    if e.saving is not None:
        s = e.saving
        changes = change_times(svc)
        out.append(Finding(
            "economics.saving", "need", round(s.needs_per_year),
            {"per_year": money(s.per_year), "low": money(s.low), "high": money(s.high),
             "before": money(s.before_per_need), "after": money(s.after_per_need)},
            Span(done["first_contact"].min(), done["met_at"].max(),
                 changes[-1] if changes else None, "all"),
            chart="cost-per-need", headline=50, defaults=defaults))
    elif svc.redesign_date:
        out.append(Finding("economics.saving", "need", 0, applies=False,
                           why_not="too few needs on one side of the change"))
    for topic, table, col in (("economics.failure_types", e.failure_by_type, "demand_type"),
                              ("economics.waste_steps", e.waste_by_step, "activity")):
        top = table[table["cost"] > 0].head(3)
        if len(top):
            out.append(Finding(topic, "item", len(top),
                               {f"cost{i}": money(float(c)) for i, c in enumerate(top["cost"])},
                               names=tuple(str(x) for x in top[col]), defaults=defaults))
    out.append(Finding("economics.assumptions", "assumption", len(e.model.assumptions),
                       names=e.model.assumptions, defaults=defaults))
    return out
