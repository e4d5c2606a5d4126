"""Hand-offs: the work changing hands (team, or resource) between consecutive events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import Table

from servicecheck.engine.frames import to_frame
from servicecheck.flow.dfg import ordered

if TYPE_CHECKING:
    import pandas as pd


def _with_next(events: Table, by: str) -> Table:
    if by in ("team", "resource"):
        o = ordered(events)  # the next team and resource come with the one shared sort
        t = o.mutate(holder=o[by], next_holder=o[f"next_{by}"])
    else:
        w = ibis.window(group_by=events.case_id,
                        order_by=[events.timestamp, events.event_index])
        t = events.mutate(holder=events[by], next_holder=events[by].lead().over(w))
    return t.filter(t.next_holder.notnull() & t.holder.notnull())


def handoff_matrix(events: Table, by: str = "team") -> pd.DataFrame:
    """From-holder to next-holder counts where the work changed hands."""
    t = _with_next(events, by)
    t = t.filter(t.holder != t.next_holder)
    agg = t.group_by([t.holder, t.next_holder]).aggregate(handoffs=t.count())
    return to_frame(agg.order_by([agg.handoffs.desc(), agg.holder, agg.next_holder]))


def handoffs_per_case(events: Table, by: str = "team") -> pd.DataFrame:
    """Per case: how many times the work changed hands."""
    t = _with_next(events, by)
    agg = t.group_by(t.case_id).aggregate(handoffs=(t.holder != t.next_holder).sum())
    return to_frame(agg.order_by(agg.case_id))
