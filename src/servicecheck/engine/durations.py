"""Time arithmetic shared by the measures."""

from __future__ import annotations

import ibis

from servicecheck.engine.native import microseconds_between

DAY_S = 86400.0


def seconds_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    """Exact seconds from start to end (microsecond arithmetic, no rounding to whole seconds)."""
    return microseconds_between(start, end).cast("float64") / 1e6
