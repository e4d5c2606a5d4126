"""Clock sensitivity: how the regime's on-time figure moves with where its clock starts, where
it stops, and whether it stops while the landlord waits for access.

The regime's figure rests on choices that are rarely written down (METHOD.md, "Targets
versus purpose: the clocks"): counting from the order being raised rather than the
citizen's first contact, stopping when the order is closed rather than when the work is
done, pausing while waiting for access. Each order is judged against its own timescale
(hours, calendar or working days) under every combination, so a team sees which figure
rests on which choice.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from servicecheck.engine.durations import DAY_S
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, count, share
from servicecheck.measures.needs import needs
from servicecheck.measures.targets import (
    JudgedOrders,
    _regime_orders,
    deadline_of,
    no_regime,
)
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need
from servicecheck.workdays import between_many

if TYPE_CHECKING:
    from ibis.expr.types import Table

# the choices of clock the service file names, as codes (narrative.targets words each in the
# regime's own unit: "order raised", "fine closed"); labels a caller gives are quoted as given
REGIME_START, FIRST_CONTACT, INSPECTION = "regime_start", "first_contact", "inspection"
REGIME_END, WORK_DONE = "regime_end", "work_done"


@dataclass(frozen=True)
class ClockSensitivity:
    """The regime's figure under each choice of clock: one row per start, stop and pause."""

    table: pd.DataFrame  # start, stop, clock_stopped, orders, within, share
    unit: str

    def largest_effect(self) -> Finding:
        """The choice that moves the figure most from the regime's own (the first start, the
        first stop, the clock never stopped), as a finding: the two shares and order counts,
        the choices named (own start, own stop, its start, its stop), and flags for what
        differs (``start``, ``stop``, ``pause``, ``paused`` when the clock is stopped for
        access) or ``unmoved`` when no choice moves it; ``none_within`` when no order is within
        its timescale under any choice (or, with ``stop``, under any choice stopping there,
        ``pause`` when some of them pause: ``orders`` the most judged so)."""
        t = self.table.dropna(subset=["share"])
        if t.empty:
            return Finding("targets.clock_sensitivity", self.unit, 0, applies=False,
                           why_not="no order judged")
        own = self.table.iloc[0]
        t = t.assign(moved=(t["share"] - own["share"]).abs())
        row = t.iloc[int(np.argmax(t["moved"].to_numpy()))]
        numbers = {"own_share": share(float(own["share"])), "own_orders": count(own["orders"]),
                   "share": share(float(row["share"])), "orders": count(row["orders"])}
        names = (str(own["start"]), str(own["stop"]), str(row["start"]), str(row["stop"]))
        # A choice under which no order is ever within its timescale ranks nothing: sepsis's
        # hour to antibiotics, stopped when the patient is released, is met by no one from
        # any start, and "the figure moves most ... 0% of 781" read as if the clock were a
        # lever. The plain fact is said instead: none within, whatever the rest of the clock.
        if not t["within"].sum():
            return Finding("targets.clock_sensitivity", self.unit, int(own["orders"]), numbers,
                           names=names, flags=frozenset({"none_within"}))
        at_stop = t[t["stop"] == row["stop"]]
        if row["stop"] != own["stop"] and not at_stop["within"].sum():
            numbers["orders"] = count(int(at_stop["orders"].max()))
            return Finding("targets.clock_sensitivity", self.unit, int(own["orders"]), numbers,
                           names=names, flags=frozenset(
                               {"none_within", "stop"}
                               | ({"pause"} if at_stop["clock_stopped"].nunique() > 1
                                  else set())))
        if not row["moved"] > 0:
            return Finding("targets.clock_sensitivity", self.unit, int(own["orders"]), numbers,
                           names=names, flags=frozenset({"unmoved"}))
        flags = {k for k, differs in (("start", row["start"] != own["start"]),
                                      ("stop", row["stop"] != own["stop"]),
                                      ("pause", row["clock_stopped"] != own["clock_stopped"]))
                 if differs}
        if row["clock_stopped"]:
            flags.add("paused")
        return Finding("targets.clock_sensitivity", self.unit, int(own["orders"]), numbers,
                       names=names, flags=frozenset(flags))


@dataclass(frozen=True)
class ClockChoices:
    """The choices of clock a service's own data allow: where it may start and stop, and the
    activities after which it may stand still while the landlord waits for access."""

    starts: dict[str, tuple[str, ...]]
    stops: dict[str, tuple[str, ...]]
    pause: tuple[str, ...]


def clock_choices(service: Service) -> ClockChoices:
    """The choices the service file names: starts at the order being raised (the regime's
    ``start``), the citizen's first contact and the order's first visit (an inspection:
    ``[need] visit_activities``); stops at the order closed (the regime's ``end``) and the
    work done (the citizen's clock's ``end``, where it differs); the pause ``[targets] pause``.
    A choice the file gives no activity for is left out, never guessed from names."""
    t = service.targets
    if t is None:
        return ClockChoices({}, {}, ())
    starts = {REGIME_START: tuple(t.start), FIRST_CONTACT: ()}
    if service.need.visit_activities:
        starts[INSPECTION] = tuple(service.need.visit_activities)
    stops = {REGIME_END: tuple(t.end)}
    if service.clock.end and set(service.clock.end) != set(t.end):
        stops[WORK_DONE] = tuple(service.clock.end)
    return ClockChoices(starts, stops, tuple(t.pause))


def _ns(times: object) -> pd.Series:
    """Times at one resolution (Spark's come back in microseconds, the others' in
    nanoseconds: a comparison across the two would give Python objects)."""
    return pd.Series(times).astype("datetime64[ns, UTC]")


def _first_times(ev: Table, regime_start: Sequence[str], starts: list[Sequence[str]],
                 stops: list[Sequence[str]]) -> pd.DataFrame:
    """Per case with a start on the regime's clock: the first time of each start's
    activities (``start_0``...), and of each stop's at or after the regime's start
    (``stop_0``...): one query, one row per case."""
    # the starts in one pass over the events; only the stops' events are joined to their
    # case's regime start (every event joined to its case took twice the CPU at 10M)
    first = ev.group_by("case_id").aggregate(
        regime_start=ev.timestamp.min(where=ev.activity.isin(list(regime_start))),
        **{f"start_{i}": ev.timestamp.min(where=ev.activity.isin(list(acts)))
           for i, acts in enumerate(starts)})
    first = first.filter(first.regime_start.notnull())
    if not stops:
        names = [f"start_{i}" for i in range(len(starts))] or ["regime_start"]
        return to_frame(first.select("case_id", *names).order_by("case_id"))
    every = sorted({a for acts in stops for a in acts})
    s = ev.filter(ev.activity.isin(every)).select("case_id", "activity", "timestamp")
    s = s.join(first.select("case_id", "regime_start"), "case_id")
    found = s.group_by("case_id").aggregate(**{
        f"stop_{i}": s.timestamp.min(where=s.activity.isin(list(acts))
                                     & (s.timestamp >= s.regime_start))
        for i, acts in enumerate(stops)})
    j = first.left_join(found, first.case_id == found.case_id)
    # in the judged orders' order (theirs is by case too): taken by position, not matched
    return to_frame(j.select(first.case_id, *[f"start_{i}" for i in range(len(starts))],
                             *[f"stop_{i}" for i in range(len(stops))]).order_by("case_id"))


def _waits(ev: Table, pause: Sequence[str]) -> pd.DataFrame:
    """Each wait for access: from a pause event to the next event of its case (in time, then
    in the log's order), if there is one."""
    import ibis

    # only the cases with a pause are ordered (the window over every event took 5 s at 10M)
    paused = ev.filter(ev.activity.isin(list(pause))).select("case_id").distinct()
    ev = ev.semi_join(paused, "case_id")
    w = ibis.window(group_by="case_id", order_by=["timestamp", "event_index"])
    e = ev.select("case_id", "activity", wait_from=ev.timestamp,
                  wait_to=ev.timestamp.lead().over(w))
    e = e.filter(e.activity.isin(list(pause)) & e.wait_to.notnull())
    return to_frame(e.select("case_id", "wait_from", "wait_to"))


def clock_sensitivity(
    workspace: Reader,
    service: Service | None = None,
    *,
    starts: Mapping[str, Sequence[str]] | None = None,
    stops: Mapping[str, Sequence[str]] | None = None,
    pause: Sequence[str] = (),
    need_table: pd.DataFrame | None = None,
    orders_judged: JudgedOrders | None = None,
) -> ClockSensitivity:
    """The regime's on-time share under each choice of clock.

    ``starts`` and ``stops`` map a label to the activities that start or stop the clock (the
    first such event of the order; a stop at or after the order was raised); a start
    labelled ``FIRST_CONTACT`` with no activities is the need's first contact. The
    regime's own clock (``[targets] start`` and ``end``) comes first by default. ``pause``
    names activities (e.g. ``"No access"``) after which the clock stands still until the
    order's next event; every combination is then counted with and without the pause.
    The needs table and the judged orders are computed here unless handed in.
    """
    svc = service or workspace.service()
    t = svc.targets
    if t is None or not t.start or not t.end:
        raise no_regime(svc)
    starts = dict(starts or {REGIME_START: t.start, FIRST_CONTACT: ()})
    stops = dict(stops or {REGIME_END: t.end})
    ev = with_need(workspace.events(svc.key), svc)
    orders = (orders_judged or _regime_orders(ev, svc))[0]
    # only the columns read here are copied to index them by case (all of them held a
    # second copy of the judged orders through this measure: 2.5 GB at 100M events)
    orders = orders[[c for c in ("case_id", "need_id", "timescale_days",
                                 "timescale_working_days", "due") if c in orders]
                    ].set_index("case_id")
    first_contact = (need_table if need_table is not None else needs(workspace, svc)
                     ).set_index("need_id")["first_contact"]
    # each choice of clock per order, and the waits for access, found on the engine: only
    # one row per order (and per wait) comes to Python, never every event (at 10M events
    # the events' frame held 10M rows and a tenth of the report's time)
    found = _first_times(ev, t.start, [a for a in starts.values() if a],
                         [a for a in stops.values() if a])
    ids = found.pop("case_id")
    if len(ids) == len(orders) and bool((ids.to_numpy() == orders.index.to_numpy()).all()):
        found.index = orders.index  # the same cases in the same order (the usual case)
    else:
        found = found.set_axis(pd.Index(ids)).reindex(orders.index)
    nat = pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns, UTC]")
    start_at, stop_at = {}, {}
    i = 0
    for label, acts in starts.items():
        if acts:
            start_at[label], i = found[f"start_{i}"], i + 1
        else:  # a start with no activities: the need's first contact (or never, unnamed)
            start_at[label] = (orders["need_id"].map(first_contact) if label == FIRST_CONTACT
                               else nat)
    i = 0
    for label, acts in stops.items():
        if acts:
            stop_at[label], i = found[f"stop_{i}"], i + 1
        else:
            stop_at[label] = nat
    waits = _waits(ev, pause) if pause else pd.DataFrame(
        {"case_id": [], "wait_from": nat.iloc[:0], "wait_to": nat.iloc[:0]})
    wait_order = orders.index.get_indexer(pd.Index(waits["case_id"]))
    waits = waits[wait_order >= 0]
    wait_order = wait_order[wait_order >= 0]
    # the waits in order of their order, so that each block of orders finds its own at once
    by_order = np.argsort(wait_order, kind="stable")
    wait_order = wait_order[by_order]
    wait_from, wait_to = (_ns(waits["wait_from"].array.take(by_order)),
                          _ns(waits["wait_to"].array.take(by_order)))
    days = orders["timescale_days"].astype(float)
    wds = orders["timescale_working_days"].astype(float)
    # a case with a due date is judged by it, whatever its timescale (as the regime judges it)
    deadline = (deadline_of(orders["due"], svc.timezone) if "due" in orders
                else pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns, UTC]"))
    in_working_days = bool(wds.notna().any())
    calendar = {"calendar": t.calendar, "closures": t.closures, "tz": svc.timezone}
    rows = []
    for (s_label, s), (e_label, e), stopped in itertools.product(
            start_at.items(), stop_at.items(), (False, True) if pause else (False,)):
        judged = within = 0
        # a block of orders at a time: each choice of clock makes a dozen columns as long as
        # the orders (172 MB each for the 21.5M orders of 100M events); the counts add up
        for a in range(0, len(orders), ORDERS_AT_ONCE):
            b = a + ORDERS_AT_ONCE
            waits_in = slice(*np.searchsorted(wait_order, [a, b]))
            j, w = _on_time(s.iloc[a:b], e.iloc[a:b], days.iloc[a:b], wds.iloc[a:b],
                            deadline.iloc[a:b], in_working_days,
                            (wait_order[waits_in] - a, wait_from.iloc[waits_in],
                             wait_to.iloc[waits_in]) if stopped else None, calendar)
            judged, within = judged + j, within + w
        rows.append({"start": s_label, "stop": e_label, "clock_stopped": stopped,
                     "orders": judged, "within": within,
                     "share": within / judged if judged else float("nan")})
    return ClockSensitivity(table=pd.DataFrame(rows), unit=t.unit)


# orders judged at once under one choice of clock (see clock_sensitivity)
ORDERS_AT_ONCE = 1_000_000


def _on_time(s: pd.Series, e: pd.Series, days: pd.Series, wds: pd.Series,
             deadline: pd.Series, in_working_days: bool,
             waits: tuple[np.ndarray, pd.Series, pd.Series] | None,
             calendar: dict[str, Any]) -> tuple[int, int]:
    """Of a block of orders under one choice of clock (``s`` to ``e``): how many are judged,
    and how many of those within their timescale or due date. ``waits``: each wait's order
    (its place in the block), start and end, when the clock stops while waiting."""
    elapsed = (e - s).dt.total_seconds() / DAY_S
    # working days judge only the orders with a timescale in them: none, none counted
    # (twelve choices of clock x 2M orders at 10M events, for nothing)
    worked = (pd.Series(between_many(s, e, **calendar), index=s.index)
              if in_working_days else pd.Series(np.nan, index=s.index))
    if waits is not None:
        # the part of each wait inside this clock's run (a clock not started or stopped
        # bounds nothing)
        wait_order, wait_from, wait_to = waits
        wait_from, wait_to = (wait_from.set_axis(range(len(wait_order))),
                              wait_to.set_axis(range(len(wait_order))))
        s_w, e_w = _ns(s.array.take(wait_order)), _ns(e.array.take(wait_order))
        lo = s_w.where(s_w > wait_from, wait_from)
        hi = e_w.where(e_w < wait_to, wait_to)
        inside = (hi > lo).to_numpy()
        lo, hi, within_order = lo[inside], hi[inside], wait_order[inside]
        everyone = range(len(s))
        elapsed = elapsed - ((hi - lo).dt.total_seconds() / DAY_S).groupby(
            within_order).sum().reindex(everyone, fill_value=0.0).set_axis(s.index)
        if in_working_days:
            worked = worked - pd.Series(
                between_many(lo, hi, **calendar), index=lo.index).groupby(
                    within_order).sum().reindex(everyone, fill_value=0.0).set_axis(s.index)
    has_due = deadline.notna()
    judged = s.notna() & e.notna() & (days.notna() | wds.notna() | has_due)
    # time spent waiting for access (when the clock stands still) moves the deadline on
    paused = pd.to_timedelta((e - s).dt.total_seconds() / DAY_S - elapsed, unit="D")
    on_time = np.where(has_due, (e - paused) < deadline,
                       np.where(wds.notna(), worked <= wds, elapsed <= days))
    return int(judged.sum()), int(on_time[judged.to_numpy()].sum())
