"""The voice every sentence of a service shares, and the registry of renderers: one renderer
per finding topic, registered by the topic modules beside this one (capability, summary,
demand, targets, flow, economics, quality, joined_up). Sentences are made through
``servicecheck.narrative.words``, which loads every topic module first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from servicecheck.findings import Finding, first
from servicecheck.narrative import grammar as g
from servicecheck.service.model import Service


@dataclass(frozen=True)
class Voice:
    """What every sentence of one service shares: its time zone, currency, the unit its times
    are told in, and how its clock starts."""

    tz: str = "Europe/London"
    currency: str = "£"
    unit: g.TimeUnit = g.DAYS
    starts: str = "the citizen's first contact"
    citizen: str = "citizen"
    extra: dict[str, str] = field(default_factory=dict)

    def dur(self, f: Finding, name: str) -> str:
        """A duration in the service's unit; one shorter than a whole unit in the unit that
        fits it ('4 days', not '0.57 weeks')."""
        seconds = f.q(name)
        unit = self.unit if seconds == 0 or abs(seconds) >= self.unit.seconds else \
            g.unit_for([seconds])
        return g.duration(seconds, unit)

    def amount(self, f: Finding, name: str) -> str:
        return g.amount(f.q(name), self.unit)

    def date(self, ts: object) -> str:
        return g.date(pd.Timestamp(ts), self.tz)  # type: ignore[arg-type]

    def money(self, f: Finding, name: str) -> str:
        return g.money(f.q(name), self.currency)


def clock_start_words(svc: Service) -> str:
    """Where the citizen's clock starts, in words, as the service file says."""
    if svc.clock.start_at_first_contact:
        return "the citizen's first contact"
    return g.join_words(list(svc.clock.start)) or "the first event"


def voice_for(svc: Service, found: Sequence[Finding] = ()) -> Voice:
    """How this service's sentences are told: its zone, its currency, and times in the unit
    that fits what its needs take now (minutes for a service that finishes within the hour)."""
    current = first(found, "capability.current")
    unit = g.unit_for([current.q("median")]) if current is not None else g.DAYS
    return Voice(tz=svc.timezone, currency=svc.costs.currency, unit=unit,
                 starts=clock_start_words(svc))


Renderer = Callable[[Finding, Voice], str]
RENDERERS: dict[str, Renderer] = {}


def renders(topic: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of one topic; a topic has one renderer."""
    def register(fn: Renderer) -> Renderer:
        assert topic not in RENDERERS, f"two renderers for {topic!r}"
        RENDERERS[topic] = fn
        return fn
    return register


# -- phrases several topics share -------------------------------------------------------------
def between(f: Finding, voice: Voice) -> str:
    assert f.span is not None
    return f"between {voice.date(f.span.start)} and {voice.date(f.span.end)}"


def clock_from(f: Finding, voice: Voice) -> str:
    """Where the finding's clock runs from, agreeing with its count: one need took a time
    "from its first event", several "from their first event"."""
    one = f.n == 1
    if f.clock == "case":
        return (f"from {'the' if one else 'each'} case's first event to its last (the case's "
                "own clock, not the citizen's)")
    if f.clock == "last-event":
        return "from its first event to its last" if one else \
            "from their first event to their last"
    return f"from {voice.starts}"


def rule_set(name: str) -> str:
    """A rule set's name inside parentheses: 'NHSRplotthedots 0.2.2, Making Data Count'."""
    return name.replace(" (", ", ").replace(")", "")
