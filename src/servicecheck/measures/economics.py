"""Economics of flow: what meeting one need costs end to end, beside the unit cost of one
transaction; what failure demand and waste steps cost; what a redesign saves, with its
uncertainty. Every figure comes from the service file's cost model or a stated default, and
every figure's assumptions are a finding of their own (`assumptions`), worded by the narrative.

Economies of scale lower the unit cost of a call, an order, a visit while failure demand,
hand-offs, rework and repeat visits multiply the transactions a need takes; the per-need view
shows that, the per-transaction view hides it.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import Table

from servicecheck import spc
from servicecheck.demand.analysis import linked_to_needs
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import (
    NO_TYPE,
    Finding,
    Quantity,
    Span,
    a_year,
    money,
    ratio,
    share,
)
from servicecheck.measures import periods
from servicecheck.measures.capability import change_times, phase_of
from servicecheck.measures.needs import need_expr, needs
from servicecheck.measures.order import intake_end
from servicecheck.measures.summary import studied_span
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need

DEFAULT_CONTACT_MINUTES = 6.0
# the kinds of waste a cost is split into: code -> the per-need column that holds it
COST_PARTS = {"failure_demand": "failure_contact_cost", "waste_steps": "waste_step_cost",
              "repeat_visits": "repeat_visit_cost", "extra_orders": "extra_order_cost"}
DEFAULT_COST_PER_MINUTE = 0.50  # about £30 an hour with overheads: a stated guess
NEED_LINK_COLUMNS = ["need_id", "citizen_ref", "first_contact", "met_at"]


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
    # which costs the service file gave (the rest are defaults or not costed): any of
    # "cost_per_minute", "visit_cost", "order_cost"; the narrative words the assumptions
    stated: frozenset[str] = frozenset()

    @classmethod
    def from_service(cls, svc: Service) -> CostModel:
        c = svc.costs
        stated = {k for k, v in (("cost_per_minute", svc.cost_per_minute),
                                 ("visit_cost", c.visit_cost), ("order_cost", c.order_cost))
                  if v is not None}
        rate = svc.cost_per_minute if svc.cost_per_minute is not None else \
            DEFAULT_COST_PER_MINUTE
        return cls(c.currency, dict(svc.handling_minutes), rate, dict(c.team_cost_per_minute),
                   dict(c.activity_minutes), dict(c.activity_cost), c.visit_cost or 0.0,
                   c.order_cost or 0.0, frozenset(stated))

    def with_contact_cost(self, demands: Table) -> Table:
        """The demands with what handling each cost (``cost``), on their engine."""
        minutes = _lookup(demands.channel, self.contact_minutes, DEFAULT_CONTACT_MINUTES)
        return demands.mutate(cost=minutes * _number(self.cost_per_minute))

    def with_step_cost(self, events: Table) -> Table:
        """The events with what each step cost (``cost``), on their engine."""
        rate = _lookup(events.team, self.team_cost_per_minute, self.cost_per_minute)
        return events.mutate(cost=_lookup(events.activity, self.activity_minutes, 0.0) * rate
                             + _lookup(events.activity, self.activity_cost, 0.0))

    def contact_cost(self, channel: object) -> float:
        return self.contact_minutes.get(str(channel), DEFAULT_CONTACT_MINUTES) * \
            self.cost_per_minute

    def step_cost(self, activity: object, team: object) -> float:
        rate = self.team_cost_per_minute.get(str(team), self.cost_per_minute)
        return (self.activity_minutes.get(str(activity), 0.0) * rate
                + self.activity_cost.get(str(activity), 0.0))


def _number(value: float) -> ibis.Value:
    """A float constant that every engine computes with as a double. Spark reads a literal
    such as 0.55 as a decimal, and sums and means of decimals round to a fixed scale (a
    contact's mean cost differed from DuckDB's in the 7th digit); text cast to a double is a
    double everywhere, and ``repr`` gives back the exact float."""
    return ibis.literal(repr(float(value))).cast("float64")


def _lookup(key: ibis.Value, values: dict[str, float], default: float) -> ibis.Value:
    """A number looked up by a text column; ``default`` where the key is not listed."""
    if not values:
        return _number(default)
    return key.cast("string").substitute(
        {k: _number(v) for k, v in values.items()}, else_=_number(default)
    ).fill_null(_number(default))


def need_costs(ws: Reader, svc: Service, model: CostModel | None = None,
               need_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per need: what each contact, step, visit and order cost, and how much of it was waste
    (failure demand, steps that are not value work, visits after the first, orders after the
    first). Columns end in ``_cost``; ``total`` and ``waste`` sum them."""
    model = model or CostModel.from_service(svc)
    n = need_table if need_table is not None else needs(ws, svc)
    out = n[["need_id", "first_contact", "met_at", "open", "end_to_end_days", "visits",
             "cases"]].rename(columns={"cases": "orders"}).set_index("need_id")
    # the needs on the engine: the table given (sent along where the query runs), or made there
    n_t = (ibis.memtable(n[NEED_LINK_COLUMNS]) if need_table is not None and len(n)
           else need_expr(ws, svc))
    dem = model.with_contact_cost(ws.demands(svc.key))
    linked = linked_to_needs(dem, n_t, svc.link_within_days)
    linked = linked.filter(linked.need_id.notnull())
    failure = linked.nature == "failure"
    contacts = to_frame(linked.group_by("need_id").aggregate(
        contacts=linked.count(), contact_cost=linked.cost.sum(),
        failure_contacts=linked.count(where=failure),
        failure_contact_cost=linked.cost.sum(where=failure))).set_index("need_id")

    ev = model.with_step_cost(with_need(ws.events(svc.key), svc))
    not_value = (~ev.activity.isin(list(svc.value_steps)) if svc.value_steps
                 else ibis.literal(False))
    steps = to_frame(ev.group_by(need_id=ev.need).aggregate(
        step_cost=ev.cost.sum(), waste_step_cost=ev.cost.sum(where=not_value))
    ).set_index("need_id")
    out = out.join(contacts).join(steps)
    out["visit_cost"] = out["visits"] * model.visit_cost
    out["repeat_visit_cost"] = (out["visits"] - 1).clip(lower=0) * model.visit_cost
    out["order_cost"] = out["orders"] * model.order_cost
    out["extra_order_cost"] = (out["orders"] - 1).clip(lower=0) * model.order_cost
    costs = ["contact_cost", "step_cost", "visit_cost", "order_cost"]
    waste = ["failure_contact_cost", "waste_step_cost", "repeat_visit_cost", "extra_order_cost"]
    counts = ["contacts", "failure_contacts"]
    # a need without demand or steps has none of them: zero, counted in whole numbers and
    # costed in money, whichever engine and whatever the data
    out[counts] = out[counts].fillna(0).astype("int64")
    out[[*costs, *waste]] = out[[*costs, *waste]].astype("float64").fillna(0.0)
    out["total"] = out[costs].sum(axis=1)
    out["waste"] = out[waste].sum(axis=1)
    return out.reset_index()


@dataclass(frozen=True)
class Saving:
    """A yearly saving with its 90% interval: never a bare point figure. ``resampled``: the
    interval is the bootstrap's own centiles; else the normal limits of the same resampled
    mean (many needs: see ``_bootstrap_saving``)."""

    per_year: float
    low: float
    high: float
    before_per_need: float
    after_per_need: float
    needs_per_year: float
    resampled: bool = True


@dataclass(frozen=True)
class Economics:
    model: CostModel
    per_need: pd.DataFrame          # every need, completed or open
    transactions: pd.DataFrame      # kind, channel, count, unit cost (economy of scale)
    per_period: pd.DataFrame        # period, cost per need met, cost per contact
    need_chart: spc.Chart
    contact_chart: spc.Chart
    failure_by_type: pd.DataFrame   # demand type, failure contacts a year, cost a year
    waste_by_step: pd.DataFrame     # step, events a year, cost a year
    # a year's cost: total, and the waste in it by kind (keys are the COST_PARTS codes)
    per_year: dict[str, float]
    value_share: float
    saving: Saving | None
    freq: str = "M"
    # the first reports a year is counted over, when they end long before the data do
    # (``_year_window``); None when a year is counted over the span studied
    intake: tuple[pd.Timestamp, pd.Timestamp] | None = None


def _per_year(span_days: float) -> float:
    return 365.25 / max(span_days, 1.0)


def _year_window(ws: Reader, svc: Service, n: pd.DataFrame
                 ) -> tuple[float, tuple[pd.Timestamp, pd.Timestamp] | None]:
    """How many times the period a year's sums are counted over fits in a year, and the
    first reports it was counted over when not the span studied.

    The span studied (``summary.studied_span``: the events of needs set aside are not in it),
    unless first reports end long before the data do (``order.intake_end``): then the work
    of the needs first reported runs on for years after the last of them, the years after it
    take in no demand, and a year counted over the whole span halves what the service does
    in one (the first 10,000 road traffic fines: "Create Fine 1,732 times a year", where the
    data show 3,649 fines created a year for as long as fines were created). A year is then
    one of first reports: the needs first reported in it, with all their work."""
    first, last = studied_span(ws, svc, n)
    if first is None or last is None:
        return _per_year(0.0), None
    met = n.loc[~n["open"] & (n["end_to_end_days"] >= 0), "end_to_end_days"]
    ended = intake_end(n["first_contact"], met, last)
    if ended is None:
        return _per_year((last - first).total_seconds() / 86400), None
    start = n["first_contact"].min()
    return _per_year((ended - start).total_seconds() / 86400), (start, ended)


# Resampling draws reps x needs integers: 2,000 x the needs of each phase. On a national
# service that is billions (the report at 10M events held 16 GB and ran for minutes), so above
# this many draws the interval is the normal one of the same resampled mean (below).
MAX_DRAWS = 20_000_000
Z90 = 1.6448536269514722  # the standard normal's 95th centile: a two-sided 90% interval


def _resampled_means(values: np.ndarray, rng: np.random.Generator, reps: int,
                     rows: int = 100) -> np.ndarray:
    """The mean of ``values`` resampled with replacement ``reps`` times, a hundred resamples
    at a time: the draws are the integers Generator.choice makes (the same stream, drawn a
    block at a time, is the same integers), and no array the size of all the draws is made
    (its memory made fresh took four times the arithmetic)."""
    n = len(values)
    return np.concatenate([values[rng.integers(0, n, size=(min(rows, reps - i), n))]
                           .mean(axis=1) for i in range(0, max(reps, 1), rows)])


def _bootstrap_saving(before: np.ndarray, after: np.ndarray, needs_per_year: float,
                      reps: int = 2000, seed: int = 0,
                      max_draws: int = MAX_DRAWS) -> Saving:
    """Resample the needs of each phase with replacement; the saving is the difference in
    mean cost per need times the needs a year. 90% interval from the 5th and 95th centiles.

    With more needs than ``max_draws`` allows, the resampled mean of each phase is normal to
    any precision a report shows (its mean is the phase's mean and its variance the phase's
    variance over its needs, dividing by n as resampling does; thousands of needs a phase
    make the central limit exact to well under the resampling's own noise), so the interval
    is those normal limits: the same interval, without billions of draws."""
    point = (before.mean() - after.mean()) * needs_per_year
    if reps * (len(before) + len(after)) > max_draws:
        se = np.sqrt(before.var() / len(before) + after.var() / len(after)) * needs_per_year
        return Saving(float(point), float(point - Z90 * se), float(point + Z90 * se),
                      float(before.mean()), float(after.mean()), needs_per_year,
                      resampled=False)
    rng = np.random.default_rng(seed)
    # the draws Generator.choice makes (the same integers from the same stream, so the same
    # interval), taken by indexing: choice took twice as long (0.18 s against 0.09 s a phase)
    b = _resampled_means(before, rng, reps)
    a = _resampled_means(after, rng, reps)
    diffs = (b - a) * needs_per_year
    return Saving(float(point), float(np.percentile(diffs, 5)), float(np.percentile(diffs, 95)),
                  float(before.mean()), float(after.mean()), needs_per_year)


def economics(ws: Reader, svc: Service, *, freq: str = "M",
              need_table: pd.DataFrame | None = None) -> Economics:
    model = CostModel.from_service(svc)
    n = need_table if need_table is not None else needs(ws, svc)
    per = need_costs(ws, svc, model, n)
    done = per[~per["open"]].sort_values("met_at")
    ev = ws.events(svc.key)
    span = ev.aggregate(first=ev.timestamp.min(), last=ev.timestamp.max()).to_pandas().iloc[0]
    scale, intake = _year_window(ws, svc, n)
    dem = model.with_contact_cost(ws.demands(svc.key))

    # the economy-of-scale view: what one transaction of each kind costs
    total = to_frame(dem.aggregate(n=dem.count(), cost=dem.cost.mean()))
    has_channel = dem.filter(dem.channel.notnull())
    by_channel = to_frame(has_channel.group_by("channel").aggregate(n=has_channel.count())
                          .order_by("channel"))
    contacts = int(total["n"].iloc[0])
    # (kind, its channel where it has one, count, unit cost): narrative.economics words each
    rows: list[tuple[str, str | None, int, float]] = (
        [("contact", None, contacts, float(total["cost"].iloc[0]))] if contacts else [])
    for channel, k in zip(by_channel["channel"], by_channel["n"], strict=True):
        rows.append(("channel", str(channel), int(k), model.contact_cost(channel)))
    orders = int(per["orders"].sum())
    if orders:
        rows.append(("order", None, orders,
                     float((per["step_cost"].sum() + per["order_cost"].sum()) / orders)))
    visits = int(per["visits"].sum())
    if visits and model.visit_cost:
        rows.append(("visit", None, visits, model.visit_cost))
    events = int(ev.count().execute())
    if events:
        rows.append(("step", None, events, float(per["step_cost"].sum() / events)))
    transactions = pd.DataFrame(rows, columns=["kind", "channel", "count", "unit_cost"])

    need_p = periods.resample(done.set_index("met_at")["total"], freq, svc.timezone).mean()
    # periods in the service's zone are cut in pandas (measures.periods): each contact's
    # time and cost come over for it
    costs = to_frame(dem.select("received_at", "cost")).set_index("received_at")["cost"]
    contact_p = periods.resample(costs, freq, svc.timezone).mean()
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

    failure = dem.filter(dem.nature == "failure")
    failure = failure.mutate(demand_type=failure.demand_type.fill_null(NO_TYPE))
    failure_by_type = to_frame(failure.group_by("demand_type").aggregate(
        contacts=failure.count(), cost=failure.cost.sum()))
    failure_by_type["contacts"] = failure_by_type["contacts"] * scale
    failure_by_type["cost"] = failure_by_type["cost"] * scale
    failure_by_type = failure_by_type.sort_values(
        ["cost", "demand_type"], ascending=[False, True]).reset_index(drop=True)

    costed = model.with_step_cost(ev)
    steps = to_frame(costed.group_by("activity").aggregate(
        events=costed.count(), cost=costed.cost.sum()))
    waste_steps = steps[~steps["activity"].isin(svc.value_steps)] if svc.value_steps else \
        steps.iloc[0:0]
    waste_by_step = waste_steps.assign(events=waste_steps["events"] * scale,
                                       cost=waste_steps["cost"] * scale).sort_values(
        ["cost", "activity"], ascending=[False, True]).reset_index(drop=True)

    all_needs = per  # costs incurred in the period, open needs included
    per_year = {
        "total": float(all_needs["total"].sum() * scale),
        **{part: float(all_needs[col].sum() * scale) for part, col in COST_PARTS.items()},
    }
    waste_total = sum(v for k, v in per_year.items() if k != "total")
    value_share = 1 - waste_total / per_year["total"] if per_year["total"] else float("nan")

    saving = None
    if svc.redesign_date and len(done):
        phase = phase_of(done["first_contact"], change_times(svc))
        before = done.loc[phase == 0, "total"].to_numpy(dtype=float)
        after = done.loc[phase == 1, "total"].to_numpy(dtype=float)
        if len(before) >= 30 and len(after) >= 30:
            saving = _bootstrap_saving(before, after, len(per) * scale)
    return Economics(model, per, transactions, table, chart("cost_per_need"),
                     chart("cost_per_contact"), failure_by_type, waste_by_step, per_year,
                     value_share, saving, freq, intake)


def assumptions(model: CostModel) -> Finding:
    """What the costs rest on, as numbers keyed by what they are (``contact:<channel>``,
    ``team:<team>``, ``step_minutes:<step>``, ``step_cost:<step>``); a cost the service file
    did not give is flagged (``rate_default``) or absent (no visit or order cost)."""
    m = model
    numbers = {"rate": money(m.cost_per_minute),
               **{f"team:{t}": money(v) for t, v in m.team_cost_per_minute.items()},
               **{f"contact:{ch}": minutes(v) for ch, v in m.contact_minutes.items()},
               "contact_default": minutes(DEFAULT_CONTACT_MINUTES),
               **{f"step_minutes:{a}": minutes(v) for a, v in m.activity_minutes.items()},
               **{f"step_cost:{a}": money(v) for a, v in m.activity_cost.items()}}
    if "visit_cost" in m.stated:
        numbers["visit"] = money(m.visit_cost)
    if "order_cost" in m.stated:
        numbers["order"] = money(m.order_cost)
    flags = frozenset() if "cost_per_minute" in m.stated else frozenset({"rate_default"})
    return Finding("economics.assumptions", "assumption", len(numbers), numbers, flags=flags,
                   defaults="cost_per_minute" not in m.stated)


def minutes(m: float) -> Quantity:
    return Quantity(float(m) * 60.0, "seconds")


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
    parts = {part: done[col].sum() for part, col in COST_PARTS.items()}
    unit_costs = dict(zip(e.transactions["kind"], e.transactions["unit_cost"], strict=True))
    # one contact's cost beside a need's when there are contacts, else one step's (a mean)
    what = "contact" if "contact" in unit_costs else "step"
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
            {"total": a_year(py["total"]), "value_share": share(e.value_share),
             **{k: a_year(v) for k, v in py.items() if k != "total" and v > 0}},
            # a year of first reports, when they end long before the data do: its period
            Span(*e.intake) if e.intake is not None else None,
            flags=frozenset({"intake"} if e.intake is not None else ()),
            defaults=defaults))
    if e.saving is not None:
        s = e.saving
        changes = change_times(svc)
        out.append(Finding(
            "economics.saving", "need", round(s.needs_per_year),
            {"per_year": a_year(s.per_year), "low": a_year(s.low), "high": a_year(s.high),
             "before": money(s.before_per_need), "after": money(s.after_per_need)},
            Span(done["first_contact"].min(), done["met_at"].max(),
                 changes[-1] if changes else None, "all"),
            chart="cost-per-need", headline=50, defaults=defaults,
            flags=frozenset() if s.resampled else frozenset({"normal"})))
    elif svc.redesign_date:
        out.append(Finding("economics.saving", "need", 0, applies=False,
                           why_not="too few needs on one side of the change"))
    for topic, table, col in (("economics.failure_types", e.failure_by_type, "demand_type"),
                              ("economics.waste_steps", e.waste_by_step, "activity")):
        top = table[table["cost"] > 0].head(3)
        if len(top):
            out.append(Finding(topic, "item", len(top),
                               {f"cost{i}": a_year(float(c)) for i, c in enumerate(top["cost"])},
                               names=tuple(str(x) for x in top[col]), defaults=defaults))
    out.append(assumptions(e.model))
    return out
