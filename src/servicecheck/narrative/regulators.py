"""Regulators' figures, the clocks behind them and the summary of many measures, in words.

The regulator's figure is always said as the regime's, with the calendar its clock used, and
beside the citizen's clock for the same needs (METHOD.md: the two clocks side by side).
"""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders

CALENDAR_WORDS = {"england-and-wales": "England and Wales", "scotland": "Scotland",
                  "northern-ireland": "Northern Ireland"}
# each Awaab's Law step, per kind of hazard, as the law states its clock
AWAAB_STEP_WORDS = {
    ("emergency", "investigated"): "investigated within 24 hours of the landlord knowing",
    ("emergency", "made_safe"): "made safe within 24 hours of the landlord knowing",
    ("significant", "investigated"): "investigated within 10 working days of the landlord "
                                     "knowing",
    ("significant", "summary"): "given written findings within 3 working days of the "
                                "investigation",
    ("significant", "made_safe"): "made safe within 5 working days of the investigation",
    ("significant", "further_work"): "had further work started within 12 weeks of the "
                                     "investigation",
}


def calendar_words(f: Finding) -> str:
    """Which calendar the regime's clock used, said once per sentence."""
    if not f.names or f.names[-1] not in CALENDAR_WORDS:
        return "its clock counts hours and calendar days"
    return (f"its working days skip weekends and {CALENDAR_WORDS[f.names[-1]]} bank "
            "holidays")


def _citizen(f: Finding, voice: Voice, whose: str, until: str) -> str:
    if not f.has("median"):
        return f"none of {whose} needs has been met yet"
    return (f"half of {whose} needs took {voice.dur(f, 'median')} or more from {voice.starts} "
            f"to {until}, every day counting")


@renders("regulators.tsm_rp02")
def _tsm_rp02(f: Finding, voice: Voice) -> str:
    year, category = f.names[0], f.names[1]
    partial = " (a part year: the data do not cover all of it)" if "partial" in f.flags \
        else ""
    return (f"The regulator's figure, TSM RP02 for {year}{partial}: "
            f"{g.percent(f.q('share'))} of {g.counted(f.n, f'{category} repair')} completed "
            f"within the landlord's own timescale ({calendar_words(f)}); on the citizen's "
            f"clock, {_citizen(f, voice, 'their', 'the need being met')}.")


@renders("regulators.awaabs_law")
def _awaabs_law(f: Finding, voice: Voice) -> str:
    kind = f.noun.split()[0]
    steps = [f"{g.percent(f.q(k))} {AWAAB_STEP_WORDS[(kind, k[5:])]}"
             for k in f.numbers if k.startswith("step:")]
    done = g.join_words(steps) if steps else "no step done yet"
    overdue = int(f.q("overdue"))
    its = "its" if overdue == 1 else "their"
    late = (f"; {g.counted(overdue, 'step')} not done {g.is_are(overdue)} past {its} "
            "timescale when the data end" if overdue else "")
    early = (" (the law applies from 27 October 2025: earlier hazards are judged as if it "
             "had)" if "before_law" in f.flags else "")
    return (f"Under Awaab's Law{early}, of {g.counted(f.n, f.noun)}: {done}{late} "
            f"({calendar_words(f)}). On the tenants' clock, "
            f"{_citizen(f, voice, 'those', 'the need being met')}.")


# the summary's groups of measures (measures.overview), as its table names them
MEASURE_GROUPS = {"end-to-end": "End-to-end days", "failure demand": "Failure demand %",
                  "regime": "The regime's on-time %"}


def measure_name(group: str, subject: str) -> str:
    """One measure of the summary, named one way in its table, its chart and the words."""
    return f"{MEASURE_GROUPS[group]}: {subject}"


@renders("overview.measures")
def _measures(f: Finding, voice: Voice) -> str:
    """``names`` hold each measure with a special cause as a pair: group, subject."""
    if not f.applies and f.why_not in ("no_demand_no_regime", "no_demand_no_priority"):
        # the summary is per demand type, per channel and per priority: with none of them
        # its emptiness says nothing about how long the data run (6 years of fines said
        # "not enough periods yet")
        regime = ("no target regime" if f.why_not == "no_demand_no_regime" else
                  "its target regime names no priority (priority_column under [targets])")
        return ("Nothing to summarise yet: the summary charts the end-to-end time per demand "
                "type, failure demand per channel and the target regime's on-time share per "
                f"priority, and this service has no demand imported and {regime}.")
    if not f.applies:
        return "No measure has enough periods yet for a summary of many measures."
    special = int(f.q("special"))
    named = [measure_name(group, subject) for group, subject in zip(
        f.names[::2], f.names[1::2], strict=True)]
    # the rest may show common cause at their latest point and still have signals earlier
    # within their latest limits: their charts say "not stable", and so must the summary
    unstable = int(f.q("unstable"))
    if f.n == 1:
        if special:
            return (f"The one measure in the summary, {named[0]}, shows a special cause at "
                    "its latest point.")
        if unstable:
            return ("The one measure in the summary shows common cause variation at its "
                    "latest point, but it is not stable (signals earlier within its latest "
                    "limits).")
        return ("The one measure in the summary shows common cause variation only within its "
                "latest limits: it does what its system predictably does.")
    earlier = (f"{g.number(unstable)} {'is' if unstable == 1 else 'are'} not stable (signals "
               f"earlier within {'its' if unstable == 1 else 'their'} latest limits)")
    if not special:
        if not unstable:
            return (f"All {g.counted(f.n, 'measure')} in the summary show common cause "
                    "variation only within their latest limits: each does what its system "
                    "predictably does.")
        # "No measure", never "None of": the word a leaked Python None prints
        return (f"No measure of the {g.number(f.n)} in the summary shows a special cause at "
                f"its latest point, but {earlier}.")
    rest = f", though {earlier}" if unstable else ""
    return (f"Of the {g.counted(f.n, 'measure')} in the summary, {g.number(special)} "
            f"{'shows' if special == 1 else 'show'} a special cause at the latest point: "
            f"{g.join_words(named)}; the rest show common cause variation at their latest "
            f"point{rest}.")
