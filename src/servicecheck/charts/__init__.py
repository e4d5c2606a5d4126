"""Charts as figures: Vega-Lite specifications (Altair) rendered to SVG without a browser, and
the flow map rendered by Graphviz. No numbers are computed here."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One picture: a file stem, its SVG, and the sentence that stands for it (alt text)."""

    name: str
    svg: str
    alt: str
    spec: str | None = None  # the Vega-Lite JSON, where the figure came from one

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


# Text is measured when the SVG is made and drawn later by whatever browser opens it: name a
# wide font first (DejaVu Sans, or Verdana of the same widths) so that no label drawn in the
# reader's font is wider than the room measured for it, and none is cut.
FONT = "DejaVu Sans, Verdana, sans-serif"


def vega_figure(spec: Any, name: str, alt_text: str) -> Figure:
    """Render an Altair chart to SVG (vl-convert: no browser, nothing fetched)."""
    import altair as alt
    import vl_convert as vlc

    # a capability chart has one point per need: thousands are normal, not a mistake. Not
    # validated as it is drawn (a seventh of the report's time): tests/test_report.py checks
    # every chart of the report against the Vega-Lite schema
    with alt.data_transformers.disable_max_rows():
        spec_dict = spec.to_dict(validate=False)
    spec_dict.setdefault("config", {})["font"] = FONT
    spec_json = json.dumps(spec_dict, indent=2)
    svg = _merged_dots(_coarse_geometry(vlc.vegalite_to_svg(spec_json)))
    return Figure(name, svg, alt_text, spec_json)


def _coarse_geometry(svg: str) -> str:
    """Geometry to a tenth of a pixel, finer than any screen or printer shows: a chart of
    thousands of points halves in size. Only path data and transforms; text is untouched."""
    def coarse(m: re.Match[str]) -> str:
        return m.group(1) + '="' + re.sub(r"(\.\d)\d+", r"\1", m.group(2)) + '"'

    return re.sub(r'\b(d|transform)="([^"]*)"', coarse, svg)


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


_DOT = re.compile(r'<path transform="translate\(([-\d.]+),([-\d.]+)\)" '
                  r'd="M([\d.]+),0A[^"]*" fill="([^"]+)"(?: stroke-width="[^"]*")?'
                  r'(?: opacity="1")?/>')
_HIDDEN_DOTS = re.compile(r'(<g class="mark-symbol[^"]*" aria-hidden="true">)(.*?)(</g>)', re.S)


def _merged_dots(svg: str) -> str:
    """Thousands of dots of one colour as one path of zero-length round-capped strokes
    ("M x,y h0"): the same picture at a sixth of the bytes. Only dots hidden from screen
    readers (the chart's words describe them), each run of one colour kept in its order."""
    def merge(m: re.Match[str]) -> str:
        dots = list(_DOT.finditer(m.group(2)))
        if len(dots) < 2 or "".join(d.group(0) for d in dots) != m.group(2):
            return m.group(0)
        runs: list[tuple[str, str, list[str]]] = []
        for d in dots:
            x, y, r, fill = d.groups()
            if not runs or runs[-1][:2] != (r, fill):
                runs.append((r, fill, []))
            runs[-1][2].append(f"M{x},{y}h0")
        paths = "".join(f'<path d="{"".join(moves)}" fill="none" stroke="{fill}" '
                        f'stroke-width="{2 * float(r):g}" stroke-linecap="round"/>'
                        for r, fill, moves in runs)
        return m.group(1) + paths + m.group(3)

    return _HIDDEN_DOTS.sub(merge, svg)
