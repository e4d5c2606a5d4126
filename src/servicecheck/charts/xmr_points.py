"""A process behaviour chart's points as data, for drawing: every point as numbers (its
wall-clock time, value, moving range and whether a signal marks it), the reduction of a
scatter of thousands of needs to one point a pixel cell, and the text of the points drawn (their
dates, labels and the signals' reasons), written for those alone: a chart of 13M needs draws
a few thousand (``charts.xmr.xmr_parts`` reads them).

Times on a chart are each point's wall-clock reading in its own zone, written as UTC for a
"utc" scale, so that the renderer's own zone never shifts a day.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from servicecheck.narrative.signals import signal_words
from servicecheck.spc import Chart

MAX_POINTS = 1000  # beyond this the points are drawn one per pixel cell, with no line
WIDTH = 720
HEIGHT = 260


def per_cell(df: pd.DataFrame, column: str, cell: float = 2.0, height: int = HEIGHT
             ) -> pd.DataFrame:
    """One point per ``cell``-pixel square (a signal before a common-cause point): a scatter
    of thousands of needs looks the same and its file stays small. A point with no value, or
    with no date on a chart of dates, is not drawn. In arrays, not frames: a chart of 13M
    needs copied its frame of every point four times to keep a few thousand."""
    x = df["x"].to_numpy()
    at = np.flatnonzero(df[column].notna().to_numpy() & (x != pd.NaT.value))
    if len(at) <= MAX_POINTS:
        return df.iloc[at]
    x, y = x[at], df[column].to_numpy(dtype=float)[at]
    span_x = float(x.max() - x.min()) or 1.0
    span_y = float(y.max() - y.min()) or 1.0
    cx = ((x - x.min()) / span_x * WIDTH // cell).astype(int)
    cy = ((y - y.min()) / span_y * height // cell).astype(int)
    # signals first, then each cell's first point in that order
    order = np.argsort((df["kind"] != "signal").to_numpy()[at].astype(np.int8), kind="stable")
    _, first = np.unique((cx * (int(cy.max()) + 1) + cy)[order], return_index=True)
    return df.iloc[at[np.sort(order[first])]]


def _column(dates: Any) -> pd.Series:
    """Times as a column. A chart's dates are a tuple of Timestamps: pandas reads each
    object's zone and unit in turn (6 s for the 1.3M needs of a 10M-event log); when they
    share one zone their instants are read at once instead (0.7 s)."""
    first = dates[0] if isinstance(dates, tuple) and dates else None
    if isinstance(first, pd.Timestamp):  # (NaT is not a Timestamp)
        zone = first.tz
        if all(isinstance(d, pd.Timestamp) and d.tz is zone
               for d in dates):
            ns = np.fromiter((d.value for d in dates), dtype=np.int64, count=len(dates))
            when = pd.to_datetime(ns, utc=zone is not None)
            return pd.Series(when.tz_convert(zone) if zone is not None else when)
    return pd.Series(dates)


def wall_clock(dates: Any) -> list[str]:
    """Times as their wall-clock reading in their own zone, written as UTC for a utc scale."""
    column = _column(dates)
    if isinstance(column.dtype, pd.DatetimeTZDtype) or column.dtype.kind == "M":
        # a column of one zone: written at once, as isoformat writes each (fractions of a
        # second only where there are some); a chart of every need has thousands, and
        # numpy writes them fifty times faster than pandas' strftime
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            column = column.dt.tz_localize(None)
        if not (column.dt.nanosecond != 0).any() and not column.isna().any():
            us = column.to_numpy(dtype="datetime64[us]")
            whole = us.astype("datetime64[s]")
            fraction = (us - whole).astype(np.int64)
            return [f"{t}Z" if f == 0 else f"{t}.{f:06d}Z" for t, f in
                    zip(np.datetime_as_string(whole, unit="s"), fraction, strict=True)]
    return [_wall(d).isoformat() + "Z" for d in dates]


def _wall(d: Any) -> pd.Timestamp:
    """One time as its wall-clock reading in its own zone, with no zone."""
    t = pd.Timestamp(d)
    return t.tz_localize(None) if t.tzinfo is not None else t


def wall_ns(dates: Any) -> np.ndarray:
    """Times as their wall-clock reading in their own zone, in nanoseconds (what
    ``wall_clock`` writes, as a number; a time with no date is NaT's integer): a chart's x,
    read at once from its dates, never from text written for every point."""
    column = _column(dates)
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_localize(None)
    if column.dtype.kind == "M":
        return column.to_numpy(dtype="datetime64[ns]").view(np.int64)
    # mixed zones (or none given): each in its own, as wall_clock writes each
    return np.array([pd.NaT.value if pd.isna(t := _wall(d)) else t.as_unit("ns").value
                     for d in dates], dtype=np.int64)


def dates_at(dates: Any, rows: np.ndarray) -> Any:
    """The dates of the points at ``rows`` (0-based): an index of them, or a list."""
    if isinstance(dates, pd.Index):
        return dates[rows]
    return [dates[i] for i in rows.tolist()]


def _signal_of(chart: Chart) -> np.ndarray:
    """For each point, the place in ``chart.signals`` of the last signal that marks it (the
    one whose words it is given), or -1."""
    which = np.full(chart.n, -1, dtype=np.int64)
    sizes = [len(s.points) for s in chart.signals]
    points = np.fromiter(itertools.chain.from_iterable(s.points for s in chart.signals),
                         dtype=np.intp, count=sum(sizes))
    # the latest signal of a point is the one of the largest place: ufunc.at, unlike an
    # assignment, says which of a point's repeated places is kept
    np.maximum.at(which, points - 1, np.repeat(np.arange(len(sizes)), sizes))
    return which


KINDS = ["common cause", "signal"]  # what a point is, in the legend and the colours


def chart_points(chart: Chart) -> pd.DataFrame:
    """Every point as numbers, what the reductions to a pixel read: point, value,
    moving_range, x (wall-clock nanoseconds on a dated chart, else the point) and kind (a
    category: a byte a point). A chart of millions of needs writes text for the points it
    draws alone (``chart_frame``)."""
    mr = chart.moving_ranges
    x = (wall_ns(chart.dates) if chart.dates is not None and len(chart.dates) == chart.n
         else np.arange(1, chart.n + 1))
    return pd.DataFrame({
        "point": np.arange(1, chart.n + 1), "value": chart.values,
        "kind": pd.Categorical.from_codes((_signal_of(chart) >= 0).astype(np.int8),
                                           pd.Index(KINDS)),
        "moving_range": mr if mr.shape[0] == chart.n else np.nan, "x": x})


def chart_frame(chart: Chart, rows: Any = None) -> pd.DataFrame:
    """One row per point with its words: its limits, label, the reason of the signal that
    marks it, kind and date; of the points at ``rows`` alone (0-based, in order) when given."""
    at = np.arange(chart.n) if rows is None else np.asarray(rows, dtype=np.intp)
    df = chart.to_pandas(None if rows is None else at)
    which = _signal_of(chart)[at]
    # each signal's words once, however many of its points are drawn
    words = {int(i): signal_words(chart, chart.signals[i]) for i in np.unique(which[which >= 0])}
    df["signal"] = [words.get(i, "") for i in which.tolist()]
    df["kind"] = np.where(which >= 0, KINDS[1], KINDS[0])
    mr = chart.moving_ranges
    df["moving_range"] = mr[at] if mr.shape[0] == chart.n else np.nan
    if chart.dates is not None and len(chart.dates) == chart.n:
        dates = dates_at(chart.dates, at)
        df["date"] = wall_clock(dates)
        df["x"] = wall_ns(dates)  # nanoseconds, for the pixel reductions and the scale
    else:
        df["x"] = df["point"]
    return df
