"""Hand-offs: the work changing hands (team, or resource) between consecutive events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import Table

from servicecheck.engine.prepared import frame
from servicecheck.flow.dfg import ordered

if TYPE_CHECKING:
    import pandas as pd


def _with_next(events: Table, by: str) -> Table:
    if f"next_{by}" in events.columns:  # ordered with this holder already: no sort
        t = events
    elif "next_activity" in events.columns:  # ordered, but for other holders
        w = ibis.window(group_by=events.case_id,
                        order_by=[events.timestamp, events.event_index])
        t = events.mutate(**{f"next_{by}": events[by].lead().over(w)})
    else:
        t = ordered(events, holders=(by,))
    t = t.mutate(holder=t[by], next_holder=t[f"next_{by}"])
    return t.filter(t.next_holder.notnull() & t.holder.notnull())


def handoff_matrix(events: Table, by: str = "team") -> pd.DataFrame:
    """From-holder to next-holder counts where the work changed hands."""
    return frame(_handoff_matrix, events, by)


def _handoff_matrix(events: Table, by: str) -> Table:
    t = _with_next(events, by)
    t = t.filter(t.holder != t.next_holder)
    agg = t.group_by([t.holder, t.next_holder]).aggregate(handoffs=t.count())
    return agg.order_by([agg.handoffs.desc(), agg.holder, agg.next_holder])


def handoffs_per_case(events: Table, by: str = "team") -> pd.DataFrame:
    """Per case: how many times the work changed hands."""
    return frame(_handoffs_per_case, events, by)


def _handoffs_per_case(events: Table, by: str) -> Table:
    t = _with_next(events, by)
    agg = t.group_by(t.case_id).aggregate(handoffs=(t.holder != t.next_holder).sum())
    return agg.order_by(agg.case_id)
