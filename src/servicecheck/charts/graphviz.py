"""Graphviz's dot, run in a process of its own: a DOT graph in, its SVG out.

The Graphviz inside the pygraphviz wheel brings an older fontconfig that, on its first use in
a process, prints a harmless warning about the system's newer config files straight to file
descriptor 2. Laying the graph out in a child process keeps that, and anything else the C
libraries print, in the child's captured stderr: this process's stderr (which the web app's
other threads write to) is never redirected. Measured: about 0.1 s of CPU per map for the
child's start, beside the layout itself.
"""

from __future__ import annotations

import subprocess
import sys

# The child reads DOT on stdin and writes SVG on stdout; only pygraphviz is imported there.
_DRAW = """
import sys, pygraphviz
graph = pygraphviz.AGraph(string=sys.stdin.buffer.read().decode("utf-8"))
sys.stdout.buffer.write(bytes(graph.draw(format="svg", prog="dot")))
"""


def render_svg(dot: str, *, timeout: float | None = None) -> str:
    """Lay ``dot`` out with Graphviz's dot and return the SVG. A graph Graphviz cannot lay
    out raises ValueError with what Graphviz said."""
    done = subprocess.run([sys.executable, "-c", _DRAW], input=dot.encode("utf-8"),
                          capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0 or not done.stdout:
        said = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and not line.startswith("Fontconfig warning")]
        raise ValueError(f"Graphviz could not draw the graph: {said[-1] if said else ''}")
    return done.stdout.decode("utf-8")
