"""Demand as it is captured, for the live board: today's and this week's demand by type with
the failure share, and demand per day (days without a capture count as nought), in the
service's own time zone. From the store's captured demand (``store.capture.demand_frame``);
``web/board.py`` draws and words it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from servicecheck import spc
from servicecheck.findings import NO_TYPE
from servicecheck.spc import Chart


@dataclass(frozen=True)
class Period:
    """The demand captured in one period, and per type (commonest first)."""

    name: str
    total: int
    failure: int
    value: int
    by_type: list[tuple[str, int, int, int]]  # type, demand, value, failure

    @property
    def failure_share(self) -> float | None:
        """Failure demand as a share of the classified demand (None: none classified)."""
        classified = self.failure + self.value
        return self.failure / classified if classified else None


def period(name: str, d: pd.DataFrame) -> Period:
    types = d.assign(demand_type=d["demand_type"].fillna(NO_TYPE)).groupby("demand_type")
    rows = sorted(((str(t), len(g), int((g["nature"] == "value").sum()),
                    int((g["nature"] == "failure").sum())) for t, g in types),
                  key=lambda r: (-r[1], r[0]))
    return Period(name, len(d), int((d["nature"] == "failure").sum()),
                  int((d["nature"] == "value").sum()), rows)


def local_days(captured: pd.DataFrame, timezone: str) -> pd.Series:
    """The day each demand was received on, in the service's zone."""
    days: pd.Series = captured["received_at"].dt.tz_convert(timezone).dt.normalize()
    return days


def today_and_week(captured: pd.DataFrame, timezone: str, today: pd.Timestamp | None = None
                   ) -> tuple[Period, Period]:
    """Today's demand and this week's (from Monday), as the service's clock tells the day."""
    local = captured["received_at"].dt.tz_convert(timezone)
    now = (today or pd.Timestamp.now(tz=timezone)).tz_convert(timezone)
    day = now.normalize()
    monday = day - pd.Timedelta(days=day.weekday())
    return (period("today", captured[local >= day]),
            period("this week", captured[local >= monday]))


def per_day(days: tuple[pd.Timestamp, ...], today: pd.Timestamp) -> pd.Series:
    """How many demands arrived each day from the first capture to ``today``, a day without
    one counted as nought (a quiet day is data, not a gap)."""
    if not days:
        return pd.Series(dtype="int64")
    counts = pd.Series(1, index=pd.DatetimeIndex(days)).groupby(level=0).size()
    return counts.reindex(pd.date_range(counts.index.min(), today, freq="D"), fill_value=0)


def daily_chart(counts: pd.Series) -> Chart:
    """Demand per day on an XmR chart, dated with its local days (the axis shows them)."""
    return dataclasses.replace(
        spc.xmr(counts.to_numpy(dtype=float), labels=[f"{d:%d %b}" for d in counts.index]),
        dates=tuple(counts.index))
