"""The X chart with centre line, limits and signals, and the mR chart beneath: drawn as SVG
(``charts.xmr_svg``), and as a Vega-Lite spec when one is asked for (``xmr_spec``), both from
one description of the chart's layers (``xmr_parts``).

A chart over time has dates on its x axis, in the service's time zone: the measures give
each point its wall-clock time there, and the chart draws those times as if they were UTC
(a "utc" scale), so the renderer's own zone never shifts a day. A chart of thousands of
needs draws points, not a line (a line through thousands of needs is a black mass), one per
pixel cell, with the signals coloured rather than labelled.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from servicecheck.charts import Figure, vega_json
from servicecheck.charts.svg import DATE_FORMAT
from servicecheck.charts.xmr_points import (
    HEIGHT,
    KINDS,
    MAX_POINTS,
    WIDTH,
    chart_frame,
    chart_points,
    dates_at,
    per_cell,
    wall_clock,
)
from servicecheck.narrative.signals import chart_state
from servicecheck.service.model import Change
from servicecheck.spc import Chart

if TYPE_CHECKING:
    import altair as alt

LABEL_CHARS = 44  # a change's label is wrapped on lines of this many characters
INK, SIGNAL, LIMIT = "#4a4a4a", "#e07b00", "#1f5fa8"
COMPLETION = "in order of completion"  # the x title of a chart of needs, one point each
FIRST_REPORTED = "in order of first contact"  # the same, for an extract of one intake


@dataclass(frozen=True)
class OpenNeeds:
    """Needs not met when the data end: drawn at that date at their age so far, apart from
    the finished needs and out of the limits (their time is censored, not known)."""

    as_at: Any                  # when the data end, in the service's time zone
    ages: tuple[float, ...]     # each open need's age so far, in the chart's unit

    def words(self) -> str:
        n = len(self.ages)
        return (f"hollow triangles: the {n:,} {'need' if n == 1 else 'needs'} still open when "
                f"the data end ({pd.Timestamp(self.as_at):{DATE_FORMAT}}), at "
                f"{'its' if n == 1 else 'their'} age so far, not in the limits")


def drawn_limits(lower: float | None, upper: float | None, *, non_negative: bool,
                 percent: bool) -> tuple[float | None, float | None]:
    """Limits as drawn: a count or a time cannot fall below zero, a percentage stays within
    0-100 (the arithmetic's limits are kept in the chart's data and its tooltip)."""
    if lower is not None and (non_negative or percent):
        lower = max(lower, 0.0)
    if upper is not None and percent:
        upper = min(upper, 100.0)
    return lower, upper


def phase_words(chart: Chart) -> str:
    """How the limits were set, in words, for a chart's caption."""
    if len(chart.limits) == 1:
        return "one set of limits from all the points"
    starts = [chart.labels[lim.first_point - 1] for lim in chart.limits[1:]]
    return (f"limits in {len(chart.limits)} phases, recalculated from "
            + ", ".join(starts) + " (a known change)")


def subtitle(chart: Chart, point: str, still_open: OpenNeeds | None = None) -> list[str]:
    lines = [f"Each point: {point}.",
             f"{phase_words(chart)[0].upper()}{phase_words(chart)[1:]}. "
             f"Rules: {chart.rule_set}."]
    if chart.partial is not None:
        lines.append(f"{chart.partial.label} is partial (the data end within it): drawn "
                     "hollow, not tested for signals.")
    if still_open is not None and still_open.ages:
        words = still_open.words()
        lines.append(f"{words[0].upper()}{words[1:]}.")
    return lines


@dataclass(frozen=True, eq=False)
class XmrParts:
    """What an XmR chart draws, layer by layer, in data: one definition read by both the
    SVG drawing (``charts.xmr_svg``) and the Vega-Lite spec (``xmr_spec``)."""

    df: pd.DataFrame                 # every point: chart_frame, or chart_points when large
    x_name: str                      # "date" (wall-clock strings) or "point" (1-based)
    x_title: str
    title: str
    subtitle: list[str]
    y_title: str
    dated: bool
    large: bool                      # more than MAX_POINTS: dots one per pixel cell
    scatter: bool                    # dots only (needs in order of completion), no line
    percent: bool
    non_negative: bool
    compact: bool
    phases: pd.DataFrame             # per phase: x_name, end, centre, upper, lower (drawn)
    steps: pd.DataFrame | None       # per-point limits: x_name, lower_drawn, upper_drawn
    dots: pd.DataFrame               # the points drawn: x_name, value, kind (+ label, signal)
    breaks: pd.DataFrame             # x_name, text (lines joined by "\n"), offset in pixels
    partial: pd.DataFrame | None     # the last whole point and the partial one
    still_open: pd.DataFrame | None  # date, value: one triangle per distinct age
    mr: pd.DataFrame | None          # x_name, moving_range (None on a compact chart)


def xmr_parts(chart: Chart, *, title: str, y_title: str, x_title: str = COMPLETION,
              point: str | None = None, percent: bool = False,
              still_open: OpenNeeds | None = None,
              notes: Sequence[tuple[int, str]] | None = None,
              changes: Sequence[Change] = (), compact: bool = False) -> XmrParts:
    """The chart's layers as data (see ``xmr_spec`` for what each argument draws)."""
    # every point as numbers; text (dates, labels, the signals' reasons) is written for the
    # points drawn: a chart of 13M needs draws a few thousand, and wrote a date for each
    points = chart_points(chart)
    dated = chart.dates is not None and len(chart.dates) == chart.n
    large = chart.n > MAX_POINTS
    # the whole frame where every point is drawn: a line, or limits that move with each point
    df = points if large and "ucl" not in chart.per_point else chart_frame(chart)
    # Needs in order of completion are separate people, not a series: points, never a line
    # (a line through thousands of them is a black mass); periods are joined by a line.
    scatter = large or x_title in (COMPLETION, FIRST_REPORTED)
    x_name = "date" if dated else "point"
    non_negative = bool((chart.values >= 0).all())

    def x_at(at: Sequence[int]) -> list[Any]:
        """The x written for the points at ``at`` (0-based)."""
        if x_name in df:
            return [df[x_name].iloc[i] for i in at]
        return wall_clock(dates_at(chart.dates, np.asarray(at, dtype=np.intp)))

    # a phase from its earliest point to its latest (a point with no date is neither)
    x = points["x"].to_numpy()
    early, late = np.where(x == pd.NaT.value, np.iinfo(np.int64).max, x), x
    # Limits are constant within a phase: one segment per phase, not one vertex per point,
    # which keeps a chart of thousands of needs small. A phase is drawn up to where the next
    # one starts (needs finish out of order across a change).
    rows = []
    for i, lim in enumerate(chart.limits):
        lower, upper = drawn_limits(lim.lower, lim.upper, non_negative=non_negative,
                                    percent=percent)
        a, b = lim.first_point - 1, lim.last_point
        following = chart.limits[i + 1].first_point - 1 if i + 1 < len(chart.limits) else None
        start, end = x_at([a + int(early[a:b].argmin()),
                           following if following is not None else a + int(late[a:b].argmax())])
        rows.append({x_name: start, "end": end,
                     "centre": lim.centre, "upper": upper, "lower": lower})
    steps = None
    if "ucl" in chart.per_point:
        # limits that move with each point's denominator (p' and u' charts): a step line
        # drawn as drawn_limits draws a phase's: not below 0, a percentage not above 100
        steps = df.assign(
            lower_drawn=df["lower"].clip(lower=0) if non_negative or percent else df["lower"],
            upper_drawn=df["upper"].clip(upper=100) if percent else df["upper"])
    if scatter:
        # one point a pixel cell, signals in colour and on top; their reasons are listed in
        # words beside the chart, not written on it
        dots = chart_frame(chart, per_cell(points, "value").index).sort_values(
            "kind", kind="stable")
        # only the fields the layer draws: the spec shrinks fivefold
        dots = dots[[x_name, "value", "kind", *(() if large else ("label", "signal"))]]
    else:
        dots = df
    # a phase break is a known change in the system: say so where the limits were recalculated
    recalculated = [lim.first_point - 1 for lim in chart.limits[1:]]
    noted = [(p, text) for p, text in (notes or ()) if 1 <= p <= chart.n]
    breaks = pd.DataFrame([{x_name: at, "text": f"limits recalculated: {chart.labels[i]}"}
                           for i, at in zip(recalculated, x_at(recalculated), strict=True)]
                          # the team's own notes of what changed, where no limits were
                          # recalculated: drawn, never a phase of their own
                          + [{x_name: at, "text": text} for at, (_, text) in
                             zip(x_at([p - 1 for p, _ in noted]), noted, strict=True)]
                          + [{x_name: at, "text": text}
                             for at, text in changes_drawn(chart, changes)])
    if not breaks.empty:
        # each text below the one before, so that two changes close together stay legible;
        # a long one on lines of LABEL_CHARS characters, so that it stays within the chart
        lines = [textwrap.wrap(str(t), LABEL_CHARS) or [""] for t in breaks["text"]]
        breaks["text"] = ["\n".join(x) for x in lines]
        breaks["offset"] = 2 + 13 * np.cumsum([0] + [len(x) for x in lines[:-1]])
    partial = None
    if chart.partial is not None and not np.isnan(chart.partial.value):
        p = chart.partial
        partial = pd.DataFrame([
            {x_name: x_at([chart.n - 1])[0], "value": float(chart.values[-1])},
            {x_name: wall_clock([p.date])[0] if x_name == "date" else chart.n + 1,
             "value": p.value, "label": p.label}])
    opened = None
    if dated and still_open is not None and still_open.ages:
        # one triangle a pixel: hundreds of open needs share the one date
        ages = pd.Series(still_open.ages, dtype=float).round(1).drop_duplicates()
        opened = pd.DataFrame({"date": wall_clock([still_open.as_at]) * len(ages),
                               "value": ages.to_numpy()})
    mr = None
    if not compact:
        mr = (chart_frame(chart, per_cell(points, "moving_range", height=90).index)
              if scatter else df)[[x_name, "moving_range"]]
    return XmrParts(
        df=df, x_name=x_name, title=title,
        x_title={COMPLETION: "date of completion", FIRST_REPORTED: "date first reported"}.get(
            x_title, x_title) if dated else x_title,
        subtitle=subtitle(chart, point or default_point(x_title, dated),
                          still_open if dated else None),
        y_title=y_title, dated=dated, large=large, scatter=scatter, percent=percent,
        non_negative=non_negative, compact=compact, phases=pd.DataFrame(rows), steps=steps,
        dots=dots, breaks=breaks, partial=partial, still_open=opened, mr=mr)


def xmr_spec(chart: Chart, *, title: str, y_title: str,
             x_title: str = COMPLETION, point: str | None = None,
             percent: bool = False, still_open: OpenNeeds | None = None,
             notes: Sequence[tuple[int, str]] | None = None,
             changes: Sequence[Change] = (), compact: bool = False) -> alt.VConcatChart:
    """Altair chart: the values with limits per phase, signals coloured with their reason;
    over time when the chart's points are dated, the partial last period drawn hollow, the
    needs still open drawn apart at the data's end, and the team's ``notes`` of what changed
    (1-based point, words) marked where they fall. ``changes`` (the service file's change
    log) are drawn on a dated chart as a labelled line at the start of their day in the
    service's zone, where the chart's dates reach. ``compact``: the X chart alone, lower
    and without grid lines (the summary's many charts, a third of the bytes each)."""
    return spec_of(xmr_parts(chart, title=title, y_title=y_title, x_title=x_title, point=point,
                             percent=percent, still_open=still_open, notes=notes,
                             changes=changes, compact=compact))


def spec_of(parts: XmrParts) -> alt.VConcatChart:
    """The Vega-Lite spec (Altair) of a chart's layers."""
    import altair as alt

    percent, compact = parts.percent, parts.compact
    if parts.dated:
        x_enc: Any = alt.X("date:T", title=parts.x_title, scale=alt.Scale(type="utc"),
                           axis=alt.Axis(labelExpr=f"utcFormat(datum.value, '{DATE_FORMAT}')",
                                         labelOverlap=True, labelFlush=40))
    else:
        x_enc = alt.X("point:Q", title=parts.x_title)
    tooltip = [alt.Tooltip("label:N", title="date"), alt.Tooltip("value:Q", format=".1f"),
               alt.Tooltip("signal:N")]
    y_scale = alt.Scale(domain=[0, 100]) if percent else alt.Undefined
    y_enc = alt.Y("value:Q", title=parts.y_title, scale=y_scale)
    colour = alt.Color("kind:N", scale=alt.Scale(domain=KINDS,
                                                 range=[INK, SIGNAL]),
                       legend=alt.Legend(title=None, orient="top"))
    layers: list[Any] = []
    seg = alt.Chart(parts.phases).encode(x=x_enc, x2="end")
    layers.append(seg.mark_rule(color=LIMIT).encode(y=alt.Y("centre:Q", scale=y_scale)))
    if parts.steps is not None:
        steps = alt.Chart(parts.steps).mark_line(
            color=LIMIT, strokeDash=[4, 3], interpolate="step-after", aria=False)
        layers += [steps.encode(x=x_enc, y="upper_drawn:Q"),
                   steps.encode(x=x_enc, y="lower_drawn:Q")]
    else:
        layers += [seg.mark_rule(color=LIMIT, strokeDash=[4, 3]).encode(y="upper:Q"),
                   seg.mark_rule(color=LIMIT, strokeDash=[4, 3]).encode(y="lower:Q")]
    large = parts.large
    if parts.scatter:
        layers.append(alt.Chart(parts.dots).mark_circle(
            size=9 if large else 16, opacity=1, aria=not large).encode(
            x=x_enc, y=y_enc, color=colour,
            tooltip=alt.value(None) if large else tooltip))
    else:
        layers.append(alt.Chart(parts.df).mark_line(strokeWidth=1, color=INK, aria=False)
                      .encode(x=x_enc, y=y_enc))
        layers.append(alt.Chart(parts.dots).mark_circle(size=22).encode(
            x=x_enc, y=y_enc, color=colour, tooltip=tooltip))
    if not parts.breaks.empty:
        layers.append(alt.Chart(parts.breaks).mark_rule(color=LIMIT, strokeDash=[2, 2]).encode(
            x=x_enc))
        layers.append(alt.Chart(parts.breaks).mark_text(
            align="left", dx=4, baseline="top", color=LIMIT, fontSize=11,
            lineBreak="\n").encode(x=x_enc, y=alt.Y("offset:Q", scale=None), text="text:N"))
    if parts.partial is not None:
        data = parts.partial
        dash = alt.Chart(data).mark_line(
            strokeWidth=1, strokeDash=[3, 3], color=INK, aria=False).encode(x=x_enc, y=y_enc)
        ring = alt.Chart(data.tail(1)).mark_point(filled=False, size=40, color=INK).encode(
            x=x_enc, y=y_enc, tooltip=[alt.Tooltip("label:N", title="partial period"),
                                       alt.Tooltip("value:Q", format=".1f")])
        word = alt.Chart(data.tail(1)).mark_text(align="left", dx=6, dy=-8, color=INK,
                                                 fontSize=11).encode(
            x=x_enc, y=y_enc, text=alt.value("partial"))
        layers += [dash, ring, word]
    if parts.still_open is not None:
        layers.append(alt.Chart(parts.still_open).mark_point(
            shape="triangle-up", filled=False, size=30, color=INK, aria=False).encode(
            x=x_enc, y=y_enc))
    x_chart = alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT // 2 if compact else HEIGHT,
        title=alt.Title(parts.title, subtitle=parts.subtitle, anchor="start"))
    if compact or parts.mr is None:
        small: alt.VConcatChart = alt.vconcat(x_chart).configure_view(
            stroke=None).configure_axis(grid=False)
        return small
    mr_data = parts.mr
    mr_mark = (alt.Chart(mr_data).mark_circle(size=6, opacity=1, color="#7a7a7a", aria=False)
               if parts.scatter else
               alt.Chart(mr_data).mark_line(strokeWidth=1, color="#7a7a7a", aria=False))
    mr = mr_mark.encode(x=x_enc, y=alt.Y("moving_range:Q", title="moving range")
                        ).properties(width=WIDTH, height=90)
    spec: alt.VConcatChart = alt.vconcat(x_chart, mr).configure_view(stroke=None)
    return spec


def changes_drawn(chart: Chart, changes: Sequence[Change]) -> list[tuple[str, str]]:
    """The changes a dated chart shows: each one whose day falls within the chart's dates,
    at midnight of that day as a wall-clock time (the chart's dates are wall-clock times in
    the service's zone), with what changed and who changed it."""
    if chart.dates is None or not len(chart.dates) or not changes:
        return []
    # only the first and the last date are read: a chart of every need has thousands
    first, last = (d[:10] for d in wall_clock([chart.dates[0], chart.dates[-1]]))
    out = []
    for c in changes:
        if first <= c.date <= last:
            by = f" ({c.by})" if c.by else ""
            out.append((f"{c.date}T00:00:00Z",
                        f"{pd.Timestamp(c.date):{DATE_FORMAT}}: {c.what}{by}"))
    return out


def default_point(x_title: str, dated: bool) -> str:
    if x_title in ("day", "week", "month"):
        return f"one {x_title}"
    return "one need, at its completion date" if dated else "one value"


def xmr_figure(chart: Chart, name: str, *, title: str, y_title: str,
               x_title: str = COMPLETION, point: str | None = None,
               percent: bool = False, still_open: OpenNeeds | None = None,
               notes: Sequence[tuple[int, str]] | None = None,
               changes: Sequence[Change] = (), compact: bool = False,
               centre: str | None = None) -> Figure:
    """The chart as a figure, its alt text saying in words what the chart shows: what a
    point is, the phases, the latest limits as drawn (``centre``: what the centre line is,
    where the words beside the chart state another figure of the same thing), the rules and
    the team's changes it marks."""
    from servicecheck.charts.xmr_svg import xmr_svg

    parts = xmr_parts(chart, title=title, y_title=y_title, x_title=x_title, point=point,
                      percent=percent, still_open=still_open, notes=notes, changes=changes,
                      compact=compact)
    lim = chart.limits[-1]
    # a P′ chart's limits move with each point's denominator: the latest point's are told
    varying = chart.chart_type in ("p", "pp", "u", "up") and chart.n > 0
    lower, upper = drawn_limits(_finite(chart.lcl[-1] if varying else lim.lower),
                                _finite(chart.ucl[-1] if varying else lim.upper),
                                non_negative=bool((chart.values >= 0).all()), percent=percent)
    each = point or default_point(x_title, chart.dates is not None)
    besides = (f" {chart.partial.label} is partial and not tested."
               if chart.partial is not None else "")
    if still_open is not None and still_open.ages and chart.dates is not None:
        besides += f" Also drawn, as {still_open.words()}."
    marked = [text for _, text in changes_drawn(chart, changes)]
    if marked:
        besides += f" Marked, the team's {'change' if len(marked) == 1 else 'changes'}: " + \
            "; ".join(marked) + "."
    limits = ("the latest point's own limits (each point's from its denominator)"
              if varying else "limits")
    points = f"{chart.n:,} {'point' if chart.n == 1 else 'points'}"
    # no limits: one point has no moving range, and points all equal have none above 0
    why = "too few points to work them out" if chart.n < 2 else "every point the same"
    places = _places(lim.centre, lower, upper)
    drawn = (f"no limits ({why})" if lower is None and upper is None
             else f"{limits} {_num(lower, places)} to {_num(upper, places)}")
    alt_text = (f"{title}: {points}, each {each}; "
                f"{phase_words(chart)}, the last with centre {lim.centre:.{places}f}"
                f"{f' ({centre})' if centre else ''}, {drawn}; "
                f"{chart_state(chart)}.{besides}")
    # the SVG drawn here; the Vega-Lite spec only when someone asks for it (Figure.spec)
    return Figure(name, xmr_svg(parts), alt_text, lambda: vega_json(spec_of(parts)))


def _finite(v: float | None) -> float | None:
    """A limit that exists: None for none, and for NaN (a chart of one point has none)."""
    return None if v is None or np.isnan(v) else float(v)


def _num(v: float | None, places: int = 1) -> str:
    return "none" if v is None or np.isnan(v) else f"{v:.{places}f}"


def _places(*values: float | None) -> int:
    """Decimals enough (one at least, four at most) that a centre and limits that differ are
    written differently: limits a hair either side of the centre (most moving ranges 0, the
    rest screened out) read 'limits 7.1 to 7.1', a band of no width around 7.1."""
    told = sorted({float(v) for v in values if v is not None and np.isfinite(v)})
    for places in range(1, 4):
        if len({round(v, places) for v in told}) == len(told):
            return places
    return 4


def write_chart(chart: Chart, stem: Path, *, title: str, y_title: str,
                x_title: str = COMPLETION, point: str | None = None,
                percent: bool = False,
                notes: Sequence[tuple[int, str]] | None = None,
                changes: Sequence[Change] = ()) -> Path:
    """Write the chart as Vega-Lite JSON and as SVG (no browser needed), the team's
    ``changes`` drawn where they fall."""
    return xmr_figure(chart, stem.name, title=title, y_title=y_title, x_title=x_title,
                      point=point, percent=percent, notes=notes,
                      changes=changes).write(stem.parent)


def change_notes(points_start: Sequence[Any], changes: Sequence[Any]) -> list[tuple[int, str]]:
    """Where each change in the service file's log falls on a chart: the first point that
    starts on or after its date, with what changed and who changed it. ``points_start`` is
    each point's start (a date or timestamp), ``changes`` the service's ``changes``."""
    starts = pd.to_datetime(pd.Series(list(points_start)))
    if starts.dt.tz is not None:
        starts = starts.dt.tz_localize(None)
    out = []
    for c in changes:
        at = np.flatnonzero((starts >= pd.Timestamp(c.date)).to_numpy())
        if at.size:
            by = f" ({c.by})" if c.by else ""
            out.append((int(at[0]) + 1, f"{c.date}: {c.what}{by}"))
    return out
