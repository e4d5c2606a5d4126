"""The map between services: each service a box, an arrow from each to each other service in
which it caused failure demand, as thick as the count. Drawn from ``joined_up.cross_matrix``;
nothing is computed here but the arrows' widths."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from servicecheck.charts.dot import Digraph


def services_map(matrix: pd.DataFrame, names: Mapping[str, str]) -> str:
    """DOT for the map: ``matrix`` as ``cross_matrix`` returns it, ``names`` each service's
    name by its key (in the order the boxes are placed)."""
    top = max(int(matrix["failure_demands"].max()) if len(matrix) else 1, 1)
    dot = Digraph("services",
                  graph={"rankdir": "LR", "fontname": "Helvetica", "labelloc": "t",
                         "label": "Failure demand one service causes in another"},
                  node_defaults={"shape": "box", "style": "rounded,filled",
                                 "fillcolor": "#eef3fa", "fontname": "Helvetica"},
                  edge_defaults={"fontname": "Helvetica", "color": "#a0522d"})
    ids = {key: f"s{i}" for i, key in enumerate(names)}
    for key, i in ids.items():
        dot.node(i, {"label": names[key]})
    hits = matrix[matrix["failure_demands"] > 0]
    for cause, effect, count in zip(hits["cause"].astype(str), hits["effect"].astype(str),
                                    hits["failure_demands"].astype(int), strict=True):
        dot.edge(ids[cause], ids[effect],
                 {"label": f"{count:,}", "penwidth": f"{1 + 5 * count / top:.2f}"})
    return dot.source()
