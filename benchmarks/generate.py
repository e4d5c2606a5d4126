"""The synthetic service generator: time and peak memory at 1M and 10M events.

    python benchmarks/generate.py [--events 1000000 10000000]

It streams in chunks, so memory should stay flat and time grow linearly with the events.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from _common import run

CODE = """
import json, sys, time
from servicecheck.generators.housing_repairs import generate
t = time.perf_counter()
g = generate(sys.argv[1], events=int(sys.argv[2]), seed=1, csv=False)
print(json.dumps({"seconds": time.perf_counter() - t, "events": g.events,
                  "peak_mb": peak_mb()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = ap.parse_args()
    print(f"{'events':>12s} {'seconds':>8s} {'events/s':>10s} {'peak MB':>8s}  growth")
    prev = None
    for n in args.events:
        with tempfile.TemporaryDirectory() as d:
            r = run(sys.executable, CODE, d, str(n))
        growth = f"{r['seconds'] / prev:.1f}x time" if prev else ""
        prev = r["seconds"]
        print(f"{int(r['events']):>12,} {r['seconds']:>8.1f} {r['events'] / r['seconds']:>10,.0f} "
              f"{r['peak_mb']:>8.0f}  {growth}", flush=True)


if __name__ == "__main__":
    main()
