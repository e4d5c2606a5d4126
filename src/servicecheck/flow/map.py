"""The flow map as a measure: which steps and arrows a map of the work shows within its bounds,
with their counts (and waits), and how much of the log it leaves out. Made from the
directly-follows table, or when the map must be simplified from the variants (counting a
variant's arrows once the steps not drawn are left out). ``charts.flow_map`` draws it;
``narrative.flow_map`` says what it leaves out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.frames import to_frame
from servicecheck.findings import Finding, count, share
from servicecheck.flow.dfg import ORDERED, directly_follows, start_end_activities
from servicecheck.flow.variants import covering, start_end_from, variants

# A map a team can read on one page: more boxes or arrows than this become a tangle, and
# Graphviz's layout time grows steeply with them (400 steps: over 40 minutes).
MAX_STEPS = 30
MAX_ARROWS = 60
# the two ends of every case, as an arrow's source or target
START, END = "__start", "__end"
Pair = tuple[str, str]
Overlay = Literal["frequency", "time"]
StepKind = Literal["value", "waste", ""]


@dataclass(frozen=True)
class Step:
    """A box on the map: a step, its events in the log, and whether it is value work or
    waste ("" when the service names no value steps)."""

    name: str
    events: int
    kind: StepKind


@dataclass(frozen=True)
class Arrow:
    """How often ``target`` directly followed ``source`` (the steps not drawn left out);
    ``source`` is START for the first step of a case, ``target`` END for its last.
    ``median_s`` is the median wait between the two, on a map overlaid with time."""

    source: str
    target: str
    count: int
    median_s: float | None = None

    @property
    def at_an_end(self) -> bool:
        return self.source == START or self.target == END


@dataclass(frozen=True)
class FlowMap:
    """The map of the work: the steps drawn (by name) and the arrows (by source, then
    target), so the same log gives the same map and the same layout; and what it leaves out.
    Arrows count every arrow, those from the start and to the end included."""

    steps: tuple[Step, ...]
    arrows: tuple[Arrow, ...]
    overlay: Overlay
    steps_total: int
    arrows_total: int
    events_total: int

    @property
    def steps_drawn(self) -> int:
        return len(self.steps)

    @property
    def arrows_drawn(self) -> int:
        return len(self.arrows)

    @property
    def events_drawn(self) -> int:
        return sum(s.events for s in self.steps)

    @property
    def simplified(self) -> bool:
        return self.steps_drawn < self.steps_total or self.arrows_drawn < self.arrows_total

    @property
    def kinds_shown(self) -> bool:
        """Whether the boxes are marked value work or waste (the service names value steps)."""
        return any(s.kind for s in self.steps)

    def finding(self) -> Finding:
        """What the map draws of the log: its caption, and its note when simplified."""
        drawn = self.events_drawn / self.events_total if self.events_total else 1.0
        flags = {"simplified"} if self.simplified else set()
        return Finding("flow.map", "step", self.steps_total,
                       {"steps": count(self.steps_drawn), "arrows": count(self.arrows_drawn),
                        "arrows_total": count(self.arrows_total), "events": share(drawn)},
                       chart="flow-map", flags=frozenset(flags | {self.overlay}))


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
                                    if a not in (START, END)))
    for acts in paths:
        ranked.update(dict.fromkeys(p for p in itertools.pairwise([START, *acts, END])
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
        for pair in itertools.pairwise([START, *kept, END]) if kept else ():
            weights[pair] = weights.get(pair, 0) + n
    return weights


def flow_map(
    events: Table,
    *,
    value_steps: Sequence[str] = (),
    overlay: Overlay = "frequency",
    coverage: float = 1.0,
    dfg: pd.DataFrame | None = None,
    variant_table: pd.DataFrame | None = None,
    max_steps: int | None = MAX_STEPS,
    max_arrows: int | None = MAX_ARROWS,
) -> FlowMap:
    """The map of the work, simplified to at most ``max_steps`` boxes and ``max_arrows`` arrows
    (``None``: draw everything, which on hundreds of steps Graphviz takes minutes to lay out).

    ``overlay`` labels the arrows with how often the step followed (``frequency``) or the
    median wait between them (``time``). ``coverage`` < 1 keeps only the activities and paths
    of the commonest variants that together cover that share of cases. ``dfg`` is the log's
    directly-follows table and ``variant_table`` its variants, if already made. The map is
    the same for the same log, so its layout is too.
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
        starts, ends = (start_end_activities(events) if variant_table is None
                        else start_end_from(variant_table))
        weights = {(str(s), str(t)): int(n) for s, t, n in
                   zip(table["source"], table["target"], table["count"], strict=True)}
        weights |= {(START, a): n for a, n in starts.items()}
        weights |= {(a, END): n for a, n in ends.items()}
    if table is not None and (max_arrows is None or len(weights) <= max_arrows):
        nodes, arrows_total, shown = list(per_activity), len(weights), list(weights)
    else:
        # too much to draw: every number of the map comes from one query, the variants
        v = variants(events) if variant_table is None else variant_table
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
    value = set(value_steps)
    steps = tuple(Step(a, per_activity[a], "value" if a in value else "waste" if value else "")
                  for a in sorted(nodes))
    # arrows from the start and to the end carry counts only: no wait is measured there
    arrows = tuple(Arrow(s, t, weights[s, t], medians[s, t] if overlay == "time" and
                         s != START and t != END else None) for s, t in sorted(shown))
    return FlowMap(steps, arrows, overlay, len(per_activity), arrows_total,
                   sum(per_activity.values()))
