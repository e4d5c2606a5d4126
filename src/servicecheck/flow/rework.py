"""Rework and loops: activities repeated in a case, and returns to an earlier step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import Table

from servicecheck.engine.frames import to_frame

if TYPE_CHECKING:
    import pandas as pd


def rework(events: Table) -> pd.DataFrame:
    """Per activity: cases where it happens more than once, and the repeats in all."""
    per = events.group_by([events.case_id, events.activity]).aggregate(times=events.count())
    agg = per.group_by(per.activity).aggregate(
        cases=per.count(),
        rework_cases=(per.times > 1).sum(),
        repeats=(per.times - 1).sum(),
    )
    agg = agg.mutate(rework_share=agg.rework_cases / agg.cases)
    return to_frame(agg.order_by([agg.rework_cases.desc(), agg.activity]))


def repeated_steps(rework_table: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` steps repeated in the most cases (only steps repeated at least once) of a
    table ``rework`` (or ``variants.rework_from``) gives: for the table beside the words."""
    return rework_table[rework_table["rework_cases"] > 0].head(top)


def rework_per_case(events: Table) -> pd.DataFrame:
    """Per case: touches (events), repeated steps, and whether it looped back."""
    w = ibis.window(group_by=[events.case_id, events.activity],
                    order_by=[events.timestamp, events.event_index])
    marked = events.mutate(nth=ibis.row_number().over(w))
    agg = marked.group_by(marked.case_id).aggregate(
        touches=marked.count(),
        distinct_steps=marked.activity.nunique(),
        repeats=(marked.nth > 0).sum(),
    )
    agg = agg.mutate(looped=agg.repeats > 0)
    return to_frame(agg.order_by(agg.case_id))
