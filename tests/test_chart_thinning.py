"""A chart of thousands of needs is thinned from numbers alone (each point's wall-clock time
in nanoseconds, its value, whether a signal marks it) and writes text, its dates, labels and
the signals' reasons, for the points it keeps: what it draws is what the frame of every point,
with its text, thinned as before in pandas, gave; on a table of cases."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from servicecheck import spc
from servicecheck.charts.svg import as_times
from servicecheck.charts.xmr import xmr_parts
from servicecheck.charts.xmr_points import HEIGHT, MAX_POINTS, WIDTH, chart_frame, wall_ns
from servicecheck.charts.xmr_svg import xmr_svg
from servicecheck.narrative.signals import signal_words
from tests.test_charts import texts

LONDON = pd.date_range("2024-01-01", periods=8000, freq="90min", tz="Europe/London")
MIXED = tuple(t.tz_convert("America/New_York") if i % 3 == 0 else t
              for i, t in enumerate(LONDON[:5000]))
MISSING = LONDON[:6000].insert(2500, pd.NaT).delete(2501)

CASES: list[tuple[str, Any, int] | tuple[str, Any, int, str]] = [
    # name, the chart's dates (None: numbered points), points (, preset: ptd by default)
    ("London across the clocks, an index", LONDON, 8000),
    ("Wheeler's rules: a point in several signals", LONDON[:5000], 5000, "wheeler"),
    ("London, a tuple of Timestamps", tuple(LONDON[:3000]), 3000),
    ("no zone", pd.date_range("2024-03-30", periods=7000, freq="47min"), 7000),
    ("fractions of a second", pd.date_range("2024-03-30 00:00:00.5", periods=6000,
                                            freq="1234567us", tz="UTC"), 6000),
    ("nanoseconds", pd.date_range("2024-03-30", periods=4000, freq="1234567891ns",
                                  tz="Europe/London"), 4000),
    ("mixed zones", MIXED, 5000),
    ("a date missing (NaT)", MISSING, 6000),
    ("fewer than the thinning threshold", LONDON[:600], 600),
    ("at the threshold", LONDON[:MAX_POINTS], MAX_POINTS),
    ("one beyond it", LONDON[:MAX_POINTS + 1], MAX_POINTS + 1),
    ("numbered points", None, 5000),
]


def chart_of(dates: Any, n: int, preset: str = "ptd") -> spc.Chart:
    """Needs whose times fall after a change, so that there are signals (and two phases, but
    for Wheeler's rules, of one set of limits)."""
    rng = np.random.default_rng(n)
    values = np.r_[rng.gamma(2.0, 6.0, n // 2), rng.gamma(2.0, 3.0, n - n // 2)]
    chart = spc.xmr(values, preset=preset, labels=[f"need {i}" for i in range(n)],
                    **({} if preset == "wheeler" else {"phases": [n // 2 + 1],
                                                       "improvement_direction": "decrease"}))
    return dataclasses.replace(chart, dates=dates)


def cells_before(frame: pd.DataFrame, column: str, height: int = HEIGHT) -> pd.DataFrame:
    """``per_cell`` as it was, on the frame of every point in pandas: the reference (a point
    with no date left out too, where the old form stopped)."""
    data = frame[frame[column].notna() & (frame["x"] != pd.NaT.value)]
    if len(data) <= MAX_POINTS:
        return data
    span_x = float(data["x"].max() - data["x"].min()) or 1.0
    span_y = float(data[column].max() - data[column].min()) or 1.0
    cx = ((data["x"] - data["x"].min()) / span_x * WIDTH // 2.0).astype(int)
    cy = ((data[column] - data[column].min()) / span_y * height // 2.0).astype(int)
    order = data.assign(_cx=cx, _cy=cy, _s=(data["kind"] != "signal").astype(int))
    kept = order.sort_values(["_s"], kind="stable").drop_duplicates(["_cx", "_cy"])
    return data.loc[sorted(kept.index)]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_thinned_chart_is_the_one_thinned_from_every_points_text(
        case: tuple[Any, ...]) -> None:
    _, dates, n, *preset = case
    chart = chart_of(dates, n, *preset)
    assert chart.signals and len(chart.limits) == (1 if preset else 2)
    parts = xmr_parts(chart, title="End-to-end days per need", y_title="days")
    frame = chart_frame(chart)  # text written for every point: what was thinned before
    # each point's reason that of the last signal marking it, as a reason per point gave
    reasons = {p: signal_words(chart, s) for s in chart.signals for p in s.points}
    assert frame["signal"].tolist() == [reasons.get(p, "") for p in frame["point"]]
    if preset:  # points in several signals
        assert sum(len(s.points) for s in chart.signals) > len(reasons)
    x_name, large = parts.x_name, n > MAX_POINTS
    assert x_name == ("point" if dates is None else "date")

    def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
        assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))

    want = cells_before(frame, "value").sort_values("kind", kind="stable")
    same(parts.dots, want[[x_name, "value", "kind", *(() if large else ("label", "signal"))]])
    assert parts.mr is not None
    same(parts.mr, cells_before(frame, "moving_range", height=90)[[x_name, "moving_range"]])
    if large:
        # no text for every point: a few thousand drawn are written, not 13M
        assert 900 < len(parts.dots) < n and len(parts.mr) < n
        assert list(parts.df.columns) == ["point", "value", "kind", "moving_range", "x"]
    else:
        same(parts.df, frame)
    dated = frame[frame["x"] != pd.NaT.value]
    if dates is not None:
        # x as the number the wall-clock text reads: what it was read back from before
        assert (dated["x"].to_numpy() == as_times(dated["date"])).all()
    # each phase from its earliest point to where the next begins, the last to its latest
    starts, ends = [], []
    for i, lim in enumerate(chart.limits):
        phase = dated[dated["point"].between(lim.first_point, lim.last_point)]
        starts.append(phase.loc[phase["x"].idxmin(), x_name])
        ends.append(frame[x_name].iloc[chart.limits[i + 1].first_point - 1]
                    if i + 1 < len(chart.limits) else phase.loc[phase["x"].idxmax(), x_name])
    assert (parts.phases[x_name].tolist(), parts.phases["end"].tolist()) == (starts, ends)


def test_a_missing_date_is_no_point_on_a_chart_of_dates() -> None:
    chart = chart_of(MISSING, 6000)
    parts = xmr_parts(chart, title="t", y_title="days")
    assert "NaTZ" not in set(parts.dots["date"]) | set(parts.phases["date"])
    assert wall_ns(MISSING)[2500] == pd.NaT.value
    # drawn on the dates there are: the first and last ticks those of the dated needs
    ticks = [t for t in texts(xmr_svg(parts)) if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", t)]
    assert ticks and all(2024 <= pd.Timestamp(t).year <= 2025 for t in ticks)


@pytest.mark.parametrize("rows", [[0], [4, 1, 3], list(range(6)), [5, 5]])
def test_a_charts_frame_of_some_points_is_those_rows_of_every_point(rows: list[int]) -> None:
    chart = spc.xmr([5.0, 9.0, 4.0, 30.0, 6.0, 5.0], labels=list("abcdef"))
    whole = chart.to_pandas()
    assert_frame_equal(chart.to_pandas(np.array(rows, dtype=np.int64)),
                       whole.iloc[rows].reset_index(drop=True))
