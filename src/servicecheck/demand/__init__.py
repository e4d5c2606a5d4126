"""Demand: what citizens ask for, in their own words, and whether it is value or failure.

The names below load on first use: the web app's capture reads only the light modules here
(redaction, the natures), and importing the engine or the learner with them cost it seconds
at start."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Suggester", "import_demands", "redact"]
_LAZY = {"import_demands": "servicecheck.demand.records", "redact": "servicecheck.demand.redact",
         "Suggester": "servicecheck.demand.suggest"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'servicecheck.demand' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
