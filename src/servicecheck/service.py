"""The service definition a team edits: purpose, the citizen's clock, needs, teams, targets.

Read from ``service.toml`` (written with comments by ``servicecheck init``). Every key is
optional except ``name``; a mistake gives one sentence naming the file, the key and the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicecheck.io.errors import InputError
from servicecheck.regulators import AWAAB_STEP_NAMES
from servicecheck.regulators import PRESETS as REGULATOR_PRESETS
from servicecheck.workdays import CALENDARS

DEFAULT_FAILURE_KINDS = (
    "not done",
    "not done right",
    "progress chasing",
    "not understood",
    "repeat",
    "complaint",
)
DEFAULT_CHANNELS = ("phone", "web", "counter", "email", "letter", "visit", "app", "unknown")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hours?|d|days?|w|weeks?)\s*$", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORKING_DAYS = re.compile(r"^\s*(\d+)\s*(wd|working[ _-]?days?)\s*$", re.I)


def working_days(text: str | int | float) -> int | None:
    """'10wd' or '10 working days' as a whole number of working days; None otherwise."""
    m = _WORKING_DAYS.match(str(text))
    return int(m.group(1)) if m else None


def parse_duration_days(text: str | int | float, *, where: str, source: str) -> float:
    """'24h', '7d', '8 weeks' or a number of days, in days."""
    if isinstance(text, int | float):
        return float(text)
    m = _DURATION.match(str(text))
    if not m:
        raise InputError(f"'{text}' is not a duration", source=source, column=where,
                         fix="write it like '24h', '7d' or '8w'")
    value, unit = float(m.group(1)), m.group(2)[0].lower()
    return value / 24 if unit == "h" else value * 7 if unit == "w" else value


@dataclass(frozen=True)
class Clock:
    """Which activity starts a clock and which stops it."""

    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    start_at_first_contact: bool = True


@dataclass(frozen=True)
class NeedRule:
    """How cases (orders) join into one need: a link column, or same keys within N days."""

    link_column: str | None = None
    match_columns: tuple[str, ...] = ()
    within_days: float = 30.0
    visit_activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetRegime:
    """The target regime's own clock and timescales, reported only beside the citizen's view."""

    name: str = ""
    unit: str = "case"
    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    priority_column: str | None = None
    timescales_days: dict[str, float] = field(default_factory=dict)
    default_days: float | None = None
    due_column: str | None = None
    due_format: str | None = None
    # timescales counted in working days (weekends, the calendar's bank holidays and the
    # closures skipped), per priority and for anything else
    timescales_working_days: dict[str, int] = field(default_factory=dict)
    default_working_days: int | None = None
    calendar: str = "england-and-wales"
    closures: tuple[str, ...] = ()
    preset: str | None = None  # a regulator's figure to compute (servicecheck.regulators)
    emergency: tuple[str, ...] = ()  # the priorities the landlord counts as emergencies
    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a preset's step marks


@dataclass(frozen=True)
class Change:
    """A change the team made to the system, from the service file's change log."""

    date: str  # ISO date
    what: str
    by: str = ""
    rebase: bool = False  # the team says the limits are recalculated from this date


@dataclass(frozen=True)
class SystemCondition:
    name: str
    kind: str
    note: str = ""
    causes: tuple[str, ...] = ()


COST_KEYS = ("currency", "activity_minutes", "activity_cost", "team_cost_per_minute",
             "visit_cost", "order_cost")
# Every key a service file may hold, and the keys of its tables. Validation and the
# documentation test (every key documented) both read this.
SERVICE_KEYS: dict[str, tuple[str, ...]] = {
    "name": (), "purpose": (), "timezone": (), "redesign_date": (), "value_steps": (),
    "clock": ("start", "end", "start_at_first_contact"),
    "need": ("link_column", "match_columns", "within_days", "visit_activities"),
    "columns": ("case", "activity", "timestamp", "start_timestamp", "team", "resource",
                "citizen_ref", "citizen_id", "need"),
    "teams": ("column", "activities"),
    "flow": ("designed_handoffs",),
    "demand": ("types", "failure_kinds", "channels", "redact", "redact_names",
               "handling_minutes", "cost_per_minute", "link_within_days"),
    "targets": ("name", "unit", "start", "end", "priority_column", "timescales", "default",
                "due_column", "due_format", "calendar", "closures", "preset", "emergency", "steps"),
    "system_conditions": ("name", "kind", "note", "causes"),
    "changes": ("date", "what", "by", "rebase"),
    "costs": COST_KEYS,
}

KEY_HINTS = {"costs": " (contact minutes and the cost of a minute go under [demand])"}


@dataclass(frozen=True)
class Costs:
    """What the work costs, as far as the team knows it; every figure optional. Contact
    handling minutes and the cost of a minute live under [demand] (handling_minutes,
    cost_per_minute); this is the rest."""

    given: bool = False  # whether the service file has a [costs] table at all
    currency: str = "£"
    activity_minutes: dict[str, float] = field(default_factory=dict)  # work time per step
    activity_cost: dict[str, float] = field(default_factory=dict)  # fixed cost per step (post)
    team_cost_per_minute: dict[str, float] = field(default_factory=dict)
    visit_cost: float | None = None
    order_cost: float | None = None


@dataclass(frozen=True)
class Service:
    """A service as the team defines it in its service file."""

    name: str
    purpose: str = ""
    timezone: str = "Europe/London"
    clock: Clock = field(default_factory=Clock)
    need: NeedRule = field(default_factory=NeedRule)
    columns: dict[str, str] = field(default_factory=dict)
    team_column: str | None = None
    activity_teams: dict[str, str] = field(default_factory=dict)
    value_steps: tuple[str, ...] = ()
    demand_types: tuple[str, ...] = ()
    failure_kinds: tuple[str, ...] = DEFAULT_FAILURE_KINDS
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    redact: bool = True
    redact_names: bool = False  # also mask the name after "my name is" (needs redact)
    handling_minutes: dict[str, float] = field(default_factory=dict)
    cost_per_minute: float | None = None
    link_within_days: float = 14.0
    redesign_date: str | None = None
    designed_handoffs: int | None = None
    targets: TargetRegime | None = None
    system_conditions: tuple[SystemCondition, ...] = ()
    costs: Costs = field(default_factory=Costs)
    path: Path | None = None
    changes: tuple[Change, ...] = ()  # the team's change log, in date order

    @property
    def phase_dates(self) -> list[str]:
        """Where limits are recalculated: the redesign date and every change the team
        marked ``rebase``; never a date the tool inferred."""
        dates = {c.date for c in self.changes if c.rebase}
        if self.redesign_date:
            dates.add(str(self.redesign_date))
        return sorted(dates)

    def change_before(self, when: Any) -> Change | None:
        """The latest change on or before a date: the change a signal follows, if any."""
        day = str(when)[:10]
        done = [c for c in self.changes if c.date <= day]
        return done[-1] if done else None

    @property
    def key(self) -> str:
        """The short name stored in the ``service`` column of the workspace."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "service"

    @classmethod
    def load(cls, path: str | Path) -> Service:
        p = Path(path)
        if not p.exists():
            raise InputError("the service file does not exist", source=str(p),
                             fix="check the path, or write one with 'servicecheck init'")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise InputError(f"the file is not valid TOML ({exc})", source=str(p),
                             row=int(line.group(1)) if line else None,
                             fix="correct the line it names (quotes, '=' and brackets)") from None
        return cls.from_dict(data, source=str(p), path=p)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "service file",
                  path: Path | None = None) -> Service:
        for key, value in data.items():
            if key not in SERVICE_KEYS:
                raise InputError(f"'{key}' is not a service-file key", source=source,
                                 column=key,
                                 fix=f"use one of: {', '.join(sorted(SERVICE_KEYS))}")
            inner = SERVICE_KEYS[key]
            tables = value if isinstance(value, list) else [value]
            for table in tables if inner else []:
                for sub in table if isinstance(table, dict) else []:
                    if sub not in inner:
                        raise InputError(f"'{key}.{sub}' is not a service-file key",
                                         source=source, column=f"{key}.{sub}",
                                         fix=f"use one of: {', '.join(inner)}"
                                         + KEY_HINTS.get(key, ""))
        name = _str(data, "name", source, required=True)
        clock_d = _table(data, "clock", source)
        clock = Clock(
            start=_strs(clock_d, "start", source, "clock."),
            end=_strs(clock_d, "end", source, "clock."),
            start_at_first_contact=bool(clock_d.get("start_at_first_contact", True)),
        )
        need_d = _table(data, "need", source)
        need = NeedRule(
            link_column=need_d.get("link_column"),
            match_columns=_strs(need_d, "match_columns", source, "need."),
            within_days=float(need_d.get("within_days", 30)),
            visit_activities=_strs(need_d, "visit_activities", source, "need."),
        )
        teams_d = _table(data, "teams", source)
        flow_d = _table(data, "flow", source)
        designed = flow_d.get("designed_handoffs")
        if designed is not None and (not isinstance(designed, int) or designed < 0):
            raise InputError("'flow.designed_handoffs' must be a whole number, 0 or more",
                             source=source, column="flow.designed_handoffs",
                             fix="write how many hand-offs the work needs by design, e.g. 1")
        demand_d = _table(data, "demand", source)
        targets = None
        if "targets" in data:
            t = _table(data, "targets", source)
            given = {str(k): v for k, v in _table(t, "timescales", source).items()}
            wd = {k: n for k, v in given.items() if (n := working_days(v)) is not None}
            scales = {
                k: parse_duration_days(v, where=f"targets.timescales.{k}", source=source)
                for k, v in given.items() if k not in wd
            }
            default = t.get("default")
            default_wd = None if default is None else working_days(default)
            if default_wd is not None:
                default = None
            calendar = str(t.get("calendar", "england-and-wales"))
            if calendar not in CALENDARS:
                raise InputError(f"'{calendar}' is not a UK working-day calendar",
                                 source=source, column="targets.calendar",
                                 fix=f"write one of {', '.join(CALENDARS)}")
            closures = _strs(t, "closures", source, "targets.")
            for day in closures:
                if not _ISO_DATE.match(day):
                    raise InputError(f"closure day '{day}' is not a date", source=source,
                                     column="targets.closures", fix="write it as YYYY-MM-DD")
            preset = t.get("preset")
            if preset is not None and preset not in REGULATOR_PRESETS:
                raise InputError(f"'{preset}' is not a regulator's preset", source=source,
                                 column="targets.preset",
                                 fix=f"write one of {', '.join(REGULATOR_PRESETS)}")
            odd = set(_table(t, "steps", source)) - set(AWAAB_STEP_NAMES)
            if odd:
                raise InputError(f"'{sorted(odd)[0]}' is not a step the presets know",
                                 source=source, column="targets.steps",
                                 fix=f"name steps among {', '.join(AWAAB_STEP_NAMES)}")
            targets = TargetRegime(
                name=str(t.get("name", "")),
                unit=str(t.get("unit", "case")),
                start=_strs(t, "start", source, "targets."),
                end=_strs(t, "end", source, "targets."),
                priority_column=t.get("priority_column"),
                timescales_days=scales,
                default_days=None if default is None
                else parse_duration_days(default, where="targets.default", source=source),
                due_column=t.get("due_column"),
                due_format=t.get("due_format"),
                timescales_working_days=wd,
                default_working_days=default_wd,
                calendar=calendar,
                closures=closures,
                preset=preset,
                emergency=_strs(t, "emergency", source, "targets."),
                steps={str(k): _strs(t["steps"], str(k), source, "targets.steps.")
                       for k in _table(t, "steps", source)},
            )
        conditions = tuple(
            SystemCondition(
                name=str(c.get("name", "")),
                kind=str(c.get("kind", "")),
                note=str(c.get("note", "")),
                causes=tuple(str(x) for x in c.get("causes", [])),
            )
            for c in data.get("system_conditions", [])
        )
        costs = _costs(data, source)
        changes = tuple(sorted((_change(c, i, source) for i, c in
                                enumerate(data.get("changes", []), start=1)),
                               key=lambda c: c.date))
        columns = {str(k): str(v) for k, v in _table(data, "columns", source).items()}
        return cls(
            name=name,
            purpose=_str(data, "purpose", source),
            timezone=_str(data, "timezone", source) or "Europe/London",
            clock=clock,
            need=need,
            columns=columns,
            team_column=teams_d.get("column"),
            activity_teams={str(k): str(v) for k, v in _table(teams_d, "activities",
                                                               source).items()},
            value_steps=_strs(data, "value_steps", source, ""),
            demand_types=_strs(demand_d, "types", source, "demand."),
            failure_kinds=_strs(demand_d, "failure_kinds", source, "demand.")
            or DEFAULT_FAILURE_KINDS,
            channels=_strs(demand_d, "channels", source, "demand.") or DEFAULT_CHANNELS,
            redact=bool(demand_d.get("redact", True)),
            redact_names=bool(demand_d.get("redact_names", False)),
            handling_minutes={str(k): float(v) for k, v in
                              _table(demand_d, "handling_minutes", source).items()},
            cost_per_minute=(float(demand_d["cost_per_minute"])
                             if "cost_per_minute" in demand_d else None),
            link_within_days=float(demand_d.get("link_within_days", 14)),
            redesign_date=data.get("redesign_date"),
            designed_handoffs=designed,
            targets=targets,
            system_conditions=conditions,
            costs=costs,
            path=path,
            changes=changes,
        )


def _change(c: Any, i: int, source: str) -> Change:
    d = c if isinstance(c, dict) else {}
    day, what = str(d.get("date", "")), d.get("what")
    if not _ISO_DATE.match(day) or not what:
        raise InputError(f"change {i} needs a date (YYYY-MM-DD) and what was changed",
                         source=source, column="changes",
                         fix='write it like [[changes]] date = "2025-03-03" what = "..."')
    return Change(date=day, what=str(what), by=str(d.get("by", "")),
                  rebase=bool(d.get("rebase", False)))




def _costs(data: dict[str, Any], source: str) -> Costs:
    if "costs" not in data:
        return Costs()
    c = _table(data, "costs", source)  # its keys were checked against SERVICE_KEYS

    def amounts(key: str) -> dict[str, float]:
        out = {}
        for k, v in _table(c, key, source).items():
            if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
                raise InputError(f"'costs.{key}.{k}' is not an amount", source=source,
                                 column=f"costs.{key}", fix="write a number, 0 or more")
            out[str(k)] = float(v)
        return out

    def amount(key: str) -> float | None:
        v = c.get(key)
        if v is None:
            return None
        if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
            raise InputError(f"'costs.{key}' is not an amount", source=source,
                             column=f"costs.{key}", fix="write a number, 0 or more")
        return float(v)

    return Costs(given=True, currency=str(c.get("currency", "£")),
                 activity_minutes=amounts("activity_minutes"),
                 activity_cost=amounts("activity_cost"),
                 team_cost_per_minute=amounts("team_cost_per_minute"),
                 visit_cost=amount("visit_cost"), order_cost=amount("order_cost"))


def _str(d: dict[str, Any], key: str, source: str, *, required: bool = False) -> str:
    v = d.get(key)
    if v is None:
        if required:
            raise InputError(f"the key '{key}' is missing", source=source, column=key,
                             fix=f"add {key} = \"...\" at the top of the file")
        return ""
    if not isinstance(v, str):
        raise InputError(f"'{key}' must be text", source=source, column=key,
                         fix=f"write it in quotes: {key} = \"...\"")
    return v


def _table(d: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    v = d.get(key, {})
    if not isinstance(v, dict):
        raise InputError(f"'{key}' must be a table", source=source, column=key,
                         fix=f"write it as a section: [{key}]")
    return v


def _strs(d: dict[str, Any], key: str, source: str, prefix: str) -> tuple[str, ...]:
    v = d.get(key)
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise InputError(f"'{prefix}{key}' must be text or a list of texts", source=source,
                         column=f"{prefix}{key}", fix=f'write it like {key} = ["a", "b"]')
    return tuple(v)
