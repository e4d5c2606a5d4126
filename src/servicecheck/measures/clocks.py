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

import numpy as np
import pandas as pd

from servicecheck.engine.durations import DAY_S
from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, count, share
from servicecheck.measures.capability import needs
from servicecheck.measures.targets import (
    JudgedOrders,
    _regime_orders,
    deadline_of,
    no_regime,
)
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need
from servicecheck.workdays import between_many

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
        access) or ``unmoved`` when no choice moves it."""
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
    cols = ["case_id", "need", "activity", "timestamp", "event_index"]
    ev_t = with_need(workspace.events(svc.key), svc)
    extra = [c for c in (t.priority_column, t.due_column) if c and c in ev_t.columns]
    ev = to_frame(ev_t.select(*cols, *extra)).sort_values(["case_id", "timestamp",
                                                          "event_index"])
    orders = (orders_judged or _regime_orders(ev_t, svc))[0].set_index("case_id")
    first_contact = (need_table if need_table is not None else needs(workspace, svc)
                     ).set_index("need_id")["first_contact"]

    def first_of(acts: Sequence[str], after: pd.Series | None = None) -> pd.Series:
        e = ev[ev["activity"].isin(set(acts))]
        if after is not None:
            e = e[e["timestamp"] >= e["case_id"].map(after)]
        return e.groupby("case_id")["timestamp"].min().reindex(orders.index)

    start_at = {label: (orders["need_id"].map(first_contact) if not acts and label ==
                        FIRST_CONTACT else first_of(acts)) for label, acts in starts.items()}
    stop_at = {label: first_of(acts, orders["regime_start"]) for label, acts in stops.items()}
    # waits for access: from a pause event to the order's next event
    ev = ev.assign(next_at=ev.groupby("case_id")["timestamp"].shift(-1))
    waits = ev[ev["activity"].isin(set(pause)) & ev["next_at"].notna()]
    days = orders["timescale_days"].astype(float)
    wds = orders["timescale_working_days"].astype(float)
    # a case with a due date is judged by it, whatever its timescale (as the regime judges it)
    deadline = (deadline_of(orders["due"], svc.timezone) if "due" in orders
                else pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns, UTC]"))
    has_due = deadline.notna()
    rows = []
    for (s_label, s), (e_label, e), stopped in itertools.product(
            start_at.items(), stop_at.items(), (False, True) if pause else (False,)):
        elapsed = (e - s).dt.total_seconds() / DAY_S
        worked = pd.Series(between_many(s, e, t.calendar, closures=t.closures,
                                        tz=svc.timezone), index=orders.index)
        if stopped:
            # one resolution for all four times (Spark's come back in microseconds, the
            # others in nanoseconds: a row-wise max over both would give Python objects)
            w = waits.join(pd.DataFrame({"s": s, "e": e}), on="case_id").astype(
                {c: "datetime64[ns, UTC]" for c in ("timestamp", "next_at", "s", "e")})
            # the part of each wait inside this clock's run
            lo = w[["timestamp", "s"]].max(axis=1)
            hi = w[["next_at", "e"]].min(axis=1)
            w = w.assign(lo=lo, hi=hi)[hi > lo]
            elapsed = elapsed - ((w["hi"] - w["lo"]).dt.total_seconds() / DAY_S
                                 ).groupby(w["case_id"]).sum().reindex(orders.index,
                                                                        fill_value=0.0)
            worked = worked - pd.Series(
                between_many(w["lo"], w["hi"], t.calendar, closures=t.closures,
                             tz=svc.timezone), index=w.index
            ).groupby(w["case_id"]).sum().reindex(orders.index, fill_value=0.0)
        judged = s.notna() & e.notna() & (days.notna() | wds.notna() | has_due)
        # time spent waiting for access (when the clock stands still) moves the deadline on
        paused = pd.to_timedelta((e - s).dt.total_seconds() / DAY_S - elapsed, unit="D")
        on_time = np.where(has_due, (e - paused) < deadline,
                           np.where(wds.notna(), worked <= wds, elapsed <= days))
        within = on_time[judged.to_numpy()]
        rows.append({"start": s_label, "stop": e_label, "clock_stopped": stopped,
                     "orders": int(judged.sum()), "within": int(within.sum()),
                     "share": float(within.mean()) if within.size else float("nan")})
    return ClockSensitivity(table=pd.DataFrame(rows), unit=t.unit)
