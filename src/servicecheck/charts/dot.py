"""Graphviz DOT, built in one place: every name and label quoted and escaped, so a service
called ``Repairs "north"`` or an activity with a backslash, a line break or ``<`` reaches
Graphviz as text, never as DOT syntax. Maps give ids, labels and styles; nothing is computed
here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# A value is one line of text, or several (shown on separate lines in a label).
Value = str | Sequence[str]
Attrs = Mapping[str, Value]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _escape(text: str) -> str:
    """One line of text safe inside a DOT double-quoted string: a backslash stays a backslash
    (Graphviz reads \\N, \\G, \\l in labels as its own codes), a quote stays a quote, and
    line breaks and other control characters become a space."""
    text = _CONTROL.sub(" ", text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def quote(value: Value) -> str:
    """A DOT double-quoted string; several lines are joined by DOT's own line break."""
    lines = [value] if isinstance(value, str) else list(value)
    return '"' + "\\n".join(_escape(line) for line in lines) + '"'


def attributes(attrs: Attrs) -> str:
    return "[" + ", ".join(f"{key}={quote(value)}" for key, value in attrs.items()) + "]"


@dataclass
class Digraph:
    """A directed graph: default attributes for the graph, its nodes and its edges, then
    nodes, edges and clusters in the order they are added."""

    name: str
    graph: Attrs = field(default_factory=dict)
    node_defaults: Attrs = field(default_factory=dict)
    edge_defaults: Attrs = field(default_factory=dict)
    _body: list[str] = field(default_factory=list)

    def node(self, key: str, attrs: Attrs) -> None:
        self._body.append(f"  {quote(key)} {attributes(attrs)};")

    def edge(self, source: str, target: str, attrs: Attrs) -> None:
        self._body.append(f"  {quote(source)} -> {quote(target)} {attributes(attrs)};")

    def cluster(self, key: str, attrs: Attrs, nodes: Mapping[str, Attrs]) -> None:
        """A boxed group of nodes (a key to the map's styles, say)."""
        inner = "; ".join(f"{k}={quote(v)}" for k, v in attrs.items())
        self._body.append(f"  subgraph {quote('cluster_' + key)} {{ {inner};")
        self._body += [f"    {quote(k)} {attributes(a)};" for k, a in nodes.items()]
        self._body.append("  }")

    def source(self) -> str:
        head = [f"digraph {quote(self.name)} {{"]
        for kind, attrs in (("graph", self.graph), ("node", self.node_defaults),
                            ("edge", self.edge_defaults)):
            if attrs:
                head.append(f"  {kind} {attributes(attrs)};")
        return "\n".join([*head, *self._body, "}"])
