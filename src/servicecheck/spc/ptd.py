"""Making Data Count XmR charts, exactly as NHSRplotthedots 0.2.2 computes them (`ptd`), and
the November 2023 Making Data Count change (`mdc2023`: points beyond three sigma count
towards "2 of 3 beyond two sigma").

Parameter names follow NHSRplotthedots (`improvement_direction`, `screen_outliers`,
`rebase`, `fix_after_n_points`, `target`) so its users are at home.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from servicecheck.spc import rules
from servicecheck.spc._chart import (
    BoolArray,
    Chart,
    FloatArray,
    Limits,
    Signal,
    as_values,
    default_labels,
    runs_of,
)

NPL_FACTOR = 2.66
MR_SCREEN_FACTOR = rules.MR_SCREEN_FACTOR
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}
RULE_SETS = {
    "ptd": "NHSRplotthedots 0.2.2 (Making Data Count)",
    "mdc2023": "Making Data Count, November 2023",
}

_LABEL_SCORE = {
    "Above UCL": 1,
    "Below LCL": -1,
    "7 Point Trend (Increasing)": 1,
    "7 Point Trend (Decreasing)": -1,
    "2 in 3 Above CL": 1,
    "2 in 3 Below CL": -1,
    "7 Points Above CL": 1,
    "7 Points Below CL": -1,
    "Common Cause": 0,
}
# One label per point, by precedence: outside limits > trend > 2 of 3 > shift.
_PRECEDENCE = [
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
]
_RULE_OF_LABEL = {
    "Above UCL": "outside_limits",
    "Below LCL": "outside_limits",
    "7 Point Trend (Increasing)": "trend",
    "7 Point Trend (Decreasing)": "trend",
    "2 in 3 Above CL": "two_in_three",
    "2 in 3 Below CL": "two_in_three",
    "7 Points Above CL": "shift",
    "7 Points Below CL": "shift",
}


def point_type_of(label: str, improvement_direction: str) -> str:
    score = _LABEL_SCORE[label]
    if score == 0:
        return "common_cause"
    d = DIRECTIONS[improvement_direction]
    if d == 0:
        return "special_cause_neutral_high" if score > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if score * d > 0 else "special_cause_concern"


def assurance_type(
    target: float | None, lpl: float, upl: float, improvement_direction: str
) -> str | None:
    """Whether the system will consistently hit, miss or sometimes meet a target.

    Kept for NHS users; servicecheck never draws targets on its own charts (METHOD.md).
    """
    d = DIRECTIONS[improvement_direction]
    if target is None or d == 0:
        return None
    if target > upl:
        return "consistent_fail" if d > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if d > 0 else "consistent_fail"
    return "inconsistent"


def _group_starts(
    n: int, dates: Sequence[Any] | None, rebase: Any
) -> list[int]:
    """0-based first index of each rebase group; a rebase point starts the new group."""
    if rebase is None:
        return [0]
    marks = list(rebase) if isinstance(rebase, list | tuple) else [rebase]
    starts = {0}
    for m in marks:
        if isinstance(m, int | np.integer) and dates is None:
            if not 1 <= int(m) <= n:
                raise ValueError(f"rebase point {m} is outside 1..{n}")
            starts.add(int(m) - 1)
        else:
            if dates is None:
                raise ValueError("rebase is a date: give dates= as well, one per value")
            key = str(m)
            for i, d in enumerate(dates):
                if str(d) == key:
                    starts.add(i)
    return sorted(starts)


def ptd_spc(
    values: Sequence[float] | np.ndarray,
    *,
    dates: Sequence[Any] | None = None,
    improvement_direction: str = "increase",
    screen_outliers: bool = True,
    rebase: Any = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    preset: str = "ptd",
    labels: Sequence[Any] | None = None,
) -> Chart:
    """An XmR chart with Making Data Count rules (NHSRplotthedots 0.2.2 arithmetic)."""
    if preset not in RULE_SETS:
        raise ValueError(f"preset must be one of {sorted(RULE_SETS)}, not {preset!r}")
    if improvement_direction not in DIRECTIONS:
        raise ValueError(
            f"improvement_direction must be increase, decrease or neutral, "
            f"not {improvement_direction!r}"
        )
    if fix_after_n_points is not None and (
        not isinstance(fix_after_n_points, int | np.integer) or fix_after_n_points < 12
    ):
        raise ValueError("fix_after_n_points must be a single whole number of at least 12")
    y = as_values(values)
    n = y.shape[0]
    if dates is not None and len(dates) != n:
        raise ValueError(f"{len(dates)} dates were given for {n} values; give one per value")
    if dates is not None and len({str(d) for d in dates}) != n:
        raise ValueError("dates repeat: give one value per date")
    lab = default_labels(n, labels if labels is not None else dates)
    starts = _group_starts(n, dates, rebase)
    bounds = [*starts, n]

    group = np.zeros(n, dtype=np.int64)
    labels_out: list[str] = ["Common Cause"] * n
    limits: list[Limits] = []
    mr_all = np.full(n, np.nan)
    for g, (a, b) in enumerate(itertools.pairwise(bounds)):
        group[a:b] = g
        seg = y[a:b]
        lim, seg_labels = _ptd_group(seg, g, a, fix_after_n_points, screen_outliers, preset)
        limits.append(lim)
        labels_out[a:b] = seg_labels
        if b - a > 1:
            mr_all[a + 1 : b] = np.abs(np.diff(seg))

    point_types = tuple(point_type_of(x, improvement_direction) for x in labels_out)
    signals = _signals(labels_out)
    last = limits[-1]
    assurance = (
        assurance_type(target, last.lower or 0.0, last.upper or 0.0, improvement_direction)
        if n
        else None
    )
    ones = np.ones(n, dtype=bool)
    return Chart(
        preset=preset,
        rule_set=RULE_SETS[preset],
        chart_type="i",
        values=y,
        labels=lab,
        limits=tuple(limits),
        group=group,
        special_cause_type=tuple(labels_out),
        point_type=point_types,
        sigma_signal=np.array([x in ("Above UCL", "Below LCL") for x in labels_out], dtype=bool),
        baseline=ones,
        include=ones.copy(),
        signals=signals,
        improvement_direction=improvement_direction,
        assurance=assurance,
        moving_ranges=mr_all,
    )


def _ptd_group(
    y: FloatArray,
    g: int,
    offset: int,
    fix_after_n_points: int | None,
    screen_outliers: bool,
    preset: str,
) -> tuple[Limits, list[str]]:
    n = y.shape[0]
    fix_y = y if fix_after_n_points is None else y[:fix_after_n_points]
    mean = rules.mean(fix_y)
    amr = rules.mean_moving_range(np.abs(np.diff(fix_y)), screen_outliers)
    lpl = mean - NPL_FACTOR * amr
    upl = mean + NPL_FACTOR * amr
    two = 2 * NPL_FACTOR / 3 * amr
    lower2, upper2 = mean - two, mean + two

    outside = (y > upl) | (y < lpl)
    side = np.sign(y - mean).astype(np.int64)
    beyond2 = (y > upper2) | (y < lower2)
    # Before November 2023 a point beyond three sigma did not count as "close to the limits".
    close = beyond2 if preset == "mdc2023" else beyond2 & ~outside

    trend = rules.seven_point_trend(y)
    in_trend = rules.part_of_seven(trend).astype(bool)
    shift = rules.part_of_seven(rules.seven_point_one_side_mean(side)).astype(bool)
    in_two3 = rules.part_of_two_in_three(close, side).astype(bool)

    # A trend point's direction: towards the next point when that is in the trend too,
    # else from the previous point (so a falling run keeps one direction to its end).
    d = np.sign(np.diff(y))
    to_next = np.concatenate((d, [0.0]))
    from_prev = np.concatenate(([0.0], d))
    next_in = np.concatenate((in_trend[1:], [False]))
    trend_dir = np.where(next_in, to_next, from_prev)

    up = side > 0
    conds = [
        outside & up,
        outside,
        in_trend & (trend_dir > 0),
        in_trend,
        in_two3 & up,
        in_two3,
        shift & up,
        shift,
    ]
    # each point names its label by its place in the list: one string object a label, not
    # one a point (13M distinct strings, 0.9 GB held with the capability chart, at 100M events)
    names = [*_PRECEDENCE, "Common Cause"]
    out = [names[i] for i in np.select(conds, range(len(_PRECEDENCE)),
                                       default=len(_PRECEDENCE)).tolist()]
    lim = Limits(
        group=g,
        first_point=offset + 1,
        last_point=offset + n,
        centre=mean,
        lower=lpl,
        upper=upl,
        lower_2sigma=lower2,
        upper_2sigma=upper2,
        mr_centre=amr,
        mr_upper=MR_SCREEN_FACTOR * amr,
    )
    return lim, out


def _signals(labels_out: list[str]) -> tuple[Signal, ...]:
    arr = np.array(labels_out, dtype=object)
    found: list[Signal] = []
    for label, rule in _RULE_OF_LABEL.items():
        flags: BoolArray = arr == label
        for a, b in runs_of(flags):
            pts = tuple(range(a + 1, b + 2))
            found.append(
                Signal(
                    rule=rule,
                    points=pts,
                    direction=_LABEL_SCORE[label],
                )
            )
    found.sort(key=lambda s: s.points[0])
    return tuple(found)
