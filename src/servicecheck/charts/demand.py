"""Demand pictures: the Pareto of demand types, value and failure apart, and the failure share
per period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from servicecheck.charts import Figure, bar_axis, vega_json
from servicecheck.charts.bars import Series, bars_svg
from servicecheck.service.model import Change
from servicecheck.spc import Chart

if TYPE_CHECKING:
    import altair as alt

NATURE_COLOURS = {"value": "#1f5fa8", "failure": "#c2410c", "unknown": "#9a9a9a"}
TITLE = "Demand by type, commonest first"


def pareto_figure(table: pd.DataFrame, top: int = 15) -> Figure:
    """Horizontal bars of the commonest demand types, split into value and failure."""
    head = table.head(top)
    svg = bars_svg([str(t) for t in head["demand_type"]],
                   [Series(n, c, list(head[n])) for n, c in NATURE_COLOURS.items()
                    if (head[n] > 0).any()],
                   title=TITLE, x_title="contacts", width=520,
                   height=max(120, 26 * len(head)))
    # a count of none is no clause ("Leaks and plumbing 2,470 (0 failure)")
    words = "; ".join(f"{t} {int(n):,}" + (f" ({int(f):,} failure)" if f else "")
                      for t, n, f in zip(head["demand_type"], head["demand"], head["failure"],
                                         strict=True))
    return Figure("demand-types", svg, f"{TITLE}: {words}.",
                  lambda: vega_json(pareto_spec(head)))


def pareto_spec(head: pd.DataFrame) -> alt.Chart:
    """The same bars as a Vega-Lite spec (Altair)."""
    import altair as alt

    long = head.melt(id_vars=["demand_type"], value_vars=["value", "failure", "unknown"],
                     var_name="nature", value_name="contacts")
    long = long[long["contacts"] > 0]
    chart: Any = alt.Chart(long).mark_bar().encode(
        x=alt.X("contacts:Q", title="contacts", stack="zero"),
        y=alt.Y("demand_type:N", sort=list(head["demand_type"]), title=None,
                axis=bar_axis(head["demand_type"])),
        color=alt.Color("nature:N", scale=alt.Scale(domain=list(NATURE_COLOURS),
                                                    range=list(NATURE_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=["demand_type:N", "nature:N", alt.Tooltip("contacts:Q", format=",")],
    ).properties(width=520, height=max(120, 26 * len(head)), title=TITLE)
    return chart  # type: ignore[no-any-return]


def failure_figure(chart: Chart, unit: str, changes: Sequence[Change] = ()) -> Figure:
    """The failure share per period (``demand.analysis.failure_chart``, a P′ chart), named
    so in its caption, with the team's ``changes`` marked: for the report and the CLI."""
    from servicecheck.charts.xmr import xmr_figure

    return xmr_figure(chart, "failure-demand", x_title=unit, percent=True,
                      point=f"the share of one {unit}'s classified contacts that were failure "
                            f"(a P′ chart: each {unit}'s limits from its own number of "
                            "contacts)",
                      title=f"Failure demand, % of classified contacts per {unit}",
                      y_title="% failure demand", changes=changes)
