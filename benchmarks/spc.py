"""One XmR chart of N points with every rule of each preset: wall time per preset.

Run: python benchmarks/spc.py [N]   (default 1,000,000). Prints one line per preset.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from servicecheck import spc


def main(n: int) -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(10, 2, n)
    y[n // 2 :] += 1.5  # a shift, so the rules have work to do
    print(f"XmR chart of {n:,} points (numpy {np.__version__})")
    for preset, params in (("ptd", {}), ("mdc2023", {}), ("anhoej", {}), ("wheeler", {})):
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            chart = spc.xmr(y, preset=preset, **params)
            best = min(best, time.perf_counter() - t)
        print(f"{preset:8s} {best:7.3f} s  {len(chart.signals):,} signals")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
