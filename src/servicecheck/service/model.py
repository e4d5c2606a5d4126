"""The service definition a team edits: purpose, the citizen's clock, needs, teams, targets.

Read from ``service.toml`` (written with comments by ``servicecheck init``). Every key is
optional except ``name``; a mistake gives one sentence naming the file, the key and the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servicecheck.io.errors import InputError
from servicecheck.service.values import (
    DEFAULT_CHANNELS,
    DEFAULT_FAILURE_KINDS,
    duration_days,
    working_days,
)

if TYPE_CHECKING:  # the schema (pydantic) loads only to check a team's file: values.py
    from servicecheck.service.schema import CostKeys, ServiceKeys

__all__ = ["Service", "parse_duration_days", "working_days"]


def parse_duration_days(text: str | int | float, *, where: str, source: str) -> float:
    """'24h', '7d', '8 weeks' or a number of days, in days; else one sentence."""
    try:
        return duration_days(text)
    except ValueError as exc:
        problem, _, fix = str(exc).partition("; ")
        raise InputError(problem, source=source, column=where, fix=fix) from None


# Letters NFKD leaves whole, written as the languages that use them transliterate them
_FOLD = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d",
                       "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ŋ": "ng"})
# the rule before 3 Dec 2026: any run of characters but a-z and 0-9 became one hyphen, so a
# letter with an accent was lost ("Vorgänge Bauamt" -> "vorg-nge-bauamt")
_FORMER = re.compile(r"[^a-z0-9]+")


def service_key(name: str) -> str:
    """A service's key from its name: lower case, accents taken off letters (NFKD: ä -> a,
    é -> e), ß -> ss and the like, every other run of characters one hyphen. No letter is
    dropped: a letter of a script with no Latin spelling here stays as it is ("Vorgänge
    Bauamt" -> "vorgange-bauamt", "Δήμος" -> "δημος")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name.lower().translate(_FOLD))
    kept = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "-", kept).strip("-") or "service"


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
    preset: str | None = None  # a regulator's figure to compute (servicecheck.measures.regulators)
    emergency: tuple[str, ...] = ()  # the priorities the landlord counts as emergencies
    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a preset's step marks
    # activities after which the landlord waits for access: the clock sensitivity shows the
    # figure with the clock stopped from each to the order's next event, and without
    pause: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """A change the team made to the system, from the service file's change log."""

    date: str  # ISO date
    what: str
    by: str = ""
    rebase: bool = False  # the team says the limits are recalculated from this date


@dataclass(frozen=True)
class ImportSettings:
    """How the team's export is read ([import]): the sheet, the header row, a case table's
    moments (date column -> the activity it records), the date order, the zone of times
    written without one, and the share of unreadable rows an import may set aside."""

    sheet: str | None = None
    header_row: int | None = None
    moments: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    timezone: str | None = None
    max_rejects: float | None = None

    def keys(self) -> dict[str, Any]:
        """The [import] table as a service file writes it (keys left unset left out)."""
        out: dict[str, Any] = {k: v for k, v in vars(self).items() if v not in (None, {})}
        if self.moments:
            out["moments"] = dict(self.moments)
        return out


@dataclass(frozen=True)
class SystemCondition:
    name: str
    kind: str
    note: str = ""
    causes: tuple[str, ...] = ()



def __getattr__(name: str) -> dict[str, tuple[str, ...]]:
    """``SERVICE_KEYS``: every key a service file may hold, and the keys of its tables (from
    the schema, loaded on first use)."""
    if name == "SERVICE_KEYS":
        from servicecheck.service.schema import service_keys

        return service_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


# the zone of a service whose file names none (and of one with no file, until an import says
# where its times were written: io.eventlog.import_events)
DEFAULT_ZONE = "Europe/London"


@dataclass(frozen=True)
class Service:
    """A service as the team defines it in its service file."""

    name: str
    purpose: str = ""
    timezone: str = DEFAULT_ZONE  # where the service is: its days, weeks and dates
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
    reading: ImportSettings = field(default_factory=ImportSettings)  # [import]
    # whether the service file names its zone: a file that does not is where its times are
    # written, as a service with no file is (io.eventlog.import_events)
    zone_named: bool = field(default=True, compare=False)

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
        return service_key(self.name)

    @property
    def former_key(self) -> str | None:
        """The key the rule before ``service_key`` gave this name, where it differs: a
        workspace or store written then holds the service under it (``Workspace`` moves it)."""
        old = _FORMER.sub("-", self.name.lower()).strip("-") or "service"
        return None if old == self.key else old

    @classmethod
    def load(cls, path: str | Path) -> Service:
        p = Path(path)
        if not p.is_file():
            raise InputError("the service file does not exist", source=str(p),
                             fix="check the path, or write one with 'servicecheck init'")
        try:
            text: str | None = p.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise InputError("the file is not a service file: it is not UTF-8 text",
                             source=str(p), fix="give the service.toml your team edits, or "
                             "write one with 'servicecheck init'")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise InputError(f"the file is not valid TOML ({exc})", source=str(p),
                             row=int(line.group(1)) if line else None,
                             fix="correct the line it names (quotes, '=' and brackets)") from None
        return cls.from_dict(data, source=str(p), path=p)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "service file",
                  path: Path | None = None) -> Service:
        """A service from a service file's contents, checked against the schema first."""
        from servicecheck.service.schema import validate

        k: ServiceKeys = validate(data, source)
        t = k.targets
        targets = None if t is None else TargetRegime(
            name=t.name, unit=t.unit, start=t.start, end=t.end,
            priority_column=t.priority_column,
            timescales_days={k: v for k, v in t.timescales.items() if isinstance(v, float)},
            default_days=t.default if isinstance(t.default, float) else None,
            due_column=t.due_column, due_format=t.due_format,
            timescales_working_days={k: working_days(v) or 0 for k, v in t.timescales.items()
                                     if isinstance(v, str)},
            default_working_days=working_days(t.default) if isinstance(t.default, str)
            else None,
            calendar=t.calendar, closures=t.closures, preset=t.preset, emergency=t.emergency,
            steps=dict(t.steps), pause=t.pause)
        d = k.demand
        return cls(
            name=k.name,
            purpose=k.purpose,
            timezone=k.timezone,
            clock=Clock(start=k.clock.start, end=k.clock.end,
                        start_at_first_contact=k.clock.start_at_first_contact),
            need=NeedRule(link_column=k.need.link_column, match_columns=k.need.match_columns,
                          within_days=k.need.within_days,
                          visit_activities=k.need.visit_activities),
            columns={role: col for role, col in k.columns.model_dump().items() if col},
            team_column=k.teams.column,
            activity_teams=dict(k.teams.activities),
            value_steps=k.value_steps,
            demand_types=d.types,
            failure_kinds=d.failure_kinds or DEFAULT_FAILURE_KINDS,
            channels=d.channels or DEFAULT_CHANNELS,
            redact=d.redact,
            redact_names=d.redact_names,
            handling_minutes=dict(d.handling_minutes),
            cost_per_minute=d.cost_per_minute,
            link_within_days=d.link_within_days,
            redesign_date=k.redesign_date,
            designed_handoffs=k.flow.designed_handoffs,
            targets=targets,
            system_conditions=tuple(SystemCondition(name=c.name, kind=c.kind, note=c.note,
                                                    causes=c.causes)
                                    for c in k.system_conditions),
            costs=_costs(k.costs),
            path=path,
            changes=tuple(sorted((Change(date=c.date, what=c.what, by=c.by, rebase=c.rebase)
                                  for c in k.changes), key=lambda c: c.date)),
            reading=ImportSettings(**k.import_.model_dump()),
            zone_named="timezone" in data,
        )


def _costs(c: CostKeys | None) -> Costs:
    if c is None:
        return Costs()
    return Costs(given=True, currency=c.currency, activity_minutes=dict(c.activity_minutes),
                 activity_cost=dict(c.activity_cost),
                 team_cost_per_minute=dict(c.team_cost_per_minute),
                 visit_cost=c.visit_cost, order_cost=c.order_cost)
