"""The flow in plain words: the longest waits, the commonest loops, the hand-offs per case."""

from __future__ import annotations

from servicecheck.engine import Workspace
from servicecheck.flow.dfg import directly_follows
from servicecheck.flow.handoffs import handoffs_per_case
from servicecheck.flow.rework import rework
from servicecheck.flow.variants import variants
from servicecheck.service import Service


def _days(seconds: float) -> str:
    d = seconds / 86400
    return f"{d:.1f} days" if d >= 1 else f"{seconds / 3600:.1f} hours"


def flow_lines(workspace: Workspace, service: Service, top: int = 5) -> list[str]:
    ev = workspace.events(service.key)
    lines: list[str] = []
    dfg = directly_follows(ev)
    waits = dfg[dfg["count"] >= 5].sort_values("median_s", ascending=False).head(top)
    lines.append("Longest waits between steps (median, where it happened at least 5 times):")
    for _, r in waits.iterrows():
        lines.append(f"  {r['source']} -> {r['target']}: {_days(float(r['median_s']))} "
                     f"({int(r['count']):,} times)")
    rw = rework(ev)
    rw = rw[rw["rework_cases"] > 0].head(top)
    if len(rw):
        lines.append("Steps done more than once in the same case:")
        for _, row in rw.iterrows():
            lines.append(f"  {row['activity']}: repeated in {int(row['rework_cases']):,} cases "
                         f"({float(row['rework_share']):.0%} of the cases that have it)")
    v = variants(ev)
    lines.append(f"{len(v):,} different paths; the commonest {min(top, len(v))} cover "
                 f"{v['coverage'].head(top).sum():.0%} of cases.")
    if ev.team.notnull().any().execute():
        h = handoffs_per_case(ev)
        lines.append(f"Hand-offs between teams: {h['handoffs'].mean():.1f} per case on average, "
                     f"up to {int(h['handoffs'].max())}.")
    return lines
