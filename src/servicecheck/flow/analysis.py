"""The whole flow picture in one call: what a notebook user or a report wants at once.

One plan: the events are sorted within their cases once (``dfg.ordered``: position, next
activity, next time, next team, the case's first time) into a temporary table, and every
measure reads that table, each in one query, or is read off another's result:

- directly-follows counts and waits: one grouping of the transitions;
- case durations: a filter of the cases' last events (they carry the first time and the count);
- variants: one grouping by fingerprint, then the steps of one case of each;
- start and end activities and rework: from the variants, in Python (no pass over events);
- hand-offs: one grouping of the transitions where the holder changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.prepared import materialised
from servicecheck.flow.dfg import case_durations, directly_follows, ordered
from servicecheck.flow.handoffs import handoff_matrix
from servicecheck.flow.variants import rework_from, start_end_from, variants


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
    with materialised(ordered, events, (handoffs_by,)) as o:
        v = variants(o)
        starts, ends = start_end_from(v)
        return FlowAnalysis(
            dfg=directly_follows(o),
            start_activities=starts,
            end_activities=ends,
            case_durations=case_durations(o),
            variants=v,
            handoffs=handoff_matrix(o, by=handoffs_by),
            rework=rework_from(v),
        )
