"""Demand in words: the failure share, channels, types, predictability, one stop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicecheck.findings import NO_TYPE, Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.signals import signals_said
from servicecheck.narrative.voice import Voice, between, over, renders, rule_set

if TYPE_CHECKING:
    import pandas as pd


def type_name(demand_type: str) -> str:
    """A demand type as a table, chart or sentence names it: no type (``NO_TYPE``) in words."""
    return "(no type given)" if demand_type == NO_TYPE else demand_type


def named_types(table: pd.DataFrame, column: str = "demand_type") -> pd.DataFrame:
    """A measure's table with its demand types named (``type_name``), for a view to show."""
    return table.assign(**{column: [type_name(str(t)) for t in table[column]]})


@renders("demand.failure_share")
def _failure_share(f: Finding, voice: Voice) -> str:
    where = "" if f.span is None else f" {over(f, voice)}"
    text = (f"{g.percent(f.q('share'))} of the {g.counted(f.n, 'classified contact')}{where} "
            f"{'was' if f.n == 1 else 'were'} failure demand ({g.number(f.q('failure'))})")
    if f.q("unknown"):
        text += (f"; {g.number(f.q('unknown'))} more {g.is_are(f.q('unknown'))} not yet "
                 "classified")
    if "few" in f.flags:
        text += " (too few contacts to read a share from)"
    return text + "."


@renders("demand.none")
def _no_demand(f: Finding, voice: Voice) -> str:
    """No demand yet; with the flag "how", how to bring it in."""
    said = "No demand has been imported for this service yet."
    if "how" in f.flags:
        said += (" Import contact records with `servicecheck import-demand` (or capture them "
                 "in the web app) to see value and failure demand.")
    return said


@renders("demand.contacts")
def _contacts(f: Finding, voice: Voice) -> str:
    return f"{g.counted(f.n, f.noun)} {between(f, voice)}."


@renders("demand.commonest_failure")
def _commonest_failure(f: Finding, voice: Voice) -> str:
    where = "" if f.span is None else f" {over(f, voice)}"
    return f"Commonest failure demand{where}: " + "; ".join(
        f"{type_name(name)} ({g.number(f.q(f'n{i}'))})" for i, name in enumerate(f.names)) + "."


@renders("demand.by_channel")
def _by_channel(f: Finding, voice: Voice) -> str:
    parts = [f"{name} {g.percent(f.q(f'share{i}'))}"
             + (" (too few contacts to read a share from)" if f"few{i}" in f.flags else "")
             for i, name in enumerate(f.names)]
    where = "" if f.span is None else f" {over(f, voice)}"
    return f"Failure share by channel{where}: " + ", ".join(parts) + "."


@renders("demand.failure_chart")
def _failure_chart(f: Finding, voice: Voice) -> str:
    """The P′ chart of the failure share: its centre line, and the limits of the latest
    period charted (each period has its own, from its number of contacts)."""
    period, rules, latest = f.names
    since = (f" since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "")
    state = signals_said(f) if f.q("signals") else "no signals"
    return (f"{period.capitalize()} by {period}{since}, the failure share centres on "
            f"{g.percent(f.q('centre'))}; on its P′ chart each {period}'s process limits "
            f"move with its number of classified contacts, {g.percent(f.q('lower'))} to "
            f"{g.percent(f.q('upper'))} for the latest complete {period} ({latest}); "
            f"{state} ({rule_set(rules)} rules).")


@renders("demand.predictable")
def _predictable(f: Finding, voice: Voice) -> str:
    period, *types = f.names
    return "Predictable value demand to design for first: " + "; ".join(
        f"{name} (about {g.number(f.q(f'mean{i}'))} a {period})"
        for i, name in enumerate(types)) + "."


@renders("demand.one_stop")
def _one_stop(f: Finding, voice: Voice) -> str:
    return f"{g.percent(f.q('share'))} of value demand was resolved at the first point of contact."


@renders("demand.per_need")
def _demand_per_need(f: Finding, voice: Voice) -> str:
    """Every need first reported while demand was recorded, those with no contact linked
    counted as none (demand.findings' one definition)."""
    if f.n and f.q("without") == f.n:
        # nothing linked is no measure, not "0.0 contacts each" beside thousands of contacts
        whom = "the one need" if f.n == 1 else f"any of the {g.counted(f.n, f.noun)}"
        return (f"No contact is linked to {whom} first reported {between(f, voice)}, so "
                "contacts per need are not known: import the demand with the case reference "
                "of the need each contact is about.")
    who = "The one need" if f.n == 1 else f"The {g.counted(f.n, f.noun)}"
    each = "" if f.n == 1 else " each"
    text = (f"{who} first reported {between(f, voice)} had {g.ratio(f.q('contacts'))} "
            f"contacts and {g.ratio(f.q('failure'))} failure demands{each} on average")
    without = f.q("without")
    if without and f.n > 1:
        text += (f", counting the {g.number(without)} with no contact linked to "
                 f"{'it' if without == 1 else 'them'} as none")
    return text + "."


@renders("demand.suggestion")
def _suggestion(f: Finding, voice: Voice) -> str:
    """How far a suggestion may be trusted. The suggester's confidence is calibrated on the
    demands people classified (demand.suggest), so it is said as what it is, the share of
    suggestions that confident which were right, never as certainty ("100% sure")."""
    p = f.q("confidence")
    tenths = "more than 9" if p >= 0.95 else f"about {max(round(p * 10), 1)}"
    return (f"{tenths} in 10 suggestions this confident were right, tested on demands "
            "people had classified")


# -- agreement between two people classifying blind (demand/agreement.py) ----------------------
@renders("demand.agreement")
def _agreement(f: Finding, voice: Voice) -> str:
    what = f.names[0]
    if f.why_not == "no_pairs":
        return (f"No demand has been classified blind by a second person yet, so agreement on "
                f"{what} is not known.")
    both = (f"Two people classified {g.counted(f.n, f.noun)} as {what} without seeing each "
            f"other's choice and agreed on {g.number(f.q('agreed'))} "
            f"({g.percent(f.q('observed'))})")
    if f.why_not == "one_category":
        return both + ("; every demand was put in one and the same category, so agreement "
                       "beyond chance (Cohen's kappa) cannot be told.")
    text = (both + f"; Cohen's kappa is {f.q('kappa'):.2f}, {f.names[1]} agreement beyond "
            "chance (Landis and Koch's bands).")
    if "few" in f.flags:
        text += (" With fewer than 30 demands one disagreement moves it a long way: "
                 "classify more before reading much into it.")
    return text


@renders("demand.unclassified")
def _unclassified(f: Finding, voice: Voice) -> str:
    who = "The one contact is" if f.n == 1 else f"The {g.counted(f.n, f.noun)} are"
    return (f"{who} not classified as value or failure demand yet, so there is no failure share: "
            f"classify {'it' if f.n == 1 else 'them'} with `servicecheck classify` or in the "
            "web app.")


# -- what a person's classifying did (the web app's Other types, the command line's learning) --
@renders("demand.retyped")
def _retyped(f: Finding, voice: Voice) -> str:
    """Demands recorded as Other given a type of the typology (``names``: the type)."""
    (demand_type,) = f.names[:1]
    return f"{g.counted(f.n, f.noun)} now of the type {type_name(demand_type)}."


@renders("demand.waiting")
def _waiting(f: Finding, voice: Voice) -> str:
    """Learned from the labels people confirmed; ``n`` demands still wait for a person."""
    return (f"Learned from the confirmed labels; {g.counted(f.n, f.noun)} "
            f"{'waits' if f.n == 1 else 'wait'} for a person to classify "
            f"{'it' if f.n == 1 else 'them'}.")


@renders("demand.accepted")
def _accepted(f: Finding, voice: Voice) -> str:
    """Suggestions accepted without review at the confidence the team chose (``threshold``,
    written as the team typed it: '90%', never 'over 99%')."""
    return (f"Accepted {g.counted(f.n, f.noun)} at or above "
            f"{g.share_to_type(f.q('threshold'))} confidence, as the team chose.")
