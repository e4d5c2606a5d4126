"""How each repair need unfolds in the synthetic housing-repairs service, and its truth.

Before the redesign (the command-and-control design): a call centre raises orders with
priority codes; a problem needing two trades becomes two orders; operatives find no access
or are the wrong trade; orders are closed at the first visit while the tenant still waits;
tenants chase, complain and report again. After the redesign date: the trade diagnoses at
the door and most repairs are done in one visit on the day the tenant chose.

Each need records what really happened to it (``NeedTruth``), which the tests and benchmarks
hold the measures to. Deterministic per seed; made in chunks so that 10M events take bounded
memory. ``housing_repairs`` writes the chunks to files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from servicecheck.generators.verbatims import failure_verbatim, value_verbatim

DAY = 86400.0
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PERIOD_DAYS = 546  # 78 weeks
REDESIGN_DAY = 364  # the redesign starts on Monday 30 Dec 2024
EVENTS_PER_NEED = 7.66  # measured average over both phases; sizes the number of needs

# problem -> (demand type in the tenant's words, trades it needs)
PROBLEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "boiler": ("Heating and hot water", ("Heating",)),
    "leak": ("Leaks and plumbing", ("Plumbing",)),
    "damp": ("Damp and mould", ("Plastering", "Roofing")),
    "window": ("Windows and doors", ("Glazing",)),
    "door": ("Windows and doors", ("Carpentry",)),
    "electrics": ("Electrics", ("Electrical",)),
    "toilet": ("Leaks and plumbing", ("Plumbing",)),
    "roof": ("Roof and gutters", ("Roofing", "Plastering")),
}
PROBLEM_WEIGHTS = (20, 22, 12, 10, 9, 11, 10, 6)
FAILURE_TYPES = {
    "progress chasing": "Progress of my repair",
    "not done": "Missed appointment",
    "not done right": "Repair not fixed",
    "not understood": "Letter or message unclear",
    "complaint": "Complaint",
}
PRIORITIES = (("P1", 1.0), ("P2", 7.0), ("P3", 28.0))
CHANNELS = (("phone", 70), ("web", 20), ("counter", 10))


@dataclass
class NeedTruth:
    need_id: str
    citizen_ref: str
    property_ref: str
    problem: str
    demand_type: str
    phase: str
    first_contact: float
    completed_at: float | None = None
    orders: int = 0
    visits: int = 0
    failure_demands: int = 0
    contacts: int = 0
    late_start: bool = False
    late_start_days: float = 0.0
    split: bool = False
    closed_early: bool = False
    closed_reraised: bool = False
    reprioritised: bool = False
    repeat_report: bool = False
    first_visit_fix: bool = False


EVENT_COLS: tuple[str, ...] = (
    "need_id", "case_id", "activity", "timestamp", "team", "resource", "priority",
    "property_ref", "citizen_ref", "problem",
)
DEMAND_COLS: tuple[str, ...] = (
    "demand_id", "received_at", "channel", "verbatim", "demand_type", "nature",
    "failure_kind", "first_point_resolved", "case_id", "citizen_ref", "recorded_by",
)


@dataclass
class Chunk:
    events: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in EVENT_COLS})
    demands: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in DEMAND_COLS})
    truth: list[NeedTruth] = field(default_factory=list)
    # per order, as the generator raised and closed it: [order, need, raised, closed,
    # priority when closed (or now, while open)]
    orders: dict[str, list[Any]] = field(default_factory=dict)


class _Need:
    """Builds one need's events and demands; times are seconds since START."""

    def __init__(self, r: random.Random, chunk: Chunk, idx: int, t0: float, end: float,
                 counters: dict[str, int]) -> None:
        self.r, self.chunk, self.end, self.counters = r, chunk, end, counters
        problem = r.choices(list(PROBLEMS), PROBLEM_WEIGHTS)[0]
        self.truth = NeedTruth(
            need_id=f"N{idx:07d}",
            citizen_ref=f"T{r.randrange(10**6):06d}",
            property_ref=f"P{r.randrange(10**5):05d}",
            problem=problem,
            demand_type=PROBLEMS[problem][0],
            phase="after" if t0 >= REDESIGN_DAY * DAY else "before",
            first_contact=t0,
        )
        self.priority = ""
        self.order = ""
        self.cases: set[str] = set()

    # -- recording -----------------------------------------------------------------------
    def event(self, activity: str, t: float, team: str, resource: str = "") -> bool:
        """Record an event unless it falls after the end of the data (the need is still open)."""
        if t > self.end:
            return False
        e = self.chunk.events
        tr = self.truth
        if self.order not in self.cases:  # the orders the data show for this need
            self.cases.add(self.order)
            tr.orders += 1
        o = self.chunk.orders.setdefault(self.order, [self.order, tr.need_id, None, None, ""])
        if activity == "Order raised" and o[2] is None:
            o[2] = t
        if o[3] is None:  # the order's priority until it is first closed
            o[4] = self.priority
            if activity == "Order closed" and o[2] is not None:
                o[3] = t
        for k, v in (("need_id", tr.need_id), ("case_id", self.order), ("activity", activity),
                     ("timestamp", t), ("team", team), ("resource", resource),
                     ("priority", self.priority or None), ("property_ref", tr.property_ref),
                     ("citizen_ref", tr.citizen_ref), ("problem", tr.problem)):
            e[k].append(v)
        return True

    def demand(self, t: float, kind: str | None, resolved: bool) -> None:
        if t > self.end:
            return
        r, tr = self.r, self.truth
        self.counters["demand"] += 1
        n = self.counters["demand"]
        channel = r.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        if kind is None:
            verbatim = value_verbatim(r, tr.problem, n)
            dtype, nature = tr.demand_type, "value"
        else:
            verbatim = failure_verbatim(r, kind, tr.problem, n)
            dtype, nature = FAILURE_TYPES[kind], "failure"
            tr.failure_demands += 1
        tr.contacts += 1
        d = self.chunk.demands
        for k, v in (("demand_id", f"D{n:08d}"), ("received_at", t), ("channel", channel),
                     ("verbatim", verbatim), ("demand_type", dtype), ("nature", nature),
                     ("failure_kind", kind), ("first_point_resolved", resolved),
                     ("case_id", tr.need_id), ("citizen_ref", tr.citizen_ref),
                     ("recorded_by", f"agent{r.randrange(1, 25):02d}")):
            d[k].append(v)

    def new_order(self, t: float, team: str = "Call centre") -> bool:
        self.counters["order"] += 1
        self.order = f"WO{self.counters['order']:08d}"
        return self.event("Order raised", t, team, f"cc{self.r.randrange(1, 30):02d}")

    def chase(self, since: float, until: float, rate_days: float) -> None:
        """Progress chasing while the tenant waits: about one call per rate_days waited."""
        t = since + self.r.expovariate(1 / (rate_days * DAY))
        while t < until:
            self.demand(t, "progress chasing", False)
            t += self.r.expovariate(1 / (rate_days * DAY))

    def working_hours(self, t: float, not_before: float) -> float:
        """A time between 08:00 and 17:00 on t's day, and at least an hour after not_before."""
        day = t - t % DAY
        return max(day + (8 + self.r.random() * 9) * 3600, not_before + 3600)

    # -- the two designs -----------------------------------------------------------------
    def before(self) -> None:
        r, tr = self.r, self.truth
        t = tr.first_contact
        self.demand(t, None, False)
        # the first contact belongs to the first order's case, raised later
        self.order = f"WO{self.counters['order'] + 1:08d}"
        self.event("Repair reported", t, "Call centre", f"cc{r.randrange(1, 30):02d}")
        # web and counter reports wait in a queue before an order is raised: a late clock start
        delay = r.choice((0.02, 0.05, 0.1)) if r.random() < 0.7 else r.uniform(1, 6)
        t += delay * DAY
        if delay >= 1:
            tr.late_start, tr.late_start_days = True, delay
        self.priority = r.choices([p for p, _ in PRIORITIES], (10, 35, 55))[0]
        trades = list(PROBLEMS[tr.problem][1])
        if len(trades) > 1 and r.random() < 0.6:
            tr.split = True
        else:
            trades = trades[:1]
        if not self.new_order(t):
            return
        if r.random() < 0.08:
            t += r.uniform(0.5, 3) * DAY
            self.priority = "P3" if self.priority != "P3" else "P2"
            if not self.event("Priority changed", t, "Repairs planning", "planner"):
                return
            tr.reprioritised = True
        for i, trade in enumerate(trades):
            if i > 0:
                t += r.uniform(2, 10) * DAY
                if not self.new_order(t):
                    return
            t = self.visit_until_done(t, trade, last=i == len(trades) - 1)
            if t < 0:
                return
        # the problem comes back: the tenant reports it again and a new order is raised
        if r.random() < 0.08:
            t += r.uniform(2, 14) * DAY
            if t > self.end:
                return  # the data end first: nothing shows the problem came back
            tr.repeat_report = True
            self.demand(t, "not done right", False)
            t += r.uniform(0.5, 4) * DAY
            if not self.new_order(t):
                return  # the data end before a new order: the need still looks met
            tr.first_visit_fix = False
            tr.completed_at = None
            self.visit_until_done(t, trades[-1], last=True)

    def visit_until_done(self, t: float, trade: str, last: bool) -> float:
        """Visits on the current order until the trade's work is done; -1 if data ends first."""
        r, tr = self.r, self.truth
        limit = dict(PRIORITIES)[self.priority]
        operative = f"{trade[:3].lower()}{r.randrange(1, 12):02d}"
        first = True
        while True:
            # orders are managed to their timescale: most visits come inside it
            wait = r.uniform(0.1, 0.8) * limit + r.expovariate(1 / (0.6 * DAY)) / DAY
            visit_t = self.working_hours(t + wait * DAY, t)
            self.chase(t, visit_t, 12)
            if visit_t > self.end:
                return -1
            tr.visits += 1
            roll = r.random()
            if roll < 0.14:
                if not self.event("No access", visit_t, trade, operative):
                    return -1
                self.demand(visit_t + r.uniform(0.1, 2) * DAY, "not done", False)
                t = visit_t + r.uniform(0.5, 3) * DAY
                first = False
                continue
            if roll < 0.24:
                if not self.event("Visit: wrong trade", visit_t, trade, operative):
                    return -1
                if r.random() < 0.5:
                    self.demand(visit_t + r.uniform(0.2, 2) * DAY, "not done", False)
                if not self.event("Order closed", visit_t + 3600, "Contractor admin", "admin"):
                    return -1
                t = visit_t + r.uniform(1, 5) * DAY
                if not self.new_order(t):
                    return -1
                tr.closed_reraised = True
                first = False
                continue
            if not self.event("Diagnosed", visit_t, trade, operative):
                return -1
            if r.random() < 0.32:
                # closed at the first visit to meet the target; parts ordered, tenant still waits
                tr.closed_early = True
                if not self.event("Order closed", visit_t + 1800, "Contractor admin", "admin"):
                    return -1
                if r.random() < 0.4:
                    self.demand(visit_t + r.uniform(1, 5) * DAY, "not understood", False)
                t = visit_t + r.uniform(3, 12) * DAY
                self.chase(visit_t, t, 6)
                if r.random() < 0.2:
                    self.demand(t - DAY, "complaint", False)
                if not self.new_order(t):
                    return -1
                tr.closed_reraised = True
                first = False
                continue
            done = visit_t + r.uniform(0.5, 3) * 3600
            if not self.event("Repair completed", done, trade, operative):
                return -1
            if not self.event("Order closed", done + 600, "Contractor admin", "admin"):
                return -1
            if last:
                tr.completed_at = done
                tr.first_visit_fix = first and tr.orders == 1
            return done

    def after(self) -> None:
        r, tr = self.r, self.truth
        t = tr.first_contact
        self.demand(t, None, True)
        self.order = f"WO{self.counters['order'] + 1:08d}"
        if not self.event("Repair reported", t, "Repairs team", f"rt{r.randrange(1, 12):02d}"):
            return
        self.priority = "P1" if r.random() < 0.08 else "P2"
        if not self.new_order(t + 300, team="Repairs team"):
            return
        # the tenant chooses the day: often soon, sometimes later to suit them
        chosen = r.choice((0, 1, 1, 2, 2, 3, 4, 7, 10, 14)) + r.random() * 0.3
        if not self.event("Appointment booked", t + 600, "Repairs team", "rt"):
            return
        trade = PROBLEMS[tr.problem][1][0]
        operative = f"{trade[:3].lower()}{r.randrange(1, 12):02d}"
        visit_t = self.working_hours(t + chosen * DAY, t + 600)
        if r.random() < 0.05:
            self.demand(t + r.uniform(0.1, 0.9) * max(chosen, 1) * DAY, "progress chasing",
                        False)
        if not self.event("Diagnosed", visit_t, trade, operative):
            return
        tr.visits += 1
        if r.random() < 0.12:  # needs a part or a second trade: one return visit, booked
            t2 = self.working_hours(visit_t + r.uniform(1, 4) * DAY, visit_t)
            if not self.event("Return visit", t2, trade, operative):
                return
            tr.visits += 1
            visit_t = t2
        else:
            tr.first_visit_fix = True
        done = visit_t + r.uniform(0.5, 3) * 3600
        if not self.event("Repair completed", done, trade, operative):
            return
        if self.event("Order closed", done + 600, "Repairs team", "rt"):
            tr.completed_at = done


def generate_chunks(events: int, seed: int, chunk_needs: int = 20000,
                    progress: Callable[[int], None] | None = None) -> Iterator[Chunk]:
    """Chunks of needs, in order of first contact, until about ``events`` events."""
    r = random.Random(seed)
    n_needs = max(int(events / EVENTS_PER_NEED), 10)
    end = PERIOD_DAYS * DAY
    # arrivals: steady through the period, more on Mondays and fewer at weekends
    gap = end / n_needs
    counters = {"demand": 0, "order": 0}
    t = 0.0
    idx = 0
    while idx < n_needs:
        chunk = Chunk()
        for _ in range(min(chunk_needs, n_needs - idx)):
            t += r.expovariate(1 / gap)
            arrival = min(t, end - 60)
            weekday = int(arrival // DAY) % 7  # START is a Monday
            if weekday >= 5 and r.random() < 0.7:
                # most weekend problems are reported on Monday morning
                arrival += (7 - weekday) * DAY - arrival % DAY + r.uniform(8, 10) * 3600
                arrival = min(arrival, end - 60)
            idx += 1
            need = _Need(r, chunk, idx, arrival, end, counters)
            if need.truth.phase == "before":
                need.before()
            else:
                need.after()
            chunk.truth.append(need.truth)
        if progress:
            progress(len(chunk.events["activity"]))
        yield chunk
