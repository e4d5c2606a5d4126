"""Days, weeks and months in the service's own time zone, defined once for every measure.

A week is Monday to Sunday and a month starts on its first day *where the service is*: a
contact at 00:30 on 1 April in London belongs to April, though it is 23:30 on 31 March in UTC.
The last period is partial when the data end before its last day; a partial period is shown
on a chart but never tested for signals (METHOD.md), as a half-counted week would look like
a fall in demand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.core.resample import Resampler

from servicecheck import spc
from servicecheck.spc.ptd import point_type_of

if TYPE_CHECKING:
    from servicecheck.engine.reader import Reader


@dataclass(frozen=True)
class PeriodKind:
    rule: str       # the pandas resampling rule
    label: str      # how a period is named (strftime)
    unit: str       # the word: day, week, month
    length: pd.DateOffset


# a day, written as the words write one ("9 Jun 2025", narrative.grammar.date) wherever a
# chart labels a point or a tick
DAY_FORMAT = "%-d %b %Y"
KINDS = {
    "D": PeriodKind("D", DAY_FORMAT, "day", pd.DateOffset(days=1)),
    "W": PeriodKind("W-MON", f"w/c {DAY_FORMAT}", "week", pd.DateOffset(weeks=1)),
    "M": PeriodKind("MS", "%b %Y", "month", pd.DateOffset(months=1)),
}


# A chart's period follows from the data's span: days for a span of weeks, weeks for months,
# months for years. Below ten weeks a weekly chart has too few points to judge (a 15-day log
# drew 3 weekly points); below a year a monthly one does.
DAYS_FOR_WEEKS = 70
DAYS_FOR_MONTHS = 365
ORDER = "DWM"


def fitting(first: pd.Timestamp | None, last: pd.Timestamp | None, longest: str = "M",
            shortest: str = "D") -> str:
    """The period a chart of data from ``first`` to ``last`` is drawn in: days for a span of
    weeks, weeks for months, months for years; never coarser than ``longest`` (the chart's
    own: capability per week) nor finer than ``shortest`` (a chart that has no daily form).
    Without data, ``longest``."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return longest
    days = (pd.Timestamp(last) - pd.Timestamp(first)).total_seconds() / 86400
    span = "D" if days < DAYS_FOR_WEEKS else "W" if days < DAYS_FOR_MONTHS else "M"
    return ORDER[max(min(ORDER.index(span), ORDER.index(longest)), ORDER.index(shortest))]


def span_of(workspace: Reader, service: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last event of a service (a ``Reader``'s), one aggregate on the engine."""
    ev = workspace.events(service)
    row = ev.aggregate(first=ev.timestamp.min(), last=ev.timestamp.max()).to_pandas().iloc[0]
    first, last = row["first"], row["last"]
    return (None, None) if first is None or pd.isna(first) else (first, last)


@dataclass(frozen=True)
class ChartPeriods:
    """Each chart's period for one service's data (``fitting`` its span), the same in the
    report, the command line and the web app."""

    capability: str  # needs met per period (weekly at most)
    demand: str  # contacts per period (weekly at most)
    summary: str  # many measures side by side (monthly at most)
    regime: str  # the regime's clock, and costs: weeks or months

    @classmethod
    def of(cls, workspace: Reader, service: str) -> ChartPeriods:
        first, last = span_of(workspace, service)
        return cls(capability=fitting(first, last, "W"), demand=fitting(first, last, "W"),
                   summary=fitting(first, last, "M"),
                   regime=fitting(first, last, "M", "W"))


def kind(freq: str) -> PeriodKind:
    if freq not in KINDS:
        raise ValueError(f"freq must be one of {', '.join(KINDS)}, not {freq!r}")
    return KINDS[freq]


def local(times: pd.Series | pd.DatetimeIndex, tz: str) -> Any:
    """Times (UTC, or naive meaning UTC) as wall-clock times in ``tz``."""
    idx = pd.DatetimeIndex(times)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    out = idx.tz_convert(tz)
    return pd.Series(out, index=times.index) if isinstance(times, pd.Series) else out


def resample(obj: pd.Series | pd.DataFrame, freq: str, tz: str) -> Resampler[Any]:
    """Group rows indexed by time into periods that start at midnight in ``tz``."""
    obj = obj.copy()
    obj.index = local(pd.DatetimeIndex(obj.index), tz)
    return obj.resample(kind(freq).rule, label="left", closed="left")


def labels(periods: Sequence[pd.Timestamp] | pd.Series, freq: str) -> list[str]:
    fmt = kind(freq).label
    return [f"{p:{fmt}}" for p in periods]


def day_labels(times: pd.Series) -> list[str]:
    """Each time's day as a chart labels a point ('5 Mar 2024', on the times' own clock),
    formatted once per distinct day rather than once per time: 10k needs fall on a few
    hundred days, and formatting each took 0.1 s."""
    if times.empty:
        return []
    wall = times.dt.tz_localize(None) if times.dt.tz is not None else times
    days, where = np.unique(wall.to_numpy().astype("datetime64[D]"), return_inverse=True)
    words = np.array([f"{pd.Timestamp(d):{DAY_FORMAT}}" for d in days], dtype=object)
    return [str(w) for w in words[where.ravel()]]


def is_partial(period: pd.Timestamp, freq: str, data_end: pd.Timestamp | None) -> bool:
    """True when the data end before the period's last day (its start in the service's zone)."""
    if data_end is None or pd.isna(data_end):
        return False
    end = pd.Timestamp(data_end)
    end = end.tz_localize("UTC") if end.tzinfo is None else end
    if period.tzinfo is not None:
        end = end.tz_convert(period.tzinfo)
    last_day = (period + kind(freq).length).normalize() - pd.Timedelta(days=1)
    return bool(end.tz_localize(None).normalize() < last_day.tz_localize(None))


def period_chart(values: Sequence[float] | np.ndarray, periods: Sequence[pd.Timestamp],
                 freq: str, *, data_end: pd.Timestamp | None,
                 phases: Sequence[int] | None = None, **params: Any) -> spc.Chart:
    """An XmR chart of one value per period, dated. When the last period is partial it is
    left out of the limits and the rules and carried beside the chart as its partial point."""
    y = np.asarray(values, dtype=float)
    when = list(periods)
    names = labels(when, freq)
    partial = bool(len(y) > 1 and is_partial(when[-1], freq, data_end))
    n = len(y) - 1 if partial else len(y)
    kept = [p for p in phases or [] if p <= n] or None
    chart = spc.xmr(y[:n], labels=names[:n], phases=kept, **params)
    return dataclasses.replace(
        chart, dates=tuple(when[:n]),
        partial=spc.PartialPoint(names[-1], float(y[-1]), when[-1]) if partial else None)


def share_chart(numerators: Sequence[float] | np.ndarray,
                denominators: Sequence[float] | np.ndarray, periods: Sequence[pd.Timestamp],
                freq: str, *, data_end: pd.Timestamp | None,
                phases: Sequence[int] | None = None, improvement_direction: str = "neutral",
                min_n: float = 0) -> spc.Chart:
    """A percentage per period (``numerators`` of ``denominators``: failure demands of the
    contacts classified, orders on time of the orders closed), dated, on a P′ chart (Laney;
    qicharts2's ``pp``): the denominators vary from period to period, so each point has its
    own limits, wider for a small period and narrower for a big one, and Laney's correction
    keeps large denominators from making every point a signal. The partial last period is
    left out as ``period_chart`` leaves it; a period of fewer than ``min_n`` is drawn and
    never tested on its own (its signals are dropped, its point common cause)."""
    y = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    when = list(periods)
    names = labels(when, freq)
    partial = bool(len(y) > 1 and is_partial(when[-1], freq, data_end))
    n = len(y) - 1 if partial else len(y)
    kept = [p - 1 for p in phases or [] if 1 < p <= n] or None
    with np.errstate(invalid="ignore", divide="ignore"):  # no period: no share, no limits
        chart = spc.qic(y[:n], den[:n], chart="pp", multiply=100, part=kept,
                        labels=names[:n])
    few = set((np.flatnonzero(den[:n] < min_n) + 1).tolist())
    signals = tuple(s for s in chart.signals if not set(s.points) <= few)
    special = tuple("Common Cause" if i + 1 in few else s
                    for i, s in enumerate(chart.special_cause_type))
    return dataclasses.replace(
        chart, signals=signals, special_cause_type=special,
        point_type=tuple(point_type_of(s, improvement_direction) for s in special),
        sigma_signal=chart.sigma_signal & ~np.isin(np.arange(1, n + 1), list(few)),
        improvement_direction=improvement_direction, dates=tuple(when[:n]),
        partial=(spc.PartialPoint(names[-1], float(100 * y[-1] / den[-1]) if den[-1] else
                                  float("nan"), when[-1]) if partial else None))


# --- periods on the engine -------------------------------------------------------------------
# Counting contacts per week must not bring every contact to Python (a national service has
# tens of millions). Every engine can truncate a timestamp to its day, week (Monday) or month,
# but not in a named time zone portably (DuckDB, PostgreSQL and Spark spell zones differently).
# A zone's offset from UTC only changes at its transitions, a few a year: the times are moved
# to the service's wall clock by one CASE over those transitions, then truncated. The same
# periods as ``resample``, with only one row per period coming back.

_TRUNCATE = {"D": "D", "W": "W", "M": "M"}


def _offsets(lo: pd.Timestamp, hi: pd.Timestamp, tz: str) -> list[tuple[pd.Timestamp, int]]:
    """(from this UTC instant, offset in seconds) for ``tz`` over [lo, hi]: the first entry
    holds from lo; each next one from a transition."""
    grid = pd.date_range(lo.floor("D") - pd.Timedelta(days=1), hi.ceil("D") + pd.Timedelta(days=1),
                         freq="15min", tz="UTC")
    offs = np.asarray((grid.tz_convert(tz).tz_localize(None) - grid.tz_localize(None)
                       ).total_seconds(), dtype=np.int64)
    change = np.flatnonzero(np.diff(offs)) + 1
    starts = [0, *change.tolist()]
    return [(grid[i], int(offs[i])) for i in starts]


def local_period(t: Any, freq: str, tz: str, lo: pd.Timestamp, hi: pd.Timestamp) -> Any:
    """An Ibis expression: the start of the period (day, week from Monday, month) in ``tz``
    that each UTC time ``t`` between ``lo`` and ``hi`` falls in, as a wall-clock time."""
    import ibis

    kind(freq)
    spans = _offsets(pd.Timestamp(lo), pd.Timestamp(hi), tz)
    shifted = t + ibis.interval(seconds=spans[0][1])
    if len(spans) > 1:
        branches = [(t >= ibis.literal(at.to_pydatetime()), t + ibis.interval(seconds=off))
                    for at, off in reversed(spans[1:])]
        shifted = ibis.cases(*branches, else_=shifted)
    return shifted.truncate(_TRUNCATE[freq])


def period_of(when: pd.Timestamp, freq: str, tz: str) -> pd.Timestamp:
    """The start, in ``tz``, of the period one UTC time falls in (as ``resample`` cuts it)."""
    one = resample(pd.Series([1], index=pd.DatetimeIndex([when])), freq, tz).size()
    return pd.Timestamp(one.index[0])


def from_engine(starts: pd.Series, freq: str, tz: str) -> pd.DatetimeIndex:
    """Period starts as the engine returns them (a wall-clock time, maybe carrying UTC) as
    midnights in ``tz``, the index ``resample`` gives."""
    idx = pd.DatetimeIndex(starts)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return idx.normalize().tz_localize(tz, ambiguous=False, nonexistent="shift_forward")


def full_range(first: pd.Timestamp, last: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """Every period from the first to the last (empty ones too), as ``resample`` makes them."""
    return pd.date_range(first, last, freq=kind(freq).rule, name="period")
