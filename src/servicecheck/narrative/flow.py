"""The flow of the work and the system conditions behind its waste, in words."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, between, renders


@renders("flow.wait")
def _wait(f: Finding, voice: Voice) -> str:
    source, target = f.names
    # in the service's unit, as every other time (a list of waits in days had one in hours)
    return (f"From {source} to {target}: {voice.dur(f, 'median')} at the median "
            f"({g.counted(f.n, 'time')}).")


@renders("flow.repeats")
def _repeats(f: Finding, voice: Voice) -> str:
    if not f.q("looped"):  # never "0% of the cases repeated a step (0)"
        return ("The one case repeated no step." if f.n == 1 else
                f"Not one of the {g.counted(f.n, 'case')} repeated a step.")
    return (f"{g.percent(f.q('share'))} of the {g.counted(f.n, 'case')} repeated a step "
            f"({g.number(f.q('looped'))}).")


@renders("flow.rework")
def _rework(f: Finding, voice: Voice) -> str:
    return (f"{f.names[0]}: repeated in {g.counted(f.n, 'case')} "
            f"({g.percent(f.q('share'))} of the cases that have it).")


@renders("flow.variants")
def _variants(f: Finding, voice: Voice) -> str:
    if f.n == 1:  # of one case there is no "every" (older findings carry no count of cases)
        return ("The one case followed one path." if f.has("cases") and f.q("cases") == 1
                else "Every case followed the same path.")
    if f.q("top") >= f.n:  # the commonest k are all of them
        return f"{g.counted(f.n, 'different path')}."
    return (f"{g.counted(f.n, 'different path')}; the commonest {g.number(f.q('top'))} cover "
            f"{g.percent(f.q('coverage'))} of cases.")


@renders("flow.handoffs")
def _handoffs(f: Finding, voice: Voice) -> str:
    return (f"Hand-offs between teams: {g.ratio(f.q('mean'))} per case on average, up to "
            f"{g.number(f.q('most'))}.")


@renders("flow.value")
def _value(f: Finding, voice: Voice) -> str:
    text = (f"{g.percent(f.q('steps'))} of steps are value work ({', '.join(f.names)}); the "
            "rest is waste from the citizen's side.")
    if f.has("time"):
        return text + (f" Value work takes {g.percent(f.q('time'))} of a case's elapsed time "
                       "(median, cases with start times).")
    return text + (" The log has no start times, so the time spent in value work cannot be "
                   "measured, only the number of steps.")


@renders("flow.clean")
def _clean(f: Finding, voice: Voice) -> str:
    where = f" first reported {between(f, voice)}" if f.span is not None else ""
    not_met = f.q("not_met") if f.has("not_met") else 0
    stale = f.q("stale") if f.has("stale") else 0
    waiting = not_met + stale
    # a need not met yet is clean or dirty by its work so far ("the 545 not met yet: so far"
    # read as a fragment); a stale one is said as stale, as capability says it
    which = g.join_words([text for k, text in (
        (not_met, f"the {g.number(not_met)} not met yet"),
        (stale, f"the {g.number(stale)} stale")) if k])
    so_far = ("" if not waiting else "; not met yet, so judged on its work so far"
              if f.n == 1 else "; none of them met yet, so each judged on its work so far"
              if waiting == f.n else
              f"; {which} judged on {'its' if waiting == 1 else 'their'} work so far")
    judged = ["no step repeated"]
    unknown = []
    handoffs, more = "no more hand-offs than designed", "changed hands more often than designed"
    if "usual hand-offs" in f.flags:  # the service file states no design
        usual = int(f.q("designed"))
        handoffs = "no hand-off" if not usual else f"no more than {g.counted(usual, 'hand-off')}"
        more = ("changed hands" if not usual else "changed hands more than once" if usual == 1
                else f"changed hands more than {g.number(usual)} times")
    for flag, test, what, why in (
            ("no demand", "no failure demand", "failure demand",
             "no contact is linked to a need"),
            ("no teams", handoffs, "hand-offs", "no team is recorded")):
        if flag in f.flags:
            unknown.append((what, why))
        else:
            judged.append(test)
    # a criterion the data cannot show is named as not judged, never met by default
    if unknown:
        judged[-1] += (f"; {g.join_words([w for w, _ in unknown])} not judged, as "
                       f"{g.join_words([why for _, why in unknown])}")
    text = (f"{g.percent(f.q('share'))} of the {g.counted(f.n, f.noun)}{where} went straight "
            f"through (clean: {', '.join(judged)}{so_far})")
    if f.has("clean_median") and f.has("dirty_median"):
        text += (f"; half of the clean ones were met within {voice.dur(f, 'clean_median')}, "
                 f"half of the rest within {voice.dur(f, 'dirty_median')}")
    reasons = [f"{g.percent(f.q(k))} {w}" for k, w in (
        ("repeated", "repeated a step"), ("failure", "brought failure demand"),
        ("handoffs", more)) if f.q(k) > 0]
    if reasons:
        text += f". Of all needs, {g.join_words(reasons)}"
    if "usual hand-offs" in f.flags and "no teams" not in f.flags:
        usual = int(f.q("designed"))
        text += (". The service file states no designed number of hand-offs; needs with no "
                 f"step repeated take {g.number(usual) if usual else 'none'} at the median, "
                 "which stands in for it")
    return text + "."


# -- system conditions ------------------------------------------------------------------------
@renders("conditions.waste")
def _conditions(f: Finding, voice: Voice) -> str:
    names = list(f.names)
    listed = g.join_words(names[:3]) + (" and others" if len(names) > 3 else "")
    cause = "it causes" if f.q("conditions") == 1 else "they cause"
    return (f"The team named {g.counted(f.q('conditions'), 'system condition')}: {listed}. "
            f"The waste steps {cause} make up {g.percent(f.q('share'))} of all the work "
            f"recorded ({g.number(f.q('waste'))} of {g.counted(f.n, f.noun)}).")


def step_effect(step: str, events: int, repeated: int, value: bool) -> str:
    """A step a system condition causes, as its table says it: how often it happened, value
    work or waste, and in how many cases it was repeated."""
    if not events:
        return f"{step} (not in the log)"
    again = f", repeated in {g.counted(repeated, 'case')}" if repeated else ""
    return f"{step} ({g.counted(events, 'event')}, {'value work' if value else 'waste'}{again})"
