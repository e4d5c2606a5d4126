"""The whole flow picture in one call: what a notebook user or a report wants at once."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ibis.expr.types import Table

from servicecheck.flow.dfg import (
    case_durations,
    directly_follows,
    ordered,
    start_end_activities,
)
from servicecheck.flow.handoffs import handoff_matrix
from servicecheck.flow.rework import rework
from servicecheck.flow.variants import variants


@dataclass(frozen=True)
class FlowAnalysis:
    dfg: pd.DataFrame
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    case_durations: pd.DataFrame
    variants: pd.DataFrame
    handoffs: pd.DataFrame
    rework: pd.DataFrame


def analyse(events: Table, *, handoffs_by: str = "team") -> FlowAnalysis:
    """Directly-follows counts and waits, start/end activities, case durations, variants,
    hand-offs (by team, or resource) and rework, for one events table (or a slice of it)."""
    # sort the events within their cases once, into a temporary table every measure reads
    with ordered(events).cache() as o:
        starts, ends = start_end_activities(o)
        return FlowAnalysis(
            dfg=directly_follows(o),
            start_activities=starts,
            end_activities=ends,
            case_durations=case_durations(o),
            variants=variants(o),
            handoffs=handoff_matrix(o, by=handoffs_by),
            rework=rework(o),
        )
