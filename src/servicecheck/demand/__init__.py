"""Demand: what citizens ask for, in their own words, and whether it is value or failure.

The names below load on first use: the web app's capture reads only the light modules here
(redaction, the natures), and importing the engine or the learner with them cost it seconds
at start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicecheck._lazy import lazy_names as _lazy_names

# loaded now, and light: the submodule of the same name would otherwise stand in its place
from servicecheck.demand.redact import redact

if TYPE_CHECKING:
    from servicecheck.demand.records import import_demands
    from servicecheck.demand.suggest import Suggester

__all__ = ["Suggester", "import_demands", "redact"]
_LAZY = {"import_demands": "servicecheck.demand.records",
         "Suggester": "servicecheck.demand.suggest"}

__getattr__, __dir__ = _lazy_names(__name__, _LAZY, globals())
