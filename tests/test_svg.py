"""The SVG writer the charts are drawn with: round ticks, dates far enough apart to read, every
label inside the picture's frame, per-point limits drawn as steps."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from servicecheck import spc
from servicecheck.charts.svg import (
    Canvas,
    line_path,
    linear_ticks,
    number_format,
    text_width,
    time_label,
    time_ticks,
    wrap_to,
)

LINEAR = [
    # lo, hi, about how many, ticks
    (0, 8, 7, [0, 1, 2, 3, 4, 5, 6, 7, 8]),
    (0, 100, 4, [0, 20, 40, 60, 80, 100]),
    (0, 0.9, 3, [0, 0.2, 0.4, 0.6, 0.8]),
    (-30, 55, 4, [-20, 0, 20, 40]),
    (0, 14000, 6, [0, 2000, 4000, 6000, 8000, 10000, 12000, 14000]),
]


@pytest.mark.parametrize(("lo", "hi", "count", "ticks"), LINEAR)
def test_linear_ticks_are_round(lo: float, hi: float, count: int, ticks: list[float]) -> None:
    assert linear_ticks(lo, hi, count) == pytest.approx(ticks)


@pytest.mark.parametrize(("ticks", "labels"), [
    ([0, 0.5, 1.0], ["0.0", "0.5", "1.0"]),
    ([0, 20, 40], ["0", "20", "40"]),
    ([0, 2000, 4000], ["0", "2,000", "4,000"]),
    ([0.1, 0.2], ["0.1", "0.2"]),
])
def test_every_tick_of_an_axis_has_one_precision(ticks: list[float], labels: list[str]
                                                 ) -> None:
    fmt = number_format(ticks)
    assert [format(t, fmt) for t in ticks] == labels


TIMES = [
    # first, last, width in pixels, the labels expected (a prefix of them)
    ("2025-03-01", "2025-03-20", 720, ["1 Mar 2025", "3 Mar 2025", "5 Mar 2025"]),  # days
    # Mondays; the first point is at 00:30, after the midnight that starts 1 April
    ("2024-04-01 00:30", "2024-05-20", 720, ["8 Apr 2024", "15 Apr 2024", "22 Apr 2024"]),
    ("2024-01-01", "2025-06-27", 720, ["1 Jan 2024", "1 Mar 2024", "1 May 2024"]),
    ("2019-03-05", "2024-06-01", 720, ["1 Jan 2020", "1 Jan 2021", "1 Jan 2022"]),
    ("2024-01-01", "2025-06-27", 200, ["1 Jan 2024", "1 Jan 2025"]),  # narrow: years
    # within one day (NYC 311's requests of 28 Feb 2023): hours, not an axis with no date
    ("2023-02-28 11:31", "2023-02-28 23:45", 720,
     ["28 Feb 2023 12:00", "28 Feb 2023 14:00", "28 Feb 2023 16:00"]),
    ("2024-03-05 08:00", "2024-03-05 13:00", 400, ["5 Mar 2024 08:00", "5 Mar 2024 10:00"]),
    # one midnight within: hours across it, the midnight told as its date
    ("2024-03-05 18:00", "2024-03-06 06:00", 720,
     ["5 Mar 2024 18:00", "5 Mar 2024 20:00", "5 Mar 2024 22:00", "6 Mar 2024"]),
]


@pytest.mark.parametrize(("first", "last", "width", "labels"), TIMES)
def test_a_time_axis_has_dates_far_enough_apart_to_read(first: str, last: str, width: int,
                                                        labels: list[str]) -> None:
    ticks = time_ticks(pd.Timestamp(first), pd.Timestamp(last), width, 10)
    shown = [time_label(t) for t in ticks]
    assert shown[:len(labels)] == labels
    span = pd.Timestamp(last) - pd.Timestamp(first)
    room = max(text_width(label, 10) for label in shown)
    # the labels, centred on their ticks, never touch
    gaps = [(b - a) / span * width for a, b in itertools.pairwise(ticks)]
    assert all(g > room for g in gaps), gaps
    assert all(pd.Timestamp(first) <= t <= pd.Timestamp(last) for t in ticks)


def test_text_is_measured_in_the_font_the_charts_name() -> None:
    # DejaVu Sans: "0" is 0.636 em, "W" 0.989 em, bold wider; a character the table lacks
    # counts a whole em, so that a label is never drawn wider than measured
    assert text_width("00", 10) == pytest.approx(12.72)
    assert text_width("W", 10, bold=True) > text_width("W", 10)
    assert text_width("中", 10) == pytest.approx(10)
    assert wrap_to("a b c", 1000, 10) == ["a b c"]
    assert all(text_width(line, 11) <= 80 for line in
               wrap_to("End-to-end days: Heating and hot water", 80, 11))


def test_the_frame_holds_every_label_whole() -> None:
    c = Canvas()
    c.text(700, 20, "a long label at the right edge of a chart", anchor="start")
    c.text(0, 200, "a title read upwards", rotate=True, anchor="middle")
    svg = c.svg()
    x0, y0, w, h = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert x0 + w >= 700 + text_width("a long label at the right edge of a chart", 10)
    assert y0 <= 200 - text_width("a title read upwards", 10) / 2
    assert y0 + h >= 200 + text_width("a title read upwards", 10) / 2


def test_a_line_breaks_where_a_value_is_missing_and_steps_hold_each_value() -> None:
    import numpy as np

    xs, ys = np.array([0.0, 10, 20, 30]), np.array([5.0, np.nan, 7, 8])
    assert line_path(xs, ys) == "M0.0,5.0M20.0,7.0L30.0,8.0"
    assert line_path(xs, ys, steps_to=40) == "M0.0,5.0H10.0M20.0,7.0H30.0L30.0,8.0H40.0"


def test_limits_that_move_with_each_point_are_drawn_as_steps() -> None:
    from servicecheck.charts.xmr import xmr_figure

    share = spc.qic([40, 45, 50, 42], [100, 400, 1000, 300], chart="pp")
    fig = xmr_figure(share, "share", title="failure demand", y_title="% failure",
                     x_title="week", percent=True)
    dashed = re.findall(r'<path d="([^"]+)"[^>]*stroke-dasharray="4,3"', fig.svg)
    steps = [d for d in dashed if "H" in d and d.count("M") == 1]
    assert len(steps) == 2   # the upper and the lower limit, each one step line
    assert all(d.count("H") == 4 for d in steps)   # each point's limit held to the next
    # a percentage: the axis from 0 to 100
    assert re.findall(r'text-anchor="end">(\d+)</text>', fig.svg)[-1] == "100"
