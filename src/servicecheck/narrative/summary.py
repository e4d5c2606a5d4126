"""The service in one paragraph: what the workspace holds and how long needs took."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, between, clock_from, renders


@renders("summary.contents")
def _contents(f: Finding, voice: Voice) -> str:
    # only what is there: "(0 still open, 268 stale)" counted what was not; stale said
    # plainly, as capability's rule has it, since the command says nothing else of it
    held = [f"{g.number(f.q('open'))} still open"] if f.q("open") else []
    if f.has("stale") and f.q("stale"):
        held.append(f"{g.number(f.q('stale'))} stale" + (
            f": without an end and no event for more than {voice.dur(f, 'stale_after')}, "
            "most likely ended some other way" if f.has("stale_after") else ""))
    if f.has("aside") and f.q("aside"):  # not dated by the span below, nor charted
        held.append(f"{g.number(f.q('aside'))} set aside as ending before they began")
    # with no end step named, a need is met at its last event: none can be said to be open
    if f.clock == "last-event":
        held = ["each counted as met at its last event, as no end step is named"]
    inside = f" ({'; '.join(held)})" if held else ""
    text = (f"{f.names[0]}: {g.counted(f.n, f.noun)}{inside}, "
            f"{g.number(f.q('cases'))} "
            f"{'order or case' if f.q('cases') == 1 else 'orders or cases'}, "
            f"{g.counted(f.q('events'), 'event')}, "
            # nothing imported is not a count of nought ("0 demands")
            f"{g.counted(f.q('demands'), 'demand') if f.q('demands') else 'no demand imported'}")
    if f.span is None:
        return text + "; no events yet."
    return text + f", {between(f, voice)}."


@renders("summary.times")
def _times(f: Finding, voice: Voice) -> str:
    """The needs met, as capability names them: first reported in the period, and met."""
    if f.n == 1:
        return (f"The one need first reported {between(f, voice)} and met took "
                f"{voice.dur(f, 'median')} {clock_from(f, voice)}.")
    if f.q("longest") == 0:
        return (f"Of all {g.counted(f.n, 'need')} first reported {between(f, voice)} and met, "
                f"none took any time {clock_from(f, voice)}.")
    return (f"Of all {g.counted(f.n, 'need')} first reported {between(f, voice)} and met, half "
            f"took {voice.dur(f, 'median')} or less {clock_from(f, voice)}, 9 in 10 "
            f"took {voice.dur(f, 'p90')} or less.")


@renders("purpose.purpose")
def _purpose(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return ("The service file states no purpose yet: write it under `purpose`, in the "
                "citizen's words.")
    return f"Purpose, in the citizen's words: “{f.names[0]}”."


@renders("purpose.clock")
def _purpose_clock(f: Finding, voice: Voice) -> str:
    """Where the citizen's clock starts (the voice's) and stops: at any of the end activities
    named, else at a need's last event."""
    end = (g.join_words(list(f.names), "or")  # met at the last of any of them
           or "the last event of the need (no end activity is named)")
    # the first contact starts a need's clock only where a contact is linked to it: with no
    # demand imported, "starts at the citizen's first contact" sat above times told "from
    # their first event"
    start = (f"{voice.starts} (a need with no contact linked to it, at its first event)"
             if "first contact" in f.flags else voice.starts)
    return (f"The citizen's clock starts at {start} and stops at {end}; every time in "
            "this report is measured on it, not on the organisation's clock.")


@renders("purpose.value_steps")
def _value_steps(f: Finding, voice: Voice) -> str:
    return (f"Value work, the steps that directly serve purpose: {g.join_words(list(f.names))}. "
            "Everything else is waste from the citizen's side.")
