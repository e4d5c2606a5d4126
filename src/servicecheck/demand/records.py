"""Demand records in the citizen's words: import with column mapping, validation, redaction.

A row that cannot be a demand (a date that does not read, blank or "n/a" words, a channel the
service does not list, a nature other than value or failure, a value longer than its field)
is set aside into the workspace's rejects table with its reason, as event imports set theirs
aside (``io/rejects.py``: the same table, the same share past which the import stops with one
sentence naming the first such row). Everything else lands in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from servicecheck.demand.fields import LENGTHS
from servicecheck.demand.natures import NATURES
from servicecheck.demand.redact import MASKED_FIELDS, REFERENCE_FIELDS, redact_field, redact_fields
from servicecheck.engine.workspace import Workspace
from servicecheck.io.dates import iso_sql, reads_naive, text_sql, timestamp_sql, two_forms
from servicecheck.io.errors import InputError
from servicecheck.io.fingerprint import Fingerprinting
from servicecheck.io.placeholders import placeholder_sql
from servicecheck.io.pseudonym import citizen_ref_sql
from servicecheck.io.rejects import (
    AFTER_IMPORT,
    DEFAULT_MAX_REJECTS,
    MISSING,
    PLACEHOLDER,
    TOO_LONG,
    UNKNOWN_CHANNEL,
    UNKNOWN_NATURE,
    UNREADABLE_TIME,
    Rejects,
    check_max_rejects,
    check_share,
    set_aside,
)
from servicecheck.io.report import ImportReport
from servicecheck.io.sql import check_format, ident, literal, literals, set_timezone
from servicecheck.io.tables import RawTable, read_table
from servicecheck.service.model import Service

DEMAND_ROLES: dict[str, tuple[str, ...]] = {
    "demand_id": ("demand_id", "id", "contact_id"),
    "received_at": ("received_at", "received", "created", "timestamp"),
    "closed_at": ("closed_at", "closed"),
    "channel": ("channel",),
    "verbatim": ("verbatim", "what the citizen said", "text"),
    "demand_type": ("demand_type", "type"),
    "nature": ("nature",),
    "failure_kind": ("failure_kind",),
    "first_point_resolved": ("first_point_resolved", "one_stop"),
    "case_id": ("case_id", "need_id", "case_ref"),
    "citizen_ref": ("citizen_ref",),
    "citizen_id": (),  # a raw identifier: stored only as a salted hash (see pseudonym.py)
    "recorded_by": ("recorded_by",),
}
REQUIRED = ("received_at", "channel", "verbatim")
# A 311-style export (NYC Open Data) mapped in one go: its complaint type is the demand type
# and, having no verbatim, its descriptor stands in for the citizen's words.
PRESETS: dict[str, dict[str, str]] = {
    "311": {
        "demand_id": "Unique Key",
        "received_at": "Created Date",
        "closed_at": "Closed Date",
        "channel": "Open Data Channel Type",
        "verbatim": "Descriptor",
        "demand_type": "Complaint Type",
    }
}
PRESET_FORMATS = {"311": "%m/%d/%Y %I:%M:%S %p"}
# where the preset's verbatim column is empty, the nearest words the export has
PRESET_FALLBACKS = {"311": {"verbatim": "Complaint Type"}}
PRESET_CHANNELS = {"311": ("phone", "online", "mobile", "unknown", "other")}


@dataclass
class DemandImport(ImportReport):
    by_nature: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "demands"


def _resolve(names: list[str], mapping: Mapping[str, str | None], source: str) -> dict[str, str]:
    present = set(names)
    lower = {n.lower(): n for n in names}
    unknown = set(mapping) - set(DEMAND_ROLES)
    if unknown:
        raise InputError(f"'{sorted(unknown)[0]}' is not a demand column role", source=source,
                         fix=f"use one of: {', '.join(DEMAND_ROLES)}")
    out: dict[str, str] = {}
    for role, cands in DEMAND_ROLES.items():
        chosen = mapping.get(role)
        if chosen:
            if chosen not in present:
                raise InputError(f"the mapping names a column '{chosen}' for {role} that is "
                                 "not in the file", source=source, column=chosen,
                                 fix=f"the columns are: {', '.join(names[:25])}")
            out[role] = chosen
            continue
        for c in cands:
            if c in lower:
                out[role] = lower[c]
                break
    for role in REQUIRED:
        if role not in out:
            raise InputError(f"no column for {role} was found among {', '.join(names[:25])}",
                             source=source,
                             fix=f"name it with --map {role}=COLUMN")
    return out


@dataclass(frozen=True)
class _Aside:
    """Rows a demand import sets aside: the role's column, the SQL condition over the source
    that finds them, the reason kept with each, and the words of the import's one sentence
    should too many rows be set aside."""

    role: str
    condition: str
    reason: str
    problem: str
    fix: str


DATES_FIX = "give ISO 8601 or UK day-first dates, or --timestamp-format"
# how much of a value too long for its field the rejects table keeps, to find the row by
SHOWN = 100


def import_demands(
    workspace: Workspace,
    source: Any,
    *,
    service: Service,
    mapping: Mapping[str, str | None] | None = None,
    preset: str | None = None,
    timestamp_format: str | None = None,
    timezone: str | None = None,
    replace: bool = False,
    max_rejects: float | None = None,
) -> DemandImport:
    """Read demand records and append them to the workspace in one transaction; a file
    already imported is refused unless ``replace`` (see ``import_events``). Rows that cannot
    be a demand are set aside (``Workspace.rejects()``) unless more than ``max_rejects`` of
    the file's rows are (5% unless the service file's [import] says otherwise)."""
    if preset is not None and preset not in PRESETS:
        raise InputError(f"'{preset}' is not a known export layout", source="--preset",
                         fix=f"use one of: {', '.join(PRESETS)}, or map the columns with --map")
    if timestamp_format:
        check_format(timestamp_format, source="--timestamp-format")
    how = service.reading.max_rejects
    share = check_max_rejects(max_rejects if max_rejects is not None else
                              how if how is not None else DEFAULT_MAX_REJECTS)
    fingerprint = Fingerprinting(source)
    raw = read_table(source)
    names = [str(c) for c in raw.table.column_names]
    m: dict[str, str | None] = dict(PRESETS.get(preset or "", {}))
    m.update({k: v for k, v in (mapping or {}).items() if v})
    cols = _resolve(names, m, raw.source)
    fmt = timestamp_format or PRESET_FORMATS.get(preset or "")
    channels = tuple(c.lower() for c in (PRESET_CHANNELS.get(preset or "") or service.channels))

    con = duckdb.connect()
    try:
        set_timezone(con, timezone or service.timezone, source="--timezone")
        src = raw.table.append_column("__row", pa.arange(0, raw.table.num_rows))
        con.register("src", src)
        fallbacks = {r: c for r, c in PRESET_FALLBACKS.get(preset or "", {}).items()
                     if c in names and r not in (mapping or {})}
        sql = _Sql(raw, cols, fmt, fallbacks)
        checks = _checks(sql, cols, channels)
        _one_form(con, raw, cols, fmt, sql)
        rejects = set_aside(con, "src", raw, cols, "true",
                            [(cols[c.role], c.condition, c.reason) for c in checks],
                            lambda col: f"CAST({ident(col)} AS VARCHAR)")
        if rejects.rows:
            check_share(rejects, raw.num_rows, share, raw.source,
                        _first_problem(raw, rejects, checks, cols))
        keep = " AND ".join(f"NOT coalesce({c.condition}, false)" for c in checks) or "true"
        # a contact dated after the import had not happened when the data were exported: set
        # aside with its row, column and value to correct, as the event import's steps after
        # it are (and, like them, outside the share an import may set aside)
        later = (f"{sql.ts('received_at')} > "
                 f"CAST({literal(dt.datetime.now(dt.UTC).isoformat())} AS TIMESTAMPTZ)")
        future = set_aside(con, "src", raw, cols, keep,
                           [(cols["received_at"], later, AFTER_IMPORT)],
                           lambda col: f"CAST({ident(col)} AS VARCHAR)")
        rejects = rejects.plus(future)
        keep = f"{keep} AND NOT coalesce({later}, false)"
        first = workspace.next_index("demands")
        naive = any(reads_naive(con, "src", raw.table.schema.field(cols[role]).type,
                                sql.text(role))
                    for role in ("received_at", "closed_at") if role in cols)
        table = con.execute(f"""
            SELECT {literal(service.key)} AS service,
                   COALESCE({sql.text('demand_id')},
                            'row-' || CAST(__row + {int(first)} AS VARCHAR)) AS demand_id,
                   {sql.ts('received_at')} AS received_at,
                   {sql.ts('closed_at') if 'closed_at' in cols
                    else 'CAST(NULL AS TIMESTAMPTZ)'} AS closed_at,
                   lower({sql.text('channel')}) AS channel,
                   {sql.verbatim()} AS verbatim,
                   {sql.cleared('demand_type')} AS demand_type,
                   COALESCE(CASE WHEN lower({sql.text('nature')}) IN ({literals(NATURES)})
                            THEN lower({sql.text('nature')}) END, 'unknown') AS nature,
                   {sql.cleared('failure_kind')} AS failure_kind,
                   {sql.boolean('first_point_resolved')} AS first_point_resolved,
                   {sql.text('case_id')} AS case_id,
                   {citizen_ref_sql(sql.text('citizen_id')) if 'citizen_id' in cols
                    else sql.text('citizen_ref')} AS citizen_ref,
                   {sql.cleared('recorded_by')} AS recorded_by,
                   __row + {int(first)} AS demand_index
            FROM src WHERE {keep} ORDER BY __row""").to_arrow_table()
    finally:
        con.close()
    masked = 0
    if service.redact:
        redacted, masked = redact_fields(
            {f: table.column(f).to_pylist() for f in (*MASKED_FIELDS, *REFERENCE_FIELDS)},
            names=service.redact_names)
        for f, values in redacted.items():
            table = table.set_column(table.schema.get_field_index(f), f,
                                     pa.array(values, pa.string()))
    report = DemandImport(source=raw.source, service=service.key, rows_read=raw.table.num_rows,
                          events=table.num_rows, cases=0, mapping=cols, masked=masked,
                          rejects=_kept_values(rejects, cols, service),
                          after_import=future.rows, naive_times=naive)
    workspace.append("demands", table, report, service, "demands", first_index=first,
                     fingerprint=fingerprint.result(), replace=replace)
    natures = pa.compute.value_counts(table.column("nature")).to_pylist()
    report.by_nature = {d["values"]: d["counts"] for d in natures}
    return report


@dataclass(frozen=True)
class _Sql:
    """The DuckDB expressions over the source a demand's fields are read with."""

    raw: RawTable
    cols: dict[str, str]
    fmt: str | None
    fallbacks: dict[str, str]

    def text(self, role: str) -> str:
        """The role's text, trimmed, blank as missing (NULL where the role is not mapped)."""
        if role not in self.cols:
            return "CAST(NULL AS VARCHAR)"
        return text_sql(f"CAST({ident(self.cols[role])} AS VARCHAR)")

    def cleared(self, role: str) -> str:
        """An optional text, a value standing for none ("n/a", "-") read as missing."""
        value = self.text(role)
        return f"CASE WHEN {placeholder_sql(value)} THEN NULL ELSE {value} END"

    def verbatim(self) -> str:
        """The citizen's words; where they are blank or stand for none, a preset's nearest
        words (a 311 export's complaint type)."""
        words = self.cleared("verbatim")
        fallback = self.fallbacks.get("verbatim")
        if fallback is None:
            return words
        other = text_sql(f"CAST({ident(fallback)} AS VARCHAR)")
        return f"COALESCE({words}, {other})"

    def ts(self, role: str) -> str:
        col = self.cols[role]
        return timestamp_sql(ident(col), self.raw.table.schema.field(col).type, self.fmt)

    def boolean(self, role: str) -> str:
        return (f"TRY_CAST({ident(self.cols[role])} AS BOOLEAN)" if role in self.cols
                else "CAST(NULL AS BOOLEAN)")


def _checks(sql: _Sql, cols: dict[str, str], channels: tuple[str, ...]) -> list[_Aside]:
    """What sets a row aside, in the order a person would fix it."""
    received, words, channel = sql.text("received_at"), sql.text("verbatim"), sql.text("channel")
    checks = [
        _Aside("received_at", f"{received} IS NULL", MISSING,
               "has no date and time it was received", "fill it in, or remove the row"),
        _Aside("received_at", f"{received} IS NOT NULL AND {sql.ts('received_at')} IS NULL",
               UNREADABLE_TIME, "has no date and time servicecheck understands", DATES_FIX),
        _Aside("verbatim", f"{words} IS NULL AND {sql.verbatim()} IS NULL", MISSING,
               "has an empty verbatim: demand is recorded in the citizen's words",
               "fill in what the citizen said, or remove the row"),
        _Aside("verbatim", f"{words} IS NOT NULL AND {sql.verbatim()} IS NULL", PLACEHOLDER,
               "has a value that stands for none where the citizen's words should be",
               "fill in what the citizen said, or remove the row"),
        _Aside("channel", f"{channel} IS NULL", MISSING, "has no channel",
               f"fill in one of {', '.join(channels)}"),
        _Aside("channel", f"lower({channel}) NOT IN ({literals(channels)})", UNKNOWN_CHANNEL,
               "has a channel the service file does not list",
               f"use one of {', '.join(channels)}, or add it to [demand] channels"),
    ]
    if "closed_at" in cols:
        closed = sql.text("closed_at")
        # blank, or a value standing for none ("n/a"), is a demand still open
        checks.append(_Aside("closed_at", f"{closed} IS NOT NULL AND NOT "
                             f"{placeholder_sql(closed)} AND {sql.ts('closed_at')} IS NULL",
                             UNREADABLE_TIME, "has a closing date servicecheck does not "
                             "understand", DATES_FIX))
    if "nature" in cols:
        nature = sql.text("nature")
        checks.append(_Aside("nature", f"{nature} IS NOT NULL AND NOT {placeholder_sql(nature)}"
                             f" AND lower({nature}) NOT IN ({literals(NATURES)})",
                             UNKNOWN_NATURE, "has a nature other than value, failure or unknown",
                             "use value, failure or unknown"))
    for role, longest in LENGTHS.items():
        if role in cols:
            checks.append(_Aside(role, f"length({sql.text(role)}) > {int(longest)}", TOO_LONG,
                                 f"has a {role.replace('_', ' ')} longer than the "
                                 f"{longest:,} characters it may hold",
                                 "shorten it, or check the file's quotes and delimiter"))
    return checks


def _one_form(con: duckdb.DuckDBPyConnection, raw: RawTable, cols: dict[str, str],
              fmt: str | None, sql: _Sql) -> None:
    """Times in two forms (ISO 8601 and day-first) are two exports pasted together: one
    sentence with a row of each, never read row by row."""
    received = cols["received_at"]
    if fmt is not None or not pa.types.is_string(raw.table.schema.field(received).type):
        return
    iso = f"{iso_sql(ident(received))} IS NOT NULL"
    rows = con.execute(f"SELECT min(__row) FILTER (WHERE {iso}), min(__row) FILTER (WHERE "
                       f"NOT ({iso}) AND {sql.ts('received_at')} IS NOT NULL) FROM src"
                       ).fetchone()
    if rows and rows[0] is not None and rows[1] is not None:
        def at(row: int) -> tuple[str, int]:
            value = con.execute(f"SELECT {ident(received)} FROM src WHERE __row = ?",
                                [row]).fetchone()
            return str(value[0] if value else ""), row + raw.header_rows + 1

        raise two_forms(raw.source, received, at(int(rows[0])), at(int(rows[1])))


def _first_problem(raw: RawTable, rejects: Rejects, checks: list[_Aside],
                   cols: dict[str, str]) -> InputError:
    """The sentence for the first value set aside, and how many more like it."""
    first = rejects.table.slice(0, 1).to_pylist()[0]
    check = next(c for c in checks
                 if cols[c.role] == first["column"] and c.reason == first["reason"])
    same = sum(1 for col, why in zip(rejects.table.column("column").to_pylist(),
                                     rejects.table.column("reason").to_pylist(), strict=True)
               if (col, why) == (first["column"], first["reason"]))
    more = f" ({same - 1:,} more {'row' if same == 2 else 'rows'} like it)" if same > 1 else ""
    value = first["value"]
    if value and len(value) > SHOWN:
        value = value[:SHOWN] + "…"
    # never the citizen's words or their identifier, which a sentence may carry into a log
    shown = (f" ('{value}')" if value and check.role not in ("verbatim", "citizen_id")
             and check.reason != TOO_LONG else "")
    return InputError(f"the row {check.problem}{shown}{more}", source=raw.source,
                      row=first["row"], column=first["column"], fix=check.fix)


def _kept_values(rejects: Rejects, cols: dict[str, str], service: Service) -> Rejects:
    """The rejects as the workspace keeps them: a value too long for its field cut to its
    start (enough to find the row by), and the citizen's words and references redacted as
    the demands are, since the rejects table is downloaded and passed round too."""
    if not rejects.rows:
        return rejects
    roles = {c: r for r, c in cols.items()}
    values: list[str | None] = []
    for col, value, why in zip(rejects.table.column("column").to_pylist(),
                               rejects.table.column("value").to_pylist(),
                               rejects.table.column("reason").to_pylist(), strict=True):
        if value is not None and why == TOO_LONG:
            value = value[:SHOWN] + "…"
        role = roles.get(col, "")
        if role == "citizen_id":  # a raw identifier is never stored, set aside or not
            value = None
        elif service.redact and role in (*MASKED_FIELDS, *REFERENCE_FIELDS):
            value, _ = redact_field(role, value, names=service.redact_names)
        values.append(value)
    table = rejects.table.set_column(rejects.table.schema.get_field_index("value"), "value",
                                     pa.array(values, pa.string()))
    return Rejects(table, rejects.rows)
