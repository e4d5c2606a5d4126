"""Flow: how work moves — the directly-follows map, variants, hand-offs, rework, value and
waste, clean and dirty work, and slices of the log to study each of them on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicecheck._lazy import lazy_names as _lazy_names
from servicecheck.flow.clean import clean_and_dirty, clean_dirty_summary
from servicecheck.flow.dfg import (
    case_durations,
    directly_follows,
    start_end_activities,
    transitions,
)
from servicecheck.flow.handoffs import handoff_matrix, handoffs_per_case
from servicecheck.flow.rework import rework, rework_per_case
from servicecheck.flow.slicing import for_demand_type, where_case, window
from servicecheck.flow.value import step_kinds, value_and_waste
from servicecheck.flow.variants import covering, variants

if TYPE_CHECKING:
    from servicecheck.flow.analysis import FlowAnalysis, analyse
    from servicecheck.flow.map import flow_map

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

# The whole picture (``analyse``) and the map load on first use: the command line's `flow`
# reads the measures it says, and draws (and loads the drawing) only when asked for a map.
# Only names unlike their module's: a submodule imported elsewhere becomes the package's
# attribute of its name, and would hide a function of that name loaded on first use.
_LAZY = {"FlowAnalysis": "servicecheck.flow.analysis", "analyse": "servicecheck.flow.analysis",
         "flow_map": "servicecheck.flow.map"}

__getattr__, __dir__ = _lazy_names(__name__, _LAZY, globals())
