"""The result every process behaviour chart returns, whatever its rule set.

A chart is data, not a picture: limits per group (a rebase group, a qicharts2 part or a
phase), a label per point, and the signals as rule codes and points, which
servicecheck.narrative.signals words. Views draw it; measures never need to know which preset
made it.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RunsAnalysis:
    """Anhøj runs analysis of one part: unusually long runs or too few crossings of the centre."""

    n_obs: int
    n_useful: int
    longest_run: int
    longest_run_max: int
    n_crossings: int
    n_crossings_min: int
    signal: bool


@dataclass(frozen=True)
class Limits:
    """Centre line and limits for one group of points (1-based, inclusive point numbers)."""

    group: int
    first_point: int
    last_point: int
    centre: float
    lower: float | None
    upper: float | None
    lower_2sigma: float | None = None
    upper_2sigma: float | None = None
    mr_centre: float | None = None
    mr_upper: float | None = None
    runs: RunsAnalysis | None = None


@dataclass(frozen=True)
class Signal:
    """One special cause: the rule that fired (a code of its preset: ``outside_limits``,
    ``shift``, ``trend``, ``two_in_three``, ``runs``, Wheeler's ``rule_1`` to ``rule_4`` and
    ``mr_beyond_url``), the points it marks (1-based) and its direction (1 up, -1 down, 0
    neither). ``servicecheck.narrative.signals`` words it."""

    rule: str
    points: tuple[int, ...]
    direction: int


# Each rule code of the presets by the kind of signal a reader sees on the chart: points
# beyond the limits, points close to a limit, a run on one side of the centre line, a trend,
# a jump beyond the range limit (the order their counts are given in)
# Of 4 points or fewer no chart can show a signal: no point can lie outside XmR limits (its
# distance from the mean is at most 3/4 of 3 moving ranges, under 2.66 of their mean) and no
# run or trend rule has the points it counts. "Stable" there would be a claim that could not
# have failed; and so few points are no group to judge apart from the rest.
MIN_JUDGED = 5
SIGNAL_KINDS = ("beyond", "near", "run", "trend", "jump")
SIGNAL_KIND = {"outside_limits": "beyond", "rule_1": "beyond",
               "two_in_three": "near", "rule_2": "near", "rule_3": "near",
               "shift": "run", "rule_4": "run", "runs": "run",
               "trend": "trend", "mr_beyond_url": "jump"}


@dataclass(frozen=True)
class PartialPoint:
    """The last period when the data end before it does: drawn, never tested for signals."""

    label: str
    value: float
    date: Any  # the period's start, in the service's time zone


@dataclass(frozen=True)
class Chart:
    """A process behaviour chart: what a preset computed for a series of values."""

    preset: str
    rule_set: str
    chart_type: str
    values: FloatArray
    labels: tuple[str, ...]
    limits: tuple[Limits, ...]
    group: IntArray
    special_cause_type: tuple[str, ...]
    point_type: tuple[str, ...]
    sigma_signal: BoolArray
    baseline: BoolArray
    include: BoolArray
    signals: tuple[Signal, ...]
    improvement_direction: str = "neutral"
    assurance: str | None = None
    moving_ranges: FloatArray = field(default_factory=lambda: np.empty(0))
    # per-point lines where they vary within a group (qicharts2's p, u and their primes):
    # keys cl, lcl, ucl, lcl_95, ucl_95; absent keys come from the group's limits
    per_point: dict[str, FloatArray] = field(default_factory=dict)
    denominators: FloatArray | None = None
    # Set by the measures, not the presets: each point's time in the service's zone (a
    # period's start or a need's completion), for a chart's time axis; and the partial last
    # period, kept out of values, limits and signals.
    # (a chart of every need holds them as one index of instants, not an object per point)
    dates: tuple[Any, ...] | pd.DatetimeIndex | None = None
    partial: PartialPoint | None = None

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def _line(self, key: str, attr: str) -> FloatArray:
        if key in self.per_point:
            return self.per_point[key]
        # each group's value once, then one per point (a chart of every need has thousands)
        per_group = np.array([_nan(getattr(lim, attr)) for lim in self.limits], dtype=float)
        return per_group[np.asarray(self.group, dtype=np.intp)]

    # qicharts2's per-point lines; NaN where a chart has no such line
    cl = property(lambda self: self._line("cl", "centre"), doc="centre line (``cl``)")
    lcl = property(lambda self: self._line("lcl", "lower"), doc="lower 3-sigma limit")
    ucl = property(lambda self: self._line("ucl", "upper"), doc="upper 3-sigma limit")
    lcl_95 = property(lambda self: self._line("lcl_95", "lower_2sigma"),
                      doc="lower 2-sigma line (``lcl.95``)")
    ucl_95 = property(lambda self: self._line("ucl_95", "upper_2sigma"),
                      doc="upper 2-sigma line (``ucl.95``)")

    def qic_data(self) -> pd.DataFrame:
        """One row per point with qicharts2's ``return.data`` column names: ``x``, ``y``,
        ``n``, ``cl``, ``lcl``, ``ucl``, ``lcl.95``, ``ucl.95``, ``part``, ``baseline``,
        ``include``, the part's runs analysis (``n.obs``, ``n.useful``, ``longest.run``,
        ``longest.run.max``, ``n.crossings``, ``n.crossings.min``, ``runs.signal``) and
        ``sigma.signal``."""
        import pandas as pd

        runs = [self.limits[g].runs for g in self.group]
        def field_of(name: str) -> list[Any]:
            return [None if r is None else getattr(r, name) for r in runs]

        den = self.denominators if self.denominators is not None else np.full(self.n, np.nan)
        return pd.DataFrame({
            "x": np.arange(1, self.n + 1), "y": self.values, "n": den,
            "cl": self.cl, "lcl": self.lcl, "ucl": self.ucl,
            "lcl.95": self.lcl_95, "ucl.95": self.ucl_95,
            "part": self.group + 1, "baseline": self.baseline, "include": self.include,
            "n.obs": field_of("n_obs"), "n.useful": field_of("n_useful"),
            "longest.run": field_of("longest_run"),
            "longest.run.max": field_of("longest_run_max"),
            "n.crossings": field_of("n_crossings"),
            "n.crossings.min": field_of("n_crossings_min"),
            "runs.signal": field_of("signal"), "sigma.signal": self.sigma_signal,
            "label": list(self.labels),
        })

    @property
    def variation_icon(self) -> str:
        """The point type of the last point, as Making Data Count's variation icon shows it."""
        return self.point_type[-1] if self.point_type else "common_cause"

    @property
    def stable(self) -> bool:
        """True when no signal is present in the latest group of points."""
        if not self.limits:
            return True
        last = self.limits[-1]
        in_last = [s for s in self.signals if s.points and s.points[-1] >= last.first_point]
        return not in_last

    def scaled(self, factor: float) -> Chart:
        """The same chart in another unit (days to hours, say): values, centre lines and
        limits multiplied by ``factor``; signals and rules are unchanged, since XmR limits
        scale with the data."""
        from dataclasses import replace

        def times(v: float | None) -> float | None:
            return None if v is None else v * factor

        limits = tuple(replace(
            lim, centre=lim.centre * factor, lower=times(lim.lower), upper=times(lim.upper),
            lower_2sigma=times(lim.lower_2sigma), upper_2sigma=times(lim.upper_2sigma),
            mr_centre=times(lim.mr_centre), mr_upper=times(lim.mr_upper))
            for lim in self.limits)
        partial = (None if self.partial is None else
                   replace(self.partial, value=self.partial.value * factor))
        return replace(self, values=self.values * factor, limits=limits,
                       moving_ranges=self.moving_ranges * factor, partial=partial)

    def limits_at(self, point: int) -> Limits:
        """The limits that apply to a 1-based point number."""
        return self.limits[int(self.group[point - 1])]

    def to_pandas(self, rows: IntArray | None = None) -> pd.DataFrame:
        """One row per point: value, its group's centre and limits, and its label; of the
        points at ``rows`` alone (0-based, in that order) when given: a chart of millions of
        needs draws a few thousand, and their labels are written for those alone."""
        import pandas as pd

        at = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.intp)

        def taken(items: tuple[str, ...]) -> list[str]:
            return list(items) if rows is None else [items[i] for i in at.tolist()]

        centre, lower, upper = self.cl, self.lcl, self.ucl
        return pd.DataFrame(
            {
                "point": at + 1,
                "label": taken(self.labels),
                "value": self.values[at],
                "group": self.group[at],
                "centre": centre[at],
                "lower": lower[at],
                "upper": upper[at],
                "special_cause_type": taken(self.special_cause_type),
                "point_type": taken(self.point_type),
            }
        )

    def episodes(self, group: int = -1) -> list[tuple[int, int]]:
        """The special causes of one group, each counted once: first and last point, 1-based
        (``runs`` without their direction)."""
        return [(a, b) for a, b, _ in self.runs(group)]

    def signal_kinds(self, group: int = -1) -> dict[str, int]:
        """The signals of one group by kind (``SIGNAL_KINDS``), as a reader counts them on the
        chart: ``beyond`` the points beyond the limits, each once; the others each signal
        (``runs``) by the strongest rule among its points: a run on one side of the centre
        line, else a trend; a signal with neither and no point beyond the limits is its points
        near a limit (``near``, counted as points, like ``beyond``), else a jump beyond the
        range limit. Only the kinds found, in ``SIGNAL_KINDS``' order."""
        if not self.limits:
            return {}
        first, last = self.limits[group].first_point, self.limits[group].last_point
        found: dict[str, int] = {}
        points: dict[str, set[int]] = {"beyond": set(), "near": set()}
        # each run's signals in one sweep along the chart (runs in order of their first point):
        # the signals begun by its last point and not ended before its first. Asking every
        # signal for every run took hours on a chart of 13M needs; asking those begun within
        # the longest signal's length before it, minutes (a trend of 70k points made that
        # window wide).
        held = sorted((s for s in self.signals if s.points), key=lambda s: s.points[0])
        begun: list[tuple[int, int]] = []  # (last point, place in held): a heap
        taken = 0
        for a, b, _ in sorted(self.runs(group)):
            while taken < len(held) and held[taken].points[0] <= b:
                heapq.heappush(begun, (held[taken].points[-1], taken))
                taken += 1
            while begun and begun[0][0] < a:  # ended before this run: before every later one
                heapq.heappop(begun)
            # a run may lie within an earlier one (the other way): its b is not the largest
            inside = [held[i] for _, i in begun if held[i].points[0] <= b]
            kinds = {SIGNAL_KIND.get(s.rule, "near") for s in inside}
            kind = next((k for k in ("run", "trend", "beyond", "near", "jump") if k in kinds),
                        "near")
            if kind in ("run", "trend", "jump"):
                found[kind] = found.get(kind, 0) + 1
            for s in inside:  # the points beyond the limits, whatever signal holds them
                k = SIGNAL_KIND.get(s.rule, "near")
                if k == "beyond" or (k == "near" and kind == "near"):
                    points[k].update(p for p in s.points if first <= p <= last)
        found.update({k: len(v) for k, v in points.items()})
        return {k: found[k] for k in SIGNAL_KINDS if found.get(k)}

    def runs(self, group: int | None = -1) -> list[tuple[int, int, int]]:
        """The special causes of one group (of every group with ``None``), each counted once
        as a run one way: (first point, last point, direction). Signals whose points overlap
        or touch and go the same way are one, however the rule set labels its points (a shift
        broken by a trend label is one signal, not three); a signal of no direction (a runs
        or moving-range signal) joins the run it touches. A run above the centre line next
        to one below it stays two: the process moved twice."""
        if not self.limits:
            return []
        first, last = ((1, self.n) if group is None else
                       (self.limits[group].first_point, self.limits[group].last_point))
        # of signals starting at one point, those with a direction first: a jump at the
        # first point of a run down belongs to that run, not to the run up before it
        spans = sorted((max(s.points[0], first), s.direction == 0, min(s.points[-1], last),
                         s.direction) for s in self.signals
                        if s.points and s.points[-1] >= first and s.points[0] <= last)
        runs: list[list[int]] = []
        for a, _, b, way in spans:
            touches = bool(runs) and a <= runs[-1][1] + 1
            if touches and way in (runs[-1][2], 0):
                runs[-1][1] = max(runs[-1][1], b)
            elif touches and runs[-1][2] == 0:
                runs[-1][1:] = [max(runs[-1][1], b), way]
            else:
                runs.append([a, b, way])
        return [(a, b, way) for a, b, way in runs]

    def _repr_html_(self) -> str:
        """A notebook's view of the chart, worded by the narrative (imported here, lazily,
        since the narrative reads charts)."""
        from html import escape

        from servicecheck.narrative.signals import chart_state, signal_words

        last = self.limits[-1] if self.limits else None
        rows = "".join(f"<li>{escape(signal_words(self, s))}</li>" for s in self.signals[:10])
        limits = (
            f"centre {last.centre:.4g}, limits {_fmt(last.lower)} to {_fmt(last.upper)}"
            if last
            else ""
        )
        return (
            f"<div><strong>{self.chart_type.upper()} chart</strong>, {self.n} points, "
            f"{limits}; {escape(chart_state(self))}<ul>{rows}</ul></div>"
        )


def _nan(v: float | None) -> float:
    return float("nan") if v is None else v


def _fmt(v: float | None) -> str:
    return "none" if v is None else f"{v:.4g}"


def as_values(values: Sequence[float] | npt.ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError("values must be a one-dimensional sequence of numbers")
    return arr


def default_labels(n: int, labels: Sequence[Any] | None) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"point {i}" for i in range(1, n + 1))
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels were given for {n} values; give one per value")
    return tuple(str(x) for x in labels)


def runs_of(flags: BoolArray) -> list[tuple[int, int]]:
    """(start, end) 0-based inclusive index pairs of each run of True values."""
    if flags.size == 0:
        return []
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    d = np.diff(padded)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
