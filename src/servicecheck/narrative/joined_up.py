"""Joined-up working in words: one citizen across services."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders


@renders("joined.one_service")
def _one_service(f: Finding, voice: Voice) -> str:
    return (f"The workspace holds one service ({', '.join(f.names) or 'none'}): import another "
            "(with the same citizen identifier) to see one citizen across services.")


@renders("joined.no_citizens")
def _no_citizens(f: Finding, voice: Voice) -> str:
    """Several services, and no citizen reference in any: not "0 citizens ... nan%"."""
    return (f"The workspace holds {g.counted(f.n, f.noun)}, but no citizen reference links a "
            "person across them: import each with the same citizen identifier (the citizen's "
            "own id) to see one citizen across services.")


@renders("joined.citizens")
def _citizens(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} {g.is_are(f.n)} known to "
            f"{g.counted(f.q('services'), 'service')}; {g.percent(f.q('more_than_one'))} needed "
            f"more than one, {g.percent(f.q('at_once'))} more than one at once.")


def _open_for(f: Finding) -> str:
    return f" open more than {g.duration(f.q('min_open'), g.DAYS)}" if f.q("min_open") else \
        " open"


@renders("joined.caused")
def _caused(f: Finding, voice: Voice) -> str:
    cause, effect = f.names
    return (f"{g.counted(f.n, f.noun)} in {effect} ({g.percent(f.q('share'))} of its failure "
            f"demand) came from people with a need in {cause}{_open_for(f)} at the time.")


@renders("joined.peak")
def _peak(f: Finding, voice: Voice) -> str:
    cause, effect = f.names
    assert f.span is not None
    return (f"At its highest, in {f.span.start:%B %Y}, 1 in {g.number(f.q('one_in'))} {effect} "
            f"contacts came from people whose {cause} need was{_open_for(f)}.")


@renders("joined.followed")
def _followed(f: Finding, voice: Voice) -> str:
    a, b = f.names
    return (f"{g.percent(f.q('share'))} of needs in {a} were followed within "
            f"{g.duration(f.q('within'), g.DAYS)} by demand in {b} from the same person.")
