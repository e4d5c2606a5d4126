"""Charts as figures: process behaviour charts and bar charts drawn as SVG directly
(``charts.svg``), each with its Vega-Lite specification (Altair) made when asked for, and the
flow map rendered by Graphviz. No numbers are computed here."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One picture: a file stem, its SVG, and the sentence that stands for it (alt text)."""

    name: str
    # the SVG, or what waits for it: a map is laid out by Graphviz in a child process while
    # the rest of the report is made (charts.graphviz.graph_figure)
    drawn: str | Callable[[], str]
    alt: str
    # the Vega-Lite JSON of a chart, or what makes it when asked: a chart drawn directly as
    # SVG makes its spec only for the assets folder or a reader who wants it
    vega: str | Callable[[], str] | None = field(default=None, repr=False, compare=False)
    kind: str = "chart"  # "map": a graph laid out by Graphviz (printed larger)

    @cached_property
    def svg(self) -> str:
        return self.drawn() if callable(self.drawn) else self.drawn

    @cached_property
    def spec(self) -> str | None:
        """The Vega-Lite JSON the chart is drawn from (None for a map)."""
        return self.vega() if callable(self.vega) else self.vega

    def write(self, folder: Path) -> Path:
        """Write ``name.svg`` (and ``name.vl.json`` for a Vega-Lite chart) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.spec is not None:
            (folder / f"{self.name}.vl.json").write_text(self.spec, encoding="utf-8")
        path = folder / f"{self.name}.svg"
        path.write_text(self.svg, encoding="utf-8")
        return path

    def _repr_svg_(self) -> str:
        """Shown as the picture in Jupyter."""
        return self.inline()

    def inline(self) -> str:
        """The SVG for inlining into HTML: no XML prologue, labelled as an image by its alt."""
        svg = self.svg[self.svg.index("<svg"):]
        svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
        return svg.replace("<svg", f'<svg role="img" aria-label="{escape(self.alt)}"', 1)


# Text is measured when the SVG is made (charts.svg.text_width, DejaVu Sans's own widths) and
# drawn later by whatever browser opens it: name that font first (or Verdana of nearly the
# same widths) so that no label drawn in the reader's font is wider than the room measured
# for it, and none is cut.
FONT = "DejaVu Sans, Verdana, sans-serif"


def vega_json(spec: Any) -> str:
    """An Altair chart as Vega-Lite JSON, in the charts' font."""
    import altair as alt

    # a capability chart has one point per need: thousands are normal, not a mistake. Not
    # validated as it is made (a seventh of the report's time once): tests/test_report.py
    # checks every chart of the report against the Vega-Lite schema
    with alt.data_transformers.disable_max_rows():
        spec_dict = spec.to_dict(validate=False)
    spec_dict.setdefault("config", {})["font"] = FONT
    return json.dumps(spec_dict, indent=2)


def bar_axis(labels: Iterable[Any], width: int = 26) -> Any:
    """The label axis of a bar chart: each label whole, never cut with an ellipsis; a long
    one wrapped onto lines of ``width`` characters (Vega draws a list of strings as lines)."""
    import altair as alt

    expr = "datum.label"
    for label in dict.fromkeys(str(x) for x in labels):
        lines = textwrap.wrap(label, width)
        if len(lines) > 1:
            expr = f"datum.label === {json.dumps(label)} ? {json.dumps(lines)} : ({expr})"
    return alt.Axis(labelLimit=0, labelExpr=expr)
