"""The flow map as Graphviz DOT, made from the directly-follows table (no numbers computed here
that the measures do not already give), and drawn to SVG by the Graphviz that the pygraphviz
wheel carries, so no Graphviz install and no script in the page are needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


# A map a team can read on one page: more boxes or arrows than this become a tangle, and
# Graphviz's layout time grows steeply with them (400 steps: over 40 minutes).
MAX_STEPS = 30
MAX_ARROWS = 60
# the columns ordered() derives from an event's neighbours: they must be made afresh after
# the steps not drawn are taken out
_DERIVED = ("position", "next_activity", "next_timestamp", "next_team", "next_resource")
_START, _END = "__start", "__end"


@dataclass(frozen=True)
class FlowMap:
    """The map of the work as DOT, and how much of the log it draws.

    Arrows count every arrow on the map, those from "start" and to "end" included.
    """

    dot: str
    steps_drawn: int
    steps_total: int
    arrows_drawn: int
    arrows_total: int
    events_drawn: int
    events_total: int

    @property
    def simplified(self) -> bool:
        return self.steps_drawn < self.steps_total or self.arrows_drawn < self.arrows_total

    def note(self) -> str:
        """What the map leaves out, in one sentence ("" when it draws everything)."""
        if not self.simplified:
            return ""
        share = self.events_drawn / self.events_total if self.events_total else 1.0
        return (f"Simplified: the {self.steps_drawn:,} commonest of {self.steps_total:,} steps "
                f"({share:.0%} of events) and {self.arrows_drawn:,} of {self.arrows_total:,} "
                "arrows; an arrow joins two drawn steps, passing over any steps not drawn.")


def _chosen_steps(per_activity: dict[str, int], paths: list[list[str]],
                  limit: int) -> list[str]:
    """The steps to draw: those of the commonest variants, whole variants while they fit,
    then the most frequent of the rest (ties by name, so the choice is the same every run)."""
    chosen: dict[str, None] = {}
    for acts in paths:
        new = [a for a in dict.fromkeys(acts) if a not in chosen and a in per_activity]
        if len(chosen) + len(new) > limit:
            break
        chosen.update(dict.fromkeys(new))
    by_count = sorted(per_activity, key=lambda a: (-per_activity[a], a))
    chosen.update(dict.fromkeys([a for a in by_count if a not in chosen][:limit - len(chosen)]))
    return list(chosen)


def _chosen_arrows(arrows: dict[tuple[str, str], int], paths: list[list[str]],
                   limit: int) -> list[tuple[str, str]]:
    """The arrows to draw: each drawn step's strongest way in and out first (so no box floats
    alone), then those on the commonest variants' paths, then the commonest of the rest."""
    by_count = sorted(arrows, key=lambda p: (-arrows[p], p))
    ranked: dict[tuple[str, str], None] = {}
    for side in (0, 1):
        strongest: dict[str, tuple[str, str]] = {}
        for p in by_count:
            strongest.setdefault(p[side], p)
        ranked.update(dict.fromkeys(strongest[a] for a in sorted(strongest)
                                    if a not in (_START, _END)))
    for acts in paths:
        ranked.update(dict.fromkeys(p for p in itertools.pairwise([_START, *acts, _END])
                                    if p in arrows))
    ranked.update(dict.fromkeys(by_count))
    return list(ranked)[:limit]


def flow_map(
    events: Table,
    *,
    value_steps: Sequence[str] = (),
    overlay: str = "frequency",
    coverage: float = 1.0,
    title: str = "",
    dfg: pd.DataFrame | None = None,
    max_steps: int | None = MAX_STEPS,
    max_arrows: int | None = MAX_ARROWS,
) -> FlowMap:
    """The map of the work, simplified to at most ``max_steps`` boxes and ``max_arrows`` arrows
    (``None``: draw everything, which on hundreds of steps Graphviz takes minutes to lay out).

    ``overlay`` labels the arrows with how often the step followed (``frequency``) or the
    median wait between them (``time``). ``coverage`` < 1 keeps only the activities and paths
    of the commonest variants that together cover that share of cases. The DOT is the same for
    the same log, so the layout is too.
    """
    if overlay not in ("frequency", "time"):
        raise ValueError("overlay must be 'frequency' or 'time'")
    derived = [c for c in _DERIVED if c in events.columns]
    if derived:
        events = events.drop(*derived)
    full = dfg if dfg is not None else directly_follows(events)
    starts, ends = start_end_activities(events)
    counts = to_frame(events.activity.value_counts())
    per_activity = {str(a): int(n) for a, n in zip(counts.iloc[:, 0], counts.iloc[:, 1],
                                                   strict=True)}
    arrows_total = len(full) + len(starts) + len(ends)
    step_limit = len(per_activity) if max_steps is None else max_steps
    arrow_limit = arrows_total if max_arrows is None else max_arrows
    paths: list[list[str]] = []  # of the variants kept, commonest first
    common: list[list[str]] = []  # of those shared by several cases: a path of one is no guide
    if coverage < 1.0 or len(per_activity) > step_limit or arrows_total > arrow_limit:
        kept = variants(events)
        if coverage < 1.0:
            kept = covering(kept, coverage)
        paths = [list(acts) for acts in kept["activities"]]
        common = [acts for acts, n in zip(paths, kept["cases"], strict=True) if n > 1]
    candidates = per_activity
    if coverage < 1.0:
        on_paths = {a for acts in paths for a in acts}
        candidates = {a: n for a, n in per_activity.items() if a in on_paths}
    nodes = _chosen_steps(candidates, common, step_limit)
    table = full
    if len(nodes) < len(per_activity):
        # the steps drawn, as if the others were never recorded: arrows then say which drawn
        # step came next, and every case still runs from start to end
        events = events.filter(events.activity.isin(nodes))
        table = directly_follows(events)
        starts, ends = start_end_activities(events)
        kept_steps = set(nodes)
        paths = [[a for a in acts if a in kept_steps] for acts in paths]
        common = [[a for a in acts if a in kept_steps] for acts in common]
    weights = {(str(s), str(t)): int(n) for s, t, n in zip(table["source"], table["target"],
                                                           table["count"], strict=True)}
    weights |= {(_START, a): n for a, n in starts.items()} | {(a, _END): n
                                                              for a, n in ends.items()}
    if coverage < 1.0:
        on_path = {p for acts in paths for p in itertools.pairwise([_START, *acts, _END])}
        weights = {p: n for p, n in weights.items() if p in on_path}
    shown = set(_chosen_arrows(weights, common, arrow_limit))
    table = table.iloc[[i for i, pair in enumerate(zip(table["source"], table["target"],
                                                      strict=True)) if pair in shown]]
    drawn = FlowMap("", len(nodes), len(per_activity), len(shown), arrows_total,
                    sum(per_activity[a] for a in nodes), sum(per_activity.values()))
    label = _label(*[t for t in (title, drawn.note()) if t])
    value = set(value_steps)
    top = max(int(table["count"].max()) if len(table) else 1, 1)
    lines = ["digraph flow {", '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, '
             f"labelloc=t, label={label}];",
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=10, color="#555555"];',
             f'  "{_START}" [label="start", shape=circle, width=0.5, style=filled, '
             'fillcolor="#eeeeee"];',
             f'  "{_END}" [label="end", shape=doublecircle, width=0.45, style=filled, '
             'fillcolor="#eeeeee"];']
    ids = {a: f"n{i}" for i, a in enumerate(sorted(nodes))}
    for a, node in ids.items():
        kind = "value work" if a in value else "waste" if value else ""
        style = VALUE_STYLE if a in value else WASTE_STYLE if value else 'shape=box, ' \
            'style="rounded"'
        parts = [a, f"{per_activity[a]:,} events"] + ([f"({kind})"] if kind else [])
        lines.append(f"  {node} [label={_label(*parts)}, tooltip={_q(a)}, {style}];")
    for a, n in sorted(starts.items()):
        if (_START, a) in shown:
            lines.append(f'  "{_START}" -> {ids[a]} [label="{n:,}", style=dotted];')
    for a, n in sorted(ends.items()):
        if (a, _END) in shown:
            lines.append(f'  {ids[a]} -> "{_END}" [label="{n:,}", style=dotted];')
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
    return dataclasses.replace(drawn, dot="\n".join(lines))


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
