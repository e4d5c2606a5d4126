"""Targets versus purpose in words: the two clocks side by side and what separates them."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, between, renders, start_words

# {a} is the regime's unit with its article ("an order", "a case"), {units} its plural: the
# words follow what the service file says the regime counts
MECHANISM_WORDS = {
    "late_start": "the regime's clock started a day or more after the first contact",
    "split": "one need was split into {units} for several trades or teams",
    "closed_reraised": "{a} was closed before the need was met, then raised again",
    "reprioritised": "{a}'s priority was changed",
    "repeat_report": "the problem was reported again after the work was called complete",
}


def _a(unit: str) -> str:
    return f"{'an' if unit[:1].lower() in 'aeiou' else 'a'} {unit}"


@renders("targets.two_clocks")
def _two_clocks(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return (f"No closed {f.noun} is judged against a timescale or due date, so the "
                "regime's figure cannot be set beside the citizen's.")
    assert f.span is not None
    who = (f"For the needs first reported since the change on {voice.date(f.span.change)}"
           if f.span.change is not None else
           f"For the needs first reported {between(f, voice)}")
    text = (f"{who}, the target regime reports {g.percent(f.q('on_time'))} of "
            f"{g.counted(f.n, f.noun)} on time, while half of those citizens waited "
            f"{voice.dur(f, 'median')} or more from "
            f"{start_words('first_contact' in f.flags, f.names, 'first contact')} to the need "
            "being met "
            f"(9 in 10 within {voice.dur(f, 'p90')}).")
    if "compared" in f.flags:
        moved = (f"Before the change the regime reported {g.percent(f.q('before_on_time'))} "
                 f"on time and half waited {voice.dur(f, 'before_median')} or more")
        if "opposite" in f.flags:
            text += (f" {moved}: the two clocks moved in opposite directions, so the regime's "
                     "figure says the opposite of what citizens lived through.")
        else:
            text += f" {moved}: both clocks moved the same way."
    return text


@renders("targets.mechanism")
def _mechanism(f: Finding, voice: Voice) -> str:
    key, unit = f.names
    what = MECHANISM_WORDS[key].format(a=_a(unit), units=g.plural(unit))
    text = (f"{what[:1].upper() + what[1:]}: {g.percent(f.q('share'))} of needs "
            f"met ({g.number(f.n)}), half of them taking {voice.dur(f, 'median')} or more end "
            "to end")
    if f.has("without"):
        text += f", against {voice.dur(f, 'without')} for needs without it"
    return text + "."


@renders("targets.clock_stopped")
def _clock_stopped(f: Finding, voice: Voice) -> str:
    return (f"The regime's clock stopped while the need was still unmet (no {f.names[0]} open) "
            "for "
            f"{g.percent(f.q('share'))} of needs met ({g.number(f.n)}), for "
            f"{voice.dur(f, 'median')} at the median.")


def where_words(code: str, unit: str) -> str:
    """Where a share of the citizens' days went (``measures.targets``' codes), in the regime's
    own unit: for the sentence and for the bars of the chart that shows it."""
    return {"before_clock": "before the regime's clock started",
            "order_open": f"while {_a(unit)} was open (the regime's clock ran)",
            "clock_stopped": f"while no {unit} was open (the clock stopped)"}[code]


@renders("targets.where_days")
def _where_days(f: Finding, voice: Voice) -> str:
    unit = f.names[0]
    # only where some days went ("0% before the regime's clock started, 100% while ... and
    # 0% while ..."): a share of none is no clause, and all of them is said as all
    codes = [c for c in ("before_clock", "order_open", "clock_stopped") if f.q(c)]
    if not codes:  # needs that took no time at all: no day went anywhere
        return f"The {g.counted(f.n, 'need')} met took no time on the citizen's clock."
    if len(codes) == 1:
        return (f"Of the citizens' days across the {g.counted(f.n, 'need')} met, all went "
                f"{where_words(codes[0], unit)}.")
    parts = [f"{g.percent(f.q(c))} {where_words(c, unit)}" for c in codes]
    return (f"Of the citizens' days across the {g.counted(f.n, 'need')} met, "
            f"{g.join_words(parts)}.")


def choice_words(label: str, unit: str) -> str:
    """A choice of clock (``measures.clocks``' codes) in the regime's own unit: 'order raised',
    'fine closed'; a label the caller gave is its own words, quoted as given."""
    return {"regime_start": f"{unit} raised", "first_contact": "first contact",
            "inspection": "inspection", "regime_end": f"{unit} closed",
            "work_done": "work done"}.get(label, label)


@renders("targets.clock_sensitivity")
def _clock_sensitivity(f: Finding, voice: Voice) -> str:
    """Which choice of clock moves the regime's figure most (measures.clocks)."""
    if not f.applies:
        return f"No {f.noun} could be judged under any choice of clock."
    own_start, own_stop, start, stop = (choice_words(x, f.noun) for x in f.names)
    if "none_within" in f.flags and "stop" not in f.flags:
        return (f"No {f.noun} is within target under any choice of clock (none of the "
                f"{g.counted(f.q('own_orders'), f.noun)} the regime counts), so the choice of "
                "clock does not move the figure.")
    if "none_within" in f.flags:
        rest = "whether or not it stands still while waiting for access, and " \
            if "pause" in f.flags else ""
        return (f"With the clock stopped at {stop} rather than {own_stop}, no {f.noun} is "
                f"within target, {rest}whatever it starts at (none of "
                f"{g.counted(f.q('orders'), f.noun)}), against "
                f"{g.percent(f.q('own_share'))} of {g.number(f.q('own_orders'))} as the regime "
                "counts them.")
    if "unmoved" in f.flags:
        return (f"The figure is {g.percent(f.q('own_share'))} of {g.plural(f.noun)} within "
                "target whichever clock is used.")
    how = []
    if "start" in f.flags:
        how.append(f"counted from {start} rather than {own_start}")
    if "stop" in f.flags:
        how.append(f"stopped at {stop} rather than {own_stop}")
    if "pause" in f.flags:
        how.append("with the clock stopped while waiting for access" if "paused" in f.flags
                   else "with no pause for access")
    return (f"The figure moves most when the clock is {' and '.join(how)}: "
            f"{g.percent(f.q('share'))} of {g.counted(f.q('orders'), f.noun)} within target, "
            f"against {g.percent(f.q('own_share'))} of {g.number(f.q('own_orders'))} as the "
            "regime counts them.")


def calendar_words(calendar: str | None, closures: int) -> str | None:
    """The working days a regime's timescales count (None when they count calendar days)."""
    if calendar is None:
        return None
    closed = f", and {g.counted(closures, 'local closure day')}" if closures else ""
    return f"working days: Monday to Friday, less {calendar} bank holidays{closed}"


@renders("targets.none")
def _no_regime(f: Finding, voice: Voice) -> str:
    return ("The service file names no target regime, so there is nothing to set beside the "
            "citizen's view. Describe the current targets under [targets] to see what they "
            "report and what they hide.")
