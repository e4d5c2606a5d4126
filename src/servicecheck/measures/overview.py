"""Many measures at once: one process behaviour chart per measure, for the summary table.

What public-service analysts ask of Making Data Count's summary: the citizen's end-to-end
time per demand type, the failure-demand share per channel and, where the service file
states a target regime, the regime's on-time share per priority, each charted per period
in the service's zone with the limits recalculated only at the team's own changes. The
table (``spc.summary_table``) and its icons (``charts.summary``) are drawn from these charts;
nothing here draws or words anything. The regime's share is a chart of what the regime
reports, never a target to meet: its improvement direction is neutral.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import ibis
import pandas as pd

from servicecheck import spc
from servicecheck.demand.analysis import failure_charts, phase_points
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, count
from servicecheck.measures import periods
from servicecheck.measures.needs import needs
from servicecheck.service.model import Service

if TYPE_CHECKING:
    from servicecheck.measures.targets import JudgedOrders

MAX_ROWS = 8  # per group: the commonest demand types, channels or priorities
MIN_POINTS = 4  # fewer periods than this make no chart worth reading

Group = Literal["end-to-end", "failure demand", "regime"]


@dataclass(frozen=True)
class MeasureChart:
    """One row of the summary: what is measured, over which population, and its chart."""

    key: str          # a stem for the chart's file and the row's link, e.g. "e2e-electrics"
    group: Group
    subject: str      # the demand type, channel or priority, as the data name it
    unit: str         # "days" or "%"
    chart: spc.Chart


def measure_charts(workspace: Reader, service: Service | None = None, *, freq: str = "M",
                   need_table: pd.DataFrame | None = None,
                   orders_judged: JudgedOrders | None = None) -> list[MeasureChart]:
    """The summary's charts, per period (``freq``: W or M): end-to-end days per demand type
    (the median of the needs met in the period, by their first value demand's type), the
    failure share per channel, and the regime's on-time share per priority. Groups with no
    data give no rows; a subject with fewer than MIN_POINTS periods is left out."""
    svc = service or workspace.service()
    end = functools.cache(lambda: _data_end(workspace, svc))  # two kinds of chart ask it
    out = [*_end_to_end(workspace, svc, freq, need_table, end), *_failure(workspace, svc, freq)]
    if svc.targets is not None and svc.targets.start and svc.targets.end:
        out += _regime(workspace, svc, freq, orders_judged, end)
    return out


def _slug(prefix: str, text: str) -> str:
    return f"{prefix}-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none")


def _phases(starts: pd.Series, svc: Service) -> list[int] | None:
    return phase_points(starts, svc.phase_dates or None, svc.timezone)


def _data_end(workspace: Reader, svc: Service) -> pd.Timestamp | None:
    ev = workspace.events(svc.key)
    last = to_frame(ev.aggregate(last=ev.timestamp.max()))["last"].iloc[0]
    return None if pd.isna(last) else pd.Timestamp(last)


def _end_to_end(workspace: Reader, svc: Service, freq: str, need_table: pd.DataFrame | None,
                data_end: Callable[[], pd.Timestamp | None]) -> list[MeasureChart]:
    dem = workspace.demands(svc.key)
    value = dem.filter((dem.nature == "value") & dem.case_id.notnull()
                       & dem.demand_type.notnull())
    value = value.mutate(r=ibis.row_number().over(group_by=value.case_id,
                                                  order_by=[value.received_at,
                                                            value.demand_id]))
    kinds = to_frame(value.filter(value.r == 0).select(need_id=value.case_id,
                                                       demand_type=value.demand_type))
    if kinds.empty:
        return []
    n = need_table if need_table is not None else needs(workspace, svc)
    done = n[~n["open"]].merge(kinds, on="need_id")
    end = data_end()
    out = []
    for kind in done["demand_type"].value_counts().index[:MAX_ROWS]:
        mine = done[done["demand_type"] == kind].set_index("met_at")
        median = periods.resample(mine["end_to_end_days"], freq, svc.timezone).median()
        median = median.dropna()
        if len(median) < MIN_POINTS:
            continue
        starts = pd.Series(median.index)
        chart = periods.period_chart(median.to_numpy(dtype=float), list(median.index), freq,
                                     data_end=end, phases=_phases(starts, svc),
                                     improvement_direction="decrease")
        out.append(MeasureChart(_slug("e2e", str(kind)), "end-to-end", str(kind), "days",
                                chart))
    return out


def _failure(workspace: Reader, svc: Service, freq: str) -> list[MeasureChart]:
    dem = workspace.demands(svc.key)
    known = dem.filter(dem.channel.notnull())
    channels = to_frame(known.group_by("channel").aggregate(n=known.count())
                        .order_by([ibis.desc("n"), "channel"]).limit(MAX_ROWS))
    if channels.empty:
        return []
    # every channel's chart from one count (a chart per channel was three queries each)
    charts = failure_charts(known, "channel", freq, phases=svc.phase_dates or None,
                            tz=svc.timezone)
    out = []
    for channel in channels["channel"]:
        chart = charts[str(channel)]
        if chart.n >= MIN_POINTS:
            out.append(MeasureChart(_slug("failure", str(channel)), "failure demand",
                                    str(channel), "%", chart))
    return out


def _regime(workspace: Reader, svc: Service, freq: str, orders_judged: JudgedOrders | None,
            data_end: Callable[[], pd.Timestamp | None]) -> list[MeasureChart]:
    from servicecheck.measures.targets import regime_orders

    orders = regime_orders(workspace, svc, orders_judged)
    judged = orders[orders["closed"] & orders["within_target"].notna()]
    end = data_end()
    out = []
    for priority in judged["priority"].dropna().astype(str).value_counts().index[:MAX_ROWS]:
        mine = judged[judged["priority"].astype(str) == priority].set_index("regime_end")
        # the orders judged differ from period to period: a P′ chart of on time / judged
        per = periods.resample(mine["within_target"], freq, svc.timezone)
        table = pd.DataFrame({"on_time": per.sum(), "judged": per.count()})
        table = table[table["judged"] > 0]
        if len(table) < MIN_POINTS:
            continue
        chart = periods.share_chart(table["on_time"].to_numpy(dtype=float),
                                    table["judged"].to_numpy(dtype=float), list(table.index),
                                    freq, data_end=end,
                                    phases=_phases(pd.Series(table.index), svc))
        out.append(MeasureChart(_slug("regime", priority), "regime", priority, "%", chart))
    return out


def findings(rows: list[MeasureChart], workspace: Reader | None = None,
             service: Service | None = None) -> list[Finding]:
    """How many measures the summary holds, how many of them show a special cause at
    their latest point (named in ``names`` as pairs: its group, its subject), and how many
    of the rest are not stable all the same (signals earlier within their latest limits:
    their charts say "not stable", so the summary must not call them predictable). With no
    row, why: nothing to measure (no demand imported and no target regime: every measure of
    the summary is per demand type, per channel or per priority), or too few periods."""
    special = [r for r in rows if r.chart.variation_icon != "common_cause"]
    unstable = [r for r in rows
                if r.chart.variation_icon == "common_cause" and not r.chart.stable]
    why = None
    if not rows:
        why = "too few periods"
        if workspace is not None:
            svc = service or workspace.service()
            regime = svc.targets is not None and bool(svc.targets.start and svc.targets.end)
            dem = workspace.demands(svc.key)
            if not int(to_frame(dem.aggregate(n=dem.count()))["n"].iloc[0]):
                # a regime with no priority has nothing to chart per priority (six years of
                # fines judged against one 90-day rule were said to have "too few periods")
                why = ("no_demand_no_regime" if not regime else "no_demand_no_priority"
                       if svc.targets is not None and not svc.targets.priority_column
                       else why)
    return [Finding("overview.measures", "measure", len(rows),
                    {"special": count(len(special)), "unstable": count(len(unstable))},
                    names=tuple(x for r in special for x in (r.group, r.subject)),
                    applies=bool(rows), why_not=why)]
