"""Findings: what a measure found, as a value object, before any word is written.

A measure returns tables and findings; it never writes a sentence. A finding says what was
measured (a topic, a population, the period or phase, the clock), the numbers with their units,
whether it applies at all (no cost model means the economics do not apply: "not costed", never
a cost of nought) and which chart shows it. The narrative module turns findings into words,
and the report chooses its headlines from findings by rule: nothing decides anything by
reading a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

# how a number is written: a duration in seconds (scaled to minutes, hours, days or weeks), a
# share from 0 to 1, a whole count, money in the service's currency (a sum a year, estimated
# from the period the data cover, is its own unit: never written in pence), or a plain ratio
Unit = Literal["seconds", "share", "count", "money", "money_a_year", "ratio"]
# A contact no one gave a type to, as a measure's tables and findings name its type: a code
# (worded by ``narrative.demand.type_name``), never words written in a measure.
NO_TYPE = ""
# the citizen's clock; the same but stopped at the last event (no end activity named); an order's
# clock as the target regime runs it; a case's own first-to-last-event time
Clock = Literal["citizen", "last-event", "regime", "case", "none"]


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: Unit

    @classmethod
    def days(cls, days: float) -> Quantity:
        return cls(float(days) * 86400.0, "seconds")


@dataclass(frozen=True)
class Span:
    """The period a finding covers, and the phase it belongs to (after which change)."""

    start: pd.Timestamp
    end: pd.Timestamp
    change: pd.Timestamp | None = None  # the change that opened this phase, if any
    phase: Literal["all", "before", "after"] = "all"

    @classmethod
    def reported(cls, first_contacts: pd.Series) -> Span:
        """The period of the needs a sentence counts, "first reported between" its ends: from
        the first of their first contacts to the last (not to the end of the data: needs all
        first reported on 28 Feb were said to be first reported "between 28 Feb and 14 Apr"
        when the last of them was met on 14 Apr)."""
        return cls(first_contacts.min(), first_contacts.max())


@dataclass(frozen=True)
class Finding:
    """One thing a measure found. ``numbers`` are named quantities; ``names`` are the words
    from the data a sentence may quote (a step, a demand type), never computed prose."""

    topic: str                       # e.g. "capability.spread"; one renderer per topic
    noun: str                        # what the population is made of: need, contact, order
    n: int                           # how many of them
    numbers: Mapping[str, Quantity] = field(default_factory=dict)
    span: Span | None = None
    clock: Clock = "none"
    applies: bool = True
    why_not: str | None = None       # when it does not apply: a key the narrative words
    chart: str | None = None         # the id of the figure that shows it
    headline: int = 0                # > 0: may lead the Check; higher leads first
    defaults: bool = False           # rests on defaults rather than the team's own figures
    names: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    # rows for a table beside the words (never read by the narrative)
    detail: Mapping[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def q(self, name: str) -> float:
        return self.numbers[name].value

    def has(self, name: str) -> bool:
        return name in self.numbers

    @property
    def may_lead(self) -> bool:
        """A finding that does not apply or rests on defaults is never a headline."""
        return self.headline > 0 and self.applies and not self.defaults


def first(findings: Iterable[Finding], topic: str) -> Finding | None:
    return next((f for f in findings if f.topic == topic), None)


def seconds(days: float) -> Quantity:
    return Quantity.days(days)


def share(p: float) -> Quantity:
    return Quantity(float(p), "share")


def count(n: float) -> Quantity:
    return Quantity(float(n), "count")


def money(v: float) -> Quantity:
    return Quantity(float(v), "money")


def a_year(v: float) -> Quantity:
    """A sum of money a year, extrapolated (``narrative.grammar.FINEST``)."""
    return Quantity(float(v), "money_a_year")


def ratio(v: float) -> Quantity:
    return Quantity(float(v), "ratio")


def signals(episodes: int, kinds: Mapping[str, int]) -> dict[str, Quantity]:
    """A chart's signals, each counted once (``signals``), and by the kind a reader sees on
    the chart (``signals_<kind>``: ``spc.Chart.signal_kinds``), which the words give."""
    return {"signals": count(episodes), **{f"signals_{k}": count(n) for k, n in kinds.items()}}
