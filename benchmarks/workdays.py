"""Working days between N pairs of timestamps, and N additions, as columns and one at a time.

Run: python benchmarks/workdays.py [N]   (default 1,000,000; one at a time on 5,000).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from servicecheck import workdays


def best(f: object, repeat: int = 3) -> float:
    out = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()  # type: ignore[operator]
        out = min(out, time.perf_counter() - t)
    return out


def main(n: int) -> None:
    rng = np.random.default_rng(1)
    starts = pd.Series(pd.Timestamp("2020-01-01", tz="UTC")
                       + pd.to_timedelta(rng.integers(0, 5 * 365 * 24 * 60, n), unit="min"))
    ends = starts + pd.to_timedelta(rng.integers(0, 60 * 24 * 60, n), unit="min")
    print(f"between_many {n:,}: {best(lambda: workdays.between_many(starts, ends)):.2f} s")
    print(f"add_many {n:,}: {best(lambda: workdays.add_many(starts, 10)):.2f} s")
    few = list(zip(starts[:5000], ends[:5000], strict=True))
    each = best(lambda: [workdays.between(a, b) for a, b in few], 1) / len(few)
    print(f"between one at a time: {each * 1e6:.0f} us each")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
