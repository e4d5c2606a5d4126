"""Drawing the process behaviour charts: the SVG writer against Vega-Lite through vl-convert,
the same charts in the same process, CPU seconds per chart.

    python benchmarks/charts.py [--repeat 3]

The charts: a per-need capability chart of 8,000 needs over a year and a half (signals,
dots one per pixel cell, the mR chart beneath) and a weekly chart of 80 periods with two
phases and a change marked, full and compact (the report's summary draws twelve compact
ones). Each side draws from the same ``Chart``; "Vega-Lite" is the spec (Altair) and its
rendering by vl-convert, which the report used until December 2026 (vl-convert-python is
then needed in the benchmark's environment: ``pip install vl-convert-python``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from servicecheck import spc
from servicecheck.charts import vega_json
from servicecheck.charts.xmr import spec_of, xmr_parts
from servicecheck.charts.xmr_svg import xmr_svg
from servicecheck.service.model import Change


def charts() -> dict[str, tuple[spc.Chart, dict[str, Any]]]:
    """Each chart and how it is drawn (``xmr_parts``'s arguments)."""
    rng = np.random.default_rng(3)
    n = 8000
    met = pd.date_range("2024-01-01", periods=n, freq="90min", tz="Europe/London")
    needs = dataclasses.replace(spc.xmr(rng.gamma(2.0, 6.0, n),
                                        labels=[f"{t:%d %b %Y}" for t in met],
                                        improvement_direction="decrease"), dates=tuple(met))
    weeks = pd.date_range("2024-01-01", periods=80, freq="W-MON", tz="Europe/London")
    weekly = dataclasses.replace(
        spc.xmr(np.r_[rng.normal(20, 3, 40), rng.normal(12, 2, 40)],
                labels=[f"w/c {w:%d %b %Y}" for w in weeks], phases=[40]), dates=tuple(weeks))
    change = [Change(date="2024-10-07", what="Trades book their own visits", by="Repairs")]
    return {
        "8,000 needs": (needs, {"title": "End-to-end days per need", "y_title": "days"}),
        "80 weeks": (weekly, {"title": "Median days per week", "y_title": "days",
                              "x_title": "week", "changes": change}),
        "80 weeks, compact": (weekly, {"title": "Median days", "y_title": "days",
                                       "x_title": "week", "changes": change,
                                       "compact": True}),
    }


def best(job: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        c = time.process_time()
        job()
        times.append(time.process_time() - c)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import vl_convert as vlc

    vlc.vegalite_to_svg('{"mark": "point"}')  # the JavaScript engine started, not counted
    print(f"{'chart':20s} {'SVG writer s':>12s} {'Vega-Lite s':>12s} {'ratio':>7s}  load")
    for name, (chart, how) in charts().items():
        # each side from the chart: its layers (xmr_parts), then drawn directly, or as a
        # Vega-Lite spec rendered by vl-convert (what the report did before)
        svg = best(lambda chart=chart, how=how: xmr_svg(xmr_parts(chart, **how)), args.repeat)
        vl = best(lambda chart=chart, how=how: vlc.vegalite_to_svg(
            vega_json(spec_of(xmr_parts(chart, **how)))), args.repeat)
        print(f"{name:20s} {svg:12.3f} {vl:12.3f} {vl / svg:6.0f}x  {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":
    main()
