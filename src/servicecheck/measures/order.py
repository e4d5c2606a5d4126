"""The order a chart of needs sets them in: the order they were met (or, for an extract of one
intake, first reported), and a fixed order for needs that share their instant, which the log
does not order."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from servicecheck import spc
from servicecheck.engine.durations import DAY_S
from servicecheck.findings import Finding, Span, seconds
from servicecheck.spc._chart import MIN_JUDGED

if TYPE_CHECKING:
    from servicecheck.measures.capability import Capability


def one_intake(first_contact: pd.Series, days: pd.Series) -> float | None:
    """The window of first contacts, in days, when the needs met were all first reported
    within less time than nine in ten of them took (NYC 311's extract: one day's requests,
    reported within 12 hours, 9 in 10 closed within 11 days); else None.

    In order of completion such an extract charts its own selection: a need met later was
    first reported in the same few hours, so it took longer, by construction (and the needs
    reported earlier, which would be met on the same dates, are not in it). Its times rise
    with their completion dates, and the chart shows trends and limits that say nothing of
    the service. A log whose first contacts span far more than its times (the demo, BPIC
    2020, sepsis: years against days or weeks) keeps the order of completion."""
    if len(first_contact) < 2:
        return None
    window = (first_contact.max() - first_contact.min()).total_seconds() / DAY_S
    p90 = float(days.quantile(0.9))
    return window if math.isfinite(p90) and window < p90 else None


def intake_end(first_contact: pd.Series, days: pd.Series,
               data_end: pd.Timestamp | None) -> pd.Timestamp | None:
    """The last first contact, when the data run on after it for longer than nine in ten
    needs take (road traffic fines' first 10,000 cases: first reports end in March 2009, the
    data three years later, 9 in 10 met within 100 weeks; sepsis: 99 days against 93); else
    None.

    An extract that stopped taking new demand long before it ends: every need met after the
    last first report, at a time x past it, took x at least, and the quicker needs that would
    have been met beside it were never taken in (right-censoring of the intake window). In
    order of completion the chart's last points are then only the slow ones, their times
    rising by construction, and its signals there describe the extract, not the service.
    Where the data stop within the time 9 in 10 needs take (BPIC 2020: the last claims
    eleven days before the data end, 9 in 10 met within 19) the quiet end is an extract's
    ordinary edge, as in any log cut at a date, and the chart is read whole. ``one_intake``
    is the other side of the same yardstick: the first reports span less than that time."""
    if data_end is None or first_contact.empty or days.empty:
        return None
    last = first_contact.max()
    p90 = float(days.quantile(0.9))
    after = (data_end - last).total_seconds() / DAY_S
    return last if math.isfinite(p90) and after > p90 else None


def intake_start(first_contact: pd.Series, days: pd.Series) -> pd.Timestamp | None:
    """The first first contact in the data: the mirror of ``intake_end``. A need met a time
    x after it took x at most, so the needs met within the time 9 in 10 needs take of it
    are only the quicker ones (left truncation: the needs first reported before the extract
    begins, had the service run then, are not in it). In order of completion the chart's
    first points are then the quick ones by construction. None with no need, or where the
    first reports span less than that time (``one_intake``: charted in order of first
    contact)."""
    if first_contact.empty or days.empty:
        return None
    p90 = float(days.quantile(0.9))
    return first_contact.min() if math.isfinite(p90) else None


def stale_after(need_table: pd.DataFrame) -> float | None:
    """How long an open need of ``need_table`` may sit idle before it is stale:
    ``stale_after_days`` of the needs met (none set aside); None in an extract of one
    intake, whose needs met give no usual time (``one_intake``). Capability's rule, for the
    summary and clean and dirty work to count stale needs as capability does (flow said "the
    2,067 not met yet" of the fines' 292 open and 1,775 stale)."""
    met = need_table[~need_table["open"] & ~(need_table["end_to_end_days"] < 0)]
    return (stale_after_days(met["end_to_end_days"])
            if one_intake(met["first_contact"], met["end_to_end_days"]) is None else None)


def is_stale(needs: pd.DataFrame, after: float | None) -> pd.Series:
    """Per need, whether it is without an end and idle longer than ``after`` (None: none
    is stale)."""
    if after is None:
        return pd.Series(False, index=needs.index)
    return needs["open"] & (needs["idle_days"] > after)


def stale_mask(need_table: pd.DataFrame) -> pd.Series:
    """Per need, whether it is stale (``is_stale`` by ``stale_after``)."""
    return is_stale(need_table, stale_after(need_table))


def stale_after_days(days: pd.Series) -> float | None:
    """How long an open need may sit without an event before it counts as stale: twice the
    time within which nine in ten needs are met, and never less than a day. A need idle that
    long has almost certainly ended some other way (withdrawn, closed in another system)."""
    if days.empty:
        return None
    return max(2.0 * float(days.quantile(0.9)), 1.0)


def tie_order(ids: pd.Series) -> npt.NDArray[np.uint64]:
    """A fixed order for needs met at the same instant that does not follow their ids: a
    hash of each id's text (pandas' SipHash with its fixed key), so the same data always
    give the same chart.

    The log does not say which of them came first, and their ids are no neutral stand-in:
    ids given out together belong to needs opened together, which, met on the same day, took
    the same time. In id order the moving ranges between them are near zero, the limits
    shrink and runs form that the data do not hold (road traffic fines, 98% of needs paid on
    a day shared with others: a mean moving range of 55 days in id order, 90 in this one;
    7,855 of 7,933 points beyond limits of 305-373 days, 6,705 beyond 171-507). In an order
    unrelated to the times, the moving ranges and runs among them are those of needs drawn
    at random from the needs met that day, as the limits and the run rules assume of a
    system that did not change (Wheeler: the moving ranges must hold routine variation only,
    never like set beside like). Moving ranges that skip tied pairs would keep only the pairs
    across days (699 of 7,932 on the fines) and leave the runs in id order; the chart per
    period, drawn beside this one, is the view that needs no order within a day."""
    # categorize=False: the same hashes, 6x faster on ids that are all different
    return pd.util.hash_array(ids.astype(str).to_numpy(dtype=object), categorize=False)


def in_completion_order(done: pd.DataFrame, at: str, key: str,
                        first: Sequence[str] = ()) -> pd.DataFrame:
    """``done`` sorted by ``first`` then the instant ``at``, ties in ``tie_order`` of ``key``
    (then ``key`` itself, should two hashes meet), indexed from 0. Only the tied are hashed:
    a log of exact times pays nothing."""
    tie = "_tie_order"
    order = np.zeros(len(done), dtype=np.uint64)
    shared = done[at].duplicated(keep=False).to_numpy()
    order[shared] = tie_order(done.loc[shared, key])
    return (done.assign(**{tie: order})
            .sort_values([*first, at, tie, key], kind="stable")
            .drop(columns=tie).reset_index(drop=True))


def tied(times: pd.Series) -> int:
    """How many of ``times`` share their instant with another."""
    return int(times.duplicated(keep=False).sum())


def without_tied_trends(chart: spc.Chart, times: pd.Series) -> spc.Chart:
    """The chart without trends among needs met at the same instant: equal timestamps have no
    order (only the need ids order them), so they make no trend. Limits are untouched."""
    # whole nanoseconds: to_numpy on zone-aware times makes a Timestamp object per need;
    # a missing time (as NaT compares) is never later than another
    met = pd.DatetimeIndex(times).asi8
    known = np.asarray(times.notna(), dtype=bool)

    def ordered(s: spc.Signal) -> bool:
        at = np.asarray(s.points, dtype=np.intp) - 1
        t, k = met[at], known[at]
        return s.rule != "trend" or len(t) < 2 or bool(
            ((t[1:] > t[:-1]) & k[1:] & k[:-1]).all())

    return replace(chart, signals=tuple(s for s in chart.signals if ordered(s)))


# how far apart the medians of the needs at an extract's edge and of the rest must be for
# the edge to be said (the longer at least this many times the shorter)
EDGE_APART = 1.5


def visibly_apart(shorter: float, longer: float) -> bool:
    """Whether the needs at an extract's edge stand apart from the rest: the longer median
    at least ``EDGE_APART`` times the shorter (a third off, or half as much again).

    Every extract has a first and a last first report, and a need met x after the first took
    x at most; but where the needs' times are narrow the bound barely binds and the needs at
    the edge are like the rest: the demo's first 457 needs, a median of 11 days against 12;
    the travel expenses' 6.1 against 7.3. "Short by construction" of those tells the reader
    of a difference the chart does not show. Apart: the fines' 5 days against 618, the
    travel permits' 41 against 70, sepsis's last 29 patients' 122 days against 5. (Every
    chart of thousands of needs has some run low near its start, so a signal there is no
    test.)"""
    if not (math.isfinite(shorter) and math.isfinite(longer)):
        return False
    return longer > 0 and longer >= EDGE_APART * shorter


def intake_end_findings(cap: Capability) -> list[Finding]:
    """The needs met after the last first report, when the data run on after it for longer
    than 9 in 10 needs take (``intake_end``): the chart's last points, their times shaped by
    the extract's end, with their median beside that of the needs met up to it; none when
    fewer than ``MIN_JUDGED`` needs were met after it."""
    if cap.intake_end is None or cap.as_at is None:
        return []
    met = cap.completed
    late = met["met_at"] > cap.intake_end
    # Said only when the needs met after the last first report are enough to be judged as a
    # group of their own (MIN_JUDGED, the fewest points any chart judges): fewer are points
    # among the rest, each judged as any other, and their median is a figure of very few,
    # shown by the method's rule never as a finding of its own. Sepsis, with its service
    # file: 3 of 781 needs, told "a median of 9 days, against 5.6 days" and "the needs met
    # after 26 Feb 2015 describe the extract's end" of a chart whose last 3 points they are.
    if late.sum() < MIN_JUDGED:
        return []
    days = met["end_to_end_days"]
    if (~late).any() and not visibly_apart(float(days[~late].median()),
                                           float(days[late].median())):
        return []
    numbers = {"after": seconds((cap.as_at - cap.intake_end).total_seconds() / DAY_S),
               "p90": seconds(float(days.quantile(0.9))),
               "late_median": seconds(float(days[late].median()))}
    if (~late).any():
        numbers["early_median"] = seconds(float(days[~late].median()))
    return [Finding("capability.intake_ended", "need", int(late.sum()), numbers,
                    Span(cap.intake_end, cap.as_at), cap.clock, chart="capability")]


def intake_start_findings(cap: Capability) -> list[Finding]:
    """The needs met within the time 9 in 10 needs take of the first first report
    (``intake_start``): the chart's first points, none of which could have taken longer than
    the time since the data began, with their median beside that of the needs met after.
    Said by the rule of ``intake_end_findings``: only for at least ``MIN_JUDGED`` of them,
    only where their median stands apart from the rest's (``visibly_apart``), only where the
    chart is in order of completion, and only when some need was met after."""
    if cap.intake_start is None or cap.ordered_by != "met_at":
        return []
    met = cap.completed
    days = met["end_to_end_days"]
    p90 = float(days.quantile(0.9))
    until = cap.intake_start + pd.Timedelta(days=p90)
    early = met["met_at"] < until
    if (early.sum() < MIN_JUDGED or early.all()
            or not visibly_apart(float(days[early].median()), float(days[~early].median()))):
        return []
    numbers = {"p90": seconds(p90), "early_median": seconds(float(days[early].median())),
               "late_median": seconds(float(days[~early].median()))}
    return [Finding("capability.intake_began", "need", int(early.sum()), numbers,
                    Span(cap.intake_start, until), cap.clock, chart="capability")]
