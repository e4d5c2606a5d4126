"""Flow: how work moves — the directly-follows map, variants, hand-offs, rework, value and
waste, clean and dirty work, and slices of the log to study each of them on."""

from servicecheck.flow.analysis import FlowAnalysis, analyse
from servicecheck.flow.clean import clean_and_dirty, clean_dirty_summary
from servicecheck.flow.dfg import (
    case_durations,
    directly_follows,
    start_end_activities,
    transitions,
)
from servicecheck.flow.handoffs import handoff_matrix, handoffs_per_case
from servicecheck.flow.map import flow_map
from servicecheck.flow.rework import rework, rework_per_case
from servicecheck.flow.slicing import for_demand_type, where_case, window
from servicecheck.flow.value import step_kinds, value_and_waste
from servicecheck.flow.variants import covering, variants

__all__ = [
    "FlowAnalysis",
    "analyse",
    "case_durations",
    "clean_and_dirty",
    "clean_dirty_summary",
    "covering",
    "directly_follows",
    "flow_map",
    "for_demand_type",
    "handoff_matrix",
    "handoffs_per_case",
    "rework",
    "rework_per_case",
    "start_end_activities",
    "step_kinds",
    "transitions",
    "value_and_waste",
    "variants",
    "where_case",
    "window",
]
