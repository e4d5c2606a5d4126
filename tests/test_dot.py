"""The one DOT builder: any service or activity name reaches Graphviz as text."""

from __future__ import annotations

import html

import ibis
import pandas as pd
import pytest

from servicecheck.charts.dot import Digraph, quote
from servicecheck.charts.flow_map import map_dot
from servicecheck.charts.graphviz import graph_figure, render_svg
from servicecheck.charts.joined_up import services_map
from servicecheck.flow.map import flow_map

# name, as Graphviz should show it (line breaks and control characters become spaces)
NAMES = [
    ('Repairs "north"', 'Repairs "north"'),
    ("back\\slash", "back\\slash"),
    ("ends with a backslash\\", "ends with a backslash\\"),
    ("two\nlines", "two lines"),
    ("tab\tand\rreturn", "tab and return"),
    ("<b>not html</b>", "<b>not html</b>"),
    ("a > b & c < d", "a > b & c < d"),
    ("\\N is the node name", "\\N is the node name"),
    ("{braces} [brackets]; semi", "{braces} [brackets]; semi"),
    ("", ""),
]


@pytest.mark.parametrize(("name", "shown"), NAMES, ids=[repr(n) for n, _ in NAMES])
def test_quote_is_one_dot_string(name: str, shown: str) -> None:
    q = quote(name)
    assert q.startswith('"') and q.endswith('"') and "\n" not in q
    # inside, every quote is escaped and every backslash comes in an escaped pair
    inner = q[1:-1].replace("\\\\", "").replace('\\"', "")
    assert '"' not in inner and "\\" not in inner


def test_every_name_is_drawn_as_written() -> None:
    dot = Digraph("names")
    for i, (name, _) in enumerate(NAMES):
        dot.node(f"n{i}", {"label": name, "tooltip": name})
        dot.edge(name, f"n{i}", {"label": name})  # names as node ids too
    svg = html.unescape(render_svg(dot.source()))
    for _, shown in NAMES:
        assert f">{shown}<" in svg or not shown, shown


def test_flow_map_with_awkward_activities() -> None:
    t = pd.Timestamp("2024-01-01", tz="UTC")
    acts = [n for n, _ in NAMES if n]
    events = ibis.memtable(pd.DataFrame({
        "case_id": ["c1"] * len(acts) + ["c2"] * 2,
        "activity": acts + acts[:2],
        "timestamp": [t + pd.Timedelta(hours=i) for i in range(len(acts))]
        + [t, t + pd.Timedelta(hours=1)],
        "event_index": range(len(acts) + 2), "team": "Repairs", "resource": "R1",
    }))
    svg = html.unescape(render_svg(map_dot(flow_map(events, value_steps=[acts[0]]),
                                           'Repairs "north"')))
    assert 'Repairs "north"' in svg and "<b>not html</b>" in svg and "two lines" in svg
    assert svg.count('class="node"') == len(acts) + 2 + 2  # start, end and the key's two


def test_services_map_names_a_quoted_service() -> None:
    matrix = pd.DataFrame({"cause": ["a", "b"], "effect": ["b", "a"],
                           "failure_demands": [12, 0], "share_of_effect_failure": [0.5, 0.0]})
    dot = services_map(matrix, {"a": 'Repairs "north"', "b": "Benefits\\south"})
    svg = html.unescape(render_svg(dot))
    assert 'Repairs "north"' in svg and "Benefits\\south" in svg
    assert svg.count('class="edge"') == 1 and ">12<" in svg


@pytest.mark.parametrize(("dot", "said"), [
    ('digraph { a -> b [label="x"] }', None),
    ("digraph { a -> }", "Graphviz could not draw the graph"),
], ids=["laid out", "Graphviz refuses it"])
def test_a_figure_laid_out_meanwhile_gives_its_svg_or_its_error(dot: str, said: str | None
                                                                ) -> None:
    """A map is laid out in a child process while the report goes on: its figure gives the
    same SVG as drawing it there and then, and a graph Graphviz cannot lay out raises where
    the SVG is read, with what Graphviz said."""
    figure = graph_figure(dot, "a map", "map")
    if said is None:
        assert figure.svg == render_svg(dot) and figure.kind == "map"
        assert figure.inline().startswith('<svg role="img" aria-label="a map"')
    else:
        with pytest.raises(ValueError, match=said):
            figure.svg  # noqa: B018 (reading it is the test)
