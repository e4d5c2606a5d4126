"""Charts a manager can read: periods and dates in the service's time zone, the partial last
period drawn but never tested, percent limits within 0-100, whole labels, captions that say
what a point is, the phases and the rules, and a per-need chart of thousands of points that
stays a picture (and a small file)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicecheck import spc
from servicecheck.charts.demand import pareto_figure
from servicecheck.charts.xmr import OpenNeeds, xmr_figure
from servicecheck.charts.xmr_points import wall_clock
from servicecheck.measures import periods

DATE_TICK = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")


def texts(svg: str) -> list[str]:
    """Each text of an SVG, its lines (tspans) joined by a space."""
    return [" ".join(re.sub(r"<[^>]+>", " ", t).split())
            for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


# -- periods in the service's zone ------------------------------------------------------------
PERIOD_CASES = [
    # UTC time, zone, period, expected label
    ("2024-03-31T23:30:00Z", "Europe/London", "M", "Apr 2024"),   # 00:30 BST on 1 April
    ("2024-03-31T23:30:00Z", "UTC", "M", "Mar 2024"),
    ("2024-03-31T23:30:00Z", "Europe/London", "W", "w/c 1 Apr 2024"),
    ("2024-03-31T23:30:00Z", "Europe/London", "D", "1 Apr 2024"),
    ("2024-12-31T23:30:00Z", "Europe/London", "M", "Dec 2024"),   # GMT: still 31 December
    ("2024-06-30T15:00:00Z", "Pacific/Auckland", "D", "1 Jul 2024"),
]


@pytest.mark.parametrize(("when", "tz", "freq", "label"), PERIOD_CASES)
def test_periods_start_at_midnight_where_the_service_is(when: str, tz: str, freq: str,
                                                        label: str) -> None:
    s = pd.Series([1.0], index=pd.DatetimeIndex([pd.Timestamp(when)]))
    got = periods.resample(s, freq, tz).sum()
    assert periods.labels(got.index, freq) == [label]
    assert str(got.index.tz) == tz


PARTIAL_CASES = [
    # period start (local), period kind, data end (UTC), partial?
    ("2025-06-23", "W", "2025-06-27T10:00:00Z", True),    # Friday: the week is not over
    ("2025-06-23", "W", "2025-06-29T08:00:00Z", False),   # the data reach Sunday
    ("2025-06-01", "M", "2025-06-29T23:30:00Z", False),   # 00:30 on 30 June in London
    ("2025-06-01", "M", "2025-06-29T22:30:00Z", True),    # 23:30 on 29 June
    ("2025-06-01", "M", "2025-06-30T08:00:00Z", False),
    ("2025-06-27", "D", "2025-06-27T00:01:00Z", False),   # a day the data reach is whole
]


@pytest.mark.parametrize(("start", "freq", "end", "partial"), PARTIAL_CASES)
def test_a_period_is_partial_when_the_data_end_before_its_last_day(
        start: str, freq: str, end: str, partial: bool) -> None:
    period = pd.Timestamp(start, tz="Europe/London")
    assert periods.is_partial(period, freq, pd.Timestamp(end)) is partial


def _weekly(values: list[float], data_end: str) -> spc.Chart:
    starts = list(pd.date_range("2024-01-01", periods=len(values), freq="7D",
                                tz="Europe/London"))
    return periods.period_chart(values, starts, "W", data_end=pd.Timestamp(data_end))


def test_the_partial_last_period_is_shown_but_never_a_signal() -> None:
    # twenty steady weeks and a last one cut short by the end of the data: far below the
    # limits, it would be a signal if it were tested
    values = [50.0 + (i % 3) for i in range(20)] + [4.0]
    partial = _weekly(values, "2024-05-21T12:00:00Z")   # Tuesday of the 21st week
    whole = _weekly(values, "2024-05-27T12:00:00Z")
    assert whole.partial is None and not whole.stable and whole.n == 21
    assert partial.partial == spc.PartialPoint("w/c 20 May 2024", 4.0,
                                               pd.Timestamp("2024-05-20", tz="Europe/London"))
    assert partial.n == 20 and partial.stable and partial.signals == ()
    assert partial.limits == spc.xmr(values[:20], labels=list(partial.labels)).limits
    assert partial.dates is not None and len(partial.dates) == 20
    fig = xmr_figure(partial, "weekly", title="Contacts per week", y_title="contacts",
                     x_title="week")
    spec = json.loads(fig.spec or "")
    marks = [layer["mark"] for layer in spec["vconcat"][0]["layer"]]
    ring = next(m for m in marks if isinstance(m, dict) and m.get("filled") is False)
    assert ring["type"] == "point"
    assert "partial" in texts(fig.svg)
    assert "w/c 20 May 2024 is partial" in fig.alt


def test_a_time_axis_shows_dates_in_the_service_zone() -> None:
    # a need met at 00:30 on 1 April in London is drawn on 1 April, not 31 March (UTC)
    met = pd.Series(pd.to_datetime(["2024-03-31T23:30:00Z", "2024-04-15T10:00:00Z",
                                    "2024-05-20T10:00:00Z"]))
    local = periods.local(met, "Europe/London")
    chart = spc.xmr([3.0, 5.0, 4.0], labels=[f"{t:%-d %b %Y}" for t in local])
    chart = dataclasses.replace(chart, dates=tuple(local))
    fig = xmr_figure(chart, "needs", title="Days per need", y_title="days")
    spec = json.loads(fig.spec or "")
    x = spec["vconcat"][0]["layer"][0]["encoding"]["x"]
    assert x["type"] == "temporal" and x["scale"]["type"] == "utc"
    points = next(d for d in spec["datasets"].values() if "label" in d[0])
    assert points[0]["date"] == "2024-04-01T00:30:00Z"
    assert chart.labels[0] == "1 Apr 2024"
    ticks = [t for t in texts(fig.svg) if DATE_TICK.match(t)]
    assert len(ticks) >= 3, texts(fig.svg)
    assert "31 Mar 2024" not in texts(fig.svg)


def test_percent_limits_are_drawn_within_0_and_100() -> None:
    values = [97.0, 99.0, 91.0, 100.0, 94.0, 99.5, 88.0, 100.0, 96.0, 92.0]
    chart = spc.xmr(values)
    assert (chart.limits[0].upper or 0) > 100   # the arithmetic's limit
    fig = xmr_figure(chart, "share", title="Share on time", y_title="%", x_title="month",
                     percent=True)
    spec = json.loads(fig.spec or "")
    layer = spec["vconcat"][0]["layer"]
    assert layer[0]["encoding"]["y"]["scale"]["domain"] == [0, 100]
    segments = next(d for d in spec["datasets"].values() if "upper" in d[0] and "end" in d[0])
    assert segments[0]["upper"] == 100.0
    assert "limits " in fig.alt and "to 100.0" in fig.alt


def test_captions_say_what_a_point_is_the_phases_and_the_rules() -> None:
    chart = spc.xmr([5.0, 6, 5, 7, 6, 5, 6, 2, 3, 2, 3, 2], labels=[f"w{i}" for i in
                                                                     range(12)], phases=[8])
    fig = xmr_figure(chart, "phased", title="Median days per week", y_title="days",
                     x_title="week", point="the median of the needs met in one week")
    spec = json.loads(fig.spec or "")
    subtitle = spec["vconcat"][0]["title"]["subtitle"]
    assert subtitle[0] == "Each point: the median of the needs met in one week."
    assert subtitle[1] == ("Limits in 2 phases, recalculated from w7 (a known change). "
                           "Rules: NHSRplotthedots 0.2.2 (Making Data Count).")
    for words in ("each the median of the needs met in one week", "limits in 2 phases",
                  "NHSRplotthedots"):
        assert words in fig.alt


def test_a_chart_of_thousands_of_needs_is_dots_over_time_and_a_small_file() -> None:
    rng = np.random.default_rng(3)
    n = 8000
    values = rng.gamma(2.0, 6.0, n)
    met = pd.date_range("2024-01-01", periods=n, freq="90min", tz="Europe/London")
    chart = spc.xmr(values, labels=[f"{t:%-d %b %Y}" for t in met],
                    improvement_direction="decrease")
    chart = dataclasses.replace(chart, dates=tuple(met))
    assert len(chart.signals) > 0
    fig = xmr_figure(chart, "capability", title="End-to-end days per need",
                     y_title="days", point="one need, at the date it was met")
    spec = json.loads(fig.spec or "")
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in spec["vconcat"][0]["layer"]]
    assert "line" not in marks and "circle" in marks   # points, not a black mass of line
    assert len(fig.svg) < 250_000, len(fig.svg)
    # signals are coloured dots, not labels
    assert 'stroke="#e07b00"' in fig.svg
    assert not any("in a row" in t for t in texts(fig.svg))
    ticks = [t for t in texts(fig.svg) if DATE_TICK.match(t)]
    assert len(ticks) >= 4


def test_bar_labels_are_whole() -> None:
    table = pd.DataFrame({
        "demand_type": ["Progress of my repair", "Letter or message unclear to the tenant",
                        "Leaks"],
        "value": [0, 0, 5], "failure": [40, 12, 0], "unknown": [0, 0, 0]})
    table["demand"] = table[["value", "failure", "unknown"]].sum(axis=1)
    fig = pareto_figure(table)
    words = " ".join(texts(fig.svg))
    assert "…" not in words
    for label in table["demand_type"]:
        assert all(w in words.split() for w in label.split()), label


def test_a_london_log_from_00_30_on_1_april_starts_on_1_april(tmp_path: Path) -> None:
    """Times without a zone are read in the service's zone, and every date the report and its
    charts show is a date there: the first need, the first week and month, the period."""
    from servicecheck import import_events
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.capability import by_period, capability
    from servicecheck.report import write_report
    from servicecheck.service.model import Service

    f = tmp_path / "log.csv"
    rows = ["case_id,activity,timestamp"]
    for i in range(14):   # a need a day, each met two days later
        day = pd.Timestamp("2024-04-01 00:30") + pd.Timedelta(days=i)
        rows += [f"C{i},Reported,{day:%d/%m/%Y %H:%M}",
                 f"C{i},Fixed,{day + pd.Timedelta(days=2, hours=i % 3):%d/%m/%Y %H:%M}"]
    f.write_text("\n".join(rows) + "\n")
    svc = Service(name="Repairs", timezone="Europe/London")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, f, service=svc, timestamp_format="%d/%m/%Y %H:%M")
        cap = capability(ws, svc)
        assert cap.chart.dates is not None
        assert f"{cap.chart.dates[0]:%d %b %Y %H:%M}" == "03 Apr 2024 00:30"
        view = by_period(cap, "W")
        assert view.table["label"].iloc[0] == "w/c 1 Apr 2024"
        assert view.days.partial is not None   # the data end on a Tuesday
        report = write_report(ws, tmp_path / "check.html")
    page = report.path.read_text(encoding="utf-8")
    assert "1 Apr 2024 to 16 Apr 2024" in page and "31 Mar 2024" not in page


def test_needs_still_open_are_drawn_apart_at_their_age_so_far() -> None:
    met = pd.date_range("2024-01-01", periods=30, freq="D", tz="Europe/London")
    chart = dataclasses.replace(spc.xmr([4.0 + i % 5 for i in range(30)]), dates=tuple(met))
    still_open = OpenNeeds(pd.Timestamp("2024-02-01 09:00", tz="Europe/London"), (40.0, 75.5))
    fig = xmr_figure(chart, "capability", title="End-to-end days per need", y_title="days",
                     still_open=still_open)
    spec = json.loads(fig.spec or "")
    triangles = [layer for layer in spec["vconcat"][0]["layer"]
                 if isinstance(layer["mark"], dict) and layer["mark"].get("shape") ==
                 "triangle-up"]
    assert len(triangles) == 1 and triangles[0]["mark"]["filled"] is False
    drawn = spec["datasets"][triangles[0]["data"]["name"]]
    assert drawn == [{"date": "2024-02-01T09:00:00Z", "value": 40.0},
                     {"date": "2024-02-01T09:00:00Z", "value": 75.5}]
    assert ("Hollow triangles: the 2 needs still open when the data end (1 Feb 2024), at "
            "their age so far, not in the limits.") in spec["vconcat"][0]["title"]["subtitle"]
    assert "still open" in fig.alt
    assert chart.limits == spc.xmr([4.0 + i % 5 for i in range(30)]).limits


def test_the_live_boards_daily_chart_has_dates() -> None:
    from servicecheck.web.board import board

    received = pd.date_range("2025-03-01", periods=40, freq="11h", tz="UTC")
    captured = pd.DataFrame({"received_at": received, "demand_type": "Leak",
                             "nature": "value"})
    b = board(captured, "Europe/London", today=pd.Timestamp("2025-03-20 12:00", tz="UTC"))
    assert b.chart is not None
    ticks = [t for t in texts(b.chart.svg) if DATE_TICK.match(t)]
    # from the first day captured, a label every day or every few days, evenly (a label
    # Vega hid to avoid an overlap was in its SVG; these are only the labels drawn)
    assert ticks[0] == "1 Mar 2025" and len(ticks) >= 5
    days = pd.to_datetime(pd.Series(sorted(set(ticks))), format="%d %b %Y").sort_values()
    days = days.diff().dropna()
    assert days.nunique() == 1 and days.iloc[0] <= pd.Timedelta(days=3)


@pytest.mark.parametrize(("dates", "want"), [
    # a column in a zone: its wall-clock reading, fractions of a second only where there are
    (pd.Series(pd.to_datetime(["2024-01-01 10:00", "2024-06-01 10:00:00.5",
                               "2024-03-31 02:30:00.000123"], format="ISO8601",
                              utc=True).tz_convert("Europe/London")),
     ["2024-01-01T10:00:00Z", "2024-06-01T11:00:00.500000Z", "2024-03-31T03:30:00.000123Z"]),
    (pd.to_datetime(["2024-01-01", "2024-02-01"]), ["2024-01-01T00:00:00Z",
                                                    "2024-02-01T00:00:00Z"]),
    ([pd.Timestamp("2024-01-01 12:00", tz="Europe/London")], ["2024-01-01T12:00:00Z"]),
    (pd.Series([], dtype="datetime64[ns, UTC]"), []),
    (["2024-07-01 09:30"], ["2024-07-01T09:30:00Z"]),
])
def test_wall_clock_writes_each_time_as_its_local_reading(dates: object, want: list[str]
                                                          ) -> None:
    assert wall_clock(dates) == want


WALL_CLOCK = [
    ("London across the clocks going forward", pd.date_range(
        "2024-03-30", periods=40, freq="3h", tz="Europe/London")),
    ("no zone", pd.date_range("2024-03-30", periods=40, freq="3h")),
    ("fractions of a second", pd.date_range("2024-03-30 00:00:00.5", periods=9, freq="7min",
                                            tz="UTC")),
    ("microseconds", pd.date_range("2024-10-26", periods=9, freq="D",
                                   tz="Europe/London").as_unit("us")),
    ("one time", pd.DatetimeIndex([pd.Timestamp("2024-01-01 10:00", tz="Europe/London")])),
]


@pytest.mark.parametrize(("name", "times"), WALL_CLOCK, ids=[w[0] for w in WALL_CLOCK])
def test_a_charts_dates_are_written_as_their_wall_clock(name: str, times: pd.DatetimeIndex
                                                        ) -> None:
    """A chart's dates (a tuple of Timestamps) are written as each one's own isoformat, read at
    once when they share a zone; mixed zones each in their own."""
    def one(t: pd.Timestamp) -> str:
        return (t.tz_localize(None) if t.tzinfo is not None else t).isoformat() + "Z"

    assert wall_clock(tuple(times)) == [one(t) for t in times]
    mixed = (*times, pd.Timestamp("2024-06-01 12:00", tz="America/New_York"))
    assert wall_clock(mixed) == [one(t) for t in mixed]
