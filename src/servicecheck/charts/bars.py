"""Horizontal bar charts drawn as SVG (the demand types, where the citizens' days go): a
band per label, each label whole (wrapped, never cut), the bars stacked in the order given,
a legend where there is more than one series. Draws what it is given, computes nothing."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from servicecheck.charts.svg import Canvas, legend, linear_ticks, nice, number_format

LABEL_CHARS = 26  # a label is wrapped onto lines of this many characters (as bar_axis does)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float]


def bars_svg(labels: Sequence[str], series: Sequence[Series], *, title: str, x_title: str,
             width: float, height: float, percent: bool = False) -> str:
    c = Canvas()
    c.text(0, 13, title, size=13, bold=True)
    top = 30.0
    if len(series) > 1:
        legend(c, 0, top + 8, [(s.colour, s.name) for s in series])
        top += 24
    totals = np.sum([np.asarray(s.values, dtype=float) for s in series], axis=0)
    hi = float(np.nanmax(totals)) if len(labels) else 1.0
    count = max(2, int(width // 80))
    lo, hi = nice(0.0, hi if hi > 0 else 1.0, count)
    scale = width / (hi - lo)
    band = height / max(len(labels), 1)
    bar = band * 0.9
    # bars, stacked left to right in the order of the series
    start = np.zeros(len(labels))
    for s in series:
        v = np.nan_to_num(np.asarray(s.values, dtype=float))
        rects = "".join(
            f'<rect x="{a * scale:.1f}" y="{top + i * band + (band - bar) / 2:.1f}" '
            f'width="{w * scale:.1f}" height="{bar:.1f}"/>'
            for i, (a, w) in enumerate(zip(start, v, strict=True)) if w > 0)
        if rects:
            c.add(f'<g fill="{s.colour}">{rects}</g>')
        start = start + v
    bottom = top + height
    # the label axis: each label whole, on lines of LABEL_CHARS characters, centred on its bar
    lines = [textwrap.wrap(str(label), LABEL_CHARS) or [str(label)] for label in labels]
    c.axis("Y", "", "band", f"M0,{top:.1f}V{bottom:.1f}",
           [(-7, top + (i + 0.5) * band + 3.5 - 6 * (len(rows) - 1), rows)
            for i, rows in enumerate(lines)], anchor="end", line_height=12)
    c.add("</g>")
    ticks = linear_ticks(lo, hi, count)
    fmt = number_format([100 * t for t in ticks]) if percent else number_format(ticks)
    c.axis("X", x_title, "linear", f"M0,{bottom:.1f}h{width:.1f}"
           + "".join(f"M{t * scale:.1f},{bottom:.1f}v5" for t in ticks),
           [(t * scale, bottom + 17, format(100 * t, fmt) + "%" if percent else format(t, fmt))
            for t in ticks], anchor="middle")
    c.text(width / 2, bottom + 33, x_title, size=11, bold=True, anchor="middle")
    c.add("</g>")
    return c.svg()

