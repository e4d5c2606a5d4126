"""The directly-follows map: which step follows which, how often, and the wait between them.

Pure Ibis expressions over the canonical events table; results are small pandas tables.
Events within a case are ordered by timestamp, then by the file's own row order, so ties in
time keep file order (as PM4Py does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.types import Table

from servicecheck.engine.durations import seconds_between
from servicecheck.engine.prepared import frame

if TYPE_CHECKING:
    import pandas as pd


# the columns ordered() adds to the events (with next_<holder> for each holder asked for):
# a table that has next_activity is ordered already
ORDERED = ("position", "next_activity", "next_timestamp", "next_team", "next_resource",
           "first_timestamp")


def ordered(events: Table, holders: Sequence[str] = ("team",)) -> Table:
    """The one ordered pass every flow measure reads: per event, its case, activity and time,
    its position in the case, the next event's activity and time, the case's first time, and
    for each of ``holders`` (columns such as team or resource) who held the work and who held
    it next. Only these columns are kept, so the sort and the table ``analyse`` caches carry
    nothing no measure reads. Pass the result (cached) to the measures instead of the raw
    events, and they skip their own sort."""
    if "next_activity" in events.columns:
        return events
    w = ibis.window(group_by=events.case_id, order_by=[events.timestamp, events.event_index])
    # lead() is empty on a case's last event: say so in the type, or Ibis carries the source
    # column's NOT NULL over and a cached copy of this table refuses the last events
    ts_type = dt.Timestamp(timezone=events.timestamp.type().timezone, nullable=True)
    return events.select(
        events.case_id, events.event_index, events.activity, events.timestamp,
        *(events[h] for h in holders),
        position=ibis.row_number().over(w),
        next_activity=events.activity.lead().over(w).cast(dt.String(nullable=True)),
        next_timestamp=events.timestamp.lead().over(w).cast(ts_type),
        first_timestamp=events.timestamp.first().over(w),
        **{f"next_{h}": events[h].lead().over(w) for h in holders},
    )


def transitions(events: Table) -> Table:
    """One row per pair of consecutive events in a case, with the wait in seconds."""
    o = ordered(events)
    t = o.filter(o.next_activity.notnull())
    return t.select(
        t.case_id,
        source=t.activity,
        target=t.next_activity,
        wait_s=seconds_between(t.timestamp, t.next_timestamp),
        position=t.position,
    )


def directly_follows(events: Table) -> pd.DataFrame:
    """Per pair of activities: count and waiting time (mean, median, min, max, p90, sum, sd)."""
    return frame(_directly_follows, events)


def _directly_follows(events: Table) -> Table:
    t = transitions(events)
    agg = t.group_by([t.source, t.target]).aggregate(
        count=t.count(),
        mean_s=t.wait_s.mean(),
        median_s=t.wait_s.median(),
        min_s=t.wait_s.min(),
        max_s=t.wait_s.max(),
        p90_s=t.wait_s.quantile(0.9),
        sum_s=t.wait_s.sum(),
        stdev_s=t.wait_s.std(how="sample"),
    )
    return agg.order_by([agg.source, agg.target])


def start_end_activities(events: Table) -> tuple[dict[str, int], dict[str, int]]:
    """How many cases start, and end, with each activity."""
    starts = frame(_starts, events)
    ends = frame(_ends, events)
    return (
        {str(a): int(n) for a, n in zip(starts.iloc[:, 0], starts.iloc[:, 1], strict=True)},
        {str(a): int(n) for a, n in zip(ends.iloc[:, 0], ends.iloc[:, 1], strict=True)},
    )


def _starts(events: Table) -> Table:
    o = ordered(events)
    return o.filter(o.position == 0).activity.value_counts()


def _ends(events: Table) -> Table:
    o = ordered(events)
    return o.filter(o.next_activity.isnull()).activity.value_counts()


def case_durations(events: Table) -> pd.DataFrame:
    """Per case: first and last event, and the seconds between them (first-to-last clock)."""
    return frame(_case_durations, events)


def _case_durations(events: Table) -> Table:
    if "next_activity" in events.columns:
        # ordered already: a case's last event carries its first time and its count, so
        # the durations are a filter of the one pass, with no grouping
        last = events.filter(events.next_activity.isnull())
        g = last.select(last.case_id, first=last.first_timestamp, last=last.timestamp,
                        events=(last.position + 1).cast("int64"))
    else:  # alone, a grouping costs less than the sort
        g = events.group_by(events.case_id).aggregate(
            first=events.timestamp.min(),
            last=events.timestamp.max(),
            events=events.count(),
        )
    g = g.mutate(duration_s=seconds_between(g["first"], g["last"]))
    return g.order_by(g.case_id)
