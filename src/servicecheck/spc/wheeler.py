"""Wheeler's XmR chart (Making Sense of Data) with the four Western Electric detection rules.

Natural process limits are centre +/- 2.66 x mean moving range (or 3.145 x median moving
range); the moving-range chart's upper range limit is 3.268 x mean moving range (or 3.865 x
median). Wheeler's D4 is 3.268, where NHSRplotthedots and qicharts2 use 3.267.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from servicecheck.spc import rules
from servicecheck.spc._chart import (
    Chart,
    FloatArray,
    Limits,
    Signal,
    as_values,
    default_labels,
    runs_of,
)

FACTORS = {"mean": (2.66, 3.268), "median": (3.145, 3.865)}
RULE_SET = "Wheeler XmR (Western Electric)"  # said as "(Wheeler XmR, Western Electric rules)"


def wheeler_xmr(
    values: Sequence[float] | np.ndarray,
    *,
    centre: str = "mean",
    moving_range_statistic: str = "mean",
    labels: Sequence[Any] | None = None,
    lower: float | None = None,
    upper: float | None = None,
) -> Chart:
    """An XmR chart with Wheeler's arithmetic. `lower`/`upper` fix published limits."""
    if centre not in ("mean", "median"):
        raise ValueError(f"centre must be mean or median, not {centre!r}")
    if moving_range_statistic not in FACTORS:
        raise ValueError(
            f"moving_range_statistic must be mean or median, not {moving_range_statistic!r}"
        )
    x = as_values(values)
    n = x.shape[0]
    lab = default_labels(n, labels)
    mr = np.abs(np.diff(x))
    cl = rules.mean(x) if centre == "mean" else float(np.median(x))
    mr_c = rules.mean(mr) if moving_range_statistic == "mean" else float(np.median(mr))
    k, d4 = FACTORS[moving_range_statistic]
    unpl = cl + k * mr_c if upper is None else upper
    lnpl = cl - k * mr_c if lower is None else lower
    url = d4 * mr_c
    limits = Limits(
        group=0,
        first_point=1,
        last_point=n,
        centre=cl,
        lower=lnpl,
        upper=unpl,
        lower_2sigma=cl - 2 * (cl - lnpl) / 3,
        upper_2sigma=cl + 2 * (unpl - cl) / 3,
        mr_centre=mr_c,
        mr_upper=url,
    )
    mr_full = np.concatenate(([np.nan], mr))
    signals, labels_out = _detect(x, mr_full, limits)
    special = tuple(labels_out)
    point_type = tuple(
        "common_cause"
        if s == "Common Cause"
        else ("special_cause_neutral_high" if x[i] > cl else "special_cause_neutral_low")
        for i, s in enumerate(special)
    )
    ones = np.ones(n, dtype=bool)
    return Chart(
        preset="wheeler",
        rule_set=RULE_SET,
        chart_type="i",
        values=x,
        labels=lab,
        limits=(limits,),
        group=np.zeros(n, dtype=np.int64),
        special_cause_type=special,
        point_type=point_type,
        sigma_signal=(x > unpl) | (x < lnpl),
        baseline=ones,
        include=ones.copy(),
        signals=tuple(signals),
        moving_ranges=mr_full,
    )


def beyond_limits(x: FloatArray, lower: float, upper: float) -> np.ndarray:
    """Rule 1: a value strictly beyond a limit (a value equal to a limit is inside)."""
    return (x > upper) | (x < lower)


def k_of_m_beyond(x: FloatArray, centre: float, line_hi: float, line_lo: float, k: int,
                  m: int) -> np.ndarray:
    """Points in a window of m successive values with k or more beyond a line, one side."""
    return _marked(x.shape[0], k_of_m_windows(x, line_hi, line_lo, k, m))


def k_of_m_windows(x: FloatArray, line_hi: float, line_lo: float, k: int,
                   m: int) -> list[tuple[int, tuple[int, ...]]]:
    """Each stretch of overlapping windows of m successive values with k or more beyond a
    line on one side: its direction and the points beyond the line in it (0-based). Only
    those points are marked, never the one of a 4-of-5 window that is not beyond, yet the
    window is one signal: split at that point it was counted as two."""
    out: list[tuple[int, tuple[int, ...]]] = []
    for way, flags in ((1, x > line_hi), (-1, x < line_lo)):
        ends = np.flatnonzero(rules._window_count(flags, m) >= k)
        covered = np.zeros(x.shape[0], dtype=bool)
        for j in ends.tolist():
            covered[j - m + 1:j + 1] = True
        for a, b in runs_of(covered):
            out.append((way, tuple(i for i in range(a, b + 1) if flags[i])))
    return out


def _marked(n: int, windows: list[tuple[int, tuple[int, ...]]]) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for _, points in windows:
        out[list(points)] = True
    return out


def eight_on_one_side(x: FloatArray, centre: float) -> np.ndarray:
    """Rule 4: 8 successive values on one side; values on the line neither count nor break."""
    side = np.sign(x - centre)
    idx = np.flatnonzero(side != 0)
    s = side[idx]
    hit = np.zeros(idx.shape[0], dtype=bool)
    for v in (1, -1):
        hit |= rules._spread_back(rules._window_all(s == v, 8), 8) & (s == v)
    out = np.zeros(x.shape[0], dtype=bool)
    out[idx[hit]] = True
    return out


def _detect(
    x: FloatArray, mr: FloatArray, lim: Limits
) -> tuple[list[Signal], list[str]]:
    assert lim.lower is not None and lim.upper is not None
    cl = lim.centre
    sigma_hi = (lim.upper - cl) / 3
    sigma_lo = (cl - lim.lower) / 3
    windows = {
        "rule 2: 2 of 3 beyond two sigma": k_of_m_windows(
            x, cl + 2 * sigma_hi, cl - 2 * sigma_lo, 2, 3
        ),
        "rule 3: 4 of 5 beyond one sigma": k_of_m_windows(x, cl + sigma_hi, cl - sigma_lo, 4, 5),
    }
    found = {
        "rule 1: beyond the limits": beyond_limits(x, lim.lower, lim.upper),
        **{rule: _marked(x.shape[0], w) for rule, w in windows.items()},
        "rule 4: 8 in a row on one side": eight_on_one_side(x, cl),
    }
    with np.errstate(invalid="ignore"):
        mr_out = np.nan_to_num(mr, nan=0.0) > (lim.mr_upper or np.inf)
    signals: list[Signal] = []
    labels = ["Common Cause"] * x.shape[0]
    for rule in reversed(list(found)):  # rule 1 written last so it takes precedence
        flags = found[rule]
        for i in np.flatnonzero(flags).tolist():
            labels[i] = rule
        if rule in windows:  # a window is one signal, though a point in it is not beyond
            signals += [Signal(rule=rule.split(":")[0].replace(" ", "_"),
                               points=tuple(i + 1 for i in pts), direction=way)
                        for way, pts in windows[rule]]
            continue
        # a run above the centre line and one below it are two signals even where they
        # touch: the process moved twice, once each way
        for direction, side in ((1, x > cl), (-1, x < cl)):
            for a, b in runs_of(flags & side):
                signals.append(
                    Signal(rule=rule.split(":")[0].replace(" ", "_"),
                           points=tuple(range(a + 1, b + 2)), direction=direction)
                )
    # a jump has no side of the centre line: it joins the run it touches (Chart.runs)
    for i in np.flatnonzero(mr_out).tolist():
        signals.append(
            Signal(rule="mr_beyond_url", points=(i + 1,), direction=0)
        )
    signals.sort(key=lambda s: s.points[0])
    return signals, labels
