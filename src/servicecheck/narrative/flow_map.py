"""The flow map's words: what it draws and what it leaves out (its note, shown on the map and
said by the command line), its caption (the figure's alt text), and the labels of its arrows,
from the map's finding (``flow.map.FlowMap.finding``)."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders


def map_note(f: Finding) -> str:
    """What the map leaves out, or that it draws all of the work."""
    if "simplified" not in f.flags:
        return (f"The map draws {g.counted(f.q('steps'), 'step')} and "
                f"{g.counted(f.q('arrows'), 'arrow')}: all of the work.")
    return (f"Simplified: {map_steps(f)} ({g.percent(f.q('events'))} of events) and "
            f"{g.number(f.q('arrows'))} of "
            f"{g.counted(f.q('arrows_total'), 'arrow')}; an arrow joins two drawn steps, "
            "passing over any steps not drawn.")


def map_steps(f: Finding) -> str:
    """The steps a map draws: 'the 30 commonest of 49 steps', or 'all 16 steps'."""
    if f.q("steps") >= f.n:
        return f"all {g.counted(f.n, 'step')}"
    return f"the {g.number(f.q('steps'))} commonest of {g.counted(f.n, 'step')}"


@renders("flow.map")
def _map(f: Finding, voice: Voice) -> str:
    return map_note(f)


def map_caption(f: Finding) -> str:
    """The map in one sentence, for those who cannot see it (and its alt text)."""
    labels = ("the median wait from one step to the next" if "time" in f.flags else
              "how often one step followed another")
    if "simplified" not in f.flags:
        return f"Map of the work: {g.counted(f.n, 'step')}, each arrow labelled with {labels}."
    return (f"Map of the work: {map_steps(f)} and {g.number(f.q('arrows'))} of "
            f"{g.counted(f.q('arrows_total'), 'arrow')}, each arrow labelled with {labels} "
            "(servicecheck flow --out map/ --all draws them all).")


def wait_label(seconds: float) -> str:
    """An arrow's median wait, in the unit that fits it, as the words about that wait say it."""
    return g.duration(seconds, g.unit_for([seconds]))
