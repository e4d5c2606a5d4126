"""The flow map as Graphviz DOT, made from the directly-follows table (no numbers computed here
that the measures do not already give). Pages and reports render it with the vendored
@viz-js/viz, so no Graphviz binary is needed anywhere.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pandas as pd
from ibis.expr.types import Table

from servicecheck._frames import to_frame
from servicecheck.flow.dfg import directly_follows, start_end_activities
from servicecheck.flow.variants import covering, variants

VIZ_JS = "viz-global-3.31.0.js"
VALUE_STYLE = 'shape=box, style="rounded,filled,bold", fillcolor="#d7ead3", color="#2d6a2d"'
WASTE_STYLE = 'shape=box, style="rounded,filled,dashed", fillcolor="#fbe3d6", color="#a0522d"'


def _esc(text: str) -> str:
    """Text safe inside a DOT double-quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _q(text: str) -> str:
    return f'"{_esc(text)}"'


def _label(*parts: str) -> str:
    """A multi-line DOT label: each part escaped, lines joined by DOT's own \\n."""
    return '"' + "\\n".join(_esc(p) for p in parts) + '"'


def duration_words(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def flow_map(
    events: Table,
    *,
    value_steps: Sequence[str] = (),
    overlay: str = "frequency",
    coverage: float = 1.0,
    title: str = "",
    dfg: pd.DataFrame | None = None,
) -> str:
    """DOT for the map of the work.

    ``overlay`` labels the arrows with how often the step followed (``frequency``) or the
    median wait between them (``time``). ``coverage`` < 1 keeps only the activities and paths
    of the commonest variants that together cover that share of cases.
    """
    if overlay not in ("frequency", "time"):
        raise ValueError("overlay must be 'frequency' or 'time'")
    table = dfg if dfg is not None else directly_follows(events)
    starts, ends = start_end_activities(events)
    counts = to_frame(events.activity.value_counts())
    per_activity = dict(zip(counts.iloc[:, 0], counts.iloc[:, 1], strict=True))
    nodes = set(per_activity)
    if coverage < 1.0:
        kept = covering(variants(events), coverage)
        nodes = {a for acts in kept["activities"] for a in acts}
        pairs = {pair for acts in kept["activities"] for pair in itertools.pairwise(acts)}
        table = table[[(s, t) in pairs for s, t in zip(table["source"], table["target"],
                                                      strict=True)]]
        starts = {a: n for a, n in starts.items() if a in nodes}
        ends = {a: n for a, n in ends.items() if a in nodes}
    value = set(value_steps)
    top = max(int(table["count"].max()) if len(table) else 1, 1)
    lines = ["digraph flow {", '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, '
             f"labelloc=t, label={_q(title)}];",
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=10, color="#555555"];',
             '  "__start" [label="start", shape=circle, width=0.5, style=filled, '
             'fillcolor="#eeeeee"];',
             '  "__end" [label="end", shape=doublecircle, width=0.45, style=filled, '
             'fillcolor="#eeeeee"];']
    for i, a in enumerate(sorted(nodes)):
        kind = "value work" if a in value else "waste" if value else ""
        style = VALUE_STYLE if a in value else WASTE_STYLE if value else 'shape=box, ' \
            'style="rounded"'
        parts = [a, f"{int(per_activity.get(a, 0)):,} events"] + ([f"({kind})"] if kind else [])
        lines.append(f"  n{i} [label={_label(*parts)}, tooltip={_q(a)}, {style}];")
    ids = {a: f"n{i}" for i, a in enumerate(sorted(nodes))}
    for a, n in sorted(starts.items()):
        lines.append(f'  "__start" -> {ids[a]} [label="{n:,}", style=dotted];')
    for a, n in sorted(ends.items()):
        lines.append(f'  {ids[a]} -> "__end" [label="{n:,}", style=dotted];')
    for source, target, n, median in zip(table["source"], table["target"], table["count"],
                                         table["median_s"], strict=True):
        label = f"{int(n):,}" if overlay == "frequency" else duration_words(float(median))
        width = 1 + 5 * int(n) / top
        lines.append(f'  {ids[source]} -> {ids[target]} [label="{label}", penwidth={width:.2f}];')
    if value:
        lines += ['  subgraph cluster_key { label="key"; fontsize=10; color="#cccccc";',
                  f'    "__k_value" [label="value work", {VALUE_STYLE}];',
                  f'    "__k_waste" [label="waste (not value work)", {WASTE_STYLE}];',
                  "  }"]
    lines.append("}")
    return "\n".join(lines)


def viz_js() -> str:
    """The vendored @viz-js/viz browser build, to inline into a page."""
    ref = resources.files("servicecheck.report").joinpath("vendor", VIZ_JS)
    return ref.read_text(encoding="utf-8")


def write_map_html(dot: str, path: Path, *, title: str) -> Path:
    """A self-contained page that draws the map in the browser (nothing fetched)."""
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:Helvetica,Arial,sans-serif;margin:1.5rem}}#map svg{{max-width:100%;
height:auto}}</style></head><body><h1>{html.escape(title)}</h1>
<div id="map" role="img" aria-label="{html.escape(title)}: the steps of the work and how
often one follows another"></div>
<script id="dot" type="text/plain">{html.escape(dot)}</script>
<script>{viz_js()}</script>
<script>
const dot = document.getElementById("dot").textContent;
Viz.instance().then(viz => {{
  document.getElementById("map").appendChild(viz.renderSVGElement(dot));
}});
</script></body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
