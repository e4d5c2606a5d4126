"""The flow in plain words: the longest waits, repeated steps, hand-offs, value and waste,
clean and dirty work."""

from __future__ import annotations

from ibis.expr.types import Table

from servicecheck.engine import Workspace
from servicecheck.flow.clean import clean_and_dirty, clean_dirty_summary
from servicecheck.flow.dfg import directly_follows
from servicecheck.flow.handoffs import handoffs_per_case
from servicecheck.flow.map import duration_words
from servicecheck.flow.rework import rework
from servicecheck.flow.value import value_and_waste
from servicecheck.flow.variants import variants
from servicecheck.service import Service


def flow_lines(workspace: Workspace, service: Service, top: int = 5,
               events: Table | None = None) -> list[str]:
    """What the flow shows, in sentences; ``events`` may be a slice of the service's events."""
    ev = events if events is not None else workspace.events(service.key)
    lines: list[str] = []
    dfg = directly_follows(ev)
    waits = dfg[dfg["count"] >= 5].sort_values("median_s", ascending=False).head(top)
    lines.append("Longest waits between steps (median, where it happened at least 5 times):")
    for source, target, n, median in zip(waits["source"], waits["target"], waits["count"],
                                         waits["median_s"], strict=True):
        lines.append(f"  {source} -> {target}: {duration_words(float(median))} "
                     f"({int(n):,} times)")
    rw = rework(ev)
    rw = rw[rw["rework_cases"] > 0].head(top)
    if len(rw):
        lines.append("Steps done more than once in the same case:")
        for activity, cases, share in zip(rw["activity"], rw["rework_cases"],
                                          rw["rework_share"], strict=True):
            lines.append(f"  {activity}: repeated in {int(cases):,} cases "
                         f"({float(share):.0%} of the cases that have it)")
    v = variants(ev)
    lines.append(f"{len(v):,} different paths; the commonest {min(top, len(v))} cover "
                 f"{v['coverage'].head(top).sum():.0%} of cases.")
    if ev.team.notnull().any().execute():
        h = handoffs_per_case(ev)
        lines.append(f"Hand-offs between teams: {h['handoffs'].mean():.1f} per case on average, "
                     f"up to {int(h['handoffs'].max())}.")
    if service.value_steps:
        vw = value_and_waste(ev, service.value_steps)
        lines.append(f"{vw['value_step_share'].mean():.0%} of steps are value work "
                     f"({', '.join(service.value_steps)}); the rest is waste from the "
                     "citizen's side.")
        timed = vw["value_time_share"].dropna()
        if len(timed):
            lines.append(f"Value work takes {timed.median():.0%} of a case's elapsed time "
                         "(median, cases with start times).")
        else:
            lines.append("The log has no start times, so the time spent in value work cannot "
                         "be measured, only the number of steps.")
    if events is None:
        cd = clean_dirty_summary(clean_and_dirty(workspace, service))
        clean, dirty = cd.iloc[0], cd.iloc[1]
        lines.append(
            f"{clean['share']:.0%} of needs went straight through (clean): median "
            f"{clean['median_days']:.1f} days end to end; the {dirty['share']:.0%} that "
            f"looped took {dirty['median_days']:.1f} days.")
    return lines
