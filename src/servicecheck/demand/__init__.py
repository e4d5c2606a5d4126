"""Demand: what citizens ask for, in their own words, and whether it is value or failure."""

from servicecheck.demand.records import import_demands
from servicecheck.demand.redact import redact
from servicecheck.demand.suggest import Suggester

__all__ = ["Suggester", "import_demands", "redact"]
