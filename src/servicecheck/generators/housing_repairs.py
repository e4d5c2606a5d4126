"""The synthetic housing-repairs service written to a folder: events, demands, its service
file and the ground truth, as Parquet (and CSV), with known truth before and after a redesign
(``repairs_needs`` makes the needs).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from servicecheck.generators.repairs_needs import (
    DAY,
    PERIOD_DAYS,
    START,
    Chunk,
    generate_chunks,
)


def _ts(values: list[float]) -> pa.Array:
    base = START.timestamp()
    return pa.array([int((base + v) * 1_000_000) for v in values],
                    type=pa.timestamp("us", tz="UTC"))


def _events_table(c: Chunk) -> pa.Table:
    cols = dict(c.events)
    data = {k: (_ts(v) if k == "timestamp" else pa.array(v, type=pa.string()))
            for k, v in cols.items()}
    table = pa.table(data)
    # sort by order of events within each need as a council system would export: by time
    idx = pa.compute.sort_indices(table, [("timestamp", "ascending")])
    return table.take(idx)


def _demands_table(c: Chunk) -> pa.Table:
    d = c.demands
    table = pa.table({
        k: (_ts(v) if k == "received_at" else
            pa.array(v, type=pa.bool_()) if k == "first_point_resolved" else
            pa.array(v, type=pa.string()))
        for k, v in d.items()
    })
    return table.take(pa.compute.sort_indices(table, [("received_at", "ascending")]))


def _orders_table(c: Chunk) -> pa.Table:
    """The generator's own record of each order: raised, first closed, its priority then."""
    rows = [o for o in c.orders.values() if o[2] is not None]
    return pa.table({
        "case_id": pa.array([o[0] for o in rows], type=pa.string()),
        "need_id": pa.array([o[1] for o in rows], type=pa.string()),
        "raised": _ts([o[2] for o in rows]),
        "closed": pa.array([None if o[3] is None else int((START.timestamp() + o[3]) * 1e6)
                            for o in rows], type=pa.timestamp("us", tz="UTC")),
        "priority": pa.array([o[4] or None for o in rows], type=pa.string()),
    })


def _truth_table(c: Chunk) -> pa.Table:
    rows = c.truth
    base = START.timestamp()

    def ts(v: float | None) -> int | None:
        return None if v is None else int((base + v) * 1_000_000)

    return pa.table({
        "need_id": [t.need_id for t in rows],
        "citizen_ref": [t.citizen_ref for t in rows],
        "problem": [t.problem for t in rows],
        "demand_type": [t.demand_type for t in rows],
        "phase": [t.phase for t in rows],
        "first_contact": pa.array([ts(t.first_contact) for t in rows],
                                  type=pa.timestamp("us", tz="UTC")),
        "completed_at": pa.array([ts(t.completed_at) for t in rows],
                                 type=pa.timestamp("us", tz="UTC")),
        "end_to_end_days": [None if t.completed_at is None
                            else (ts(t.completed_at) - ts(t.first_contact)) / 1e6 / DAY  # type: ignore[operator]
                            for t in rows],
        "orders": [t.orders for t in rows],
        "visits": [t.visits for t in rows],
        "contacts": [t.contacts for t in rows],
        "failure_demands": [t.failure_demands for t in rows],
        "first_visit_fix": [t.first_visit_fix for t in rows],
        "late_start": [t.late_start for t in rows],
        "late_start_days": [t.late_start_days for t in rows],
        "split": [t.split for t in rows],
        "closed_early": [t.closed_early for t in rows],
        "closed_reraised": [t.closed_reraised for t in rows],
        "reprioritised": [t.reprioritised for t in rows],
        "repeat_report": [t.repeat_report for t in rows],
    })


SERVICE_TOML = '''# The synthetic housing-repairs service, as a team would describe it.
# Edit it: every key is explained in docs/service-file.md.
name = "Housing repairs"
purpose = "Fix my problem, when it suits me, first time"
timezone = "Europe/London"
# a known change in the system: capability limits are recalculated from here
redesign_date = "2024-12-30"
# the steps that directly serve purpose: everything else is waiting or waste
value_steps = ["Diagnosed", "Repair completed", "Return visit"]

[clock]
# the citizen's clock starts at the tenant's first contact and stops when the repair works,
# after all visits and all linked orders
start = ["Repair reported"]
end = ["Repair completed"]
start_at_first_contact = true

[need]
# orders that serve one tenant's problem carry the same need reference
link_column = "need_id"
# the activities that are a visit to the tenant's home
visit_activities = ["Diagnosed", "No access", "Visit: wrong trade", "Return visit"]

[flow]
# by design a repair changes hands twice: to the trade who fixes it, and back to close it
designed_handoffs = 2

[columns]
case = "case_id"
activity = "activity"
timestamp = "timestamp"
resource = "resource"
team = "team"
citizen_ref = "citizen_ref"

[demand]
types = ["Heating and hot water", "Leaks and plumbing", "Damp and mould", "Windows and doors",
         "Electrics", "Roof and gutters", "Progress of my repair", "Missed appointment",
         "Repair not fixed", "Letter or message unclear", "Complaint"]
channels = ["phone", "web", "counter"]
redact = true
# what handling a contact takes, for the cost of failure demand (minutes; £ per minute)
handling_minutes = { phone = 6.0, web = 4.0, counter = 9.0 }
cost_per_minute = 0.55
# a contact with no case reference belongs to the citizen's need open within this many days
link_within_days = 14

[costs]
# What the work costs, for the economics of flow (servicecheck costs). Contact minutes and
# the cost of a minute are under [demand]; these are the rest. Figures are illustrative.
currency = "£"
# travel and van time for each visit, and raising, scheduling and paying each order
visit_cost = 28.0
order_cost = 6.0
# a minute costs £0.55 unless the team is named here
team_cost_per_minute = { "Call centre" = 0.40, "Contractor admin" = 0.45 }

[costs.activity_minutes]
# work time of each step, in minutes (the report of the repair is the call, costed as a contact)
"Order raised" = 6
"Appointment booked" = 4
"Priority changed" = 3
"Diagnosed" = 40
"No access" = 25
"Visit: wrong trade" = 30
"Return visit" = 60
"Repair completed" = 60
"Order closed" = 4

[targets]
# the regime's clock: each order from raised to closed, against its priority timescale
name = "Repairs completed within priority timescale"
unit = "order"
start = ["Order raised"]
end = ["Order closed"]
priority_column = "priority"
timescales = { P1 = "24h", P2 = "7d", P3 = "28d" }
# the Regulator of Social Housing's TSM RP02, computed beside the tenants' clock
preset = "tsm-rp02"
emergency = ["P1"]
# after "No access" the landlord waits for the tenant: the figure is shown with and without
# the clock stopped while it waits
pause = ["No access"]

[[changes]]
# the team's change log: drawn on every chart over time
date = "2024-12-30"
what = "Trades diagnose at the door and tenants choose the day"
by = "Repairs redesign team"
rebase = true

[[system_conditions]]
name = "Orders closed at first visit to meet the timescale"
kind = "measures"
causes = ["Order closed", "Order raised"]

[[system_conditions]]
name = "One order per trade"
kind = "procedures"
causes = ["Order raised"]

[[system_conditions]]
name = "Call centre raises orders without diagnosis"
kind = "structure"
causes = ["Visit: wrong trade", "No access"]
'''


@dataclass(frozen=True)
class Generated:
    folder: Path
    events: int
    demands: int
    needs: int

    @property
    def service_file(self) -> Path:
        return self.folder / "service.toml"

    @property
    def events_parquet(self) -> Path:
        return self.folder / "events.parquet"

    @property
    def demands_parquet(self) -> Path:
        return self.folder / "demands.parquet"

    @property
    def truth_parquet(self) -> Path:
        return self.folder / "ground_truth.parquet"

    @property
    def orders_truth_parquet(self) -> Path:
        return self.folder / "orders_truth.parquet"

    @property
    def hazards_parquet(self) -> Path:
        """The hazard register (generators.hazards), with its service file and truth."""
        return self.folder / "hazards.parquet"

    @property
    def hazards_service_file(self) -> Path:
        return self.folder / "hazards.toml"

    @property
    def hazards_truth_parquet(self) -> Path:
        return self.folder / "hazards_truth.parquet"


def generate(out: str | Path, *, events: int = 60000, seed: int = 1, csv: bool = True,
             progress: Callable[[int], None] | None = None) -> Generated:
    """Write the synthetic service (events, demands, service file, ground truth) to a folder,
    and its hazard register under Awaab's Law (``generators.hazards``) beside it."""
    from servicecheck.generators import hazards

    folder = Path(out)
    # the register's own random stream: the repairs log is the same with or without it
    hazard_random, hazard_count = random.Random(f"hazards-{seed}"), [0]
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Any] = {}
    n_events = n_demands = n_needs = 0
    try:
        for chunk in generate_chunks(events, seed, progress=progress):
            register = hazards.Register.empty()
            hazards.add_hazards(register, hazard_random, chunk.truth, hazard_count, START,
                                PERIOD_DAYS * DAY)
            for name, table in (("events", _events_table(chunk)),
                                ("demands", _demands_table(chunk)),
                                ("ground_truth", _truth_table(chunk)),
                                ("orders_truth", _orders_table(chunk)),
                                ("hazards", hazards.events_table(register, START)),
                                ("hazards_truth", hazards.truth_table(register))):
                if name not in writers:
                    writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
                    if csv:
                        writers[name + ".csv"] = pacsv.CSVWriter(folder / f"{name}.csv",
                                                                 table.schema)
                writers[name].write_table(table)
                if csv:
                    writers[name + ".csv"].write_table(table)
            n_events += len(chunk.events["activity"])
            n_demands += len(chunk.demands["demand_id"])
            n_needs += len(chunk.truth)
    finally:
        for w in writers.values():
            w.close()
    (folder / "service.toml").write_text(SERVICE_TOML, encoding="utf-8")
    (folder / "hazards.toml").write_text(hazards.SERVICE_TOML, encoding="utf-8")
    return Generated(folder, n_events, n_demands, n_needs)
