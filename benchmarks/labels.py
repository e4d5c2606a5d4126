"""A capability chart's point labels: each need's day formatted alone (as before) beside
``measures.periods.day_labels`` (formatted once per distinct day), in the same run, on needs
met at random times over a year; the labels must be equal.

    python benchmarks/labels.py [--needs 10000]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from servicecheck.measures.periods import day_labels


def cpu(f: Callable[[], object], repeat: int = 5) -> float:
    """The least CPU seconds of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        f()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=10_000)
    n = parser.parse_args().needs
    seconds = np.random.default_rng(1).integers(0, 365 * 86400, n)
    met = (pd.Series(pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"))
           .sort_values().dt.tz_convert("Europe/London"))
    assert day_labels(met) == [f"{t:%d %b %Y}" for t in met]
    alone = cpu(lambda: [f"{t:%d %b %Y}" for t in met])
    per_day = cpu(lambda: day_labels(met))
    print(f"{n:,} labels: each alone {alone * 1000:.1f} ms of CPU, per day "
          f"{per_day * 1000:.1f} ms ({alone / per_day:.1f}x); load average "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
