"""The live board: today's and this week's demand by type, the failure share, and daily demand
on a process behaviour chart, from the captures (times in the service's own zone)."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import pandas as pd

from servicecheck import spc
from servicecheck.charts import Figure


@dataclass(frozen=True)
class Period:
    name: str
    total: int
    failure: int
    value: int
    by_type: list[tuple[str, int, int, int]]  # type, demand, value, failure

    @property
    def failure_share(self) -> float | None:
        classified = self.failure + self.value
        return self.failure / classified if classified else None


@dataclass(frozen=True)
class Board:
    today: Period
    week: Period
    total: int
    chart: Figure | None
    chart_note: str


def _period(name: str, d: pd.DataFrame) -> Period:
    types = d.assign(demand_type=d["demand_type"].fillna("(no type)")).groupby("demand_type")
    rows = sorted(((str(t), len(g), int((g["nature"] == "value").sum()),
                    int((g["nature"] == "failure").sum())) for t, g in types),
                  key=lambda r: (-r[1], r[0]))
    return Period(name, len(d), int((d["nature"] == "failure").sum()),
                  int((d["nature"] == "value").sum()), rows)


def board(captured: pd.DataFrame, timezone: str, today: pd.Timestamp | None = None) -> Board:
    local = captured["received_at"].dt.tz_convert(timezone)
    now = (today or pd.Timestamp.now(tz=timezone)).tz_convert(timezone)
    day = now.normalize()
    monday = day - pd.Timedelta(days=day.weekday())
    figure, note = _daily_chart(tuple(local.dt.normalize()), day)
    return Board(_period("today", captured[local >= day]),
                 _period("this week", captured[local >= monday]), len(captured), figure, note)


@functools.lru_cache(maxsize=8)
def _daily_chart(days: tuple[pd.Timestamp, ...], today: pd.Timestamp
                 ) -> tuple[Figure | None, str]:
    """Daily demand on an XmR chart (days without captures count as zero). Cached: the board
    refreshes every few seconds and the chart changes only when a capture arrives."""
    from servicecheck.charts.xmr import xmr_figure
    from servicecheck.narrative.signals import chart_state

    if not days:
        return None, "The chart of daily demand appears once demand has been captured."
    counts = pd.Series(1, index=pd.DatetimeIndex(days)).groupby(level=0).size()
    counts = counts.reindex(pd.date_range(counts.index.min(), today, freq="D"), fill_value=0)
    if len(counts) < 2:
        return None, "The chart of daily demand appears after a second day of capture."
    chart = dataclasses.replace(
        spc.xmr(counts.to_numpy(dtype=float), labels=[f"{d:%d %b}" for d in counts.index]),
        dates=tuple(counts.index))  # local days: the chart's axis shows their dates
    figure = xmr_figure(chart, "daily-demand", title="Demand captured per day",
                        y_title="contacts", x_title="day")
    return figure, f"Daily demand is {chart_state(chart)}."
