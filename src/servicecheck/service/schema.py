"""The service file's schema: the one definition of every key, its type, range and default.

Validation (``Service.load``), the documentation's key reference
(docs/reference/service-keys.md, made by ``python -m servicecheck.service.schema``) and the
test of ``servicecheck init``'s template all read these models. A mistake is one sentence
naming the file, the key, the value found and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo

from servicecheck.calendars import CALENDARS
from servicecheck.io.errors import InputError
from servicecheck.io.sql import check_format, check_timezone
from servicecheck.service.presets import AWAAB_STEP_NAMES
from servicecheck.service.presets import PRESETS as REGULATOR_PRESETS
from servicecheck.service.values import (
    DEFAULT_CHANNELS,
    DEFAULT_FAILURE_KINDS,
    MAX_DAYS,
    duration_days,
    working_days,
)

# Ranges wide enough for any real service, narrow enough to catch a slip (1e308 days); the
# range of days, the default kinds and channels and the durations are in ``values``.
MAX_MINUTES = 10_000.0
MAX_AMOUNT = 1e9


def _timescale(value: object) -> object:
    """A timescale: working days stay text ('10wd'), anything else becomes days."""
    if isinstance(value, str) and working_days(value) is not None:
        return value
    return duration_days(value)


def _one_of(allowed: tuple[str, ...] | dict[str, str], what: str) -> Any:
    def check(value: object) -> object:
        if isinstance(value, str) and value not in allowed:
            raise ValueError(f"'{value}' is not {what}; write one of {', '.join(allowed)}")
        return value
    return BeforeValidator(check)


def _steps(value: object) -> object:
    if isinstance(value, dict):
        odd = sorted(set(value) - set(AWAAB_STEP_NAMES))
        if odd:
            raise ValueError(f"'{odd[0]}' is not a step the presets know; name steps among "
                             f"{', '.join(AWAAB_STEP_NAMES)}")
        return {k: _as_list(v) for k, v in value.items()}
    return value


def _as_list(value: object) -> object:
    """One text may stand for a list of one; TOML's lists are read as tuples."""
    return (value,) if isinstance(value, str) else tuple(value) \
        if isinstance(value, list) else value


def _date(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # TOML's own date type
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD, "
                             "e.g. \"2025-01-06\"") from None
    return value


def _closure(value: object) -> object:
    try:
        return _date(value)
    except ValueError:
        raise ValueError(f"closure day '{value}' is not a date; write it as YYYY-MM-DD") from None


def _zone(value: object) -> object:
    if isinstance(value, str):
        try:
            check_timezone(value, source="timezone")
        except InputError:
            raise ValueError(f"'{value}' is not a time zone in the IANA database; write a "
                             "name like \"Europe/London\" or \"UTC\"") from None
    return value


def _strptime(value: object) -> object:
    if isinstance(value, str):
        try:
            check_format(value, source="due_format")
        except InputError:
            raise ValueError(f"'{value}' is not a date format; write it with strptime codes, "
                             "e.g. \"%d/%m/%Y\"") from None
    return value


def _number(lo: float, hi: float, example: str) -> Any:
    return Field(ge=lo, le=hi, allow_inf_nan=False, json_schema_extra=ex(example))


def ex(example: str) -> JsonDict:
    """The example a key's documentation, its template line and its error sentence show."""
    return {"example": example}


Texts = Annotated[tuple[str, ...], BeforeValidator(_as_list)]
Days = Annotated[float, _number(0, MAX_DAYS, "30")]
Minutes = Annotated[float, _number(0, MAX_MINUTES, "6")]
Amount = Annotated[float, _number(0, MAX_AMOUNT, "0.55")]
Duration = Annotated[float, BeforeValidator(duration_days)]
Timescale = Annotated[float | str, BeforeValidator(_timescale)]
Date = Annotated[str, BeforeValidator(_date)]
Zone = Annotated[str, BeforeValidator(_zone)]
Closure = Annotated[str, BeforeValidator(_closure)]
Format = Annotated[str, BeforeValidator(_strptime)]


class _Table(BaseModel):
    # strict: "thirty" is not coerced to a number, nor 1 to true; a misspelt key is an error
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ClockKeys(_Table):
    start: Texts = Field((), json_schema_extra=ex('["Repair reported"]'))
    end: Texts = Field((), json_schema_extra=ex('["Repair completed"]'))
    start_at_first_contact: bool = Field(True, json_schema_extra=ex("true"))


class NeedKeys(_Table):
    link_column: str | None = Field(None, json_schema_extra=ex('"need_id"'))
    match_columns: Texts = Field((), json_schema_extra=ex('["uprn", "problem"]'))
    within_days: Days = 30.0
    visit_activities: Texts = Field((), json_schema_extra=ex('["Diagnosed", "Return visit"]'))


class ColumnKeys(_Table):
    case: str | None = Field(None, json_schema_extra=ex('"Order number"'))
    activity: str | None = Field(None, json_schema_extra=ex('"Status"'))
    timestamp: str | None = Field(None, json_schema_extra=ex('"Date"'))
    start_timestamp: str | None = Field(None, json_schema_extra=ex('"Started"'))
    team: str | None = Field(None, json_schema_extra=ex('"Section"'))
    resource: str | None = Field(None, json_schema_extra=ex('"Officer"'))
    citizen_ref: str | None = Field(None, json_schema_extra=ex('"Tenant ref"'))
    citizen_id: str | None = Field(None, json_schema_extra=ex('"Customer number"'))
    need: str | None = Field(None, json_schema_extra=ex('"Need ref"'))
    lifecycle: str | None = Field(None, json_schema_extra=ex('"lifecycle:transition"'))


class ImportKeys(_Table):
    """How the team's export is read, as confirmed once (servicecheck.io.propose), so the
    next month's export imports with one command."""

    sheet: str | None = Field(None, json_schema_extra=ex('"Jobs"'))
    header_row: int | None = Field(None, ge=1, le=50, json_schema_extra=ex("3"))
    moments: dict[str, str] = Field(default_factory=dict, json_schema_extra=ex(
        '{ "Reported date" = "Reported", "Completed date" = "Completed" }'))
    date_order: Annotated[str, _one_of(("day-first", "month-first"), "a date order")] | None \
        = Field(None, json_schema_extra=ex('"day-first"'))
    timezone: Zone | None = Field(None, json_schema_extra=ex('"Europe/London"'))
    max_rejects: float | None = Field(None, ge=0, le=1, allow_inf_nan=False,
                                      json_schema_extra=ex("0.05"))


class TeamKeys(_Table):
    column: str | None = Field(None, json_schema_extra=ex('"team"'))
    activities: dict[str, str] = Field(default_factory=dict,
                                       json_schema_extra=ex('{ "Order raised" = "Call centre" }'))


class FlowKeys(_Table):
    designed_handoffs: int | None = Field(None, ge=0, le=1000, json_schema_extra=ex("1"))


class DemandKeys(_Table):
    types: Texts = Field((), json_schema_extra=ex('["Heating", "Progress of my repair"]'))
    failure_kinds: Texts = Field(DEFAULT_FAILURE_KINDS,
                                 json_schema_extra=ex('["not done", "progress chasing"]'))
    channels: Texts = Field(DEFAULT_CHANNELS, json_schema_extra=ex('["phone", "web"]'))
    redact: bool = Field(True, json_schema_extra=ex("true"))
    redact_names: bool = Field(False, json_schema_extra=ex("true"))
    handling_minutes: dict[str, Minutes] = Field(default_factory=dict,
                                                 json_schema_extra=ex("{ phone = 6, web = 4 }"))
    cost_per_minute: Amount | None = None
    link_within_days: Days = Field(14.0, json_schema_extra=ex("14"))


class TargetKeys(_Table):
    name: str = Field("", json_schema_extra=ex('"Repairs completed within timescale"'))
    unit: str = Field("case", json_schema_extra=ex('"order"'))
    start: Texts = Field((), json_schema_extra=ex('["Order raised"]'))
    end: Texts = Field((), json_schema_extra=ex('["Order closed"]'))
    priority_column: str | None = Field(None, json_schema_extra=ex('"priority"'))
    timescales: dict[str, Timescale] = Field(
        default_factory=dict, json_schema_extra=ex('{ P1 = "24h", P2 = "7d", DM = "10wd" }'))
    default: Timescale | None = Field(None, json_schema_extra=ex('"28d"'))
    due_column: str | None = Field(None, json_schema_extra=ex('"Due date"'))
    due_format: Format | None = Field(None, json_schema_extra=ex('"%d/%m/%Y"'))
    calendar: Annotated[str, _one_of(CALENDARS, "a UK working-day calendar")] = Field(
        "england-and-wales", json_schema_extra=ex('"scotland"'))
    closures: Annotated[tuple[Closure, ...], BeforeValidator(_as_list)] = Field(
        (), json_schema_extra=ex('["2025-12-29", "2025-12-30"]'))
    preset: Annotated[str, _one_of(REGULATOR_PRESETS, "a regulator's preset")] | None = Field(
        None, json_schema_extra=ex('"tsm-rp02"'))
    emergency: Texts = Field((), json_schema_extra=ex('["P1"]'))
    pause: Texts = Field((), json_schema_extra=ex('["No access"]'))
    steps: Annotated[dict[str, Texts], BeforeValidator(_steps)] = Field(
        default_factory=dict, json_schema_extra=ex('{ investigated = ["Inspection"] }'))


class ConditionKeys(_Table):
    name: str = Field("", json_schema_extra=ex('"Orders closed at first visit"'))
    kind: str = Field("", json_schema_extra=ex('"measures"'))
    note: str = Field("", json_schema_extra=ex('"What the team saw"'))
    causes: Texts = Field((), json_schema_extra=ex('["Order closed"]'))


class ChangeKeys(_Table):
    date: Date = Field(json_schema_extra=ex('"2025-03-03"'))
    what: str = Field(min_length=1, json_schema_extra=ex('"Repairs booked at first call"'))
    by: str = Field("", json_schema_extra=ex('"Repairs team"'))
    rebase: bool = Field(False, json_schema_extra=ex("true"))


class CostKeys(_Table):
    currency: str = Field("£", json_schema_extra=ex('"£"'))
    activity_minutes: dict[str, Minutes] = Field(default_factory=dict,
                                                 json_schema_extra=ex('{ "Diagnosed" = 40 }'))
    activity_cost: dict[str, Amount] = Field(default_factory=dict,
                                             json_schema_extra=ex('{ "Letter sent" = 0.85 }'))
    team_cost_per_minute: dict[str, Amount] = Field(default_factory=dict,
                                                    json_schema_extra=ex('{ Surveyors = 0.9 }'))
    visit_cost: Amount | None = Field(None, json_schema_extra=ex("28"))
    order_cost: Amount | None = Field(None, json_schema_extra=ex("6"))


class ServiceKeys(_Table):
    name: str = Field(min_length=1, json_schema_extra=ex('"Housing repairs"'))
    purpose: str = Field("", json_schema_extra=ex('"Fix my problem, when it suits me"'))
    timezone: Zone = Field("Europe/London", json_schema_extra=ex('"Europe/London"'))
    redesign_date: Date | None = Field(None, json_schema_extra=ex('"2025-01-06"'))
    value_steps: Texts = Field((), json_schema_extra=ex('["Diagnosed", "Repair completed"]'))
    clock: ClockKeys = ClockKeys()
    need: NeedKeys = NeedKeys()
    columns: ColumnKeys = ColumnKeys()
    teams: TeamKeys = TeamKeys()
    flow: FlowKeys = FlowKeys()
    demand: DemandKeys = DemandKeys()
    targets: TargetKeys | None = None
    system_conditions: list[ConditionKeys] = Field(default_factory=list)
    changes: list[ChangeKeys] = Field(default_factory=list)
    costs: CostKeys | None = None
    import_: ImportKeys = Field(ImportKeys(), alias="import")


# Where a key belongs elsewhere, say so beside the did-you-mean.
KEY_HINTS = {"costs": " (contact minutes and the cost of a minute go under [demand])"}


def fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A table's keys as the file writes them ([import] is ``import_`` in Python)."""
    return {f.alias or name: f for name, f in model.model_fields.items()}


def _tables() -> dict[str, type[BaseModel]]:
    """The tables of the file: each top-level key whose value is a table of keys."""
    out: dict[str, type[BaseModel]] = {}
    for name, f in fields(ServiceKeys).items():
        model = _model_of(f)
        if model is not None:
            out[name] = model
    return out


def _model_of(f: FieldInfo) -> type[BaseModel] | None:
    hint = f.annotation
    for arg in (hint, *getattr(hint, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def service_keys() -> dict[str, tuple[str, ...]]:
    """Every key a service file may hold, and the keys of its tables."""
    tables = _tables()
    return {name: tuple(fields(tables[name])) if name in tables else ()
            for name in fields(ServiceKeys)}


def validate(data: dict[str, Any], source: str) -> ServiceKeys:
    """The file's contents checked against the schema, or the first mistake as a sentence."""
    try:
        return ServiceKeys.model_validate(data)
    except ValidationError as exc:
        raise sentence(exc.errors()[0], source) from None


def _lookup(loc: tuple[str | int, ...]) -> tuple[FieldInfo | None, str, list[str]]:
    """The key a location names (None for an unknown key; for an entry of a table of
    values, the table's key), its name, and the names beside it."""
    model: type[BaseModel] | None = ServiceKeys
    info: FieldInfo | None = None
    name = ""
    siblings: list[str] = list(fields(ServiceKeys))
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        siblings = list(fields(model))
        info = fields(model).get(part)
        if info is None:
            return None, part, siblings
        name, model = part, _model_of(info)
    return info, name, siblings


KINDS = {
    "string_type": "text in quotes", "bool_type": "true or false",
    "int_type": "a whole number", "float_type": "a number", "dict_type": "a table",
    "model_type": "a table", "tuple_type": "a list of texts", "list_type": "a list",
}


def sentence(error: Any, source: str) -> InputError:
    loc: tuple[str | int, ...] = error["loc"]
    key = ".".join(str(p) for p in loc if not isinstance(p, int))
    value = error.get("input")
    shown = f"'{value}'" if isinstance(value, str) else str(value).lower() \
        if isinstance(value, bool) else repr(value)
    kind = error["type"]
    info, leaf, siblings = _lookup(loc)
    metadata, extra = _facts(info) if info else ([], {})
    example = extra.get("example")
    fix = f"write it like {leaf} = {example}" if example else "correct it"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(leaf, siblings, n=1)
        table = key.rsplit(".", 1)[0] if "." in key else None
        where = f"the keys of [{table}] are" if table else "the keys are"
        fix = (f"did you mean '{close[0]}'? " if close else "") + \
            f"{where}: {', '.join(siblings)}{KEY_HINTS.get(table or '', '')}"
        return InputError(f"'{key}' is not a service-file key", source=source, fix=fix)
    if loc[0] == "changes" and len(loc) > 2 and isinstance(loc[1], int) and \
            loc[2] in ("date", "what"):
        return InputError(f"change {loc[1] + 1} needs a date (YYYY-MM-DD) and what was changed",
                          source=source,
                          fix='write it like [[changes]] date = "2025-03-03" what = "..."')
    if kind == "missing":
        return InputError(f"the key '{key}' is missing", source=source,
                          fix=f"add {leaf} = {example} at the top of the file")
    if kind == "value_error":
        problem, _, how = str(error["ctx"]["error"]).partition("; ")
        return InputError(f"{key}: {problem}", source=source, fix=how or fix)
    if kind in KINDS:
        problem = f"{key} must be {KINDS[kind]}, not {shown}"
    elif kind == "finite_number":
        problem = f"{key} must be a finite number, not {shown}"
    elif kind == "string_too_short":
        problem = f"{key} must not be empty"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal"):
        allowed = _range(metadata)
        problem = (f"{key} = {shown} is out of range "
                   f"({'it must be ' + allowed if allowed else error['msg'].lower()})")
    else:
        problem = f"{key} = {shown} is not allowed ({error['msg'].lower()})"
    return InputError(problem, source=source, fix=fix)


def _facts(f: FieldInfo) -> tuple[list[Any], dict[str, Any]]:
    """A field's constraints and validators, also those inside Optional[...] and dict[...,
    ...], and its json_schema_extra (the example)."""
    found: list[Any] = list(f.metadata)
    extra: dict[str, Any] = {}

    def walk(hint: Any) -> None:
        for m in getattr(hint, "__metadata__", ()):
            if isinstance(m, FieldInfo):
                found.extend(m.metadata)
                extra.update(m.json_schema_extra or {})  # type: ignore[arg-type]
            else:
                found.append(m)
        for arg in get_args(hint):
            walk(arg)

    walk(f.annotation)
    extra.update(f.json_schema_extra or {})  # type: ignore[arg-type]  # the key's own wins
    return found, extra


def _range(metadata: list[Any]) -> str:
    bounds = {k: getattr(m, k) for m in metadata for k in ("ge", "gt", "le")
              if getattr(m, k, None) is not None}
    if "le" not in bounds:
        return ""
    lo = f"above {_num(bounds['gt'])}" if "gt" in bounds else f"from {_num(bounds.get('ge', 0))}"
    return f"{lo} to {_num(bounds['le'])}"


def _num(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:g}"


VALIDATOR_WORDS: dict[Any, str] = {duration_days: "duration ('24h', '7d', '8w' or days)",
                   _timescale: "duration ('24h', '7d', '8w', days, or '10wd' working days)",
                   _date: "date (YYYY-MM-DD)", _zone: "IANA time zone",
                   _strptime: "strptime format", _as_list: "text or list of texts"}
BASE_WORDS = (("bool", "true or false"), ("int", "whole number"), ("float", "number"),
              ("str", "text"))


def _type_word(f: FieldInfo, metadata: list[Any]) -> str:
    for m in metadata:
        word = VALIDATOR_WORDS.get(getattr(m, "func", None), "")
        if word:
            return f"table, each value a {word}" if "dict" in str(f.annotation) else word
    hint = str(f.annotation)
    inner = hint.split(",", 1)[-1] if hint.startswith("dict") else hint
    word = next((w for needle, w in BASE_WORDS if needle in inner), "table")
    return f"table, each value a {word}" if hint.startswith("dict") else word


def key_reference() -> str:
    """docs/reference/service-keys.md: every key with its type, range and default."""
    lines = ["# Service-file keys", "",
             "Made from the schema in `servicecheck/service/schema.py` "
             "(`python -m servicecheck.service.schema > docs/reference/service-keys.md`); a "
             "test checks this page is current. What each key means is in "
             "[Writing a service file](../service-file.md).", "",
             "| key | type | allowed | default | example |", "| --- | --- | --- | --- | --- |"]
    tables = _tables()
    for name, f in fields(ServiceKeys).items():
        if name in tables:
            lines += [_row(f"{name}.{sub}", g) for sub, g in fields(tables[name]).items()]
        else:
            lines.append(_row(name, f))
    return "\n".join(lines) + "\n"


def _row(key: str, f: FieldInfo) -> str:
    metadata, extra = _facts(f)
    if f.is_required():
        default = "required"
    else:
        d = f.get_default(call_default_factory=True)
        default = ("none" if d in (None, (), {}, "") else ", ".join(d) if isinstance(d, tuple)
                   else str(d).lower() if isinstance(d, bool) else f"{d:g}"
                   if isinstance(d, float) else str(d))
    return (f"| `{key}` | {_type_word(f, metadata)} | {_range(metadata) or 'any'} | {default} "
            f"| `{extra.get('example', '')}` |")


if __name__ == "__main__":
    print(key_reference(), end="")
