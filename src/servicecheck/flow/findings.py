"""The flow as findings: the longest waits, repeated steps, paths, hand-offs, value and waste,
clean and dirty work. Numbers only; narrative/words.py says them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.frames import to_frame
from servicecheck.engine.prepared import materialised
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, Span, count, ratio, seconds, share
from servicecheck.flow.clean import clean_and_dirty
from servicecheck.flow.dfg import directly_follows, ordered
from servicecheck.flow.handoffs import handoffs_per_case
from servicecheck.flow.rework import rework
from servicecheck.flow.value import value_and_waste
from servicecheck.flow.variants import looped_cases, rework_from, variants
from servicecheck.measures.needs import needs
from servicecheck.measures.summary import studied_events
from servicecheck.service.model import Service

MIN_WAITS = 5  # a wait seen fewer times than this says more about chance than the flow


@dataclass(frozen=True)
class FlowMeasures:
    """The flow measures of one ordered pass: what the findings read, and what a report's map
    and tables read after them rather than count again."""
    dfg: pd.DataFrame       # directly-follows counts and waits
    variants: pd.DataFrame  # every variant (start and end steps and rework are read off it)
    handoffs: pd.DataFrame  # per case


def measure(events: Table) -> FlowMeasures:
    """One ordered pass (cached) serves the waits, the variants and the hand-offs; repeated
    steps are read off the variants (every case of a variant repeats the same steps)."""
    with materialised(ordered, events, ("team",)) as o:
        return FlowMeasures(directly_follows(o), variants(o), handoffs_per_case(o))


def findings(workspace: Reader, service: Service, top: int = 5,
             events: Table | None = None, need_table: pd.DataFrame | None = None,
             measured: FlowMeasures | None = None) -> list[Finding]:
    """What the flow shows; ``events`` may be a slice of the service's events (clean and dirty
    work is then left out: it is a property of whole needs). ``measured``: ``measure`` of
    the events studied (``measures.summary.studied_events``), if already made."""
    need_table = need_table if need_table is not None else needs(workspace, service)
    # only the needs studied: their counts, paths and waits agree with the map drawn of them
    ev = studied_events(workspace, service, need_table, events)
    m = measured or measure(ev)
    dfg, v, h = m.dfg, m.variants, m.handoffs
    out: list[Finding] = []
    waits = dfg[dfg["count"] >= MIN_WAITS].sort_values(
        ["median_s", "source", "target"], ascending=[False, True, True]).head(top)
    # the waits are one list, read down as a column: each carries the others ("beside_"),
    # so that all are told at one precision ("8.1 days" above "8 days" read as if the 8
    # were rounded; narrative.voice.Voice.dur)
    listed = [seconds(m / 86400) for m in waits["median_s"]]
    for i, (source, target, n) in enumerate(zip(waits["source"], waits["target"],
                                                waits["count"], strict=True)):
        beside = {f"beside_{j}": q for j, q in enumerate(listed) if j != i}
        out.append(Finding("flow.wait", "time", int(n), {"median": listed[i], **beside},
                           names=(str(source), str(target))))
    cases = int(v["cases"].sum())
    if cases:
        looped = looped_cases(v)
        out.append(Finding("flow.repeats", "case", cases,
                           {"share": share(looped / cases), "looped": count(looped)},
                           flags=frozenset({"all"} if events is None else set())))
    rw = rework_from(v)
    rw = rw[rw["rework_cases"] > 0].head(top)  # ordered by rework_cases, most first
    for activity, n_cases, rshare in zip(rw["activity"], rw["rework_cases"],
                                         rw["rework_share"], strict=True):
        out.append(Finding("flow.rework", "case", int(n_cases), {"share": share(rshare)},
                           names=(str(activity),)))
    if len(v):
        k = min(top, len(v))
        out.append(Finding("flow.variants", "path", len(v),
                           {"top": count(k), "coverage": share(v["coverage"].head(k).sum()),
                            "cases": count(cases)}))
    if len(h) and h["handoffs"].max() > 0:  # some case's work passed between named teams
        out.append(Finding("flow.handoffs", "case", len(h),
                           {"mean": ratio(h["handoffs"].mean()),
                            "most": count(int(h["handoffs"].max()))}))
    if service.value_steps and cases:  # a slice of no case has no steps to share out
        vw = value_and_waste(ev, service.value_steps, shares_only=True)
        timed = vw["value_time_share"].dropna()
        numbers = {"steps": share(vw["value_step_share"].mean())}
        if len(timed):
            numbers["time"] = share(timed.median())
        out.append(Finding("flow.value", "case", len(vw), numbers,
                           names=tuple(service.value_steps),
                           flags=frozenset(set() if len(timed) else {"untimed"})))
    if events is None:
        out += clean_findings(clean_and_dirty(workspace, service, need_table=need_table))
    return out


def clean_findings(per_need: pd.DataFrame) -> list[Finding]:
    """Clean work went straight through: no step done twice, no failure demand, no more
    hand-offs than designed. Each reason for dirty work is counted on its own, so "looped"
    only ever means a step was repeated."""
    if per_need.empty:
        return []
    clean = per_need[per_need["clean"]]
    dirty = per_need[~per_need["clean"]]
    numbers = {"share": share(len(clean) / len(per_need)),
               "repeated": share(float((per_need["repeated_steps"] > 0).mean())),
               "failure": share(float((per_need["failure_demands"] > 0).mean())),
               "handoffs": share(float((per_need["handoffs"]
                                        > per_need["designed_handoffs"]).mean()))}
    for label, group in (("clean", clean), ("dirty", dirty)):
        days = group.loc[~group["open"], "end_to_end_days"]
        if len(days):
            numbers[f"{label}_median"] = seconds(float(days.median()))
    # the period of the needs counted, as capability's headline names it
    span = Span.reported(per_need["first_contact"])
    # needs not met yet are clean or dirty so far: counted, and said to be so
    stale = per_need["stale"] if "stale" in per_need else pd.Series(False, per_need.index)
    numbers["not_met"] = count(int((per_need["open"] & ~stale).sum()))
    if stale.any():  # without an end and idle long past the usual time (capability's rule)
        numbers["stale"] = count(int(stale.sum()))
    # what was not measured is not said to be absent: with no contact linked to any need
    # there is no failure demand to count (no demand imported is not "no failure demand"),
    # and with no team named on two steps of a need, no hand-off
    unknown = set()
    if "contacts" in per_need and not int(per_need["contacts"].sum()):
        unknown.add("no demand")
    if "teams" in per_need and not bool(per_need["teams"].fillna(False).any()):
        unknown.add("no teams")
    if "designed_stated" in per_need and not bool(per_need["designed_stated"].all()):
        # no design stated: the hand-offs the straightest needs take stand in for it, and
        # the words say so rather than "than designed"
        unknown.add("usual hand-offs")
        numbers["designed"] = count(int(per_need["designed_handoffs"].max()))
    return [Finding("flow.clean", "need", len(per_need), numbers, span, "citizen",
                    headline=60, chart="flow-map", flags=frozenset(unknown))]


def condition_findings(workspace: Reader, service: Service,
                       rework_table: pd.DataFrame | None = None,
                       events: Table | None = None) -> list[Finding]:
    """The system conditions the team named and the waste steps they cause: how much of all
    the recorded work those steps are. ``detail`` holds, per step named, its events and the
    cases that repeat it (for the table beside the words). ``events``: the events studied
    (``measures.summary.studied_events``; all the service's by default), and
    ``rework_table``: ``rework`` of the same events, if already made: the steps' counts and
    their repeats of one population (the report's flow leaves out the needs set aside)."""
    ev = events if events is not None else workspace.events(service.key)
    counts = to_frame(ev.activity.value_counts())
    per_step = dict(zip(counts.iloc[:, 0], counts.iloc[:, 1], strict=True))
    total = int(sum(per_step.values()))
    rw = rework(ev) if rework_table is None else rework_table
    repeated = dict(zip(rw["activity"], rw["rework_cases"], strict=True))
    named = {step for c in service.system_conditions for step in c.causes}
    caused = {s for s in named if s not in service.value_steps}
    waste = int(sum(int(per_step.get(s, 0)) for s in caused))
    detail = {s: (int(per_step.get(s, 0)), int(repeated.get(s, 0))) for s in named}
    return [Finding("conditions.waste", "event", total,
                    {"conditions": count(len(service.system_conditions)),
                     "waste": count(waste), "share": share(waste / total if total else 0.0)},
                    names=tuple(c.name for c in service.system_conditions), detail=detail)]
