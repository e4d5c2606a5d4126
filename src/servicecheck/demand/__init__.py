"""Demand: what citizens ask for, in their own words, and whether it is value or failure."""

from servicecheck.demand.records import import_demands
from servicecheck.demand.redact import redact

__all__ = ["import_demands", "redact"]
