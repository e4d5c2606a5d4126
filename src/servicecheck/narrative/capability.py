"""Capability in words: what the system delivers, its spread, the change, open and stale
needs, and the time per period."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.signals import signals_said
from servicecheck.narrative.titles import periodly
from servicecheck.narrative.voice import Voice, between, clock_from, renders, rule_set


@renders("capability.none_met")
def _none_met(f: Finding, voice: Voice) -> str:
    """``names``: the clock's end steps the data never hold (only when none is held)."""
    if f.names:
        ends = g.join_words(list(f.names), "or")
        return (f"No need has been met ({g.counted(f.n, 'need')} open): the clock stops at "
                f"{ends}, and no event in the data is that step. Check the end steps under "
                "[clock] in the service file against the step names the log uses.")
    return (f"No need has been met yet ({g.counted(f.n, 'need')} open), so there is no "
            "end-to-end time to chart.")


@renders("capability.current")
def _current(f: Finding, voice: Voice) -> str:
    who = (f"Of the {g.counted(f.n, f.noun)} first reported since the change on "
           f"{voice.date(f.span.change)} and met by {voice.date(f.span.end)}"
           if f.span and f.span.change is not None else
           f"Of the {g.counted(f.n, f.noun)} first reported {between(f, voice)} and met")
    if f.n == 1:
        return (f"{who.replace('Of the 1 ', 'The one ')}: it took {voice.dur(f, 'median')} "
                f"{clock_from(f, voice)}.")
    if f.q("longest") == 0:  # a log of one step a need: first and last event are one moment
        return (f"{who}, none took any time {clock_from(f, voice)}: each was met at the "
                "moment it was first reported, so its charts are flat at 0.")
    spread = (f"{who}, half took {voice.dur(f, 'median')} or less {clock_from(f, voice)}, "
              f"9 in 10 took {voice.dur(f, 'p90')} or less, and the longest "
              f"{voice.dur(f, 'longest')}.")
    rules = rule_set(f.names[0]) if f.names else "the chart's"
    if "one_intake" in f.flags:
        return (spread + f" All were first reported within {voice.dur(f, 'intake')}, less "
                "than the time 9 in 10 of them took: an extract of one intake cannot show "
                "whether the time is predictable, as in the order they were met a later need "
                "took longer by construction. The chart sets them in the order they were "
                "first reported; its limits and signals describe this intake, not the "
                "service.")
    if "stable" in f.flags:
        unit = voice.unit_of(f.q("upper"))  # both limits in the unit of the upper
        return (spread + f" The time is predictable: the process limits ({rules} rules) say "
                f"a {f.noun} will take between {voice.amount(f, 'lower', unit)} and "
                f"{g.duration(f.q('upper'), unit)} while nothing changes.")
    if "no_limits" in f.flags:  # every need took the same time: no variation to limit
        return (spread + f" Every {f.noun} took the same time, so there is no variation to "
                "work process limits out from.")
    return (spread + f" The time is not predictable ({signals_said(f)}; {rules} rules), so the "
            "process limits promise nothing: find and act on the causes first.")


@renders("capability.intake_ended")
def _intake_ended(f: Finding, voice: Voice) -> str:
    """The chart's last needs, met after the last first report (``measures.order.intake_end``):
    their times are shaped by the extract's end, whatever the service did."""
    assert f.span is not None
    last = voice.date(f.span.start)
    them = ("the last need on the chart was" if f.n == 1 else
            f"the last {g.counted(f.n, f.noun)} on the chart were")
    early = (f", against {voice.dur(f, 'early_median')} for those met up to then"
             if f.has("early_median") else "")
    return (f"First reports end on {last}, {voice.dur(f, 'after')} before the data do, longer "
            f"than the time 9 in 10 {g.plural(f.noun)} took ({voice.dur(f, 'p90')}): "
            f"{them} met after it, when no new {f.noun} was coming in, so only the slower "
            f"ones were left to finish (a median of {voice.dur(f, 'late_median')}{early}). "
            f"Their times rise by construction: on the charts of end-to-end time, the "
            f"{g.plural(f.noun)} met after {last} describe the extract's end, not the service.")


@renders("capability.intake_began")
def _intake_began(f: Finding, voice: Voice) -> str:
    """The chart's first needs, met within the time 9 in 10 needs take of the first first
    report (``measures.order.intake_start``): none could have taken longer than the time
    since the data began."""
    assert f.span is not None
    first, until = voice.date(f.span.start), voice.date(f.span.end)
    them = ("the first need on the chart was" if f.n == 1 else
            f"the first {g.counted(f.n, f.noun)} on the chart were")
    return (f"First reports begin on {first}, and {them} met before {until}, within "
            f"{voice.dur(f, 'p90')} of it, the time 9 in 10 {g.plural(f.noun)} took: none of "
            f"them could have taken longer than the time since (a median of "
            f"{voice.dur(f, 'early_median')}, against {voice.dur(f, 'late_median')} for those "
            "met after). Their times are "
            f"short by construction: if the service ran before {first}, the "
            f"{g.plural(f.noun)} first reported then are not in the data, and on the charts "
            f"of end-to-end time the {g.plural(f.noun)} met before {until} describe the "
            "extract's start, not the service.")


@renders("capability.change")
def _change(f: Finding, voice: Voice) -> str:
    assert f.span is not None and f.span.change is not None
    text = (f"Before the change on {voice.date(f.span.change)}, half of the "
            f"{g.counted(f.q('before_n'), f.noun)} took {voice.dur(f, 'before_median')} or less "
            f"(9 in 10 within {voice.dur(f, 'before_p90')}, the longest "
            f"{voice.dur(f, 'before_longest')}); after it, half of the "
            f"{g.counted(f.q('after_n'), f.noun)} took {voice.dur(f, 'after_median')} or less "
            f"(9 in 10 within {voice.dur(f, 'after_p90')}).")
    if f.q("signal_points"):
        what = {"outside_limits": "beyond the old limits",
                "shift": "in a row on one side of the old centre line",
                "two_in_three": "close to the old limits",
                "trend": "in a row moving one way"}.get(f.names[0], "marked as special cause")
        text += (f" On the old limits the change shows as a signal "
                 f"({g.counted(f.q('signal_points'), f.noun)} {what}), so the limits were "
                 "recalculated from it.")
    return text


@renders("capability.open")
def _open(f: Finding, voice: Voice) -> str:
    if "unjudged" in f.flags:  # no need met: none can be told stale, none known to move
        return (f"{g.counted(f.n, f.noun)} {g.is_are(f.n)} still open; the oldest was first "
                f"reported {voice.dur(f, 'oldest')} before the end of the data. With no need met "
                "there is no usual time to tell a need still moving from one long stale.")
    if "one_intake" in f.flags:  # the needs met leave out the longest: no usual time
        return (f"{g.counted(f.n, f.noun)} had no end when the data end (the oldest first "
                f"reported {voice.dur(f, 'oldest')} before; not counted in the times above). "
                "In an extract of one intake the needs met are only those that ended before "
                "the data do, so their times give no usual time to tell a need still moving "
                "from one long stale.")
    return (f"{g.counted(f.n, f.noun)} {g.is_are(f.n)} still open and moving (not counted "
            f"in the times above); the oldest was first reported {voice.dur(f, 'oldest')} "
            "before the end of the data.")


@renders("capability.stale")
def _stale(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} without an end had no event for more than "
            f"{voice.dur(f, 'stale_after')} (twice the time within which 9 in 10 needs are "
            f"met; the longest {voice.dur(f, 'longest_idle')}): counted as stale, not open, "
            f"since {'it' if f.n == 1 else 'they'} most likely ended some other way.")


@renders("capability.tied")
def _tied(f: Finding, voice: Voice) -> str:
    """``dates``: the log holds dates only, so the instant they share is a day."""
    when = "on the same day as" if "dates" in f.flags else "at the same moment as"
    # ``reported``: the chart orders needs by first contact (one intake), so ties are there
    done = "first reported" if "reported" in f.flags else "met"
    return (f"Of the {g.counted(f.q('met'), f.noun)} met, {g.number(f.n)} "
            f"({g.percent(f.q('share'))}) were {done} {when} another, and the data do not say "
            "which came first: the chart sets them in a fixed order drawn from their ids, the "
            "same each time, rather than in the order of the ids, which would put needs opened "
            "together side by side and narrow the limits.")


@renders("capability.per_period")
def _per_period(f: Finding, voice: Voice) -> str:
    period, stat, rules = f.names
    rules = rule_set(rules)
    since = (f" since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "")
    low, high = voice.dur(f, "lowest"), voice.dur(f, "highest")
    # one value over every period is no range ("from 2 days to 2 days over 1 week")
    ran = (f"ran from {low} to {high} over {g.counted(f.q('periods'), period)}" if low != high
           else f"was {low} in the one {period}" if f.q("periods") == 1
           else f"was {low} in each of the {g.counted(f.q('periods'), period)}")
    text = (f"Per {period}{since}, the {stat} time of the {g.plural(f.noun)} met in each {period} "
            f"{ran}; the chart's centre line, the mean of those "
            f"{periodly(period)} {stat}s, is {voice.dur(f, 'centre')}")
    if f.q("signals"):
        text += f"; {signals_said(f)} ({rules} rules)"
    elif low == high and f.q("periods") > 1:  # equal points: no variation to find signals in
        text += f"; every {period} the same, so there is no variation to judge stability by"
    else:
        text += f"; no signals ({rules} rules)"
    if "partial" in f.flags:
        text += f". The last {period} is not over: drawn as partial, never read as a signal"
    return text + "."


@renders("capability.empty_periods")
def _empty_periods(f: Finding, voice: Voice) -> str:
    assert f.span is not None
    return (f"{g.counted(f.n, f.noun)} had no completed needs "
            f"({'the first beginning' if f.n != 1 else 'beginning'} "
            f"{voice.date(f.span.start)}): counted as 0 on the count chart, left as gaps on "
            "the time chart, never as zero days.")


@renders("capability.signal_after_change")
def _signal_after_change(f: Finding, voice: Voice) -> str:
    """A signal on the period chart that follows a change in the team's log: named by the
    change, never claimed as its effect."""
    assert f.span is not None and f.span.change is not None
    what, stat = f.names
    period = f.noun
    now = "to_date" in f.flags  # the signal runs to the last complete period
    moved = (f"{'has run' if now else 'ran'} {'longer' if 'higher' in f.flags else 'shorter'} "
             "than the chart's centre line" if f.flags & {"higher", "lower"} else
             "has been marked" if now else "was marked")
    when = (f"in the {period} of the change" if f.q("after") == 0 else
            f"{g.counted(f.q('after'), period)} after it")
    where = (f"the last {g.counted(f.n, period)}, from the {period} of "
             f"{voice.date(f.span.start)}" if now else
             f"{g.counted(f.n, period)}, from the {period} of {voice.date(f.span.start)} to "
             f"that of {voice.date(f.span.end)}")
    return (f"{'Since' if now else 'After'} “{what}” on {voice.date(f.span.change)}, the {stat} "
            f"time per {period} {moved}: a signal over {where}, starting {when}.")
