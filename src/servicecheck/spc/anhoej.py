"""I charts, moving-range charts and run charts with Anhøj's runs analysis, exactly as
qicharts2 0.8.1 computes them (`anhoej` preset).

Parameter names follow qicharts2's `qic()`: `chart`, `freeze`, `part`, `exclude`,
`screenedmr`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from servicecheck.spc import rules
from servicecheck.spc._chart import (
    Chart,
    FloatArray,
    Limits,
    RunsAnalysis,
    Signal,
    as_values,
    default_labels,
    span_words,
)

D2 = 1.128
MR_SCREEN_FACTOR = rules.MR_SCREEN_FACTOR
RULE_SET = "qicharts2 0.8.1 (Anhøj rules)"
CHARTS = ("i", "mr", "run")


def _points(arg: int | Sequence[int] | None, n: int, what: str) -> list[int]:
    if arg is None:
        return []
    pts = [arg] if isinstance(arg, int | np.integer) else list(arg)
    for p in pts:
        if not 1 <= int(p) <= n:
            raise ValueError(f"{what} point {p} is outside 1..{n}")
    return sorted(int(p) for p in pts)


def runs_analysis(y: FloatArray, cl: float, n_obs: int) -> RunsAnalysis:
    side = np.sign(y - cl).astype(np.int64)
    n_useful, longest, crossings = rules.longest_run_and_crossings(side)
    lmax = rules.anhoej_longest_run_max(n_useful)
    cmin = rules.anhoej_crossings_min(n_useful)
    signal = n_useful > 0 and (longest > lmax or crossings < cmin)
    return RunsAnalysis(
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=lmax,
        n_crossings=crossings,
        n_crossings_min=cmin,
        signal=bool(signal),
    )


def qic(
    values: Sequence[float] | np.ndarray,
    *,
    chart: str = "i",
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: int | Sequence[int] | None = None,
    screenedmr: bool = True,
    labels: Sequence[Any] | None = None,
) -> Chart:
    """An I, MR or run chart with qicharts2's arithmetic and the Anhøj runs analysis."""
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}, not {chart!r}")
    y = as_values(values)
    n = y.shape[0]
    lab = default_labels(n, labels)
    if freeze is not None and part is not None:
        raise ValueError("freeze and part cannot be combined; use one or the other")
    if freeze is not None and not 1 <= freeze <= n:
        raise ValueError(f"freeze must be between 1 and {n}")
    parts_after = _points(part, n, "part")
    excluded = _points(exclude, n, "exclude")

    include = np.ones(n, dtype=bool)
    if excluded:
        include[np.array(excluded) - 1] = False
    baseline = np.arange(1, n + 1) <= (freeze if freeze is not None else n)
    bounds = [0, *[p for p in parts_after if p < n], n]
    group = np.zeros(n, dtype=np.int64)
    sigma_signal = np.zeros(n, dtype=bool)
    plotted = y.copy()
    mr_full = np.full(n, np.nan)
    limits: list[Limits] = []
    signals: list[Signal] = []

    for g, (a, b) in enumerate(itertools.pairwise(bounds)):
        group[a:b] = g
        seg, inc, base = y[a:b], include[a:b], baseline[a:b]
        # moving ranges between consecutive included points: an excluded point is bridged
        idx = np.flatnonzero(inc)
        mr_seg = np.full(b - a, np.nan)
        if idx.size > 1:
            mr_seg[idx[1:]] = np.abs(np.diff(seg[idx]))
        mr_full[a:b] = mr_seg
        if chart == "mr":
            lim, sig = _mr_part(mr_seg, inc, base, g, a, b)
            plotted[a:b] = mr_seg
        elif chart == "run":
            lim, sig = _run_part(seg, inc, base, g, a, b)
        else:
            lim, sig = _i_part(seg, inc, base, g, a, b, screenedmr)
        limits.append(lim)
        sigma_signal[a:b] = sig
        signals.extend(_part_signals(lim, sig, plotted[a:b], a, lab))

    special = tuple(
        ("Above UCL" if plotted[i] > limits[group[i]].centre else "Below LCL")
        if sigma_signal[i]
        else "Common Cause"
        for i in range(n)
    )
    point_type = tuple(
        ("special_cause_neutral_high" if s == "Above UCL" else "special_cause_neutral_low")
        if s != "Common Cause"
        else "common_cause"
        for s in special
    )
    signals.sort(key=lambda s: s.points[0])
    return Chart(
        preset="anhoej",
        rule_set=RULE_SET,
        chart_type=chart,
        values=plotted,
        labels=lab,
        limits=tuple(limits),
        group=group,
        special_cause_type=special,
        point_type=point_type,
        sigma_signal=sigma_signal,
        baseline=baseline,
        include=include,
        signals=tuple(signals),
        moving_ranges=mr_full,
    )


def _i_part(
    seg: FloatArray,
    inc: np.ndarray,
    base: np.ndarray,
    g: int,
    a: int,
    b: int,
    screenedmr: bool,
) -> tuple[Limits, np.ndarray]:
    use = inc & base
    yb = seg[use]
    cl = float(np.mean(yb)) if yb.size else float("nan")
    amr = rules.mean_moving_range(np.abs(np.diff(yb)), screenedmr)
    sigma = amr / D2
    lcl, ucl = cl - 3 * sigma, cl + 3 * sigma
    sig = ((seg > ucl) | (seg < lcl)) & inc
    runs = runs_analysis(seg[inc], cl, b - a)
    lim = Limits(
        group=g,
        first_point=a + 1,
        last_point=b,
        centre=cl,
        lower=lcl,
        upper=ucl,
        lower_2sigma=cl - 2 * sigma,
        upper_2sigma=cl + 2 * sigma,
        mr_centre=amr,
        mr_upper=MR_SCREEN_FACTOR * amr,
        runs=runs,
    )
    return lim, sig


def _run_part(
    seg: FloatArray, inc: np.ndarray, base: np.ndarray, g: int, a: int, b: int
) -> tuple[Limits, np.ndarray]:
    yb = seg[inc & base]
    cl = float(np.median(yb)) if yb.size else float("nan")
    runs = runs_analysis(seg[inc], cl, b - a)
    lim = Limits(group=g, first_point=a + 1, last_point=b, centre=cl, lower=None, upper=None,
                 runs=runs)
    return lim, np.zeros(b - a, dtype=bool)


def _mr_part(
    mr_seg: FloatArray, inc: np.ndarray, base: np.ndarray, g: int, a: int, b: int
) -> tuple[Limits, np.ndarray]:
    have = ~np.isnan(mr_seg)
    mb = mr_seg[have & base & inc]
    cl = float(np.mean(mb)) if mb.size else float("nan")
    ucl = MR_SCREEN_FACTOR * cl
    with np.errstate(invalid="ignore"):
        sig = have & (mr_seg > ucl)
    runs = runs_analysis(mr_seg[have & inc], cl, b - a)
    lim = Limits(
        group=g,
        first_point=a + 1,
        last_point=b,
        centre=cl,
        lower=0.0,
        upper=ucl,
        # qicharts2's own convention for the MR chart's 2-sigma lines
        lower_2sigma=0.0,
        upper_2sigma=2.0 / 3.0 * ucl,
        runs=runs,
    )
    return lim, sig


def _part_signals(
    lim: Limits, sig: np.ndarray, vals: FloatArray, offset: int, lab: tuple[str, ...]
) -> list[Signal]:
    out: list[Signal] = []
    for i in np.flatnonzero(sig).tolist():
        above = vals[i] > lim.centre
        where = lab[offset + i]
        out.append(
            Signal(
                rule="outside_limits",
                points=(offset + i + 1,),
                direction=1 if above else -1,
                reason=f"{'above the upper' if above else 'below the lower'} limit: {where}",
            )
        )
    r = lim.runs
    if r is not None and r.signal:
        span = span_words(lab, lim.first_point - 1, lim.last_point - 1)
        why = []
        if r.longest_run > r.longest_run_max:
            why.append(
                f"a run of {r.longest_run} points on one side of the centre line "
                f"(more than {r.longest_run_max} is unusual)"
            )
        if r.n_crossings < r.n_crossings_min:
            why.append(
                f"only {r.n_crossings} crossings of the centre line "
                f"(fewer than {r.n_crossings_min} is unusual)"
            )
        out.append(
            Signal(
                rule="runs",
                points=tuple(range(lim.first_point, lim.last_point + 1)),
                direction=0,
                reason=f"{' and '.join(why)}, {span}",
            )
        )
    return out
