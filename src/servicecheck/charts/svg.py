"""A small SVG writer for the charts drawn over and over (the process behaviour charts): axes
with nice ticks, dates on a time axis, text measured as it is placed so that the picture's
frame holds every label whole, dots as one path per colour. It draws what it is given and
computes no measure.

Why not Vega-Lite here: rendering a spec through vl-convert cost 0.4-0.5 s of CPU per chart,
one chart after another, and a report draws twenty; this writer draws one in milliseconds
(benchmarks/RESULTS.md, "Start-up"). The Vega-Lite spec of each chart is still made, when
asked for (``Figure.spec``: the assets folder, notebooks).

Times on a time axis are wall-clock readings in the service's zone written as naive
datetimes (``charts.xmr_points.wall_clock``): a tick at midnight is midnight where the service is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

from servicecheck.charts import FONT
from servicecheck.charts._font import BOLD, EXTRA, REGULAR
from servicecheck.measures.periods import DAY_FORMAT

DATE_FORMAT = DAY_FORMAT
AXIS, GRID, TEXT = "#888888", "#e4e4e4", "#222222"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in DejaVu Sans at ``size`` px (the font the charts name first,
    and Verdana's widths are the same or less); a character outside the table counts a
    whole em, more than any it holds, so that a label is never cut for want of room."""
    table = BOLD if bold else REGULAR
    em = 0
    for ch in text:
        code = ord(ch) - 32
        if 0 <= code < len(table):
            em += table[code]
        else:
            em += EXTRA.get(ch, (1000, 1000))[1 if bold else 0]
    return em * size / 1000


def wrap_to(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` on lines no wider than ``width`` px (a word longer than that keeps a line)."""
    if text_width(text, size, bold) <= width:
        return [text]
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def linear_ticks(lo: float, hi: float, count: int) -> list[float]:
    """Round ticks over [lo, hi], about ``count`` of them (1, 2 or 5 times a power of ten,
    as d3 and Vega choose them)."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    step = tick_step(lo, hi, count)
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


def tick_step(lo: float, hi: float, count: int) -> float:
    raw = (hi - lo) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    error = raw / power
    return power * (10 if error >= 7.07 else 5 if error >= 3.16 else 2 if error >= 1.41 else 1)


def nice(lo: float, hi: float, count: int) -> tuple[float, float]:
    """The domain widened to whole ticks."""
    if hi <= lo:
        # one value: a step either side, never below 0 for values that are not (a chart of
        # needs that all took no time drew "-1 minutes" on its axis)
        return (lo - 1 if lo < 0 or lo >= 1 else 0.0, hi + 1) if lo == hi else (hi, lo)
    step = tick_step(lo, hi, count)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def number_format(ticks: Sequence[float]) -> str:
    """One precision for every tick of an axis, as fine as the step between them."""
    if len(ticks) < 2:
        return ",.0f" if all(float(t).is_integer() for t in ticks) else ",.1f"
    step = abs(ticks[1] - ticks[0])
    return f",.{max(0, -math.floor(math.log10(step) + 1e-9))}f"


# steps a time axis may take, finest first: (how many, of what)
TIME_STEPS = ((1, "D"), (2, "D"), (1, "W"), (2, "W"), (1, "M"), (2, "M"), (3, "M"), (6, "M"),
              (1, "Y"), (2, "Y"), (5, "Y"), (10, "Y"), (20, "Y"), (50, "Y"), (100, "Y"))
_APPROX_DAYS = {"D": 1.0, "W": 7.0, "M": 30.44, "Y": 365.25}


# steps a time axis within a day or two may take, in hours, finest first
HOUR_STEPS = (1, 2, 3, 6, 12)


def time_label(t: pd.Timestamp) -> str:
    """A tick's label: the date at midnight, else the date and the time of day."""
    return f"{t:{DATE_FORMAT}}" if t == t.normalize() else f"{t:{DATE_FORMAT} %H:%M}"


def time_ticks(lo: pd.Timestamp, hi: pd.Timestamp, width: float, size: float
               ) -> list[pd.Timestamp]:
    """Midnights over [lo, hi] far enough apart for a date label each: days, Mondays, the
    first of a month or of a year, the finest step whose labels do not touch. Where fewer
    than two midnights fall within (one day's requests, reported between 11:31 and 23:45),
    whole hours, labelled with their time of day (``time_label``): an axis of no dates said
    nothing of when."""
    days = _midnight_ticks(lo, hi, width, size)
    if len(days) >= 2:
        return days
    room = text_width("00 May 0000 00:00", size) + 8
    span_hours = max((hi - lo) / pd.Timedelta(hours=1), 1e-9)
    for k in HOUR_STEPS:
        if width * k / span_hours >= room:
            hours = pd.date_range(lo.ceil(f"{k}h"), hi, freq=f"{k}h")
            return list(hours) if len(hours) >= 2 else days
    return days


def _midnight_ticks(lo: pd.Timestamp, hi: pd.Timestamp, width: float, size: float
                    ) -> list[pd.Timestamp]:
    room = text_width("00 May 0000", size) + 8
    span_days = max((hi - lo) / pd.Timedelta(days=1), 1e-9)
    for k, unit in TIME_STEPS:
        if width * k * _APPROX_DAYS[unit] / span_days >= room or (k, unit) == TIME_STEPS[-1]:
            break
    start = lo.normalize()
    if unit in ("D", "W"):
        days = pd.date_range(start, hi, freq="W-MON" if unit == "W" else "D")
        ticks = list(days[::k])
    elif unit == "M":
        ticks = [t for t in pd.date_range(start.replace(day=1), hi, freq="MS")
                 if (t.month - 1) % k == 0]
    else:
        ticks = [t for t in pd.date_range(start.replace(month=1, day=1), hi, freq="YS")
                 if t.year % k == 0]
    return [t for t in ticks if lo <= t <= hi]


@dataclass
class Canvas:
    """SVG elements and the box that holds them all, text included (measured)."""

    parts: list[str] = field(default_factory=list)
    box: list[float] = field(default_factory=lambda: [math.inf, math.inf, -math.inf, -math.inf])

    def cover(self, x0: float, y0: float, x1: float, y1: float) -> None:
        b = self.box
        b[0], b[1] = min(b[0], x0, x1), min(b[1], y0, y1)
        b[2], b[3] = max(b[2], x0, x1), max(b[3], y0, y1)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, lines: str | Sequence[str], *, size: float = 10,
             anchor: str = "start", bold: bool = False, fill: str = TEXT,
             rotate: bool = False, line_height: float | None = None) -> None:
        """Text whose first line's baseline is at ``y``; ``rotate`` turns it to read upwards
        about (x, y). Each line is a tspan of its own."""
        rows = [lines] if isinstance(lines, str) else list(lines)
        step = line_height or size * 1.25
        widest = max((text_width(r, size, bold) for r in rows), default=0.0)
        left = {"start": 0.0, "middle": -widest / 2, "end": -widest}[anchor]
        # the box: ascent about 0.95 of the size above the baseline, descent 0.25 below
        top, bottom = -0.95 * size, 0.25 * size + step * (len(rows) - 1)
        if rotate:
            self.cover(x + top, y - left - widest, x + bottom, y - left)
        else:
            self.cover(x + left, y + top, x + left + widest, y + bottom)
        attrs = (f'x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}"'
                 + (f' text-anchor="{anchor}"' if anchor != "start" else "")
                 + (' font-weight="bold"' if bold else "")
                 + (f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""))
        if len(rows) == 1:
            self.add(f"<text {attrs}>{escape(rows[0], quote=False)}</text>")
        else:
            spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else step:g}">'
                            f"{escape(r, quote=False)}</tspan>" for i, r in enumerate(rows))
            self.add(f"<text {attrs}>{spans}</text>")

    def axis(self, which: str, title: str, scale: str, line: str,
             labels: Sequence[tuple[float, float, str | Sequence[str]]], *,
             anchor: str, line_height: float | None = None) -> None:
        """An axis's line and ticks (path data) and its labels, in a group named as Vega
        names one ("X-axis titled 'week' for a utc scale"), which a reader's tools find.
        Left open for the caller's title: the caller closes the group."""
        self.add(f'<g class="mark-group role-axis" role="graphics-object" '
                 f'aria-roledescription="axis" aria-label="{which}-axis titled '
                 f'\'{escape(title)}\' for a {scale} scale">')
        self.path(line, stroke=AXIS)
        self.add('<g class="role-axis-label">')
        for x, y, text in labels:
            self.text(x, y, text, anchor=anchor, line_height=line_height)
        self.add("</g>")

    def path(self, d: str, *, stroke: str = "none", fill: str = "none", width: float = 1,
             dash: str | None = None, cap: str | None = None) -> None:
        if d:
            self.add(f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width:g}"'
                     + (f' stroke-dasharray="{dash}"' if dash else "")
                     + (f' stroke-linecap="{cap}"' if cap else "") + "/>")

    def svg(self, pad: float = 5) -> str:
        x0, y0 = math.floor(self.box[0] - pad), math.floor(self.box[1] - pad)
        w, h = math.ceil(self.box[2] + pad - x0), math.ceil(self.box[3] + pad - y0)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="{w}" '
                f'height="{h}" viewBox="{x0} {y0} {w} {h}" '
                f'font-family="{FONT}">'
                f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="white"/>'
                + "".join(self.parts) + "</svg>")


@dataclass(frozen=True)
class Scale:
    """A linear map from data to pixels: values in [lo, hi] to [a, b]."""

    lo: float
    hi: float
    a: float
    b: float

    def __call__(self, v: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.a + (v - self.lo) * (self.b - self.a) / span

    def many(self, v: np.ndarray) -> np.ndarray:
        span = self.hi - self.lo or 1.0
        return self.a + (np.asarray(v, dtype=float) - self.lo) * (self.b - self.a) / span


def as_times(values: Iterable[object]) -> np.ndarray:
    """Wall-clock times (``wall_clock``'s ISO 8601 strings, ending in Z) as nanoseconds, for a
    scale: Arrow reads them in C, many times faster than a loop over a string column."""
    import pyarrow as pa

    text = values if isinstance(values, pd.Series) else list(values)
    times = pa.array(text, type=pa.string()).cast(pa.timestamp("ns", tz="UTC"))
    return np.asarray(times.cast(pa.int64()), dtype=np.int64)


@dataclass
class Panel:
    """One plot: its frame on the canvas (left, top, width, height) and its two scales."""

    canvas: Canvas
    left: float
    top: float
    width: float
    height: float
    x: Scale
    y: Scale
    dated: bool

    def px(self, xs: np.ndarray) -> np.ndarray:
        return self.x.many(xs)

    def py(self, ys: np.ndarray) -> np.ndarray:
        return self.y.many(ys)

    def y_axis(self, title: str, *, grid: bool, count: int) -> None:
        c = self.canvas
        c.cover(self.left, self.top, self.left + self.width, self.top + self.height)
        ticks = linear_ticks(self.y.lo, self.y.hi, count)
        fmt = number_format(ticks)
        labels = [format(t, fmt) for t in ticks]
        if grid:
            c.path("".join(f"M{self.left:.1f},{self.y(t):.1f}h{self.width:.1f}" for t in ticks),
                   stroke=GRID)
        c.axis("Y", title, "linear", f"M{self.left:.1f},{self.top:.1f}v{self.height:.1f}"
               + "".join(f"M{self.left - 5:.1f},{self.y(t):.1f}h5" for t in ticks),
               [(self.left - 7, self.y(t) + 3.5, label) for t, label in zip(ticks, labels,
                                                                             strict=True)],
               anchor="end")
        widest = max((text_width(s, 10) for s in labels), default=0.0)
        x = self.left - 7 - widest - 8
        lines = wrap_to(title, max(self.height, 60), 11, bold=True)
        # lines read upwards, the first furthest out; centred on the plot's height
        for i, line in enumerate(lines):
            c.text(x - 13 * (len(lines) - 1 - i), self.top + self.height / 2, line, size=11,
                   bold=True, anchor="middle", rotate=True)
        c.add("</g>")

    def x_axis(self, title: str) -> None:
        c = self.canvas
        bottom = self.top + self.height
        if self.dated:
            lo, hi = pd.Timestamp(int(self.x.lo)), pd.Timestamp(int(self.x.hi))
            times = time_ticks(lo, hi, self.width, 10)
            ticks = [float(t.value) for t in times]
            labels = [time_label(t) for t in times]
        else:
            ticks = linear_ticks(self.x.lo, self.x.hi, max(2, int(self.width // 80)))
            fmt = number_format(ticks)
            labels = [format(t, fmt) for t in ticks]
        # labels centred on their ticks (the frame grows to hold the first and the last)
        c.axis("X", title, "utc" if self.dated else "linear",
               f"M{self.left:.1f},{bottom:.1f}h{self.width:.1f}"
               + "".join(f"M{self.x(t):.1f},{bottom:.1f}v5" for t in ticks),
               [(self.x(t), bottom + 17, label) for t, label in zip(ticks, labels, strict=True)],
               anchor="middle")
        c.text(self.left + self.width / 2, bottom + 33, title, size=11, bold=True,
               anchor="middle")
        c.add("</g>")


def line_path(xs: np.ndarray, ys: np.ndarray, *, steps_to: float | None = None) -> str:
    """A line through the points, broken where a value is missing; with ``steps_to`` a step
    line instead (each value held until the next point's x, the last until ``steps_to``)."""
    out: list[str] = []
    pen = False
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if not math.isfinite(y):
            pen = False
            continue
        out.append(f"{'L' if pen else 'M'}{x:.1f},{y:.1f}")
        if steps_to is not None:
            out.append(f"H{xs[i + 1] if i + 1 < len(xs) else steps_to:.1f}")
        pen = True
    return "".join(out)


def dots(c: Canvas, xs: np.ndarray, ys: np.ndarray, colours: Sequence[str], radius: float
         ) -> None:
    """Dots as zero-length round-capped strokes ("M x,y h0"), one path per run of a colour
    in the order given (what comes later is drawn on top): thousands of dots in a few KB."""
    runs: list[tuple[str, list[str]]] = []
    drawn = np.isfinite(xs) & np.isfinite(ys)
    for x, y, colour in zip(xs[drawn].tolist(), ys[drawn].tolist(),
                            np.asarray(colours, dtype=object)[drawn].tolist(), strict=True):
        if not runs or runs[-1][0] != colour:
            runs.append((colour, []))
        runs[-1][1].append(f"M{x:.1f},{y:.1f}h0")
    for colour, moves in runs:
        c.path("".join(moves), stroke=colour, width=2 * radius, cap="round")


def symbol_radius(area: float) -> float:
    """The radius of a circle of ``area`` square pixels (Vega's symbol size)."""
    return math.sqrt(area / math.pi)


def legend(c: Canvas, x: float, y: float, entries: Sequence[tuple[str, str]]) -> None:
    """A row of coloured dots with their names, baseline ``y``."""
    for colour, name in entries:
        dots(c, np.array([x + 4]), np.array([y - 3.5]), [colour], 4)
        c.text(x + 12, y, name)
        x += 12 + text_width(name, 10) + 14

