"""The X chart with centre line, limits and signals, and the mR chart beneath, as Vega-Lite."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from servicecheck.charts import Figure, vega_figure
from servicecheck.spc import Chart

MAX_POINTS = 1000  # beyond this only signals are circled, and lines are drawn per pixel
WIDTH = 720


def per_pixel(df: pd.DataFrame, column: str, width: int = WIDTH) -> pd.DataFrame:
    """The rows a line needs to look the same at ``width`` pixels: in each pixel column the
    first, last, lowest and highest point (the M4 reduction of Jugel et al., 2014). A chart of
    a hundred thousand needs then draws from at most four points a pixel, and looks identical;
    limits and signals are still computed from every point."""
    data = df[df[column].notna()]
    if len(data) <= 4 * width:
        return data
    bucket = ((data["point"] - data["point"].min()) * width
              // (data["point"].max() - data["point"].min() + 1)).to_numpy()
    g = data.groupby(bucket)[column]
    keep = pd.concat([g.idxmin(), g.idxmax(), data.groupby(bucket)["point"].idxmin(),
                      data.groupby(bucket)["point"].idxmax()]).unique()
    return data.loc[sorted(keep)]


def chart_frame(chart: Chart) -> pd.DataFrame:
    df = chart.to_pandas()
    df["lower_drawn"] = df["lower"].clip(lower=0) if (df["value"] >= 0).all() else df["lower"]
    reasons = {p: s.reason for s in chart.signals for p in s.points}
    df["signal"] = [reasons.get(p, "") for p in df["point"]]
    df["kind"] = np.where(df["signal"] != "", "signal", "common cause")
    mr = chart.moving_ranges
    df["moving_range"] = mr if mr.shape[0] == len(df) else np.nan
    return df


def xmr_spec(chart: Chart, *, title: str, y_title: str,
             x_title: str = "in order of completion",
             notes: Sequence[tuple[int, str]] | None = None) -> alt.VConcatChart:
    """Altair chart: the values with limits per phase, signals coloured with their reason."""
    df = chart_frame(chart)
    base = alt.Chart(df).encode(x=alt.X("point:Q", title=x_title))
    tooltip = [alt.Tooltip("label:N", title="date"), alt.Tooltip("value:Q", format=".1f"),
               alt.Tooltip("signal:N")]
    large = len(df) > MAX_POINTS
    line = alt.Chart(per_pixel(df, "value")).mark_line(
        strokeWidth=1, color="#4a4a4a", aria=False).encode(
        x=alt.X("point:Q", title=x_title), y=alt.Y("value:Q", title=y_title))
    # On a large chart each circle's description would cost more than the circle: the figure's
    # alt text and the signal list say what the points say.
    points = base.mark_circle(size=18, aria=not large).encode(
        y="value:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=["common cause", "signal"],
                                                  range=["#4a4a4a", "#e07b00"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=alt.value(None) if large else tooltip,
    )
    # Limits are constant within a phase: one segment per phase, not one vertex per point,
    # which keeps a chart of thousands of needs small enough to inline in a report.
    all_positive = bool((df["value"] >= 0).all())
    segments = pd.DataFrame([{
        "first": lim.first_point, "last": lim.last_point, "centre": lim.centre,
        "upper": lim.upper, "lower": (max(lim.lower, 0.0) if all_positive else lim.lower)
        if lim.lower is not None else None} for lim in chart.limits])
    seg = alt.Chart(segments).encode(x="first:Q", x2="last:Q")
    centre = seg.mark_rule(color="#1f5fa8").encode(y="centre:Q")
    if "ucl" in chart.per_point:
        # limits that move with each point's denominator (p' and u' charts): a step line
        steps = alt.Chart(df).mark_line(color="#1f5fa8", strokeDash=[4, 3],
                                        interpolate="step-after", aria=False)
        upper = steps.encode(x="point:Q", y="upper:Q")
        lower = steps.encode(x="point:Q", y="lower_drawn:Q")
    else:
        upper = seg.mark_rule(color="#1f5fa8", strokeDash=[4, 3]).encode(y="upper:Q")
        lower = seg.mark_rule(color="#1f5fa8", strokeDash=[4, 3]).encode(y="lower:Q")
    layers: list[Any] = [line, centre, upper, lower]
    # a phase break is a known change in the system: say so where the limits were recalculated
    breaks = pd.DataFrame([{"point": lim.first_point,
                            "text": f"limits recalculated: {chart.labels[lim.first_point - 1]}"}
                           for lim in chart.limits[1:]]
                          # the team's own notes of what changed, where no limits were
                          # recalculated: drawn, never a phase of their own
                          + [{"point": p, "text": text} for p, text in (notes or ())])
    if not breaks.empty:
        rule = alt.Chart(breaks).mark_rule(color="#1f5fa8", strokeDash=[2, 2]).encode(
            x="point:Q")
        text = alt.Chart(breaks).mark_text(align="left", dx=4, dy=-120, color="#1f5fa8",
                                           fontSize=11).encode(x="point:Q", text="text:N")
        layers += [rule, text]
    if not large:
        layers.append(points)
    else:
        signals = per_pixel(df[df["kind"] == "signal"], "value", width=WIDTH // 2)
        layers.append(points.properties(data=signals))
    x_chart = alt.layer(*layers).properties(
        width=WIDTH, height=260,
        title=alt.Title(title, subtitle=f"Rules: {chart.rule_set}"),
    )
    mr = alt.Chart(per_pixel(df, "moving_range")).mark_line(
        strokeWidth=1, color="#7a7a7a", aria=False).encode(
        x=alt.X("point:Q", title=x_title), y=alt.Y("moving_range:Q", title="moving range")
    ).properties(width=WIDTH, height=90)
    spec: alt.VConcatChart = alt.vconcat(x_chart, mr).configure_view(stroke=None)
    return spec


def xmr_figure(chart: Chart, name: str, *, title: str, y_title: str,
               x_title: str = "in order of completion",
               notes: Sequence[tuple[int, str]] | None = None) -> Figure:
    """The chart as a figure, its alt text saying in words what the chart shows."""
    spec = xmr_spec(chart, title=title, y_title=y_title, x_title=x_title, notes=notes)
    lim = chart.limits[-1]
    lower = lim.lower if lim.lower is not None else float("nan")
    if (chart.values >= 0).all():
        lower = max(lower, 0.0)  # as drawn: a count or a time cannot fall below zero
    phases = f" in {len(chart.limits)} phases, the last with" if len(chart.limits) > 1 else ","
    alt_text = (f"{title}: {len(chart.values):,} points{phases} centre {lim.centre:.1f}, "
                f"limits {lower:.1f} to {lim.upper if lim.upper is not None else float('nan'):.1f}"
                f"; {chart.describe()}.")
    return vega_figure(spec, name, alt_text)


def write_chart(chart: Chart, stem: Path, *, title: str, y_title: str,
                x_title: str = "in order of completion",
                notes: Sequence[tuple[int, str]] | None = None) -> Path:
    """Write the chart as Vega-Lite JSON and as SVG (no browser needed)."""
    return xmr_figure(chart, stem.name, title=title, y_title=y_title,
                      x_title=x_title, notes=notes).write(stem.parent)


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
