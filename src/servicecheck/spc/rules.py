"""Vectorised detection rules shared by the presets.

Each helper takes and returns plain numpy arrays so that a million-point chart runs its rules
in milliseconds; the NHSRplotthedots helper names are kept so that their unit vectors map
one to one (see reference/spc/nhsrplotthedots_rule_units.json).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def mean(x: npt.NDArray[np.float64]) -> float:
    """The mean as R's ``mean()`` takes it (the reference implementations are R): the sum's
    mean, then corrected by the mean of the residuals. Values all equal then give exactly
    that value as the centre, so none lies a rounding error above or below its own centre
    line (numpy's mean of 30 needs of 5 hours each was a hair below it: "30 points in a row
    above the centre line" on a chart where nothing varied). NaN when there are none."""
    if x.size == 0:
        return float("nan")
    m = float(np.mean(x))
    return m + float(np.mean(x - m)) if math.isfinite(m) else m


def _window_all(flags: npt.NDArray[np.bool_], width: int) -> npt.NDArray[np.bool_]:
    """True at i when flags[i-width+1 .. i] are all True (False before a full window)."""
    n = flags.shape[0]
    out = np.zeros(n, dtype=bool)
    if n < width:
        return out
    c = np.concatenate(([0], np.cumsum(flags.astype(np.int64))))
    out[width - 1 :] = (c[width:] - c[:-width]) == width
    return out


def _window_count(flags: npt.NDArray[np.bool_], width: int) -> IntArray:
    """Count of True values in the window ending at i (windows before a full one count 0)."""
    n = flags.shape[0]
    out = np.zeros(n, dtype=np.int64)
    if n < width:
        return out
    c = np.concatenate(([0], np.cumsum(flags.astype(np.int64))))
    out[width - 1 :] = c[width:] - c[:-width]
    return out


def _spread_back(flags: npt.NDArray[np.bool_], width: int) -> npt.NDArray[np.bool_]:
    """True at i when any of flags[i .. i+width-1] is True: the window that ends at a flag."""
    n = flags.shape[0]
    c = np.concatenate(([0], np.cumsum(flags.astype(np.int64))))
    hi = np.minimum(np.arange(n) + width, n)
    return (c[hi] - c[np.arange(n)]) > 0


def seven_point_one_side_mean(side: npt.ArrayLike) -> IntArray:
    """1 at a point when it and the 6 before it share the same non-zero side of the mean."""
    s = np.asarray(side, dtype=np.int64)
    hit = _window_all(s == 1, 7) | _window_all(s == -1, 7)
    return hit.astype(np.int64)


def part_of_seven(flags: npt.ArrayLike) -> IntArray:
    """1 at a point that belongs to the 7 points ending at a flagged (non-zero) point."""
    f = np.asarray(flags) != 0
    return _spread_back(f, 7).astype(np.int64)


def seven_point_trend(y: npt.ArrayLike) -> IntArray:
    """+1 (-1) at point i when the 6 differences over points i-6..i are all rising (falling)."""
    v = np.asarray(y, dtype=float)
    out = np.zeros(v.shape[0], dtype=np.int64)
    if v.shape[0] < 7:
        return out
    d = np.sign(np.diff(v))
    up = _window_all(d > 0, 6)
    down = _window_all(d < 0, 6)
    out[1:][up] = 1
    out[1:][down] = -1
    return out


def two_in_three(close: npt.ArrayLike, side: npt.ArrayLike) -> IntArray:
    """1 at a point in some 3-point window with 2+ close points and all 3 on one side."""
    c = np.asarray(close) != 0
    s = np.asarray(side, dtype=np.int64)
    n = c.shape[0]
    window = (_window_count(c, 3) >= 2) & (
        _window_all(s == 1, 3) | _window_all(s == -1, 3)
    )
    out: IntArray = (_spread_back(window, 3).astype(np.int64) if n
                     else np.zeros(0, dtype=np.int64))
    return out


def part_of_two_in_three(close: npt.ArrayLike, side: npt.ArrayLike) -> IntArray:
    """The close points of a 2-in-3 window: the points that get the label."""
    out: IntArray = two_in_three(close, side) * (np.asarray(close) != 0).astype(np.int64)
    return out


MR_SCREEN_FACTOR = 3.267


def mean_moving_range(mr: npt.NDArray[np.float64], screen: bool) -> float:
    """Mean moving range; screened once (NHSRplotthedots, qicharts2): moving ranges at or
    above 3.267 x the mean are left out and the mean taken again. NaN when there are none."""
    if mr.size == 0:
        return float("nan")
    amr = mean(mr)
    if screen:
        kept = mr[mr < MR_SCREEN_FACTOR * amr]
        amr = mean(kept)
    return amr


def longest_run_and_crossings(side: npt.ArrayLike) -> tuple[int, int, int]:
    """(n_useful, longest run, crossings) after dropping points on the centre (side 0)."""
    s = np.asarray(side, dtype=np.int64)
    s = s[s != 0]
    n = int(s.shape[0])
    if n == 0:
        return 0, 0, 0
    change = np.flatnonzero(np.diff(s) != 0)
    crossings = int(change.shape[0])
    bounds = np.concatenate(([-1], change, [n - 1]))
    longest = int(np.max(np.diff(bounds)))
    return n, longest, crossings


def anhoej_longest_run_max(n_useful: int) -> int:
    """round(log2 n) + 3 (Schilling 2012); log2 of an integer never ends in .5."""
    if n_useful <= 0:
        return 0
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=4096)
def anhoej_crossings_min(n_useful: int) -> int:
    """qbinom(0.05, n - 1, 0.5): the smallest k with P(X <= k) >= 0.05 (Chen 2010)."""
    trials = n_useful - 1
    if trials <= 0:
        return 0
    if trials <= 5000:
        # exact integer arithmetic: the threshold is a comparison of two big integers
        total = 1 << trials
        need = total * 5  # P(X<=k) >= 0.05  <=>  20 * cum >= total  <=>  100 * cum >= 5 * total
        cum = 0
        for k in range(trials + 1):
            cum += math.comb(trials, k)
            if cum * 100 >= need:
                return k
        return trials
    from scipy.stats import binom

    k = int(binom.ppf(0.05, trials, 0.5))
    # guard the float boundary the way R's qbinom does: step to the exact smallest k
    while k > 0 and binom.cdf(k - 1, trials, 0.5) >= 0.05:
        k -= 1
    while binom.cdf(k, trials, 0.5) < 0.05:
        k += 1
    return k
