"""SPC parameters the reference vectors do not cover, with hand-worked expectations."""

from __future__ import annotations

import numpy as np
import pytest

from servicecheck import spc

Y = [10.0, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 20, 22, 21, 23, 22, 21, 20, 22]


def _mean_mr(x: list[float]) -> float:
    return float(np.mean(np.abs(np.diff(x))))


def test_rebase_on_a_date_starts_a_new_group_with_its_own_limits() -> None:
    dates = [f"2024-01-{d:02d}" for d in range(1, 21)]
    c = spc.ptd_spc(Y, dates=dates, rebase="2024-01-13", screen_outliers=False)
    assert c.group.tolist() == [0] * 12 + [1] * 8
    a, b = c.limits
    assert (a.first_point, a.last_point, b.first_point, b.last_point) == (1, 12, 13, 20)
    assert a.centre == pytest.approx(np.mean(Y[:12]))
    assert a.upper == pytest.approx(np.mean(Y[:12]) + 2.66 * _mean_mr(Y[:12]))
    # no moving range across the rebase: the jump from 11 to 20 is not in either group
    assert b.upper == pytest.approx(np.mean(Y[12:]) + 2.66 * _mean_mr(Y[12:]))
    assert np.isnan(c.moving_ranges[12]) and np.isnan(c.moving_ranges[0])
    assert c.special_cause_type.count("Common Cause") == 20


def test_fix_after_n_points_takes_limits_from_the_first_points_only() -> None:
    c = spc.ptd_spc(Y, fix_after_n_points=12, screen_outliers=False)
    assert c.limits[0].centre == pytest.approx(np.mean(Y[:12]))
    assert c.limits[0].upper == pytest.approx(np.mean(Y[:12]) + 2.66 * _mean_mr(Y[:12]))
    assert c.special_cause_type[12:] == ("Above UCL",) * 8
    with pytest.raises(ValueError, match="at least 12"):
        spc.ptd_spc(Y, fix_after_n_points=11)


def test_qic_exclude_bridges_the_moving_range_and_still_tests_the_point() -> None:
    x = [5.0, 6, 5, 40, 6, 5, 6, 5, 6, 5]
    c = spc.qic(x, chart="i", exclude=4, screenedmr=False)
    kept = [v for i, v in enumerate(x) if i != 3]
    assert c.include.tolist() == [i != 3 for i in range(10)]
    assert c.limits[0].centre == pytest.approx(np.mean(kept))
    assert c.limits[0].mr_centre == pytest.approx(_mean_mr(kept))  # 5 -> 6 bridges point 4
    # as qicharts2: the runs series closes up around the excluded point and n.obs counts the
    # included points only; the excluded point is still tested against the limits
    assert c.limits[0].runs is not None and c.limits[0].runs.n_obs == 9
    assert c.sigma_signal.tolist() == [i == 3 for i in range(10)]


def test_qic_part_starts_new_limits_after_the_point() -> None:
    c = spc.qic(Y, chart="i", part=12, screenedmr=False)
    assert (c.group + 1).tolist() == [1] * 12 + [2] * 8
    assert c.limits[1].centre == pytest.approx(np.mean(Y[12:]))
    with pytest.raises(ValueError, match="cannot be combined"):
        spc.qic(Y, freeze=10, part=12)


# the Western Electric rule helpers with fixed lines (centre 0): values -> flagged indices
K_OF_M = [
    # 2 of 3 beyond +/-2 on one side: points 2 and 4 high, 7 and 9 low
    ([0, 2.5, 0, 2.1, 0, 0, -2.5, 1, -2.2], 2, 2, 3, [1, 3, 6, 8]),
    # the third point may be anywhere: 1 and 3 high, 2 and 4 low, each pair within 3 points
    ([2.5, -2.5, 2.5, -2.5], 2, 2, 3, [0, 1, 2, 3]),
    # two beyond, but not within 3 successive points
    ([2.5, 0, 0, 2.5], 2, 2, 3, []),
    # 4 of 5 beyond +/-1: points 1, 2, 4, 5
    ([1.5, 1.2, 0.5, 1.1, 1.3, 0, 0], 1, 4, 5, [0, 1, 3, 4]),
    ([1.5, 1.2, 0.5, 0.4, 1.3, 0, 0], 1, 4, 5, []),
]


@pytest.mark.parametrize(("x", "line", "k", "m", "want"), K_OF_M)
def test_k_of_m_beyond_a_line(x: list[float], line: float, k: int, m: int,
                              want: list[int]) -> None:
    from servicecheck.spc.wheeler import k_of_m_beyond

    got = k_of_m_beyond(np.array(x), 0.0, line, -line, k, m)
    assert np.flatnonzero(got).tolist() == want


# the same windows as signals: one per stretch of overlapping windows, holding only the
# points beyond the line (the 4-of-5 window with point 3 inside was two signals, 1-2 and 4-5)
K_OF_M_SIGNALS = [
    ([0, 2.5, 0, 2.1, 0, 0, -2.5, 1, -2.2], 2, 2, 3, [(1, (1, 3)), (-1, (6, 8))]),
    ([2.5, -2.5, 2.5, -2.5], 2, 2, 3, [(1, (0, 2)), (-1, (1, 3))]),
    ([2.5, 0, 0, 2.5], 2, 2, 3, []),
    ([1.5, 1.2, 0.5, 1.1, 1.3, 0, 0], 1, 4, 5, [(1, (0, 1, 3, 4))]),
    # two windows sharing points are one stretch
    ([1.5, 1.2, 0.5, 1.1, 1.3, 1.4, 0, 0], 1, 4, 5, [(1, (0, 1, 3, 4, 5))]),
    # two windows apart are two
    ([1.5, 1.2, 1.1, 1.3, 0, 0, 0, 0, 0, 1.5, 1.2, 1.1, 1.3], 1, 4, 5,
     [(1, (0, 1, 2, 3)), (1, (9, 10, 11, 12))]),
]


@pytest.mark.parametrize(("x", "line", "k", "m", "want"), K_OF_M_SIGNALS)
def test_a_k_of_m_window_is_one_signal_of_its_points_beyond(
        x: list[float], line: float, k: int, m: int,
        want: list[tuple[int, tuple[int, ...]]]) -> None:
    from servicecheck.spc.wheeler import k_of_m_windows

    assert sorted(k_of_m_windows(np.array(x), line, -line, k, m)) == sorted(want)


def test_a_4_of_5_window_is_counted_once_as_its_4_points_near_a_limit() -> None:
    base = [10, 12, 8, 11, 9] * 3 + [10]
    chart = spc.xmr([*base, 12.6, 12.7, 10.2, 12.8, 12.6, 10, 9, 11, 10, 9], preset="wheeler")
    assert [(s.rule, s.points) for s in chart.signals] == [("rule_3", (17, 18, 20, 21))]
    assert chart.episodes() == [(17, 21)] and chart.signal_kinds() == {"near": 4}


EIGHT = [
    ([1] * 8, list(range(8))),
    ([1] * 7 + [-1], []),
    ([1, 1, 1, 0, 1, 1, 1, 1, 1], [0, 1, 2, 4, 5, 6, 7, 8]),  # on the line: skipped, not broken
    ([-1] * 9 + [1], list(range(9))),
]


@pytest.mark.parametrize(("x", "want"), EIGHT)
def test_eight_in_a_row_on_one_side(x: list[float], want: list[int]) -> None:
    from servicecheck.spc.wheeler import eight_on_one_side

    assert np.flatnonzero(eight_on_one_side(np.array(x, dtype=float), 0.0)).tolist() == want


@pytest.mark.parametrize(("preset", "seed", "long_trend"),
                         [(p, s, t) for p in spc.PRESETS for s in (1, 2) for t in (False, True)])
def test_signals_by_kind_are_each_runs_own_signals(preset: str, seed: int,
                                                   long_trend: bool) -> None:
    """``signal_kinds`` finds each run's signals in one sweep along the chart (asking every
    signal for every run took hours at 13M points): the same counts as asking every signal
    whether it overlaps the run, on a long chart with shifts, trends and outliers, and with a
    trend as long as a quarter of it, whose signal spans many runs."""
    from servicecheck.spc._chart import SIGNAL_KIND

    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 3.0, 6000) + np.repeat(rng.normal(0, 2, 60), 100)
    x[rng.integers(0, 6000, 40)] += 40
    x[2000:2012] = np.linspace(5, 30, 12)
    if long_trend:
        x[3000:4500] += np.linspace(0, 60, 1500)
    chart = spc.xmr(x, preset=preset)
    assert len(chart.signals) > 50
    first, last = chart.limits[-1].first_point, chart.limits[-1].last_point
    want: dict[str, int] = {}
    beyond: set[int] = set()
    near: set[int] = set()
    for a, b, _ in chart.runs():
        kinds = [SIGNAL_KIND.get(s.rule, "near") for s in chart.signals
                 if s.points and not (s.points[0] > b or s.points[-1] < a)]
        kind = min(kinds, key=("run", "trend", "beyond", "near", "jump").index)
        if kind in ("run", "trend", "jump"):
            want[kind] = want.get(kind, 0) + 1
        for s in chart.signals:
            if s.points and not (s.points[0] > b or s.points[-1] < a):
                k = SIGNAL_KIND.get(s.rule, "near")
                if k == "beyond" or (k == "near" and kind == "near"):
                    (beyond if k == "beyond" else near).update(
                        p for p in s.points if first <= p <= last)
    want.update({k: len(v) for k, v in (("beyond", beyond), ("near", near)) if v})
    assert chart.signal_kinds() == {k: v for k, v in want.items() if v}
