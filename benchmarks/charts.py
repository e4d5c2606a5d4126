"""Drawing the process behaviour charts: the SVG writer against Vega-Lite through vl-convert,
the same charts in the same process, CPU seconds per chart.

    python benchmarks/charts.py [--repeat 3]
    python benchmarks/charts.py --needs 1300000 [--needs 13000000]


The charts: a per-need capability chart of 8,000 needs over a year and a half (signals,
dots one per pixel cell, the mR chart beneath) and a weekly chart of 80 periods with two
phases and a change marked, full and compact (the report's summary draws twelve compact
ones). Each side draws from the same ``Chart``; "Vega-Lite" is the spec (Altair) and its
rendering by vl-convert, which the report used until December 2026 (vl-convert-python is
then needed in the benchmark's environment: ``pip install vl-convert-python``).

``--needs N``: the memory of drawing one capability chart of N needs (dates as one index of
instants in London, as ``measures.capability`` hands them), each size in a fresh process: the
RSS held with the chart made, the peak while it is drawn as SVG (the high-water mark reset
once the chart is made), the CPU, and a digest of the SVG to compare two versions by.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from _common import run

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


# One capability chart of ``n`` needs drawn in a fresh process: its dates an index of instants
# in the service's zone, its labels one a day (as measures.capability makes them).
NEEDS = """
import dataclasses, hashlib, json, sys, time
import numpy as np, pandas as pd
from servicecheck import spc
from servicecheck.charts.xmr import xmr_figure
from servicecheck.measures import periods
n = int(sys.argv[1])
rng = np.random.default_rng(3)
met = pd.DatetimeIndex(pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
    np.sort(rng.uniform(0, 730, n)), unit="D")).tz_convert("Europe/London")
chart = spc.xmr(rng.gamma(2.0, 6.0, n), labels=periods.day_labels(pd.Series(met)),
                improvement_direction="decrease")
chart = dataclasses.replace(chart, dates=met)
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
held = rss()
open("/proc/self/clear_refs", "w").write("5")  # the high-water mark from here
cpu = time.process_time()
svg = xmr_figure(chart, "capability", title="End-to-end days per need", y_title="days").svg
cpu = time.process_time() - cpu
print(json.dumps({"held_mb": held, "peak_mb": peak_mb(), "cpu_s": cpu,
                  "svg": hashlib.sha256(svg.encode()).hexdigest()[:12]}))
"""


def needs_memory(sizes: list[int]) -> None:
    print(f"{'needs':>12s} {'held MB':>8s} {'peak MB':>8s} {'drawing MB':>10s} {'CPU s':>6s} "
          f"{'SVG':>12s}  load")
    for n in sizes:
        r = run(sys.executable, NEEDS, str(n))
        print(f"{n:>12,d} {r['held_mb']:>8.0f} {r['peak_mb']:>8.0f} "
              f"{r['peak_mb'] - r['held_mb']:>10.0f} {r['cpu_s']:>6.2f} {r['svg']:>12s}  "
              f"{os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--needs", type=int, action="append",
                    help="the memory of one capability chart of this many needs (repeatable)")
    args = ap.parse_args()
    if args.needs:
        needs_memory(args.needs)
        return
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
