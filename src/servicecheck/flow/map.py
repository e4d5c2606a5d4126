"""The flow map as Graphviz DOT, made from the directly-follows table (no numbers computed here
that the measures do not already give), and drawn to SVG by the Graphviz that the pygraphviz
wheel carries, so no Graphviz install and no script in the page are needed.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from ibis.expr.types import Table

from servicecheck._frames import to_frame
from servicecheck.charts import Figure
from servicecheck.flow.dfg import directly_follows, start_end_activities
from servicecheck.flow.variants import covering, variants

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


_fontconfig_ready = False


@contextlib.contextmanager
def _quiet_first_fontconfig() -> Iterator[None]:
    """The Graphviz inside the pygraphviz wheel brings an older fontconfig that, on its first
    use in a process, prints a harmless warning about the system's newer config files straight
    to file descriptor 2. Silence that one first use; errors still arrive as exceptions."""
    global _fontconfig_ready
    if _fontconfig_ready:
        yield
        return
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        _fontconfig_ready = True


def render_svg(dot: str) -> str:
    """Lay the map out with Graphviz's dot and return the SVG."""
    import pygraphviz

    graph = pygraphviz.AGraph(string=dot)
    with _quiet_first_fontconfig():
        svg = graph.draw(format="svg", prog="dot")
    return bytes(svg).decode("utf-8")


def map_figure(dot: str, alt: str, name: str = "flow-map") -> Figure:
    return Figure(name, render_svg(dot), alt)


def write_map_html(dot: str, path: Path, *, title: str) -> Path:
    """A self-contained page with the map drawn in it (nothing fetched, no script)."""
    figure = map_figure(dot, f"{title}: the steps of the work and how often one follows "
                             "another")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:Helvetica,Arial,sans-serif;margin:1.5rem}}#map svg{{max-width:100%;
height:auto}}</style></head><body><h1>{html.escape(title)}</h1>
<div id="map">{figure.inline()}</div>
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
