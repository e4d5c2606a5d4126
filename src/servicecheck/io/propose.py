"""What a file looks like, proposed for the team to confirm: each column's role from its name
and its values, whether the file is an event log (a row per event) or a case table (a row per
case, a column per moment), the date order, with examples from the file as the evidence.

``propose(path)`` reads a file and returns a ``Proposal``; ``confirm(proposal, edits)``
returns the ``Mapping`` the team settled on, which ``Mapping.service`` writes into a Service
(``[columns]`` and ``[import]``) so the next export imports with one command. The web
workbench calls the same two functions. ``propose_table`` is the pure reading behind them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping as Edits
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from servicecheck.findings import Finding, count, share
from servicecheck.io.dates import (
    PLAUSIBLE_SERIALS,
    DateOrder,
    Order,
    date_order,
    form_of,
    time_of_day_column,
)
from servicecheck.io.errors import InputError
from servicecheck.io.placeholders import is_placeholder
from servicecheck.io.tables import RawTable, read_table, sheet_names
from servicecheck.io.zones import ZoneEvidence, zone_from_offsets
from servicecheck.service.model import Clock, ImportSettings, Service, TargetRegime

Kind = Literal["event log", "case table"]
SAMPLE_ROWS = 500  # values looked at per column...
SCAN_ROWS = 20_000  # ...among the first rows (a sparse column's values lie further down)
# Names a column goes by, per role, lower-cased with punctuation as spaces. An exact name
# is strong evidence; a word of it (a "Job ref" holds "ref") is weaker.
NAMES: dict[str, tuple[str, ...]] = {
    "case": ("case id", "case", "case concept name", "case ref", "case reference", "job",
             "job no", "job number", "job ref", "order", "order number", "order no",
             "work order", "request id", "ticket", "ticket id", "claim", "claim ref",
             "application", "application ref", "reference", "ref", "unique key",
             "service request id", "id"),
    "activity": ("activity", "concept name", "event", "step", "status", "task", "action",
                 "stage", "event type", "activity name"),
    "timestamp": ("timestamp", "time timestamp", "date", "time", "datetime", "event time",
                  "date time", "when"),
    "start_timestamp": ("start timestamp", "time start timestamp", "start", "start time",
                        "started"),
    "team": ("team", "section", "department", "org role", "group", "org group", "unit",
             "service area"),
    "resource": ("resource", "org resource", "officer", "user", "staff", "operative",
                 "handler", "assigned to", "agent", "employee"),
    "citizen_id": ("customer number", "customer id", "customer ref", "tenant ref",
                   "tenant id", "citizen id", "claimant ref", "ni number",
                   "national insurance number", "account number"),
    "due": ("due", "due date", "target date", "deadline", "expected datetime",
            "sla date", "resolution due"),
    "lifecycle": ("lifecycle transition", "lifecycle"),
}
WORDS: dict[str, tuple[str, ...]] = {
    "case": ("case", "job", "order", "ticket", "claim", "application", "request", "ref",
             "reference", "key", "id", "number"),
    "activity": ("activity", "event", "step", "status", "task", "action", "stage"),
    "timestamp": ("date", "time", "timestamp", "datetime", "when"),
    "start_timestamp": ("start", "started"),
    "team": ("team", "section", "department", "role", "group", "unit", "agency"),
    "resource": ("resource", "officer", "user", "staff", "operative", "handler", "agent"),
    "due": ("due", "deadline", "target", "expected"),
}
TIME_ROLES = ("timestamp", "start_timestamp", "due")
# date columns that move (overwritten at every change) are not moments of a case
MOVING = ("updated", "modified", "changed", "last", "edited")
# the moment that ends the citizen's clock in a case table, by its name
ENDING = ("closed", "completed", "complete", "resolved", "finished", "done", "ended",
          "end", "fixed", "decided", "paid")
STAMP_WORDS = {"date", "datetime", "time", "timestamp", "dt", "on", "at", "of"}
CONFIDENT = 0.5
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class RoleGuess:
    """One role proposed: the column, how sure (0 to 1), why, and examples from the file."""

    role: str
    column: str
    confidence: float
    reason: Literal["name", "values", "name and values"]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Moment:
    """A case table's date column and the activity its dates record."""

    column: str
    activity: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    """What a file looks like, for the team to confirm or correct."""

    source: str
    kind: Kind
    columns: tuple[str, ...]
    roles: dict[str, RoleGuess]
    moments: tuple[Moment, ...] = ()
    end: str | None = None  # the moment that ends the citizen's clock (a case table)
    dates: DateOrder | None = None
    offsets: bool = False  # the times carry their own UTC offset (no zone needed to read)
    zone: ZoneEvidence | None = None  # what the offsets say of the service's zone
    sheet: str | None = None
    header_row: int | None = None  # counted from 1, as the file shows it
    preview: tuple[tuple[str | None, ...], ...] = ()
    rows: int | None = None  # records in the file (a case table's cases, a log's events)
    sheets: tuple[str, ...] = ()  # a workbook's sheets, to choose another from
    # the column whose times of day the import reads with the timestamp's dates (io.dates)
    time_of_day: str | None = None

    @property
    def complete(self) -> bool:
        """Whether every role an import needs was proposed with confidence."""
        need = ("case",) if self.kind == "case table" else ("case", "activity", "timestamp")
        ok = all(r in self.roles and self.roles[r].confidence >= CONFIDENT for r in need)
        return ok and (self.kind == "event log" or bool(self.moments))


@dataclass(frozen=True)
class Mapping:
    """The mapping a team confirmed: what ``import_events`` needs to read the file."""

    kind: Kind
    columns: dict[str, str]  # role -> column (due is the target regime's, kept apart)
    moments: dict[str, str] = field(default_factory=dict)  # a case table: column -> activity
    end: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    date_order: Order | None = None
    timezone: str | None = None
    # the share of rows the team let an import set aside (None: the service's own): kept, so
    # the next export of the same shape is not refused again
    max_rejects: float | None = None
    # the service's own zone as the team confirmed it (its days and weeks, and the zone of
    # times written without an offset); None: the service's as it was
    service_timezone: str | None = None

    def service(self, svc: Service) -> Service:
        """The service with this mapping as its [columns] and [import] (and, for a case
        table whose service names no end, the clock stopped at the ending moment, so a job
        without that date is open, not met)."""
        columns = {r: c for r, c in self.columns.items() if r != "due"}
        reading = ImportSettings(sheet=self.sheet, header_row=self.header_row,
                                 moments=dict(self.moments), date_order=self.date_order,
                                 timezone=self.timezone,
                                 max_rejects=svc.reading.max_rejects if self.max_rejects is None
                                 else self.max_rejects)
        clock = svc.clock
        if self.kind == "case table" and self.end and not clock.end:
            clock = Clock(start=clock.start, end=(self.end,),
                          start_at_first_contact=clock.start_at_first_contact)
        return dataclasses.replace(svc, columns=columns, reading=reading, clock=clock,
                                   targets=self._targets(svc, clock),
                                   timezone=self.service_timezone or svc.timezone)

    def _targets(self, svc: Service, clock: Clock) -> TargetRegime | None:
        """A due date per case is the target regime's own deadline, under [targets]
        due_column: the regime's clock runs from the first moment (a case table) or the
        citizen's clock's start, to the citizen's clock's end."""
        due = self.columns.get("due")
        if not due:
            return svc.targets
        if svc.targets is not None:
            return dataclasses.replace(svc.targets, due_column=due)
        start = (next(iter(self.moments.values())),) if self.moments else clock.start
        if not start or not clock.end:  # a regime needs both ends of its clock
            return None
        return TargetRegime(name="due dates", start=start, end=clock.end, due_column=due)


def findings(p: Proposal, name: str) -> list[Finding]:
    """The proposal as findings, for the command line's words (``narrative.proposal``): the
    table (``name``: the file's), each role proposed, a case table's moments, the dates."""
    out = [Finding("propose.table", "row", p.rows or 0,
                   # where it is news: under title rows, not the first row
                   {"header_row": count(p.header_row)} if p.header_row and p.header_row > 1
                   else {},
                   names=(name, p.kind, p.sheet or ""))]
    out += [Finding("propose.role", "column", 1, {"confidence": share(guess.confidence)},
                    names=(role, guess.column, guess.reason, *guess.evidence[:2]),
                    flags=frozenset({"guess"} if guess.confidence < CONFIDENT else set()))
            for role, guess in p.roles.items()]
    if p.moments:
        out.append(Finding("propose.moments", "moment", len(p.moments), names=(
            p.end or "", *(x for m in p.moments for x in (m.column, m.activity)))))
    if p.dates:
        ev = p.dates.evidence
        out.append(Finding("propose.dates", "date", len(p.dates.examples),
                           {"row": count(ev[0])} if ev else {},
                           names=(p.dates.order, ev[1]) if ev else (p.dates.order,)))
    if p.time_of_day and "timestamp" in p.roles:
        out.append(Finding("propose.time_of_day", "column", 2,
                           names=(p.roles["timestamp"].column, p.time_of_day)))
    return out


def propose(path: str | Path, *, sheet: str | None = None, header_row: int | None = None,
            service: Service | None = None) -> Proposal:
    """Read a file (its first rows) and propose how to import it."""
    raw = read_table(Path(path), sheet=sheet, header_row=header_row)
    proposal = propose_table(raw, default_order=_order(service),
                             zone=service.timezone if service else None)
    return dataclasses.replace(proposal, sheets=sheet_names(Path(path)))


def _order(service: Service | None) -> Order:
    given = service.reading.date_order if service else None
    return "month-first" if given == "month-first" else "day-first"


def propose_table(raw: RawTable, *, default_order: Order = "day-first",
                  zone: str | None = None) -> Proposal:
    """The proposal for a source already read (a pure reading of its first rows); ``zone``
    the service's, proposed first when the times' offsets fit it."""
    sample = _sample(raw)
    names = [str(c) for c in sample.column_names]
    values = {n: [_text(v) for v in sample.column(n).slice(0, SAMPLE_ROWS).to_pylist()]
              for n in names}
    # a sparse column is judged by its values, not by the blanks of the first rows
    filled = {n: [_text(v) for v in sample.column(n).drop_null().slice(0, SAMPLE_ROWS)
                  .to_pylist()] for n in names}
    profiles = {n: _profile(n, filled[n], n in raw.number_columns) for n in names}
    scores = {(role, n): _score(role, profiles[n]) for role in NAMES for n in names}
    roles = _assign(scores, profiles)
    case = roles.get("case")
    dated = [n for n in names if profiles[n].dates >= 0.8 and n not in _taken(roles, "due")]
    moments = tuple(Moment(n, _activity(n), profiles[n].examples) for n in dated
                    if not any(w in _words(n) for w in MOVING))
    if case is None and len(moments) >= 2:
        # a row per case whose header names no case in English ("Aktenzeichen",
        # "Expediente"): the left-most column filled in every row, each value its own, is
        # proposed from its values alone, as a guess to check
        rows = min(len(sample), SAMPLE_ROWS)
        own = next((n for n in names if n not in dated and profiles[n].unique
                    and profiles[n].filled == rows), None)
        if own is not None:
            case = RoleGuess("case", own, round(CONFIDENT - 0.1, 2), "values",
                             profiles[own].examples)
            roles = {**{r: g for r, g in roles.items() if g.column != own}, "case": case}
    is_case_table = (case is not None and profiles[case.column].unique and len(moments) >= 2)
    kind: Kind = "case table" if is_case_table else "event log"
    if is_case_table:
        roles = {r: g for r, g in roles.items()
                 if r in ("case", "team", "resource", "citizen_id", "due")}
    else:
        moments = ()
    stamp_cols = ([m.column for m in moments] if moments else
                  [roles[r].column for r in ("timestamp", "start_timestamp") if r in roles])
    written = [(i + raw.header_rows + 1, v) for c in stamp_cols
               for i, v in enumerate(values[c]) if v is not None and not is_placeholder(v)]
    dates = date_order(written, default_order) if written else None
    # the import reads a column of dates alone with the times of day of another of its stem
    paired = (time_of_day_column(sample, roles["timestamp"].column,
                                 (g.column for g in roles.values()))
              if kind == "event log" and "timestamp" in roles else None)
    return Proposal(
        source=raw.source, kind=kind, columns=tuple(names), roles=roles, moments=moments,
        end=_ending(moments), dates=dates,
        offsets=bool(written) and all(_has_offset(v) for _, v in written[:200]),
        zone=zone_from_offsets([v for _, v in written], current=zone),
        sheet=raw.sheet, header_row=raw.header_rows or None,
        preview=tuple(tuple(values[n][i] for n in names)
                      for i in range(min(PREVIEW_ROWS, len(sample)))),
        rows=raw.num_rows, time_of_day=paired)


def confirm(proposal: Proposal, edits: Edits[str, str | None] | None = None, *,
            kind: Kind | None = None, moments: Edits[str, str] | None = None,
            date_order: Order | None = None, timezone: str | None = None,
            max_rejects: float | None = None, service_timezone: str | None = None
            ) -> Mapping:
    """The mapping the team settled on: the proposal with their edits (role -> column, None
    to drop a role; a case table's moments, date column -> activity), and the share of rows
    the import may set aside when the team raised it."""
    columns = {r: g.column for r, g in proposal.roles.items()}
    for role, column in (edits or {}).items():
        if role not in NAMES:
            raise InputError(f"'{role}' is not a column role", source=proposal.source,
                             fix=f"use one of: {', '.join(NAMES)}")
        if column is None:
            columns.pop(role, None)
        elif column not in proposal.columns:
            raise InputError(f"the file has no column '{column}' for the {role}",
                             source=proposal.source, column=column,
                             fix=f"the columns are: {', '.join(proposal.columns[:25])}")
        else:
            columns[role] = column
    kind = kind or proposal.kind
    chosen = dict(moments) if moments is not None else {m.column: m.activity
                                                        for m in proposal.moments}
    need = ("case",) if kind == "case table" else ("case", "activity", "timestamp")
    for role in need:
        if role not in columns:
            raise InputError(f"no column is chosen for the {role}", source=proposal.source,
                             fix=f"choose one of: {', '.join(proposal.columns[:25])}")
    if kind == "case table" and not chosen:
        raise InputError("a case table needs at least one date column as a moment",
                         source=proposal.source, fix="choose the columns that date each step")
    end = proposal.end if proposal.end in chosen.values() else ending(chosen)
    order = date_order or (proposal.dates.order if proposal.dates and
                           proposal.dates.order in ("day-first", "month-first") else None)
    return Mapping(kind=kind, columns=columns,
                   moments=chosen if kind == "case table" else {},
                   end=end if kind == "case table" else None, sheet=proposal.sheet,
                   header_row=proposal.header_row, date_order=order,
                   timezone=timezone, max_rejects=max_rejects,
                   service_timezone=service_timezone)


# -- the reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Profile:
    name: str
    words: tuple[str, ...]
    filled: int
    distinct: int
    dates: float  # share of filled values that read as dates
    numbers: float
    examples: tuple[str, ...]

    @property
    def unique(self) -> bool:
        return self.filled > 1 and self.distinct == self.filled


def _sample(raw: RawTable) -> pa.Table:
    if raw.scan is not None:  # Parquet read in place: its first rows
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(raw.source).iter_batches(batch_size=SCAN_ROWS)
        return pa.Table.from_batches([next(batches)])
    return raw.table.slice(0, SCAN_ROWS)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    text = str(v).strip()
    return text or None


def _words(name: str) -> tuple[str, ...]:
    # camelCase and snake_case alike: "requested_datetime" -> requested datetime
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return tuple(w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w)


def _profile(name: str, values: list[str | None], typed_numbers: bool = False) -> _Profile:
    # a placeholder ("TBC", "n/a") stands for a missing value, not for what the column holds
    filled = [v for v in values if v is not None and not is_placeholder(v)]
    n = max(len(filled), 1)
    forms = [form_of(v) for v in filled]
    written = sum(1 for f in forms if f not in ("unreadable", "excel-serial"))
    # a bare day number is Excel's date where the column is named or written as dates, or,
    # whatever the header's language ("Fecha", "Datum", "Eingang"), where the sheet types
    # every cell as a number and every one is a plausible date: never a column whose name
    # says it is something else (a job number of 45001 is no date)
    serial = forms.count("excel-serial") if written or _dateish(name) or (
        typed_numbers and _serials(filled) and not _named_otherwise(name)) else 0
    dates = written + serial
    numbers = sum(1 for v in filled if re.fullmatch(r"-?\d+([.,]\d+)?", v))
    examples = tuple(dict.fromkeys(filled))[:3]
    return _Profile(name, _words(name), len(filled), len(set(filled)), dates / n,
                    numbers / n, examples)


def _dateish(name: str) -> bool:
    return any(w in WORDS["timestamp"] for w in _words(name))


def _serials(values: list[str]) -> bool:
    low, high = PLAUSIBLE_SERIALS
    return bool(values) and all(form_of(v) == "excel-serial" and low <= float(v) <= high
                                for v in values)


def _named_otherwise(name: str) -> bool:
    """Whether a column's name says it plays a role other than a time."""
    words, joined = _words(name), " ".join(_words(name))
    return any(joined in NAMES[r] or any(w in WORDS.get(r, ()) for w in words)
               for r in NAMES if r not in TIME_ROLES)


def _score(role: str, p: _Profile) -> tuple[float, str]:
    """How well a column fits a role, and whether its name, its values or both say so."""
    joined = " ".join(p.words)
    name = 0.7 if joined in NAMES[role] else 0.4 if any(
        w in WORDS.get(role, ()) for w in p.words) else 0.0
    if p.filled == 0:
        return 0.0, "name"
    fit = 0.0
    if role in TIME_ROLES:
        if p.dates < 0.5:
            return 0.0, "name"
        fit = 0.3 if p.dates >= 0.8 else 0.1
        if role != "timestamp" and not name:
            return 0.0, "name"  # a start or a due date only by its name
    elif p.dates >= 0.8:
        return 0.0, "name"  # dates are never a case, an activity or a team
    elif role == "case":
        fit = 0.3 if p.distinct > 1 else 0.0
    elif role == "activity":
        few = p.distinct <= 60 and p.distinct < p.filled
        fit = 0.3 if few and p.numbers < 0.5 else 0.0
    elif role in ("team", "resource"):
        fit = 0.2 if p.distinct < p.filled and p.numbers < 0.5 else 0.0
    if role in ("citizen_id", "lifecycle") or (not name and role not in ("activity",
                                                                          "timestamp")):
        # a raw identifier is only ever mapped by name; a lifecycle by its name too
        return (name + fit, "name and values") if name else (0.0, "name")
    score = min(1.0, name + fit)
    return score, ("name and values" if name and fit else "name" if name else "values")


def _assign(scores: dict[tuple[str, str], tuple[float, str]],
            profiles: dict[str, _Profile]) -> dict[str, RoleGuess]:
    """Each role its best column, the surest first; a column takes one role. Between two
    equally sure columns the name listed first for the role wins: a real XES log holds
    both 'case:concept:name' and each event's own 'id', and the id made every event a case."""

    def listed(role: str, col: str) -> int:
        names = NAMES[role]
        joined = " ".join(profiles[col].words)
        return names.index(joined) if joined in names else len(names)

    # and between two columns guessed from their values alone as the activity, the one with
    # fewer different values: steps repeat across cases, references hardly (a French export's
    # "Réf" was proposed as the activity beside its "Étape")
    ranked = sorted(((s, r, c, why) for (r, c), (s, why) in scores.items() if s > 0),
                    key=lambda x: (-x[0], list(NAMES).index(x[1]), listed(x[1], x[2]),
                                   profiles[x[2]].distinct if x[1] == "activity" else 0))
    roles: dict[str, RoleGuess] = {}
    used: set[str] = set()
    for score, role, col, why in ranked:
        if role in roles or col in used:
            continue
        roles[role] = RoleGuess(role, col, round(score, 2), why,  # type: ignore[arg-type]
                                profiles[col].examples)
        used.add(col)
    return roles


def _taken(roles: dict[str, RoleGuess], role: str) -> set[str]:
    return {roles[role].column} if role in roles else set()


def _activity(column: str) -> str:
    """The activity a date column records: 'Created Date' -> 'Created'."""
    kept = [w for w in re.split(r"[\s_\-:.]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", column))
            if w and w.lower() not in STAMP_WORDS]
    if not kept:
        return column
    text = " ".join(kept)
    return text[0].upper() + text[1:]


def ending(moments: Edits[str, str]) -> str | None:
    """The activity that ends a case table's clock, of its moments (column -> activity)."""
    return _ending(tuple(Moment(c, a, ()) for c, a in moments.items()))


def _ending(moments: tuple[Moment, ...]) -> str | None:
    """The moment whose name says the case ended, else the last."""
    for m in moments:
        if any(w in ENDING for w in _words(m.column)):
            return m.activity
    return moments[-1].activity if moments else None


def _has_offset(value: str) -> bool:
    return bool(re.search(r"(Z|[+-]\d{2}:?\d{2})$", value.strip()))
