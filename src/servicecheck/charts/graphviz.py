"""Graphviz's dot, run in a process of its own: a DOT graph in, its SVG out.

The Graphviz inside the pygraphviz wheel brings an older fontconfig that, on its first use in
a process, prints a harmless warning about the system's newer config files straight to file
descriptor 2. Laying the graph out in a child process keeps that, and anything else the C
libraries print, in the child's captured stderr: this process's stderr (which the web app's
other threads write to) is never redirected. Measured: about 0.1 s of CPU per map for the
child's start, beside the layout itself.
"""

from __future__ import annotations

import html
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from servicecheck.charts import Figure

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


def laid_out(dot: str) -> Callable[[], str]:
    """``render_svg(dot)`` begun now in a thread, which only waits on the child process: the
    function returned waits for the SVG (or raises what ``render_svg`` raised). A report goes
    on to its other sections meanwhile, on the other core: the child's start and layout were
    0.1-0.2 s of the report's wall time, one after the other."""
    done: list[str] = []
    failed: list[Exception] = []

    def draw() -> None:
        try:
            done.append(render_svg(dot))
        except Exception as exc:  # handed to whoever waits for the SVG
            failed.append(exc)

    worker = threading.Thread(target=draw, name="graphviz", daemon=True)
    worker.start()

    def svg() -> str:
        worker.join()
        if failed:
            raise failed[0]
        return done[0]

    return svg


def graph_figure(dot: str, alt: str, name: str) -> Figure:
    """A graph (the flow map, the map between services) as a figure, laid out while the
    caller goes on (``laid_out``)."""
    return Figure(name, laid_out(dot), alt, kind="map")


def write_graph_page(figure: Figure, path: Path, *, title: str) -> Path:
    """A self-contained page with one drawn graph in it (nothing fetched, no script)."""
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:Helvetica,Arial,sans-serif;margin:1.5rem}}#map svg{{max-width:100%;
height:auto}}</style></head><body><h1>{html.escape(title)}</h1>
<div id="map">{figure.inline()}</div>
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
