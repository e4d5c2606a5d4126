"""The short plain-language summary of a workspace: what is in it and what citizens live through."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.workspace import Reader
from servicecheck.findings import Clock, Finding, Span, count, seconds, share
from servicecheck.measures.needs import needs
from servicecheck.measures.order import is_stale, stale_after
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need


@dataclass(frozen=True)
class Summary:
    service: str
    needs: int
    open_needs: int
    cases: int
    events: int
    demands: int
    failure_demands: int
    unknown_demands: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    median_days: float
    p90_days: float
    met: int = 0                 # needs met (an end before the first contact set aside)
    stale_needs: int = 0         # without an end, idle far longer than usual: not open
    met_from: pd.Timestamp | None = None  # the first contact of the first need met
    met_to: pd.Timestamp | None = None    # and of the last: the period of the needs met
    clock: Clock = "citizen"     # "last-event" when no end activity is named
    longest_days: float = float("nan")
    aside: int = 0               # set aside as ending before they began (``set_aside``)
    stale_after_days: float = float("nan")  # idle longer than this: stale (capability's rule)
    # the first and last contact received: the period the failure share is over (the
    # demo's contacts end on 18 Jun 2025, its events on 27 Jun: dated as the events, the
    # share named a period the demand section does not)
    demands_from: pd.Timestamp | None = None
    demands_to: pd.Timestamp | None = None

    def findings(self) -> list[Finding]:
        """What is in the workspace, and what all its finished needs took, over its period."""
        span = Span(self.first, self.last) if self.first is not None and \
            self.last is not None else None
        stale = {"stale_after": seconds(self.stale_after_days)} if self.stale_needs else {}
        out = [Finding("summary.contents", "need", self.needs,
                       {"open": count(self.open_needs), "stale": count(self.stale_needs),
                        **stale, "aside": count(self.aside),
                        "cases": count(self.cases),
                        "events": count(self.events), "demands": count(self.demands)},
                       span, self.clock, names=(self.service,))]
        if self.met and not np.isnan(self.median_days) and span is not None:
            # the needs met, from the first of them reported to the last, as capability
            # says it
            times = Span(self.met_from if self.met_from is not None else span.start,
                         self.met_to if self.met_to is not None else span.end)
            out.append(Finding("summary.times", "need", self.met,
                               {"median": seconds(self.median_days),
                                "p90": seconds(self.p90_days),
                                "longest": seconds(self.longest_days)}, times, self.clock))
        classified = self.demands - self.unknown_demands
        if classified:
            received = (Span(self.demands_from, self.demands_to)
                        if self.demands_from is not None and self.demands_to is not None
                        else span)
            out.append(Finding("demand.failure_share", "contact", classified,
                               {"share": share(self.failure_demands / classified),
                                "failure": count(self.failure_demands),
                                "unknown": count(self.unknown_demands)}, received))
        return out


def set_aside(need_table: pd.DataFrame) -> pd.Series:
    """The ids of the needs set aside as ending before they began (an end before the first
    contact): capability charts none of them, and no span is dated by their events."""
    # (one mask, not a copy of every need met: 13M rows at 100M events)
    return need_table.loc[~need_table["open"] & (need_table["end_to_end_days"] < 0), "need_id"]


def studied_events(workspace: Reader, svc: Service, need_table: pd.DataFrame,
                   events: Table | None = None) -> Table:
    """The events studied: the service's (or the slice ``events`` of them), less those of the
    needs set aside (``set_aside``). The one definition the flow's counts, paths and map, the
    span studied and the web's pages read, so that a section's counts agree with its map: NYC
    311's two requests closed before they were made were "3 different paths" beside a map of
    2 steps."""
    ev = events if events is not None else workspace.events(svc.key)
    aside = set_aside(need_table)
    if not len(aside):
        return ev
    # the cases of those needs, found over all the service's events (a slice joins its
    # cases into needs by itself, with other ids), then left out of ``ev``
    keyed = with_need(workspace.events(svc.key), svc)
    cases = keyed.filter(keyed.need.isin([str(n) for n in aside])).select("case_id").distinct()
    return ev.anti_join(cases, "case_id")


def studied_span(workspace: Reader, svc: Service, need_table: pd.DataFrame
                 ) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last event studied (``studied_events``: two NYC 311 requests closed on 1
    January, before they were made on 28 February, dated a study of one day's requests from
    1 January)."""
    ev = studied_events(workspace, svc, need_table)
    row = ev.aggregate(first=ev.timestamp.min(), last=ev.timestamp.max()).to_pandas().iloc[0]
    ends: list[pd.Timestamp | None] = []
    for k in ("first", "last"):
        t = None if pd.isna(row[k]) else pd.Timestamp(row[k])
        # in UTC, as the events hold them: Spark gives them back without their zone, and the
        # economics set them beside the needs' first contacts
        ends.append(t.tz_localize("UTC") if t is not None and t.tzinfo is None else t)
    return ends[0], ends[1]


def summarise(workspace: Reader, service: Service | None = None, *,
              need_table: pd.DataFrame | None = None) -> Summary:
    svc = service or workspace.service()
    ev = workspace.events(svc.key)
    counts = ev.aggregate(events=ev.count(), cases=ev.case_id.nunique()).to_pandas()
    dem = workspace.demands(svc.key)
    d = dem.aggregate(n=dem.count(), failure=dem.count(where=dem.nature == "failure"),
                      unknown=dem.count(where=dem.nature.isnull() | (dem.nature == "unknown")),
                      first=dem.received_at.min(), last=dem.received_at.max()).to_pandas()
    n = need_table if need_table is not None else needs(workspace, svc)
    first, last = studied_span(workspace, svc, n)
    met = n[~n["open"] & ~(n["end_to_end_days"] < 0)]
    # a need whose end came before its first contact is set aside, as capability does
    done = met["end_to_end_days"].to_numpy()
    # a need idle far longer than the usual time is stale, not open (as capability says)
    after = stale_after(n)
    stale = int(is_stale(n, after).sum())
    row = counts.iloc[0]
    return Summary(
        service=svc.name,
        needs=len(n),
        open_needs=int(n["open"].sum()) - stale,
        stale_needs=stale,
        cases=int(row["cases"]),
        events=int(row["events"]),
        demands=int(d["n"].iloc[0]),
        failure_demands=int(d["failure"].iloc[0] or 0),
        unknown_demands=int(d["unknown"].iloc[0] or 0),
        first=first,
        last=last,
        aside=len(set_aside(n)),
        median_days=float(np.median(done)) if done.size else float("nan"),
        p90_days=float(np.quantile(done, 0.9)) if done.size else float("nan"),
        met=int(done.size),
        met_from=None if met.empty else pd.Timestamp(met["first_contact"].min()),
        met_to=None if met.empty else pd.Timestamp(met["first_contact"].max()),
        clock="citizen" if svc.clock.end else "last-event",
        longest_days=float(np.max(done)) if done.size else float("nan"),
        stale_after_days=float(after) if after is not None else float("nan"),
        demands_from=_utc(d["first"].iloc[0]), demands_to=_utc(d["last"].iloc[0]),
    )


def _utc(t: object) -> pd.Timestamp | None:
    """A time the engine gave back, zone-aware (Spark gives them without their zone)."""
    if t is None or pd.isna(t):  # type: ignore[call-overload]
        return None
    ts = pd.Timestamp(t)  # type: ignore[arg-type]
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts


def purpose_findings(svc: Service) -> list[Finding]:
    """The service as its file defines it, for the Purpose section's words: its purpose in the
    citizen's words (or that none is written), where the citizen's clock stops (``names``: the
    end activities; none named, at a need's last event) and its value steps."""
    found = [Finding("purpose.purpose", "service", 1, names=(svc.purpose,) if svc.purpose else (),
                     applies=bool(svc.purpose), why_not=None if svc.purpose else "no purpose"),
             Finding("purpose.clock", "need", 0, names=tuple(svc.clock.end),
                     clock="citizen" if svc.clock.end else "last-event",
                     flags=frozenset({"first contact"} if svc.clock.start_at_first_contact
                                     else set()))]
    if svc.value_steps:
        found.append(Finding("purpose.value_steps", "step", len(svc.value_steps),
                             names=tuple(svc.value_steps)))
    return found
