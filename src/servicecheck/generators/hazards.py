"""The repairs service's hazards under Awaab's Law, with a known truth.

Some of the synthetic tenants' problems are hazards a social landlord in England must deal
with to fixed timescales since 27 October 2025 (Awaab's Law): every damp-and-mould problem
is a significant hazard, and a few electrical, heating and leak problems are emergency
hazards. The landlord keeps them in a hazard register beside the repair orders (as many do):
one hazard case per need, linked to the repairs log by the same ``need_id``, tenant and
property. The register is its own log (``hazards.parquet``) with its own service file
(``hazards.toml``, ``[targets] preset = "awaabs-law"``), so the repairs log, its orders and
its truth are unchanged by it.

The generator decides each step's time as a landlord's diary would: a significant hazard is
investigated on the k-th working day after the landlord became aware (a day of the service's
own zone, England and Wales bank holidays skipped, ``servicecheck.workdays``), its written
findings, safety work and further work follow the investigation; an emergency is
investigated and made safe within hours. The truth records each k it chose, so the
``awaabs-law`` figures are checked exactly against what the generator meant, not against
the same arithmetic run twice. Before the redesign the register runs late; after it, mostly
on time. Drawn from its own random stream: the repairs log is the same with or without it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from servicecheck import workdays

TZ = ZoneInfo("Europe/London")
CALENDAR = "england-and-wales"
HOUR = 3600.0
DAY = 86400.0
# the activity that marks each Awaab's Law step in the register
AWARE, INVESTIGATED, SUMMARY = "Hazard reported", "Hazard inspected", "Findings sent"
MADE_SAFE, FURTHER_WORK, DONE = "Made safe", "Further works started", "Works completed"
EMERGENCY, SIGNIFICANT = "Emergency", "Damp and mould"  # the register's hazard column
EMERGENCY_PROBLEMS = ("electrics", "boiler", "leak")
EMERGENCY_SHARE = 0.06
# (phase) -> the working days the landlord took: investigation after awareness, written
# findings after the investigation, safety work after it; further work in calendar days
SIGNIFICANT_DAYS = {
    "before": {"investigated": (2, 16), "summary": (1, 6), "made_safe": (1, 9),
               "further_work": (20.0, 120.0)},
    "after": {"investigated": (1, 9), "summary": (0, 3), "made_safe": (0, 5),
              "further_work": (7.0, 80.0)},
}
EMERGENCY_HOURS = {"before": (1.0, 30.0), "after": (0.5, 12.0)}  # to investigate, then to
# make safe after the investigation

COLUMNS = ("need_id", "case_id", "activity", "timestamp", "team", "resource", "hazard",
           "property_ref", "citizen_ref")
TRUTH_COLUMNS = ("case_id", "need_id", "hazard", "phase", "aware", "investigated", "summary",
                 "made_safe", "further_work", "investigated_wd", "summary_wd",
                 "made_safe_wd")


@dataclass
class Register:
    """The hazard register's events and its truth, built need by need."""

    events: dict[str, list[Any]]
    truth: dict[str, list[Any]]

    @classmethod
    def empty(cls) -> Register:
        return cls({k: [] for k in COLUMNS}, {k: [] for k in TRUTH_COLUMNS})


def _local(seconds: float, start: dt.datetime) -> dt.datetime:
    return (start + dt.timedelta(seconds=seconds)).astimezone(TZ)


def _seconds(when: dt.datetime, start: dt.datetime) -> float:
    return (when - start).total_seconds()


def _working_day_time(r: random.Random, after: dt.datetime, k: int) -> dt.datetime:
    """A time in working hours (08:00 to 17:00 in London) on the k-th working day after
    ``after``'s date; on that same date (k = 0) a little later than ``after``."""
    day = workdays.add(after.date(), k, CALENDAR)
    if k == 0:
        return after + dt.timedelta(hours=r.uniform(0.5, 4.0))
    wall = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
    return wall + dt.timedelta(hours=r.uniform(0.0, 9.0))


def add_hazards(reg: Register, r: random.Random, needs: Sequence[Any], counter: list[int],
                start: dt.datetime, end: float) -> None:
    """The hazards among ``needs`` (the repairs generator's NeedTruth rows), in the register.
    A step after the data end (``end`` seconds after ``start``) is not recorded: it has not
    happened yet, and the truth says so."""
    for need in needs:
        if need.problem == "damp":
            kind = SIGNIFICANT
        elif need.problem in EMERGENCY_PROBLEMS and r.random() < EMERGENCY_SHARE:
            kind = EMERGENCY
        else:
            continue
        counter[0] += 1
        case = f"HZ{counter[0]:07d}"
        aware = _local(need.first_contact + r.uniform(60.0, 900.0), start)
        if aware > _local(end, start):
            continue
        steps: dict[str, dt.datetime] = {"aware": aware}
        chosen: dict[str, int | None] = {"investigated": None, "summary": None,
                                         "made_safe": None}
        if kind == EMERGENCY:
            lo, hi = EMERGENCY_HOURS[need.phase]
            steps["investigated"] = aware + dt.timedelta(hours=r.uniform(lo, hi))
            steps["made_safe"] = steps["investigated"] + dt.timedelta(hours=r.uniform(lo, hi))
        else:
            days = SIGNIFICANT_DAYS[need.phase]
            for step, frm in (("investigated", "aware"), ("summary", "investigated"),
                              ("made_safe", "investigated")):
                lo_k, hi_k = days[step]
                chosen[step] = r.randint(int(lo_k), int(hi_k))
                steps[step] = _working_day_time(r, steps[frm], int(chosen[step] or 0))
            lo_d, hi_d = days["further_work"]
            steps["further_work"] = steps["investigated"] + dt.timedelta(
                days=r.uniform(lo_d, hi_d))
        finished = max(steps.values()) + dt.timedelta(days=r.uniform(1.0, 20.0))
        marks = [("aware", AWARE, "Repairs team"), ("investigated", INVESTIGATED, "Surveyor"),
                 ("summary", SUMMARY, "Repairs team"), ("made_safe", MADE_SAFE, "Surveyor"),
                 ("further_work", FURTHER_WORK, "Damp team")]
        last_day = _local(end, start)
        recorded: dict[str, dt.datetime | None] = {}
        for step, activity, team in marks:
            when = steps.get(step)
            recorded[step] = when if when is not None and when <= last_day else None
            if recorded[step] is not None:
                _event(reg, need, case, activity, when, team, kind, start)  # type: ignore[arg-type]
        if kind == SIGNIFICANT and finished <= last_day:
            _event(reg, need, case, DONE, finished, "Damp team", kind, start)
        t = reg.truth
        for k, v in (("case_id", case), ("need_id", need.need_id),
                     ("hazard", "emergency" if kind == EMERGENCY else "significant"),
                     ("phase", need.phase), *recorded.items(),
                     ("investigated_wd", chosen["investigated"]),
                     ("summary_wd", chosen["summary"]), ("made_safe_wd", chosen["made_safe"])):
            t[k].append(v)


def _event(reg: Register, need: Any, case: str, activity: str, when: dt.datetime, team: str,
           kind: str, start: dt.datetime) -> None:
    e = reg.events
    for k, v in (("need_id", need.need_id), ("case_id", case), ("activity", activity),
                 ("timestamp", _seconds(when, start)), ("team", team),
                 ("resource", team.split()[0].lower()), ("hazard", kind),
                 ("property_ref", need.property_ref), ("citizen_ref", need.citizen_ref)):
        e[k].append(v)


def _utc(values: Sequence[dt.datetime | None]) -> pa.Array:
    return pa.array([None if v is None else v.astimezone(dt.UTC) for v in values],
                    type=pa.timestamp("us", tz="UTC"))


def events_table(reg: Register, start: dt.datetime) -> pa.Table:
    base = start.timestamp()
    data = {k: (pa.array([round((base + v) * 1_000_000) for v in vals],
                         type=pa.timestamp("us", tz="UTC")) if k == "timestamp"
                else pa.array(vals, type=pa.string()))
            for k, vals in reg.events.items()}
    table = pa.table(data)
    return table.take(pc.sort_indices(table, [("timestamp", "ascending")]))


def truth_table(reg: Register) -> pa.Table:
    t = reg.truth
    return pa.table({k: (_utc(v) if k in ("aware", "investigated", "summary", "made_safe",
                                          "further_work")
                         else pa.array(v, type=pa.int64()) if k.endswith("_wd")
                         else pa.array(v, type=pa.string()))
                     for k, v in t.items()})


SERVICE_TOML = '''# The synthetic landlord's hazard register under Awaab's Law: damp and mould, and
# emergency hazards. One hazard case per tenant's problem, linked to the repairs log by need_id.
# Edit it: every key is explained in docs/service-file.md.
name = "Hazards"
purpose = "Make my home safe and dry, quickly"
timezone = "Europe/London"
redesign_date = "2024-12-30"
value_steps = ["Hazard inspected", "Made safe", "Works completed"]

[clock]
# the tenant's clock: from the report to the home being safe (an emergency) or the works
# done (damp and mould)
start = ["Hazard reported"]
end = ["Works completed", "Made safe"]
start_at_first_contact = false

[need]
link_column = "need_id"
visit_activities = ["Hazard inspected", "Made safe", "Further works started"]

[columns]
case = "case_id"
activity = "activity"
timestamp = "timestamp"
resource = "resource"
team = "team"
citizen_ref = "citizen_ref"

[targets]
# Awaab's Law: the landlord becomes aware at the report; emergencies within 24 hours, damp
# and mould investigated within 10 working days (the other steps follow the investigation)
name = "Awaab's Law timescales"
unit = "hazard"
start = ["Hazard reported"]
end = ["Made safe"]
priority_column = "hazard"
timescales = { Emergency = "24h", "Damp and mould" = "10wd" }
calendar = "england-and-wales"
preset = "awaabs-law"
emergency = ["Emergency"]

[targets.steps]
investigated = ["Hazard inspected"]
summary = ["Findings sent"]
made_safe = ["Made safe"]
further_work = ["Further works started"]
'''
