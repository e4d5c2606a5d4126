"""The X chart with centre line, limits and signals, and the mR chart beneath, as Vega-Lite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from servicecheck.spc import Chart

MAX_POINTS = 5000  # beyond this the spec carries every point but draws lines only


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
             x_title: str = "in order of completion") -> alt.VConcatChart:
    """Altair chart: the values with limits per phase, signals coloured with their reason."""
    df = chart_frame(chart)
    base = alt.Chart(df).encode(x=alt.X("point:Q", title=x_title))
    tooltip = [alt.Tooltip("label:N", title="date"), alt.Tooltip("value:Q", format=".1f"),
               alt.Tooltip("signal:N")]
    line = base.mark_line(strokeWidth=1, color="#4a4a4a").encode(
        y=alt.Y("value:Q", title=y_title))
    points = base.mark_circle(size=18).encode(
        y="value:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=["common cause", "signal"],
                                                  range=["#4a4a4a", "#e07b00"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=tooltip,
    )
    centre = base.mark_line(color="#1f5fa8").encode(y="centre:Q", detail="group:N")
    upper = base.mark_line(color="#1f5fa8", strokeDash=[4, 3]).encode(y="upper:Q",
                                                                      detail="group:N")
    lower = base.mark_line(color="#1f5fa8", strokeDash=[4, 3]).encode(y="lower_drawn:Q",
                                                                      detail="group:N")
    layers: list[Any] = [line, centre, upper, lower]
    # a phase break is a known change in the system: say so where the limits were recalculated
    breaks = pd.DataFrame([{"point": lim.first_point,
                            "text": f"limits recalculated: {chart.labels[lim.first_point - 1]}"}
                           for lim in chart.limits[1:]])
    if not breaks.empty:
        rule = alt.Chart(breaks).mark_rule(color="#1f5fa8", strokeDash=[2, 2]).encode(
            x="point:Q")
        text = alt.Chart(breaks).mark_text(align="left", dx=4, dy=-120, color="#1f5fa8",
                                           fontSize=11).encode(x="point:Q", text="text:N")
        layers += [rule, text]
    if len(df) <= MAX_POINTS:
        layers.append(points)
    else:
        layers.append(points.transform_filter(alt.datum.kind == "signal"))
    x_chart = alt.layer(*layers).properties(
        width=720, height=260,
        title=alt.Title(title, subtitle=f"Rules: {chart.rule_set}"),
    )
    mr = base.mark_line(strokeWidth=1, color="#7a7a7a").encode(
        y=alt.Y("moving_range:Q", title="moving range")).properties(width=720, height=90)
    spec: alt.VConcatChart = alt.vconcat(x_chart, mr).configure_view(stroke=None)
    return spec


def write_chart(chart: Chart, stem: Path, *, title: str, y_title: str,
                x_title: str = "in order of completion") -> Path:
    """Write the chart as Vega-Lite JSON and as SVG (no browser needed)."""
    import vl_convert as vlc

    stem.parent.mkdir(parents=True, exist_ok=True)
    spec = xmr_spec(chart, title=title, y_title=y_title, x_title=x_title)
    # a capability chart has one point per need: thousands are normal, not a mistake
    with alt.data_transformers.disable_max_rows():
        spec_json = spec.to_json()
    stem.with_suffix(".vl.json").write_text(spec_json, encoding="utf-8")
    svg = vlc.vegalite_to_svg(spec_json)
    path = stem.with_suffix(".svg")
    path.write_text(svg, encoding="utf-8")
    return path
