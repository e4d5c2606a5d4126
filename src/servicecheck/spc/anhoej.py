"""qicharts2 0.8.1's charts with Anhøj's runs analysis, with its arithmetic exactly (the
`anhoej` preset and `spc.qic`).

Charts, named as qicharts2 names them: ``run`` (median, no limits), ``i`` and ``mr``
(individuals and moving ranges), ``t`` (time between rare events: an I chart of
y^(1/3.6), transformed back), ``g`` (opportunities between rare events: geometric limits
from the mean, the median as centre line), ``p``/``pp`` and ``u``/``up`` (proportions and
rates of ``y`` over denominators ``n``; the primed ones with Laney's correction for large
denominators), and ``c`` (counts).

Parameters follow qicharts2's ``qic()``: ``freeze`` (the last point of the baseline),
``part`` (points after which new limits start), ``exclude`` (points left out of the centre
line and limits), ``multiply``, and ``screenedmr`` (the option ``qic.screenedmr``, on
whenever the package is attached).

An excluded point, as qicharts2 treats it: left out of the centre line, the limits and the
runs analysis (the moving ranges of I, T, P′ and U′ charts bridge it; the runs series
closes up around it and ``n_obs`` counts only included points), but still plotted and
still tested against the limits (``sigma_signal``). The MR chart plots every moving range,
including the two that touch an excluded point, and leaves only the excluded point's own
range out of its centre line.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
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
)

D2 = 1.128
MR_SCREEN_FACTOR = rules.MR_SCREEN_FACTOR
RULE_SET = "qicharts2 0.8.1 (Anhøj)"  # a chart says "(qicharts2 0.8.1, Anhøj rules)"
CHARTS = ("run", "i", "mr", "t", "g", "c", "p", "pp", "u", "up")
NEEDS_N = ("p", "pp", "u", "up")
# lower limits below zero are raised to zero for charts of counts, rates and shares;
# p charts' upper limits are lowered to one
FLOOR_ZERO = ("c", "p", "pp", "u", "up", "g")
CEIL_ONE = ("p", "pp")

BoolArray = np.ndarray


class _Part:
    """One part's inputs, as qicharts2's chart functions see them."""

    def __init__(self, y: FloatArray, y_sum: FloatArray, n: FloatArray, base: BoolArray,
                 screened: bool) -> None:
        self.y, self.y_sum, self.n, self.base, self.screened = y, y_sum, n, base, screened
        self.amr: float | None = None  # an I chart's average moving range, once computed


Lines = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
"""(plotted y, cl, lcl, ucl, lcl_95, ucl_95), one value per point of the part."""


def _nanmean(x: FloatArray) -> float:
    x = x[~np.isnan(x)]
    return rules.mean(x)


def _mean_mr(mr: FloatArray, screened: bool) -> float:
    """qicharts2's average moving range: NA dropped, then screened once when asked."""
    return rules.mean_moving_range(mr[~np.isnan(mr)], screened)


def _sigma_lines(y: FloatArray, cl: FloatArray, stdev: FloatArray | float) -> Lines:
    return (y, cl, cl - 3 * stdev, cl + 3 * stdev, cl - 2 * stdev, cl + 2 * stdev)


def _full(p: _Part, v: float) -> FloatArray:
    return np.full(p.y.shape[0], v)


def _run(p: _Part) -> Lines:
    yb = p.y[p.base]
    yb = yb[~np.isnan(yb)]
    nan = _full(p, np.nan)
    return (p.y, _full(p, float(np.median(yb)) if yb.size else np.nan), nan, nan, nan, nan)


def _i(p: _Part) -> Lines:
    cl = _nanmean(p.y[p.base])
    amr = p.amr = _mean_mr(np.abs(np.diff(p.y[p.base] - cl)), p.screened)
    return _sigma_lines(p.y, _full(p, cl), amr / D2)


def _mr(p: _Part) -> Lines:
    y = np.concatenate(([np.nan], np.abs(np.diff(p.y))))
    cl = _nanmean(y[p.base])
    zero = _full(p, 0.0)
    return (y, _full(p, cl), zero, _full(p, MR_SCREEN_FACTOR * cl), zero,
            _full(p, MR_SCREEN_FACTOR / 3 * 2 * cl))


def _t(p: _Part) -> Lines:
    if np.nanmin(p.y) <= 0:
        raise ValueError("a t chart plots the time between events, which must be more than "
                         "zero: remove or correct the values of zero or less")
    y, cl, lcl, ucl, lcl95, ucl95 = _i(_Part(p.y ** (1 / 3.6), p.y_sum, p.n, p.base,
                                            p.screened))
    with np.errstate(invalid="ignore"):
        # a negative lower limit has no real power 3.6 (NaN, as in R): the 3-sigma one is
        # set to zero, the 2-sigma one stays undefined
        back = [v ** 3.6 for v in (y, cl, lcl, ucl, lcl95, ucl95)]
    back[2] = np.where(np.isnan(back[2]) | (back[2] < 0), 0.0, back[2])
    return (back[0], back[1], back[2], back[3], back[4], back[5])


def _g(p: _Part) -> Lines:
    mean = _nanmean(p.y[p.base])
    lines = _sigma_lines(p.y, _full(p, mean), np.sqrt(mean * (mean + 1)))
    yb = p.y[p.base]
    yb = yb[~np.isnan(yb)]
    # limits from the mean (geometric distribution), the median as centre line
    return (p.y, _full(p, float(np.median(yb)) if yb.size else np.nan), *lines[2:])


def _c(p: _Part) -> Lines:
    cl = _nanmean(p.y_sum[p.base])
    return _sigma_lines(p.y_sum, _full(p, cl), np.sqrt(cl))


def _ratio_cl(p: _Part) -> float:
    return float(np.nansum(p.y_sum[p.base]) / np.nansum(p.n[p.base]))


def _laney(p: _Part, cl: float, stdev: FloatArray) -> FloatArray:
    """Laney's correction: the moving ranges of the z scores of the baseline points."""
    z = (p.y[p.base] - cl) / stdev[p.base]
    return stdev * (_mean_mr(np.abs(np.diff(z)), p.screened) / D2)


def _p(p: _Part, prime: bool = False) -> Lines:
    cl = _ratio_cl(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        stdev = np.sqrt(cl * (1 - cl) / p.n)
    return _sigma_lines(p.y, _full(p, cl), _laney(p, cl, stdev) if prime else stdev)


def _u(p: _Part, prime: bool = False) -> Lines:
    cl = _ratio_cl(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        stdev = np.sqrt(cl / p.n)
    return _sigma_lines(p.y, _full(p, cl), _laney(p, cl, stdev) if prime else stdev)


CHART_FUNCTIONS: dict[str, Callable[[_Part], Lines]] = {
    "run": _run, "i": _i, "mr": _mr, "t": _t, "g": _g, "c": _c,
    "p": _p, "pp": lambda p: _p(p, prime=True), "u": _u, "up": lambda p: _u(p, prime=True),
}


def _points(arg: int | Sequence[int] | None, n: int, what: str) -> list[int]:
    if arg is None:
        return []
    pts = [arg] if isinstance(arg, int | np.integer) else list(arg)
    for p in pts:
        if not 1 <= int(p) <= n:
            raise ValueError(f"{what} point {p} is outside 1..{n}")
    return sorted(int(p) for p in pts)


def runs_analysis(y: FloatArray, cl: FloatArray | float, n_obs: int) -> RunsAnalysis:
    """Anhøj's runs analysis of the included points of one part (points on the centre line
    and missing values neither count nor break a run)."""
    with np.errstate(invalid="ignore"):
        side = np.sign(y - cl)
    side = np.nan_to_num(side, nan=0.0).astype(np.int64)
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
    y: Sequence[float] | np.ndarray,
    n: Sequence[float] | np.ndarray | None = None,
    *,
    chart: str = "run",
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: int | Sequence[int] | None = None,
    multiply: float = 1.0,
    screenedmr: bool = True,
    labels: Sequence[Any] | None = None,
) -> Chart:
    """A qicharts2 chart of ``y`` (numerators when denominators ``n`` are given), with
    qicharts2's arithmetic and the Anhøj runs analysis. The chart's per-point ``cl``,
    ``lcl``, ``ucl``, ``lcl_95``, ``ucl_95`` and ``sigma_signal`` are qicharts2's columns;
    ``qic_data()`` gives them all under qicharts2's names."""
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}, not {chart!r}")
    y_sum = as_values(y)
    size = y_sum.shape[0]
    if n is None:
        if chart in NEEDS_N:
            raise ValueError(f"a {chart} chart plots values over denominators: give n, one "
                             "denominator per value")
        den = np.full(size, np.nan)
        ratio = y_sum.copy()
    else:
        den = as_values(n)
        if den.shape[0] != size:
            raise ValueError(f"{den.shape[0]} denominators were given for {size} values; "
                             "give one per value")
        # qicharts2 keeps complete cases only: a value without its denominator is missing
        gone = np.isnan(y_sum) | np.isnan(den)
        y_sum, den = np.where(gone, np.nan, y_sum), np.where(gone, np.nan, den)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = y_sum / den
    lab = default_labels(size, labels)
    if freeze is not None and part is not None:
        raise ValueError("freeze and part cannot be combined; use one or the other")
    if freeze is not None and not 1 <= freeze <= size:
        raise ValueError(f"freeze must be between 1 and {size}")
    parts_after = _points(part, size, "part")
    excluded = _points(exclude, size, "exclude")

    include = np.ones(size, dtype=bool)
    if excluded:
        include[np.array(excluded) - 1] = False
    baseline = np.arange(1, size + 1) <= (freeze if freeze is not None else size)
    bounds = [0, *[p for p in parts_after if p < size], size]
    group = np.zeros(size, dtype=np.int64)
    cols = {k: np.full(size, np.nan) for k in ("y", "cl", "lcl", "ucl", "lcl_95", "ucl_95")}
    runs: list[RunsAnalysis] = []
    amrs: list[float | None] = []
    fn = CHART_FUNCTIONS[chart]
    for g, (a, b) in enumerate(itertools.pairwise(bounds)):
        group[a:b] = g
        inc = include[a:b]
        this = _Part(ratio[a:b], y_sum[a:b], den[a:b], baseline[a:b] & inc, screenedmr)
        lines = fn(this)
        amrs.append(this.amr)
        for key, v in zip(cols, lines, strict=True):
            cols[key][a:b] = v
        r = runs_analysis(cols["y"][a:b][inc], cols["cl"][a:b][inc], int(inc.sum()))
        # qicharts2 runs no runs analysis on an MR chart
        runs.append(r if chart != "mr" else _no_runs_signal(r))
    if chart in CEIL_ONE:
        for key in ("ucl", "ucl_95"):
            cols[key] = np.where(np.isfinite(cols[key]) & (cols[key] > 1), 1.0, cols[key])
    if chart in FLOOR_ZERO:
        for key in ("lcl", "lcl_95"):
            cols[key] = np.where(np.isfinite(cols[key]) & (cols[key] < 0), 0.0, cols[key])
    for key in cols:
        cols[key] = cols[key] * multiply
        if key != "y":
            cols[key] = np.where(np.isfinite(cols[key]), cols[key], np.nan)
    plotted = cols["y"]
    with np.errstate(invalid="ignore"):
        # every point is tested against the limits, excluded ones too (as qicharts2 does)
        sigma_signal = (plotted > cols["ucl"]) | (plotted < cols["lcl"])
    limits = [_limits(g, a, b, cols, runs[g], amrs[g])
              for g, (a, b) in enumerate(itertools.pairwise(bounds))]
    signals = [s for g, (a, b) in enumerate(itertools.pairwise(bounds))
               for s in _part_signals(limits[g], sigma_signal[a:b], plotted[a:b], a)]
    above = plotted > cols["cl"]
    special = tuple(("Above UCL" if above[i] else "Below LCL") if sigma_signal[i]
                    else "Common Cause" for i in range(size))
    point_type = tuple(
        ("special_cause_neutral_high" if s == "Above UCL" else "special_cause_neutral_low")
        if s != "Common Cause" else "common_cause"
        for s in special
    )
    signals.sort(key=lambda s: s.points[0])
    mr = np.full(size, np.nan)
    for a, b in itertools.pairwise(bounds):
        mr[a + 1:b] = np.abs(np.diff(ratio[a:b]))
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
        moving_ranges=mr,
        per_point={k: cols[k] for k in ("cl", "lcl", "ucl", "lcl_95", "ucl_95")},
        denominators=None if n is None else den,
    )


def _no_runs_signal(r: RunsAnalysis) -> RunsAnalysis:
    return RunsAnalysis(r.n_obs, r.n_useful, r.longest_run, r.longest_run_max, r.n_crossings,
                        r.n_crossings_min, False)


def _one(v: FloatArray) -> float | None:
    """The part's line when it is one value throughout (None when it varies or is absent)."""
    ok = v[~np.isnan(v)]
    if not ok.size or np.any(ok != ok[0]):
        return None
    return float(ok[0])


def _limits(g: int, a: int, b: int, cols: dict[str, FloatArray], r: RunsAnalysis,
            amr: float | None) -> Limits:
    centre = _one(cols["cl"][a:b])
    return Limits(
        group=g,
        first_point=a + 1,
        last_point=b,
        centre=float("nan") if centre is None else centre,
        lower=_one(cols["lcl"][a:b]),
        upper=_one(cols["ucl"][a:b]),
        lower_2sigma=_one(cols["lcl_95"][a:b]),
        upper_2sigma=_one(cols["ucl_95"][a:b]),
        mr_centre=amr,
        mr_upper=None if amr is None else MR_SCREEN_FACTOR * amr,
        runs=r,
    )


def _part_signals(
    lim: Limits, sig: np.ndarray, vals: FloatArray, offset: int
) -> list[Signal]:
    out: list[Signal] = []
    for i in np.flatnonzero(sig).tolist():
        above = vals[i] > lim.centre
        out.append(
            Signal(
                rule="outside_limits",
                points=(offset + i + 1,),
                direction=1 if above else -1,
            )
        )
    r = lim.runs
    if r is not None and r.signal:
        out.append(
            Signal(
                rule="runs",
                points=tuple(range(lim.first_point, lim.last_point + 1)),
                direction=0,
            )
        )
    return out
