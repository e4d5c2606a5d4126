"""Demand as findings: how much, how much of it is failure (now, and period by period), what
kinds, which channels, what is predictable, one stop, per need, and its cost where costed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servicecheck import spc
from servicecheck.demand.analysis import (
    MIN_CONTACTS,
    TypePredictability,
    failure_chart,
    failure_per_need,
    failure_share,
    link_to_needs,
    one_stop,
    pareto,
    predictability,
    predictable_value_demand,
)
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, Span, count, ratio, share, signals
from servicecheck.measures.capability import change_times
from servicecheck.measures.needs import needs
from servicecheck.measures.quality import future_contacts
from servicecheck.service.model import Service

PERIOD_NAMES = {"D": "day", "W": "week", "M": "month"}


def _share(d: pd.DataFrame, span: Span | None, headline: int = 0) -> Finding | None:
    classified = int(d["nature"].isin(["value", "failure"]).sum())
    if not classified:
        return None
    failure = int((d["nature"] == "failure").sum())
    few = classified < MIN_CONTACTS
    return Finding("demand.failure_share", "contact", classified,
                   {"share": share(failure / classified), "failure": count(failure),
                    "unknown": count(int((d["nature"] == "unknown").sum()))}, span,
                   chart="failure-demand", headline=0 if few else headline,
                   flags=frozenset({"few"} if few else set()))


@dataclass(frozen=True)
class DemandView:
    """The demand findings with the results they were read from, for a view that also draws
    them (the report's demand section): each is computed once. Without demand only
    ``findings`` is set."""

    findings: list[Finding]
    share: spc.Chart | None = None  # the failure share per period (``failure_chart``)
    kinds: list[TypePredictability] = field(default_factory=list)  # ``predictability``
    pareto: pd.DataFrame | None = None  # demand types, commonest first (``pareto``)


def findings(workspace: Reader, service: Service, freq: str = "W",
             need_table: pd.DataFrame | None = None) -> list[Finding]:
    return demand_view(workspace, service, freq, need_table).findings


def demand_view(workspace: Reader, service: Service, freq: str = "W",
                need_table: pd.DataFrame | None = None) -> DemandView:
    dem = workspace.demands(service.key)
    # only what linking contacts to needs and counting their failure demand read
    d = dem.select("received_at", "case_id", "citizen_ref", "nature").to_pandas()
    if d.empty:
        return DemandView([Finding("demand.none", "contact", 0, applies=False,
                                   why_not="no demand imported", flags=frozenset({"how"}))])
    first, last = d["received_at"].min(), d["received_at"].max()
    out = [Finding("demand.contacts", "contact", len(d), span=Span(first, last))]
    if not d["nature"].isin(["value", "failure"]).any():
        # nothing classified yet: no share to state, said so rather than left unsaid
        out.append(Finding("demand.unclassified", "contact", len(d)))
    changes = change_times(service)
    # the shares by channel are of the headline's period: since the latest change, if any
    # contact came after it (all of them read 69% beside a headline and charts of 39%)
    recent, recent_span = dem, Span(first, last)
    if changes and (d["received_at"] >= changes[-1]).any():
        recent = dem.filter(dem.received_at >= changes[-1])
        recent_span = Span(changes[-1], last, changes[-1], "after")
        now = d[d["received_at"] >= changes[-1]]
        f = _share(now, recent_span, headline=80)
        out += [f] if f else []
        f = _share(d[d["received_at"] < changes[-1]], Span(first, changes[-1], None, "before"))
        out += [f] if f else []
    else:
        f = _share(d, Span(first, last), headline=80)
        out += [f] if f else []
    p = pareto(dem)
    fail = p[p["failure"] > 0].sort_values(["failure", "demand_type"],
                                           ascending=[False, True]).head(3)
    if len(fail):
        # of every contact, as the chart of demand by type beside it counts them
        out.append(Finding("demand.commonest_failure", "type", len(fail),
                           {f"n{i}": count(n) for i, n in enumerate(fail["failure"])},
                           Span(first, last), names=tuple(str(t) for t in fail["demand_type"])))
    by_channel = failure_share(recent, by="channel")
    rows = [(str(c), s, int(v + fl)) for c, s, v, fl in zip(
        by_channel["channel"], by_channel["failure_share"], by_channel["value"],
        by_channel["failure"], strict=True) if not math.isnan(s)]
    if rows:
        out.append(Finding("demand.by_channel", "channel", len(rows),
                           {f"share{i}": share(s) for i, (_, s, _) in enumerate(rows)},
                           recent_span, names=tuple(c for c, _, _ in rows),
                           flags=frozenset(f"few{i}" for i, (_, _, n) in enumerate(rows)
                                           if n < MIN_CONTACTS)))
    chart = failure_chart(dem, freq, phases=service.phase_dates or None,
                          tz=service.timezone)
    # a P′ chart's limits are the latest charted period's own (they move with its contacts)
    if chart.n and np.isfinite([chart.lcl[-1], chart.ucl[-1], chart.cl[-1]]).all():
        lim = chart.limits[-1]
        since = changes[-1] if len(chart.limits) > 1 and changes else None
        unit = PERIOD_NAMES[freq]
        out.append(Finding(
            "demand.failure_chart", unit, chart.n - lim.first_point + 1,
            {"centre": share(float(chart.cl[-1]) / 100),
             "lower": share(float(chart.lcl[-1]) / 100),
             "upper": share(float(chart.ucl[-1]) / 100),
             **signals(len(chart.episodes()), chart.signal_kinds())},
            Span(since or first, last, since, "after" if since else "all"),
            chart="failure-demand", names=(unit, chart.rule_set, chart.labels[-1])))
    kinds = predictability(dem, freq, tz=service.timezone)
    steady = predictable_value_demand(kinds)
    if steady:
        out.append(Finding("demand.predictable", "type", len(steady),
                           {f"mean{i}": ratio(t.per_period_mean) for i, t in enumerate(steady)},
                           names=(PERIOD_NAMES[freq], *(t.demand_type for t in steady))))
    fp = one_stop(dem)
    if not math.isnan(fp):
        out.append(Finding("demand.one_stop", "contact", 0, {"share": share(fp)}))
    n = need_table if need_table is not None else needs(workspace, service)
    f = _per_need(d, n, service, Span(first, last))
    out += [f] if f else []
    # contacts dated after their import were set aside: said beside the counts they leave
    out += future_contacts(workspace, service)
    return DemandView(out, chart, kinds, p)


def _per_need(demands: pd.DataFrame, need_table: pd.DataFrame, service: Service,
              span: Span) -> Finding | None:
    """Contacts and failure demands per need, over every need first reported while demand
    was recorded: a need no contact was linked to counts as none. (Averaging only the needs
    that had contacts said "1.0 contacts per need" of any log with a contact per case.)"""
    if need_table.empty:
        return None
    per = failure_per_need(link_to_needs(demands, need_table, service.link_within_days))
    first = need_table["first_contact"]
    period = need_table[(first >= span.start) & (first <= span.end)]
    if period.empty:
        return None
    each = per.set_index("need_id").reindex(period["need_id"], fill_value=0)
    return Finding("demand.per_need", "need", len(period),
                   {"contacts": ratio(float(each["contacts"].mean())),
                    "failure": ratio(float(each["failure_demands"].mean())),
                    "without": count(int((each["contacts"] == 0).sum()))},
                   # the needs counted, not the contacts' period they were chosen by
                   Span.reported(period["first_contact"]))
