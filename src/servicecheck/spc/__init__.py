"""Process behaviour charts (XmR / individuals) with named rule presets. Pure numpy, no I/O.

Presets and the references they match exactly:

- ``ptd``: NHSRplotthedots 0.2.2 (Making Data Count)
- ``mdc2023``: Making Data Count after its November 2023 change
- ``anhoej``: qicharts2 0.8.1 with Anhøj runs analysis (``qic``: run, I, MR, T, G, C, P,
  P′, U and U′ charts)
- ``wheeler``: Wheeler's XmR with the four Western Electric rules
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from servicecheck.spc._chart import Chart, Limits, PartialPoint, RunsAnalysis, Signal
from servicecheck.spc.anhoej import qic
from servicecheck.spc.ptd import assurance_type, ptd_spc
from servicecheck.spc.summary import summary_table
from servicecheck.spc.wheeler import wheeler_xmr

PRESETS = ("ptd", "mdc2023", "anhoej", "wheeler")

__all__ = [
    "PRESETS",
    "Chart",
    "Limits",
    "PartialPoint",
    "RunsAnalysis",
    "Signal",
    "assurance_type",
    "ptd_spc",
    "qic",
    "summary_table",
    "wheeler_xmr",
    "xmr",
]


def xmr(
    values: Sequence[float] | np.ndarray,
    *,
    preset: str = "ptd",
    labels: Sequence[Any] | None = None,
    phases: Sequence[int] | None = None,
    improvement_direction: str = "neutral",
    **params: Any,
) -> Chart:
    """An XmR chart with the named rule preset.

    ``phases`` are 1-based point numbers where a known change in the system starts a new
    set of limits (a ``rebase`` for ptd/mdc2023, a ``part`` for anhoej).
    """
    if preset in ("ptd", "mdc2023"):
        if phases:
            params.setdefault("rebase", [int(p) for p in phases])
        return ptd_spc(
            values,
            preset=preset,
            labels=labels,
            improvement_direction=improvement_direction,
            **params,
        )
    if preset == "anhoej":
        if phases:
            params.setdefault("part", [int(p) - 1 for p in phases])
        params.setdefault("chart", "i")
        return qic(values, labels=labels, **params)
    if preset == "wheeler":
        if phases:
            raise ValueError("the wheeler preset has one set of limits; use ptd for phases")
        return wheeler_xmr(values, labels=labels, **params)
    raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
