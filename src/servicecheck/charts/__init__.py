"""Charts as figures: Vega-Lite specifications (Altair) rendered to SVG without a browser, and
the flow map rendered by Graphviz. No numbers are computed here."""

from __future__ import annotations

import re
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


def vega_figure(spec: Any, name: str, alt_text: str) -> Figure:
    """Render an Altair chart to SVG (vl-convert: no browser, nothing fetched)."""
    import altair as alt
    import vl_convert as vlc

    # a capability chart has one point per need: thousands are normal, not a mistake
    with alt.data_transformers.disable_max_rows():
        spec_json = spec.to_json()
    return Figure(name, _coarse_geometry(vlc.vegalite_to_svg(spec_json)), alt_text, spec_json)


def _coarse_geometry(svg: str) -> str:
    """Geometry to a tenth of a pixel, finer than any screen or printer shows: a chart of
    thousands of points halves in size. Only path data and transforms; text is untouched."""
    def coarse(m: re.Match[str]) -> str:
        return m.group(1) + '="' + re.sub(r"(\.\d)\d+", r"\1", m.group(2)) + '"'

    return re.sub(r'\b(d|transform)="([^"]*)"', coarse, svg)
