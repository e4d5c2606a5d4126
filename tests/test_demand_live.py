"""The live board's numbers (demand.live), worked out by hand: periods and days in the
service's own zone, quiet days counted as nought, the failure share of classified demand."""

from __future__ import annotations

import pandas as pd
import pytest

from servicecheck.demand.live import Period, daily_chart, local_days, per_day, today_and_week
from servicecheck.findings import NO_TYPE

ZONE = "Europe/London"
# (received, UTC; nature; type): Sunday 30 March 2025 is the day the clocks go forward
CAPTURED = [
    ("2025-03-26 23:30", "value", "Leak"),       # Wednesday 23:30 in London (still GMT)
    ("2025-03-30 00:30", "failure", "Chase"),    # Sunday, before the change
    ("2025-03-30 23:30", "failure", "Chase"),    # Monday 00:30 in London: this week
    ("2025-03-31 10:00", "value", None),         # Monday
    ("2025-04-02 08:00", "unknown", "Leak"),     # Wednesday: today
    ("2025-04-02 09:00", "failure", "Leak"),     # Wednesday
]
TODAY = pd.Timestamp("2025-04-02 12:00", tz=ZONE)


@pytest.fixture()
def captured() -> pd.DataFrame:
    return pd.DataFrame({"received_at": pd.to_datetime([r for r, _, _ in CAPTURED], utc=True),
                         "nature": [n for _, n, _ in CAPTURED],
                         "demand_type": [t for _, _, t in CAPTURED]})


def test_today_and_this_week_by_the_services_clock(captured: pd.DataFrame) -> None:
    today, week = today_and_week(captured, ZONE, TODAY)
    assert today == Period("today", 2, 1, 0, [("Leak", 2, 0, 1)])
    assert today.failure_share == 1.0  # the unknown one is not classified
    assert week == Period("this week", 4, 2, 1,
                          [("Leak", 2, 0, 1), (NO_TYPE, 1, 1, 0), ("Chase", 1, 0, 1)])
    assert week.failure_share == pytest.approx(2 / 3)
    # the measure gives a code for no type; the board shows it in words
    from servicecheck.web.board import board

    assert board(captured, ZONE, TODAY).week.by_type[1] == ("(no type given)", 1, 1, 0)
    assert Period("none", 0, 0, 0, []).failure_share is None


def test_demand_per_local_day_counts_quiet_days_as_nought(captured: pd.DataFrame) -> None:
    counts = per_day(tuple(local_days(captured, ZONE)), TODAY.normalize())
    assert [f"{d:%a %d}" for d in counts.index] == [
        "Wed 26", "Thu 27", "Fri 28", "Sat 29", "Sun 30", "Mon 31", "Tue 01", "Wed 02"]
    assert counts.tolist() == [1, 0, 0, 0, 1, 2, 0, 2]
    chart = daily_chart(counts)
    assert chart.values.tolist() == counts.tolist() and chart.dates == tuple(counts.index)
    assert per_day((), TODAY.normalize()).empty
