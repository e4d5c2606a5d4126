"""The live board: today's and this week's demand by type, the failure share, and daily demand
on a process behaviour chart, from the captures (times in the service's own zone). The
numbers come from ``demand.live``; this module arranges and draws them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from servicecheck.charts import Figure
from servicecheck.demand.live import Period, daily_chart, local_days, per_day, today_and_week


@dataclass(frozen=True)
class Board:
    today: Period
    week: Period
    total: int
    chart: Figure | None
    chart_note: str


def board(captured: pd.DataFrame, timezone: str, today: pd.Timestamp | None = None) -> Board:
    day = (today or pd.Timestamp.now(tz=timezone)).tz_convert(timezone).normalize()
    figure, note = _daily_chart(tuple(local_days(captured, timezone)), day)
    return Board(*today_and_week(captured, timezone, day), len(captured), figure, note)


@functools.lru_cache(maxsize=8)
def _daily_chart(days: tuple[pd.Timestamp, ...], today: pd.Timestamp
                 ) -> tuple[Figure | None, str]:
    """Daily demand on an XmR chart (days without captures count as zero). Cached: the board
    refreshes every few seconds and the chart changes only when a capture arrives."""
    from servicecheck.charts.xmr import xmr_figure
    from servicecheck.narrative.signals import chart_state

    if not days:
        return None, "The chart of daily demand appears once demand has been captured."
    counts = per_day(days, today)
    if len(counts) < 2:
        return None, "The chart of daily demand appears after a second day of capture."
    chart = daily_chart(counts)
    figure = xmr_figure(chart, "daily-demand", title="Demand captured per day",
                        y_title="contacts", x_title="day")
    return figure, f"Daily demand is {chart_state(chart)}."
