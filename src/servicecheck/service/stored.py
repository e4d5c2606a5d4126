"""A service as the workspace stores it: the dict ``Service.from_dict`` reads back, and the
way back without the schema.

What a workspace stores was checked against the schema when the team's file was read (or
built as a typed ``Service``); reading it back through pydantic cost a command such as
``servicecheck flow`` about 0.2 s of CPU to build the schema's models. ``service_from_dict``
reads the dict ``service_to_dict`` writes, key for key, and nothing else: the two are kept
each other's inverse by tests/test_service_schema.py on every service file it knows.
"""

from __future__ import annotations

from typing import Any

from servicecheck.service.model import (
    Change,
    Clock,
    Costs,
    ImportSettings,
    NeedRule,
    Service,
    SystemCondition,
    TargetRegime,
)
from servicecheck.service.values import duration_days, working_days

__all__ = ["service_from_dict", "service_to_dict"]


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


def service_from_dict(d: dict[str, Any]) -> Service:
    """The service ``service_to_dict`` wrote (JSON's lists as tuples again); a key left out
    takes the model's default, as ``service_to_dict`` leaves out what is unset (and a
    workspace written before a key existed never wrote it)."""
    clock, need, teams = d.get("clock", {}), d.get("need", {}), d.get("teams", {})
    dem, costs = d.get("demand", {}), d.get("costs")
    return Service(
        name=d["name"], purpose=d.get("purpose", ""),
        timezone=d.get("timezone", Service.timezone),
        clock=Clock(start=tuple(clock.get("start", ())), end=tuple(clock.get("end", ())),
                    start_at_first_contact=clock.get("start_at_first_contact", True)),
        need=NeedRule(link_column=need.get("link_column"),
                      match_columns=tuple(need.get("match_columns", ())),
                      within_days=need.get("within_days", NeedRule.within_days),
                      visit_activities=tuple(need.get("visit_activities", ()))),
        columns=dict(d.get("columns", {})),
        team_column=teams.get("column"), activity_teams=dict(teams.get("activities", {})),
        value_steps=tuple(d.get("value_steps", ())),
        demand_types=tuple(dem.get("types", ())),
        failure_kinds=tuple(dem.get("failure_kinds", Service.failure_kinds)),
        channels=tuple(dem.get("channels", Service.channels)),
        redact=dem.get("redact", True), redact_names=dem.get("redact_names", False),
        handling_minutes=dict(dem.get("handling_minutes", {})),
        cost_per_minute=dem.get("cost_per_minute"),
        link_within_days=dem.get("link_within_days", Service.link_within_days),
        redesign_date=d.get("redesign_date"),
        designed_handoffs=d.get("flow", {}).get("designed_handoffs"),
        targets=_targets(d["targets"]) if "targets" in d else None,
        system_conditions=tuple(SystemCondition(name=c["name"], kind=c["kind"],
                                                note=c.get("note", ""),
                                                causes=tuple(c.get("causes", ())))
                                for c in d.get("system_conditions", ())),
        costs=Costs() if costs is None else Costs(
            given=True, currency=costs.get("currency", Costs.currency),
            activity_minutes=dict(costs.get("activity_minutes", {})),
            activity_cost=dict(costs.get("activity_cost", {})),
            team_cost_per_minute=dict(costs.get("team_cost_per_minute", {})),
            visit_cost=costs.get("visit_cost"), order_cost=costs.get("order_cost")),
        changes=tuple(Change(date=c["date"], what=c["what"], by=c.get("by", ""),
                             rebase=c.get("rebase", False)) for c in d.get("changes", ())),
        reading=ImportSettings(**d.get("import", {})),
    )


def _targets(t: dict[str, Any]) -> TargetRegime:
    """The regime ``service_to_dict`` wrote: timescales in days, or as written ("10wd")."""
    scales: dict[str, float | str] = t.get("timescales", {})
    default = t.get("default")
    return TargetRegime(
        name=t.get("name", ""), unit=t.get("unit", TargetRegime.unit),
        start=tuple(t.get("start", ())), end=tuple(t.get("end", ())),
        priority_column=t.get("priority_column"),
        timescales_days={k: duration_days(v) for k, v in scales.items()
                         if not isinstance(v, str)},
        default_days=None if default is None or isinstance(default, str) else float(default),
        due_column=t.get("due_column"), due_format=t.get("due_format"),
        timescales_working_days={k: working_days(v) or 0 for k, v in scales.items()
                                 if isinstance(v, str)},
        default_working_days=working_days(default) if isinstance(default, str) else None,
        calendar=t.get("calendar", TargetRegime.calendar),
        closures=tuple(t.get("closures", ())), preset=t.get("preset"),
        emergency=tuple(t.get("emergency", ())),
        steps={k: tuple(v) for k, v in t.get("steps", {}).items()},
        pause=tuple(t.get("pause", ())))
