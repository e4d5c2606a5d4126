"""The flow map as Graphviz DOT, made from the directly-follows table, or when it must be
simplified from the variants (no numbers are computed here that the measures do not already
give, but for counting a variant's arrows once the steps not drawn are left out), and drawn to
SVG by the Graphviz that the pygraphviz wheel carries, so no Graphviz install and no script in
the page are needed.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from ibis.expr.types import Table

from servicecheck.charts import Figure
from servicecheck.charts.dot import Digraph
from servicecheck.charts.graphviz import render_svg as draw_svg
from servicecheck.engine.frames import to_frame
from servicecheck.flow.dfg import ORDERED, directly_follows, start_end_activities
from servicecheck.flow.variants import covering, variants

VALUE_STYLE = {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#d7ead3",
               "color": "#2d6a2d"}
WASTE_STYLE = {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#fbe3d6",
               "color": "#a0522d"}
PLAIN_STYLE = {"shape": "box", "style": "rounded"}
ENDPOINT = {"width": "0.5", "style": "filled", "fillcolor": "#eeeeee"}


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
_START, _END = "__start", "__end"
Pair = tuple[str, str]


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


def _chosen_arrows(arrows: dict[Pair, int], paths: list[list[str]], limit: int) -> list[Pair]:
    """The arrows to draw: each drawn step's strongest way in and out first (so no box floats
    alone), then those on the commonest variants' paths, then the commonest of the rest."""
    by_count = sorted(arrows, key=lambda p: (-arrows[p], p))
    ranked: dict[Pair, None] = {}
    for side in (0, 1):
        strongest: dict[str, Pair] = {}
        for p in by_count:
            strongest.setdefault(p[side], p)
        ranked.update(dict.fromkeys(strongest[a] for a in sorted(strongest)
                                    if a not in (_START, _END)))
    for acts in paths:
        ranked.update(dict.fromkeys(p for p in itertools.pairwise([_START, *acts, _END])
                                    if p in arrows))
    ranked.update(dict.fromkeys(by_count))
    return list(ranked)[:limit]


def _projected(paths: Sequence[tuple[list[str], int]], drawn: set[str]) -> dict[Pair, int]:
    """How often each drawn step directly followed another (or began or ended a case) once the
    steps not drawn are taken out of every case: counted from the variants, each once with
    its number of cases, which gives what the directly-follows table of the projected events
    would."""
    weights: dict[Pair, int] = {}
    for acts, n in paths:
        kept = [a for a in acts if a in drawn]
        for pair in itertools.pairwise([_START, *kept, _END]) if kept else ():
            weights[pair] = weights.get(pair, 0) + n
    return weights


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
    of the commonest variants that together cover that share of cases. ``dfg`` is the log's
    directly-follows table, if already made. The DOT is the same for the same log, so the
    layout is too.
    """
    if overlay not in ("frequency", "time"):
        raise ValueError("overlay must be 'frequency' or 'time'")
    # what ordered() derives from an event's neighbours is made afresh after the steps not
    # drawn are taken out
    derived = [c for c in ORDERED if c in events.columns]
    if derived:
        events = events.drop(*derived)
    counts = to_frame(events.activity.value_counts())
    per_activity = {str(a): int(n) for a, n in zip(counts.iloc[:, 0], counts.iloc[:, 1],
                                                   strict=True)}
    step_limit = len(per_activity) if max_steps is None else max_steps
    table = None
    if coverage == 1.0 and len(per_activity) <= step_limit:
        table = dfg if dfg is not None else directly_follows(events)
        starts, ends = start_end_activities(events)
        weights = {(str(s), str(t)): int(n) for s, t, n in
                   zip(table["source"], table["target"], table["count"], strict=True)}
        weights |= {(_START, a): n for a, n in starts.items()}
        weights |= {(a, _END): n for a, n in ends.items()}
    if table is not None and (max_arrows is None or len(weights) <= max_arrows):
        nodes, arrows_total, shown = list(per_activity), len(weights), list(weights)
    else:
        # too much to draw: every number of the map comes from one query, the variants
        v = variants(events)
        every = list(zip(v["activities"], (int(n) for n in v["cases"]), strict=True))
        kept = every[:len(covering(v, coverage))]
        candidates = per_activity
        if coverage < 1.0:
            on_paths = {a for acts, _ in kept for a in acts}
            candidates = {a: n for a, n in per_activity.items() if a in on_paths}
        # a path that only one case took is no guide to what is common
        common = [acts for acts, n in kept if n > 1]
        nodes = _chosen_steps(candidates, common, step_limit)
        drawn_steps = set(nodes)
        arrows_total = len(_projected(every, set(per_activity)))
        weights = _projected(every, drawn_steps)
        if coverage < 1.0:
            on_kept = _projected(kept, drawn_steps)
            weights = {p: n for p, n in weights.items() if p in on_kept}
        drawn_paths = [[a for a in acts if a in drawn_steps] for acts in common]
        shown = _chosen_arrows(weights, drawn_paths,
                               arrows_total if max_arrows is None else max_arrows)
        table = None
        if overlay == "time":
            table = directly_follows(events if len(nodes) == len(per_activity) else
                                     events.filter(events.activity.isin(nodes)))
    medians = ({} if table is None else
               {(str(s), str(t)): float(m) for s, t, m in
                zip(table["source"], table["target"], table["median_s"], strict=True)})
    drawn = FlowMap("", len(nodes), len(per_activity), len(shown), arrows_total,
                    sum(per_activity[a] for a in nodes), sum(per_activity.values()))
    dot = _dot(drawn, title, nodes, per_activity, set(value_steps),
               {p: weights[p] for p in sorted(shown)}, medians if overlay == "time" else None)
    return dataclasses.replace(drawn, dot=dot)


def _dot(drawn: FlowMap, title: str, nodes: list[str], per_activity: dict[str, int],
         value: set[str], arrows: dict[Pair, int], medians: dict[Pair, float] | None) -> str:
    """The DOT text: boxes in name order and arrows in (from, to) order, so that the same map
    is laid out the same way every time. ``medians`` labels arrows with waits, not counts."""
    dot = Digraph("flow", graph={"rankdir": "TB", "fontname": "Helvetica", "fontsize": "12",
                                 "labelloc": "t",
                                 "label": [t for t in (title, drawn.note()) if t]},
                  node_defaults={"fontname": "Helvetica", "fontsize": "11"},
                  edge_defaults={"fontname": "Helvetica", "fontsize": "10",
                                 "color": "#555555"})
    dot.node(_START, {"label": "start", "shape": "circle", **ENDPOINT})
    dot.node(_END, {"label": "end", "shape": "doublecircle", **ENDPOINT, "width": "0.45"})
    ids = {_START: _START, _END: _END} | {a: f"n{i}" for i, a in enumerate(sorted(nodes))}
    for a in sorted(nodes):
        kind = "value work" if a in value else "waste" if value else ""
        style = VALUE_STYLE if a in value else WASTE_STYLE if value else PLAIN_STYLE
        parts = [a, f"{per_activity[a]:,} events"] + ([f"({kind})"] if kind else [])
        dot.node(ids[a], {"label": parts, "tooltip": a, **style})
    between = [n for (s, t), n in arrows.items() if _START not in (s, t) and _END not in (s, t)]
    top = max(between, default=1)
    for (source, target), n in arrows.items():
        if source == _START or target == _END:
            dot.edge(ids[source], ids[target], {"label": f"{n:,}", "style": "dotted"})
            continue
        label = f"{n:,}" if medians is None else duration_words(medians[source, target])
        dot.edge(ids[source], ids[target], {"label": label, "penwidth": f"{1 + 5 * n / top:.2f}"})
    if value:
        dot.cluster("key", {"label": "key", "fontsize": "10", "color": "#cccccc"},
                    {"__k_value": {"label": "value work", **VALUE_STYLE},
                     "__k_waste": {"label": "waste (not value work)", **WASTE_STYLE}})
    return dot.source()


def render_svg(dot: str | FlowMap) -> str:
    """Lay the map out with Graphviz's dot and return the SVG."""
    return draw_svg(dot.dot if isinstance(dot, FlowMap) else dot)


def map_figure(dot: str | FlowMap, alt: str, name: str = "flow-map") -> Figure:
    return Figure(name, render_svg(dot), alt)


def write_map_html(dot: str | FlowMap, path: Path, *, title: str) -> Path:
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
