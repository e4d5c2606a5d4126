"""Sentences from findings. One renderer per topic, in the module of its Check question
(capability, summary, demand, targets, flow, economics, quality, joined_up,
proposal), registered in
``voice``; each reads only its finding's numbers and names, and writes every number through the
one grammar. A finding that does not apply is said to not apply ("not costed", "no demand
imported"), never written as a zero. Import ``say`` from here: this module loads every
renderer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from servicecheck.findings import Finding

# each topic module registers its renderers when imported
from servicecheck.narrative import (  # noqa: F401
    capability,
    demand,
    economics,
    flow,
    flow_map,
    joined_up,
    proposal,
    quality,
    regulators,
    summary,
    targets,
)
from servicecheck.narrative.voice import RENDERERS, Voice, clock_start_words, voice_for

__all__ = ["Voice", "clock_start_words", "headlines", "say", "say_all", "voice_for"]


def say(f: Finding, voice: Voice) -> str:
    """The sentence for one finding."""
    try:
        render = RENDERERS[f.topic]
    except KeyError:
        raise KeyError(f"no words for the finding {f.topic!r}: add a renderer") from None
    return render(f, voice)


def say_all(findings: Iterable[Finding], voice: Voice) -> list[str]:
    return [say(f, voice) for f in findings]


def headlines(findings: Sequence[Finding], voice: Voice, n: int = 3) -> list[str]:
    """The Check's headline findings, chosen by rule: only findings that apply and rest on the
    team's own figures, highest rank first; each names its period."""
    ranked = sorted((f for f in findings if f.may_lead), key=lambda f: -f.headline)
    return [say(f, voice) for f in ranked[:n]]
