"""Flow: how work moves — the directly-follows map, variants, hand-offs and rework."""

from servicecheck.flow.dfg import (
    case_durations,
    directly_follows,
    start_end_activities,
    transitions,
)
from servicecheck.flow.handoffs import handoff_matrix, handoffs_per_case
from servicecheck.flow.rework import rework, rework_per_case
from servicecheck.flow.variants import covering, variants

__all__ = [
    "case_durations",
    "covering",
    "directly_follows",
    "handoff_matrix",
    "handoffs_per_case",
    "rework",
    "rework_per_case",
    "start_end_activities",
    "transitions",
    "variants",
]
