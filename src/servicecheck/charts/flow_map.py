"""The flow map drawn: each step a box (value work and waste styled apart when the service
names its value steps), each arrow as thick as its count, as Graphviz DOT laid out to SVG.
Draws ``flow.map.FlowMap`` as it is; the words come from ``narrative.flow_map``."""

from __future__ import annotations

from pathlib import Path

from servicecheck.charts import Figure
from servicecheck.charts.dot import Digraph
from servicecheck.charts.graphviz import graph_figure, write_graph_page
from servicecheck.flow.map import END, START, FlowMap
from servicecheck.narrative import grammar as g
from servicecheck.narrative.flow_map import map_caption, map_note, wait_label

STYLES = {
    "value": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#d7ead3",
              "color": "#2d6a2d"},
    "waste": {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#fbe3d6",
              "color": "#a0522d"},
    "": {"shape": "box", "style": "rounded"},
}
KIND_WORDS = {"value": "value work", "waste": "waste", "": ""}
ENDPOINT = {"width": "0.5", "style": "filled", "fillcolor": "#eeeeee"}


def map_dot(m: FlowMap, title: str = "") -> str:
    """The DOT text: boxes in name order and arrows in (from, to) order, as the map gives
    them, so that the same map is laid out the same way every time. A simplified map says
    what it leaves out under its title."""
    note = map_note(m.finding()) if m.simplified else ""
    dot = Digraph("flow", graph={"rankdir": "TB", "fontname": "Helvetica", "fontsize": "12",
                                 "labelloc": "t", "label": [t for t in (title, note) if t]},
                  node_defaults={"fontname": "Helvetica", "fontsize": "11"},
                  edge_defaults={"fontname": "Helvetica", "fontsize": "10",
                                 "color": "#555555"})
    dot.node(START, {"label": "start", "shape": "circle", **ENDPOINT})
    dot.node(END, {"label": "end", "shape": "doublecircle", **ENDPOINT, "width": "0.45"})
    ids = {START: START, END: END} | {s.name: f"n{i}" for i, s in enumerate(m.steps)}
    for s in m.steps:
        kind = [f"({KIND_WORDS[s.kind]})"] if s.kind else []
        dot.node(ids[s.name], {"label": [s.name, g.counted(s.events, "event"), *kind],
                               "tooltip": s.name, **STYLES[s.kind]})
    top = max((a.count for a in m.arrows if not a.at_an_end), default=1)
    for a in m.arrows:
        if a.at_an_end:
            dot.edge(ids[a.source], ids[a.target], {"label": g.number(a.count),
                                                     "style": "dotted"})
            continue
        label = g.number(a.count) if a.median_s is None else wait_label(a.median_s)
        dot.edge(ids[a.source], ids[a.target],
                 {"label": label, "penwidth": f"{1 + 5 * a.count / top:.2f}"})
    if m.kinds_shown:
        dot.cluster("key", {"label": "key", "fontsize": "10", "color": "#cccccc"},
                    {"__k_value": {"label": "value work", **STYLES["value"]},
                     "__k_waste": {"label": "waste (not value work)", **STYLES["waste"]}})
    return dot.source()


def map_figure(m: FlowMap, title: str = "", name: str = "flow-map") -> Figure:
    """The map laid out, its alt text the caption that counts what it draws."""
    return graph_figure(map_dot(m, title), map_caption(m.finding()), name)


def write_map(m: FlowMap, folder: Path, *, title: str) -> Path:
    """``map.dot`` (to open in any Graphviz tool) and a self-contained ``map.html`` into
    ``folder``; returns the page."""
    dot = map_dot(m, title)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "map.dot").write_text(dot, encoding="utf-8")
    figure = graph_figure(dot, map_caption(m.finding()), "flow-map")
    return write_graph_page(figure, folder / "map.html", title=title)
