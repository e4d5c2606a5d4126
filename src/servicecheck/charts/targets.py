"""Targets beside purpose: the regime's percentage chart next to the citizen's days, and where
the citizen's days go. The regime's chart is labelled as what it is; no colours of judgement."""

from __future__ import annotations

from pathlib import Path

import altair as alt

from servicecheck import spc
from servicecheck.charts.xmr import write_chart
from servicecheck.targets import TargetView


def write_target_charts(view: TargetView, out: Path) -> list[Path]:
    unit = {"W": "week", "M": "month"}[view.freq]
    regime = view.regime.dropna(subset=["within_target"])
    citizen = view.citizen.dropna(subset=["median_days"])
    paths = [
        write_chart(spc.xmr((100 * regime["within_target"]).to_numpy(dtype=float),
                            labels=list(regime["label"])),
                    out / "target-regime", x_title=unit,
                    title=f"The target regime's view: % of orders closed within timescale "
                          f"per {unit}",
                    y_title="% within the regime's timescale"),
        write_chart(spc.xmr(citizen["median_days"].to_numpy(dtype=float),
                            labels=list(citizen["label"])),
                    out / "citizen-days", x_title=unit,
                    title=f"The citizen's view: median days from first contact to need met "
                          f"per {unit}",
                    y_title="days (citizen's clock)"),
    ]
    bars = alt.Chart(view.where_days).mark_bar(color="#1f5fa8").encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of the citizens' days"),
        y=alt.Y("where:N", sort=None, title=None),
        tooltip=["where:N", alt.Tooltip("days:Q", format=",.0f")],
    ).properties(width=520, height=120, title="Where the citizens' days go")
    import vl_convert as vlc

    out.mkdir(parents=True, exist_ok=True)
    spec = bars.to_json()
    (out / "where-the-days-go.vl.json").write_text(spec, encoding="utf-8")
    svg = out / "where-the-days-go.svg"
    svg.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    paths.append(svg)
    return paths
