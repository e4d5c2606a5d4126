"""An XmR chart drawn as SVG from its layers (``charts.xmr.xmr_parts``): the X chart with
its title, the rule set and what a point is, the limits per phase (or per point, as steps),
the points with signals in colour, the team's changes marked and labelled, the partial last
period hollow, the needs still open apart; the mR chart beneath. Dates on a time axis are the
service's wall-clock dates. Nothing is computed here but where things go."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from servicecheck.charts.svg import (
    Canvas,
    Panel,
    Scale,
    as_times,
    dots,
    legend,
    line_path,
    nice,
    symbol_radius,
)
from servicecheck.charts.xmr import INK, LIMIT, SIGNAL, XmrParts
from servicecheck.charts.xmr_points import HEIGHT, WIDTH

MR_HEIGHT = 90
MR_INK = "#7a7a7a"
COLOURS = {"common cause": INK, "signal": SIGNAL}


def xmr_svg(parts: XmrParts) -> str:
    c = Canvas()
    c.text(0, 13, parts.title, size=13, bold=True)
    y = 13.0
    for line in parts.subtitle:
        y += 15
        c.text(0, y, line, size=11)
    y += 22
    legend(c, 0, y, [(INK, "common cause"), (SIGNAL, "signal")])
    top = y + 14
    height = HEIGHT // 2 if parts.compact else HEIGHT
    x = _x_scale(parts)
    panel = Panel(c, 0, top, WIDTH, height, x, _y_scale(parts, top, height), parts.dated)
    panel.y_axis(parts.y_title, grid=not parts.compact, count=math.ceil(height / 40))
    _x_marks(parts, panel)
    panel.x_axis(parts.x_title)
    if parts.mr is not None:
        _mr_chart(parts, c, x, top + height + 60)
    return c.svg()


def _xs(parts: XmrParts, values: pd.Series) -> np.ndarray:
    """x positions as numbers: nanoseconds of the wall-clock time, or the point number."""
    if parts.dated:
        return as_times(values).astype(float)
    return values.to_numpy(dtype=float)


def _x_scale(parts: XmrParts) -> Scale:
    # every point's x as a number, never read back from the text written for each
    every_x = parts.df["x"].to_numpy()
    xs = [every_x[every_x != pd.NaT.value].astype(float), _xs(parts, parts.phases["end"])]
    if not parts.breaks.empty:
        xs.append(_xs(parts, parts.breaks[parts.x_name]))
    if parts.partial is not None:
        xs.append(_xs(parts, parts.partial[parts.x_name]))
    if parts.still_open is not None:
        xs.append(_xs(parts, parts.still_open["date"]))
    every = np.concatenate(xs)
    lo, hi = float(np.nanmin(every)), float(np.nanmax(every))
    if parts.dated:
        if hi <= lo:  # one date: a day either side
            day = 86_400e9
            lo, hi = lo - day, hi + day
    else:  # point numbers from zero, to a round number (as Vega draws a quantitative axis)
        lo, hi = nice(min(lo, 0.0), hi, max(2, WIDTH // 80))
    return Scale(lo, hi, 0, WIDTH)


def _y_scale(parts: XmrParts, top: float, height: float) -> Scale:
    """The values' scale on a panel from ``top`` down: every value drawn, and zero, within
    it, widened to round ticks; a percentage 0-100."""
    if parts.percent:
        return Scale(0, 100, top + height, top)
    ys = [parts.dots["value"].to_numpy(dtype=float), parts.df["value"].to_numpy(dtype=float)]
    for column in ("centre", "upper", "lower"):
        ys.append(pd.to_numeric(parts.phases[column]).to_numpy(dtype=float))
    if parts.steps is not None:
        ys += [parts.steps["lower_drawn"].to_numpy(dtype=float),
               parts.steps["upper_drawn"].to_numpy(dtype=float)]
    if parts.partial is not None:
        ys.append(parts.partial["value"].to_numpy(dtype=float))
    if parts.still_open is not None:
        ys.append(parts.still_open["value"].to_numpy(dtype=float))
    every = np.concatenate(ys)
    every = every[np.isfinite(every)]
    lo = min(0.0, float(every.min())) if every.size else 0.0
    hi = max(0.0, float(every.max())) if every.size else 1.0
    lo, hi = nice(lo, hi, math.ceil(height / 40))
    return Scale(lo, hi, top + height, top)


def _x_marks(parts: XmrParts, panel: Panel) -> None:
    c = panel.canvas
    x_name = parts.x_name
    # the limits: a segment per phase, or steps where they move with each point
    ph = parts.phases
    x0, x1 = panel.px(_xs(parts, ph[x_name])), panel.px(_xs(parts, ph["end"]))
    for column, dash in (("centre", None), ("upper", "4,3"), ("lower", "4,3")):
        if column != "centre" and parts.steps is not None:
            continue
        ys = pd.to_numeric(ph[column]).to_numpy(dtype=float)
        c.path("".join(f"M{a:.1f},{panel.y(v):.1f}H{b:.1f}"
                       for a, b, v in zip(x0, x1, ys, strict=True) if math.isfinite(v)),
               stroke=LIMIT, dash=dash)
    if parts.steps is not None:
        sx = panel.px(_xs(parts, parts.steps[x_name]))
        for column in ("upper_drawn", "lower_drawn"):
            sy = panel.py(parts.steps[column].to_numpy(dtype=float))
            c.path(line_path(sx, sy, steps_to=float(sx[-1])), stroke=LIMIT, dash="4,3")
    # the points: a line through periods; dots alone for needs
    if not parts.scatter:
        c.path(line_path(panel.px(_xs(parts, parts.df[x_name])),
                         panel.py(parts.df["value"].to_numpy(dtype=float))), stroke=INK)
    size = (9 if parts.large else 16) if parts.scatter else 22
    d = parts.dots
    dots(c, panel.px(_xs(parts, d[x_name])), panel.py(d["value"].to_numpy(dtype=float)),
         [COLOURS.get(k, INK) for k in d["kind"].tolist()], symbol_radius(size))
    # the team's changes and recalculated limits, each labelled below the one before
    if not parts.breaks.empty:
        bx = panel.px(_xs(parts, parts.breaks[x_name]))
        bottom = panel.top + panel.height
        c.path("".join(f"M{a:.1f},{panel.top:.1f}V{bottom:.1f}" for a in bx), stroke=LIMIT,
               dash="2,2")
        for a, text, offset in zip(bx, parts.breaks["text"], parts.breaks["offset"],
                                   strict=True):
            c.text(a + 4, panel.top + float(offset) + 9, str(text).split("\n"), size=11,
                   fill=LIMIT, line_height=13)
    if parts.partial is not None:
        px = panel.px(_xs(parts, parts.partial[x_name]))
        py = panel.py(parts.partial["value"].to_numpy(dtype=float))
        c.path(line_path(px, py), stroke=INK, dash="3,3")
        r = symbol_radius(40)
        c.add(f'<circle cx="{px[-1]:.1f}" cy="{py[-1]:.1f}" r="{r:.1f}" fill="none" '
              f'stroke="{INK}" stroke-width="1.5"/>')
        c.text(px[-1] + 6, py[-1] - 4, "partial", size=11, fill=INK)
    if parts.still_open is not None:
        ox = panel.px(_xs(parts, parts.still_open["date"]))
        oy = panel.py(parts.still_open["value"].to_numpy(dtype=float))
        s = math.sqrt(30) / 2  # a triangle of Vega's size 30
        c.path("".join(f"M{a:.1f},{b - s:.1f}l{s:.1f},{2 * s:.1f}h{-2 * s:.1f}z"
                       for a, b in zip(ox, oy, strict=True)), stroke=INK)


def _mr_chart(parts: XmrParts, c: Canvas, x: Scale, top: float) -> None:
    assert parts.mr is not None
    mr = parts.mr["moving_range"].to_numpy(dtype=float)
    finite = mr[np.isfinite(mr)]
    count = math.ceil(MR_HEIGHT / 40)
    lo, hi = nice(0.0, float(finite.max()) if finite.size and finite.max() > 0 else 1.0, count)
    panel = Panel(c, 0, top, WIDTH, MR_HEIGHT, x, Scale(lo, hi, top + MR_HEIGHT, top),
                  parts.dated)
    panel.y_axis("moving range", grid=True, count=count)
    xs = panel.px(_xs(parts, parts.mr[parts.x_name]))
    ys = panel.py(mr)
    if parts.scatter:
        dots(c, xs, ys, [MR_INK] * len(xs), symbol_radius(6))
    else:
        c.path(line_path(xs, ys), stroke=MR_INK)
    panel.x_axis(parts.x_title)

