"""Targets beside purpose: the regime's percentage chart next to the citizen's days, and where
the citizen's days go. The regime's chart is labelled as what it is; no colours of judgement."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from servicecheck.charts import Figure, bar_axis, vega_json
from servicecheck.charts.bars import Series, bars_svg
from servicecheck.charts.xmr import xmr_figure
from servicecheck.measures.targets import TargetView
from servicecheck.narrative.grammar import DAYS, TimeUnit, percent, plural
from servicecheck.narrative.targets import where_words
from servicecheck.narrative.voice import start_words
from servicecheck.service.model import Change

if TYPE_CHECKING:
    import altair as alt

WHERE = "Where the citizens' days go"


def target_figures(view: TargetView, changes: Sequence[Change] = (),
                   time_unit: TimeUnit = DAYS) -> list[Figure]:
    """The regime's chart and the citizen's, per period, with the team's ``changes`` marked,
    and where the citizens' days go; the citizen's times in ``time_unit``, the one the words
    tell them in."""
    unit = {"W": "week", "M": "month"}[view.freq]
    # a chart needs two periods to have limits: a regime none of whose orders was judged
    # (no timescale or due date met) or a single day of data draws no chart, and says so in
    # the words instead
    figures = []
    if view.regime_chart is not None:
        figures.append(xmr_figure(
            view.regime_chart, "target-regime", x_title=unit, percent=True,
            point=f"the share of the {view.unit}s closed in one {unit} that met their "
                  f"timescale (a P′ chart: each {unit}'s limits from its own {view.unit}s)",
            title=f"The target regime's view: % of {view.unit}s closed within timescale per "
                  f"{unit}",
            y_title="% within the regime's timescale", changes=changes))
    if view.citizen_chart is not None:
        starts = start_words(view.clock.start_at_first_contact, view.clock.start,
                             "first contact")
        units = plural(time_unit.name)
        figures.append(xmr_figure(
            view.citizen_chart.scaled(86400.0 / time_unit.seconds), "citizen-days",
            x_title=unit, point=f"the median of the needs met in one {unit}",
            title=f"The citizen's view: median {units} from {starts} to need met per {unit}",
            y_title=f"{units} (citizen's clock)", changes=changes))
    # the measure's codes, worded in the regime's own unit
    where = view.where_days.assign(where=[where_words(str(w), view.unit)
                                          for w in view.where_days["where"]])
    svg = bars_svg([str(w) for w in where["where"]],
                   [Series("share", "#1f5fa8", list(where["share"]))], title=WHERE,
                   x_title="share of the citizens' days", width=480, height=44 * len(where),
                   percent=True)
    words = "; ".join(f"{percent(float(share))} {w}" for w, share in
                      zip(where["where"], where["share"], strict=True))
    figures.append(Figure("where-the-days-go", svg, f"{WHERE}: {words}.",
                          lambda: vega_json(where_spec(where))))
    return figures


def where_spec(where: pd.DataFrame) -> alt.Chart:
    """Where the citizens' days go as a Vega-Lite spec (Altair)."""
    import altair as alt

    chart: Any = alt.Chart(where).mark_bar(color="#1f5fa8").encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of the citizens' days"),
        y=alt.Y("where:N", sort=None, title=None, axis=bar_axis(where["where"])),
        tooltip=["where:N", alt.Tooltip("days:Q", format=",.0f")],
    ).properties(width=480, height=44 * len(where), title=WHERE)
    return chart  # type: ignore[no-any-return]


def write_target_charts(view: TargetView, out: Path, changes: Sequence[Change] = (),
                        time_unit: TimeUnit = DAYS) -> list[Path]:
    return [f.write(out) for f in target_figures(view, changes, time_unit)]
