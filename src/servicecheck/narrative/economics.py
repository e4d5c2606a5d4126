"""Economics in words: what meeting a need costs, and 'not costed' when no model is given."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders


@renders("economics.not_costed")
def _not_costed(f: Finding, voice: Voice) -> str:
    return ("Not costed: the service file gives no cost model, so no sum of money is stated. "
            "Set `demand.cost_per_minute` (and a [costs] table) to see what meeting one need "
            "costs.")


@renders("economics.none_met")
def _econ_none_met(f: Finding, voice: Voice) -> str:
    return "No need has been met yet, so there is no cost of meeting one."


def _on_defaults(f: Finding) -> str:
    return " (on the default cost of a minute: set `demand.cost_per_minute`)" if f.defaults \
        else ""


@renders("economics.per_need")
def _per_need(f: Finding, voice: Voice) -> str:
    what, *parts = f.names
    text = f"Meeting one {f.noun} costs {voice.money(f, 'cost')} end to end"
    if parts and f.q("waste") > 0:
        text += f", {voice.money(f, 'waste')} of it {g.join_words(parts)}"
    text += f", while {what} costs {voice.money(f, 'unit')} on its own"
    return text + (" on average" if what == "a step" else "") + _on_defaults(f) + "."


@renders("economics.transactions")
def _transactions(f: Finding, voice: Voice) -> str:
    words = {"contacts": "contacts", "orders": "orders or cases", "visits": "visits"}
    counts = [f"{g.ratio(q.value)} {words[k]}" for k, q in f.numbers.items()]
    return (f"A {f.noun} takes {g.join_words(counts)} on average: what grows is the number of "
            "transactions a need takes, not the cost of each.")


@renders("economics.per_year")
def _per_year(f: Finding, voice: Voice) -> str:
    parts = [f"{k.capitalize()} {'costs' if k == 'failure demand' else 'cost'} "
             f"{voice.money(f, k)} a year." for k in f.numbers
             if k not in ("total", "value_share")]
    return " ".join([f"A year costs about {voice.money(f, 'total')}; "
                     f"{g.percent(f.q('value_share'))} of it served purpose{_on_defaults(f)}.",
                     *parts])


@renders("economics.saving")
def _saving(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return "Too few needs on one side of the redesign date (under 30) to estimate a saving."
    since = (f"Since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "Since the redesign")
    return (f"{since} a {f.noun} costs {voice.money(f, 'after')} against "
            f"{voice.money(f, 'before')} before: about {voice.money(f, 'per_year')} a year at "
            f"{g.counted(f.n, f.noun)} a year (90% interval {voice.money(f, 'low')} to "
            f"{voice.money(f, 'high')}, resampling the {g.plural(f.noun)}){_on_defaults(f)}.")


@renders("economics.failure_types")
def _failure_types(f: Finding, voice: Voice) -> str:
    return "Costliest failure demand a year: " + "; ".join(
        f"{name} {voice.money(f, f'cost{i}')}" for i, name in enumerate(f.names)) + "."


@renders("economics.waste_steps")
def _waste_steps(f: Finding, voice: Voice) -> str:
    return "Costliest waste steps a year: " + "; ".join(
        f"{name} {voice.money(f, f'cost{i}')}" for i, name in enumerate(f.names)) + "."


@renders("economics.assumptions")
def _assumptions(f: Finding, voice: Voice) -> str:
    return "Assumptions: " + "; ".join(f.names) + "."
