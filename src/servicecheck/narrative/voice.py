"""The voice every sentence of a service shares, and the registry of renderers: one renderer
per finding topic, registered by the topic modules beside this one (capability, summary,
demand, targets, flow, economics, quality, joined_up). Sentences are made through
``servicecheck.narrative.words``, which loads every topic module first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from servicecheck.findings import Finding, first
from servicecheck.narrative import grammar as g
from servicecheck.service.model import Service

if TYPE_CHECKING:
    pass


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
    # read on the web app's pages, by a team that may have no terminal: the way to what was
    # set aside is the download on the page, not a command
    on_page: bool = False

    def unit_of(self, seconds: float) -> g.TimeUnit:
        """The unit one duration is told in: the service's own, except that a time shorter
        than one of its units is told in the largest unit it fills ('1 day', not '0.14 weeks'
        nor '24 hours'), and a time too long for minutes or hours in days or weeks ('45
        days', not '1,078 hours'); no time at all is '0 minutes'."""
        s = abs(seconds)
        if s == 0:
            return g.MINUTES
        if s < self.unit.seconds:
            return next((u for u in (g.DAYS, g.HOURS) if s >= u.seconds), g.MINUTES)
        if self.unit in (g.MINUTES, g.HOURS) and s >= 2 * g.DAYS.seconds:
            return g.WEEKS if s >= 12 * g.WEEKS.seconds else g.DAYS
        if self.unit == g.MINUTES and s >= 90 * 60:
            return g.HOURS
        return self.unit

    def dur(self, f: Finding, name: str) -> str:
        """A duration of a finding, in the unit that tells it (``unit_of``), at the one
        precision of the finding's other times told in the same unit (``grammar.amount``):
        a finding is said in one sentence, so its times are the sentence's (and those of a
        list said as a column, such as the flow's waits, carry the others as ``beside_``)."""
        seconds = f.q(name)
        unit = self.unit_of(seconds)
        beside = [q.value for k, q in f.numbers.items()
                  if q.unit == "seconds" and k != name and self.unit_of(q.value) == unit]
        return g.duration(seconds, unit, beside)

    def amount(self, f: Finding, name: str, unit: g.TimeUnit | None = None) -> str:
        return g.amount(f.q(name), unit or self.unit)

    def date(self, ts: object) -> str:
        import pandas as pd  # here, not with the words: an import's summary writes no date

        return g.date(pd.Timestamp(ts), self.tz)  # type: ignore[arg-type]

    def money(self, f: Finding, name: str, beside: Sequence[str] = ()) -> str:
        """A sum of the finding, as finely as the finest of the sums ``beside`` it in the
        same sentence (``grammar.money``)."""
        return g.money(f.q(name), self.currency, [f.q(b) for b in beside],
                       self._finest(f, name))

    def about_money(self, f: Finding, name: str, width: float | None = None) -> str:
        """A sum worded as approximate, rounded to its uncertainty (``grammar.about_money``)."""
        return g.about_money(f.q(name), self.currency, width, self._finest(f, name))

    @staticmethod
    def _finest(f: Finding, name: str) -> float:
        """The finest the sum is written to, by its unit (a sum a year: never pence)."""
        return g.FINEST.get(f.numbers[name].unit, g.FINEST["money"])


def start_words(first_contact: bool, activities: Sequence[str],
                contact: str = "the citizen's first contact") -> str:
    """Where the citizen's clock starts, in words: at the first contact, else at the first of
    the named activities ('Repair reported or Claim received'), else at the first event."""
    if first_contact:
        return contact
    return g.join_words(list(activities), "or") or "the first event"


def clock_start_words(svc: Service) -> str:
    """Where the citizen's clock starts, in words, as the service file says."""
    return start_words(svc.clock.start_at_first_contact, svc.clock.start)


def voice_for(svc: Service, found: Sequence[Finding] = ()) -> Voice:
    """How this service's sentences are told: its zone, its currency, and times in the unit
    that fits what its needs take now (minutes for a service that finishes within the hour)."""
    current = first(found, "capability.current")
    return voice_at(svc, current.q("median") if current is not None else None)


def voice_at(svc: Service, typical: float | None) -> Voice:
    """The voice of ``voice_for`` from the median end-to-end time, in seconds, of the needs
    met now (None: no need met, times in days), found without charting them."""
    unit = g.unit_for([typical]) if typical is not None else g.DAYS
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
    """The finding's period: 'between 1 Apr 2024 and 30 Jun 2025', or 'on 28 Feb 2023' when
    it starts and ends on the one day in the service's zone."""
    assert f.span is not None
    start, end = voice.date(f.span.start), voice.date(f.span.end)
    return f"on {start}" if start == end else f"between {start} and {end}"


def over(f: Finding, voice: Voice) -> str:
    """The finding's period as a phase or a span: 'since the change on 30 Dec 2024' for the
    phase after a change, else 'between 1 Apr 2024 and 30 Jun 2025' (or 'on ...')."""
    assert f.span is not None
    if f.span.change is not None and f.span.phase == "after":
        return f"since the change on {voice.date(f.span.change)}"
    return between(f, voice)


def axis_from(clock: str, voice: Voice) -> str:
    """A chart's axis of end-to-end times, after its unit: the clock the words measure on
    (the axis said "from first contact" where the words said "from their first event to
    their last", no demand being linked)."""
    if clock == "case":
        return "from the case's first event to its last"
    if clock == "last-event":
        return "from first event to last"
    return f"from {voice.starts}"


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
