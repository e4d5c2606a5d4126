"""A service as the workspace stores it: the dict ``Service.from_dict`` reads back."""

from __future__ import annotations

from typing import Any

from servicecheck.service.model import Service

__all__ = ["service_to_dict"]


def service_to_dict(s: Service) -> dict[str, Any]:
    """The service as the dict Service.from_dict reads back (stored in the workspace)."""
    d: dict[str, Any] = {
        "name": s.name,
        "purpose": s.purpose,
        "timezone": s.timezone,
        "clock": {"start": list(s.clock.start), "end": list(s.clock.end),
                  "start_at_first_contact": s.clock.start_at_first_contact},
        "need": {"match_columns": list(s.need.match_columns), "within_days": s.need.within_days,
                 "visit_activities": list(s.need.visit_activities)},
        "columns": dict(s.columns),
        "teams": {"activities": dict(s.activity_teams)},
        "value_steps": list(s.value_steps),
        "demand": {"types": list(s.demand_types), "failure_kinds": list(s.failure_kinds),
                   "channels": list(s.channels), "redact": s.redact,
                   "redact_names": s.redact_names,
                   "handling_minutes": dict(s.handling_minutes),
                   "link_within_days": s.link_within_days},
        "system_conditions": [
            {"name": c.name, "kind": c.kind, "note": c.note, "causes": list(c.causes)}
            for c in s.system_conditions
        ],
    }
    if s.need.link_column:
        d["need"]["link_column"] = s.need.link_column
    if s.team_column:
        d["teams"]["column"] = s.team_column
    if s.redesign_date:
        d["redesign_date"] = s.redesign_date
    if s.cost_per_minute is not None:
        d["demand"]["cost_per_minute"] = s.cost_per_minute
    if s.designed_handoffs is not None:
        d["flow"] = {"designed_handoffs": s.designed_handoffs}
    if s.costs.given:
        c = s.costs
        d["costs"] = {"currency": c.currency, "activity_minutes": dict(c.activity_minutes),
                      "activity_cost": dict(c.activity_cost),
                      "team_cost_per_minute": dict(c.team_cost_per_minute)}
        if c.visit_cost is not None:
            d["costs"]["visit_cost"] = c.visit_cost
        if c.order_cost is not None:
            d["costs"]["order_cost"] = c.order_cost
    if s.targets:
        t = s.targets
        d["targets"] = {"name": t.name, "unit": t.unit, "start": list(t.start),
                        "end": list(t.end), "timescales": dict(t.timescales_days)}
        if t.priority_column:
            d["targets"]["priority_column"] = t.priority_column
        if t.default_days is not None:
            d["targets"]["default"] = t.default_days
        if t.due_column:
            d["targets"]["due_column"] = t.due_column
        if t.due_format:
            d["targets"]["due_format"] = t.due_format
        # working-day timescales are stored as written ("10wd"), the others in days
        d["targets"]["timescales"].update(
            {k: f"{n}wd" for k, n in t.timescales_working_days.items()})
        if t.default_working_days is not None:
            d["targets"]["default"] = f"{t.default_working_days}wd"
        d["targets"].update(calendar=t.calendar, closures=list(t.closures),
                            emergency=list(t.emergency), pause=list(t.pause),
                            steps={k: list(v) for k, v in t.steps.items()})
        if t.preset:
            d["targets"]["preset"] = t.preset
    if s.changes:
        d["changes"] = [{"date": c.date, "what": c.what, "by": c.by, "rebase": c.rebase}
                        for c in s.changes]
    if s.reading.keys():
        d["import"] = s.reading.keys()
    return d
