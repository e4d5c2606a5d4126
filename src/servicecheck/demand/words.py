"""Demand in plain words: what citizens ask for, how much of it is failure, what it costs."""

from __future__ import annotations

import math

import pandas as pd

from servicecheck.capability import needs
from servicecheck.demand.analysis import (
    failure_chart,
    failure_per_need,
    failure_share,
    link_to_needs,
    one_stop,
    pareto,
    predictability,
    predictable_value_demand,
    yearly_failure_cost,
)
from servicecheck.engine import Workspace
from servicecheck.service import Service


def demand_lines(workspace: Workspace, service: Service, freq: str = "W",
                 need_table: pd.DataFrame | None = None) -> list[str]:
    dem = workspace.demands(service.key)
    total = failure_share(dem).iloc[0]
    if int(total["demand"]) == 0:
        return ["No demand has been imported for this service yet."]
    d = dem.select("received_at", "case_id", "citizen_ref", "nature").to_pandas()
    first, last = d["received_at"].min(), d["received_at"].max()
    lines = [f"{int(total['demand']):,} contacts from {first:%d %b %Y} to {last:%d %b %Y}."]
    if not math.isnan(total["failure_share"]):
        lines.append(
            f"{total['failure_share']:.0%} of classified demand is failure demand: "
            f"{int(total['failure']):,} contacts caused by a failure to do something, or do it "
            f"right, for the citizen ({int(total['unknown']):,} not yet classified).")
    p = pareto(dem)
    fail = p[p["failure"] > 0].sort_values("failure", ascending=False).head(3)
    if len(fail):
        lines.append("Commonest failure demand: " + "; ".join(
            f"{t} ({int(n):,})" for t, n in zip(fail["demand_type"], fail["failure"],
                                               strict=True)) + ".")
    by_channel = failure_share(dem, by="channel")
    lines.append("Failure share by channel: " + ", ".join(
        f"{c} {s:.0%}" for c, s in zip(by_channel["channel"], by_channel["failure_share"],
                                       strict=True) if not math.isnan(s)) + ".")
    changes = [service.redesign_date] if service.redesign_date else None
    chart = failure_chart(dem, freq, phases=changes)
    since = (f" since the change on {service.redesign_date}" if len(chart.limits) > 1
             else "")
    lines.append(f"Period by period{since} the failure share runs between "
                 f"{max(chart.limits[-1].lower or 0.0, 0.0):.0f}% and "
                 f"{min(chart.limits[-1].upper or 0.0, 100.0):.0f}%; {chart.describe()}.")
    steady = predictable_value_demand(predictability(dem, freq))
    if steady:
        lines.append("Predictable value demand to design for first: " + "; ".join(
            f"{t.demand_type} (about {t.per_period_mean:.0f} a week)" for t in steady) + ".")
    fp = one_stop(dem)
    if not math.isnan(fp):
        lines.append(f"{fp:.0%} of value demand was resolved at the first point of contact.")
    n = need_table if need_table is not None else needs(workspace, service)
    linked = link_to_needs(dem.to_pandas(), n, service.link_within_days)
    per = failure_per_need(linked)
    if len(per):
        lines.append(f"Per need: {per['contacts'].mean():.1f} contacts and "
                     f"{per['failure_demands'].mean():.1f} failure demands on average.")
    if service.handling_minutes and service.cost_per_minute is not None:
        count, cost = yearly_failure_cost(dem, service.handling_minutes,
                                          service.cost_per_minute)
        lines.append(f"Handling failure demand costs about £{cost:,.0f} a year "
                     f"({count:,.0f} contacts; minutes per channel and £"
                     f"{service.cost_per_minute:.2f} a minute from the service file).")
    return lines
