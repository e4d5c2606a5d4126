"""Turn a raw table into canonical events: mapped columns, timestamps in UTC, file order kept.

Column names are mapped, never assumed: an explicit mapping wins, then the service file's
``[columns]``, then the names PM4Py/XES and servicecheck use by convention.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from servicecheck.io.errors import InputError
from servicecheck.io.pool import import_pool
from servicecheck.io.pseudonym import citizen_ref_sql
from servicecheck.io.sql import ident, literal, literals, set_timezone
from servicecheck.io.tables import RawTable

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "case": ("case_id", "case:concept:name"),
    "activity": ("activity", "concept:name"),
    "timestamp": ("timestamp", "time:timestamp"),
    "start_timestamp": ("start_timestamp", "time:start_timestamp"),
    "resource": ("resource", "org:resource"),
    "team": ("team",),
    "citizen_ref": ("citizen_ref",),
    # a raw identifier (customer number, NI number): stored only as a salted hash in
    # citizen_ref, never itself; only ever mapped by name, never guessed
    "citizen_id": (),
    "need": ("need_id",),
}
REQUIRED_ROLES = ("case", "activity", "timestamp")
ROLE_FLAGS = {
    "case": "--case",
    "activity": "--activity",
    "timestamp": "--timestamp",
    "start_timestamp": "--start-timestamp",
    "team": "--team",
    "resource": "--resource",
    "citizen_ref": "--citizen",
    "citizen_id": "--citizen-id",
    "need": "--need",
}
CANONICAL = ("service", "case_id", "activity", "timestamp", "start_timestamp", "team",
             "resource", "citizen_ref", "need_id", "event_index")
# Day-first forms a UK council export uses; ISO 8601 (with or without offset) is tried first.
UK_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


@dataclass
class ImportReport:
    """What one import did: rows read, events kept, rows left out and why."""

    source: str
    service: str
    rows_read: int
    events: int = 0
    cases: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    masked: int = 0

    @property
    def rows_dropped(self) -> int:
        return sum(self.dropped.values())

    def describe(self) -> str:
        text = f"{self.events:,} events in {self.cases:,} cases from {self.source}"
        if self.rows_dropped:
            parts = ", ".join(f"{n:,} {why}" for why, n in self.dropped.items() if n)
            text += f"; left out {self.rows_dropped:,} rows ({parts})"
        return text


def resolve_columns(
    names: list[str],
    explicit: Mapping[str, str | None] | None,
    configured: Mapping[str, str] | None,
    source: str,
) -> dict[str, str]:
    """Map roles (case, activity, ...) to the source's column names."""
    present = set(names)
    lower = {n.lower(): n for n in names}
    out: dict[str, str] = {}
    for role in ROLE_NAMES:
        chosen = (explicit or {}).get(role) or (configured or {}).get(role)
        if chosen:
            if chosen not in present:
                hint = lower.get(chosen.lower())
                fix = (f"did you mean '{hint}'?" if hint else
                       f"the columns are: {', '.join(names[:20])}")
                raise InputError(f"the mapping names a column '{chosen}' for the {role} "
                                 "that is not in the file", source=source, column=chosen,
                                 fix=f"correct {ROLE_FLAGS[role]} or [columns] {role}; {fix}")
            out[role] = chosen
            continue
        for cand in ROLE_NAMES[role]:
            if cand in present:
                out[role] = cand
                break
    for role in REQUIRED_ROLES:
        if role not in out:
            raise InputError(
                f"no column for the {role} was found among {', '.join(names[:20])}",
                source=source,
                fix=f"name it with {ROLE_FLAGS[role]} COLUMN or in the service file's "
                f"[columns] table ({role} = \"COLUMN\")",
            )
    return out


# What Arrow's ascii_trim_whitespace removes, for DuckDB's TRIM (which removes only spaces
# unless told): a tab left on a timestamp read in place from Parquet made it unreadable.
ASCII_WHITESPACE = "chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def trim_sql(expr: str) -> str:
    """DuckDB: ``expr`` without leading or trailing ASCII whitespace.

    TRIM with a set of characters is four times slower than testing the first and last
    byte, and almost no value needs it, so only values starting or ending at or below
    a space are trimmed (measured: 0.028 s against 0.11 s per million values)."""
    return (f"CASE WHEN ascii({expr}) <= 32 OR ascii({expr}[-1]) <= 32 "
            f"THEN TRIM({expr}, {ASCII_WHITESPACE}) ELSE {expr} END")


def text_sql(expr: str) -> str:
    """DuckDB: ``expr`` trimmed, with a blank value as missing."""
    return f"NULLIF({trim_sql(expr)}, '')"


def timestamp_sql(col: str, arrow_type: pa.DataType, fmt: str | None,
                  trimmed: bool = False) -> str:
    """A DuckDB expression turning a source column into TIMESTAMPTZ (naive = local time)."""
    q = ident(col)
    t = q if trimmed else trim_sql(q)
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return f"CAST({q} AS TIMESTAMPTZ)"
    if not (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)):
        return f"TRY_CAST(CAST({q} AS VARCHAR) AS TIMESTAMPTZ)"
    if fmt:
        return f"CAST(TRY_STRPTIME({t}, {literal(fmt)}) AS TIMESTAMPTZ)"
    fmts = literals(UK_FORMATS)
    return (
        f"COALESCE(TRY_CAST({t} AS TIMESTAMPTZ), "
        f"CAST(TRY_STRPTIME({t}, [{fmts}]) AS TIMESTAMPTZ))"
    )


def iso_sql(col: str, trimmed: bool = False) -> str:
    """DuckDB: the column read as ISO 8601 only (NULL where it is another form)."""
    return f"TRY_CAST({ident(col) if trimmed else trim_sql(ident(col))} AS TIMESTAMPTZ)"


def two_forms(source: str, column: str, iso: tuple[str, int], dayfirst: tuple[str, int]
              ) -> InputError:
    """A time column with ISO 8601 and day-first dates: two exports pasted together, to be
    reported with a row of each, not guessed at row by row (is 03/04 March or April?)."""
    return InputError(
        f"the times are in two forms, ISO 8601 ('{iso[0]}' in row {iso[1]}) and "
        f"day-first ('{dayfirst[0]}' in row {dayfirst[1]}), so rows may not mean the same "
        "date", source=source, column=column,
        fix="export the column in one form, or give --timestamp-format for the one "
        "the whole column uses")


IMPORT_RELATION = "__import_src"


def clean_text_columns(table: pa.Table) -> tuple[pa.Table, frozenset[str]]:
    """Trim the text columns and make blank values missing, in Arrow; name the columns done.

    Arrow trims ASCII whitespace in one pass over the bytes, about eight times faster than
    DuckDB's TRIM over the same strings (measured on the 1M-event import), and its kernels
    release the GIL, so the columns are cleaned on every core. Whitespace beyond ASCII (a
    no-break space) is kept.
    """
    text = [name for name, column in zip(table.column_names, table.columns, strict=True)
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cleaned = dict(zip(text, pool.map(_clean, (table.column(n) for n in text)),
                           strict=True))
    columns = [cleaned.get(name, column)
               for name, column in zip(table.column_names, table.columns, strict=True)]
    return pa.table(columns, names=table.column_names), frozenset(text)


def _clean(column: pa.ChunkedArray) -> pa.ChunkedArray:
    column = pc.ascii_trim_whitespace(column, memory_pool=import_pool())
    # trimming can leave '' only where there was whitespace; most columns have none
    blank = pc.equal(pc.binary_length(column), 0)
    if pc.any(blank).as_py():
        column = pc.if_else(blank, pa.scalar(None, column.type), column,
                            memory_pool=import_pool())
    return column


@dataclass
class PreparedImport:
    """A validated source, registered on a connection, and the SELECT that makes it canonical."""

    sql: str
    report: ImportReport
    relation: str


def canonical_events(
    raw: RawTable,
    con: duckdb.DuckDBPyConnection,
    *,
    service_key: str,
    columns: dict[str, str],
    timezone: str,
    timestamp_format: str | None = None,
    activity_teams: Mapping[str, str] | None = None,
    first_index: int = 0,
    timezone_source: str = "--timezone",
) -> PreparedImport:
    """Validate a raw table and prepare the SELECT of its canonical events, or an InputError.

    The source is registered on ``con`` (zero-copy) and the connection's time zone set for
    reading naive times; the caller runs the SELECT straight into the workspace, so the
    events are materialised once. Validation only reads: nothing is written here.
    """
    table = raw.table
    report = ImportReport(source=raw.source, service=service_key, rows_read=raw.num_rows,
                          mapping=dict(columns))
    set_timezone(con, timezone, source=timezone_source)
    # the row number is the file's own order: ties in time keep it
    relation = IMPORT_RELATION
    cleaned: frozenset[str] = frozenset()
    if raw.scan is not None:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT * FROM {raw.scan}")
    else:
        table, cleaned = clean_text_columns(table)
        if "__row" not in table.column_names:  # a widened case table numbers its own events
            table = table.append_column("__row", pa.arange(0, table.num_rows))
        con.register(relation, table)

    def parsed(role: str) -> str:
        col = columns[role]
        return timestamp_sql(col, table.schema.field(col).type, timestamp_format,
                             trimmed=col in cleaned)

    def is_text(col: str) -> bool:
        t = table.schema.field(col).type
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t))

    def text(col: str) -> str:
        if col in cleaned:
            return ident(col)
        if is_text(col):
            return text_sql(ident(col))
        return f"CAST({ident(col)} AS VARCHAR)"

    def present(col: str) -> str:
        """Non-blank, without formatting a typed value as text just to test it."""
        return text(col) if is_text(col) else ident(col)

    # Everything validation needs, in one aggregate pass over the source (an order of
    # magnitude faster than filtering with a window; one scan instead of one per question):
    # per text timestamp column the first unreadable row and how many there are, then the
    # rows without a case, an activity or a timestamp, the rows kept and their cases.
    stamps: list[str] = [role for role in ("timestamp", "start_timestamp")
              if role in columns and is_text(columns[role])]  # typed ones need no parsing
    case_col, act_col, ts_col = columns["case"], columns["activity"], columns["timestamp"]
    inner = [f"{present(case_col)} AS c", f"{present(act_col)} AS a",
             f"{present(ts_col)} AS t", "__row"]
    outer = []
    for i, role in enumerate(stamps):
        inner += [f"{text(columns[role])} AS r{i}", f"{parsed(role)} AS p{i}"]
        bad = f"p{i} IS NULL AND r{i} IS NOT NULL"
        outer += [f"min(__row) FILTER (WHERE {bad})", f"count(*) FILTER (WHERE {bad})"]
        if timestamp_format:
            outer += ["NULL", "NULL"]
            continue
        # which rows read as ISO 8601 and which only day-first: a column with both is two
        # exports pasted together, to be reported, not guessed at row by row
        col = columns[role]
        inner.append(f"{iso_sql(col, trimmed=col in cleaned)} IS NOT NULL AS iso{i}")
        outer += [f"min(__row) FILTER (WHERE iso{i})",
                  f"min(__row) FILTER (WHERE p{i} IS NOT NULL AND NOT iso{i})"]
    outer += [
        "count(*) FILTER (WHERE c IS NULL)",
        "count(*) FILTER (WHERE c IS NOT NULL AND a IS NULL)",
        "count(*) FILTER (WHERE c IS NOT NULL AND a IS NOT NULL AND t IS NULL)",
        "count(*) FILTER (WHERE c IS NOT NULL AND a IS NOT NULL AND t IS NOT NULL)",
        "count(DISTINCT c) FILTER (WHERE a IS NOT NULL AND t IS NOT NULL)",
    ]
    found = con.execute(f"SELECT {', '.join(outer)} "
                        f"FROM (SELECT {', '.join(inner)} FROM {relation})").fetchone()
    assert found is not None  # an aggregate always returns its row

    def value_at(col: str, row: int) -> tuple[str, int, str]:
        """The value at a source row, the row a person sees, and the column to name (a
        widened case table: the user's date column, not the internal one)."""
        value = con.execute(f"SELECT {text(col)} FROM {relation} WHERE __row = ?",
                            [row]).fetchone()[0]  # type: ignore[index]
        shown_col = (raw.stamp_columns[row % raw.rows_per_record]
                     if raw.stamp_columns and col == columns["timestamp"] else col)
        return str(value), row // raw.rows_per_record + raw.header_rows + 1, shown_col

    for i, role in enumerate(stamps):
        first_bad, count, first_iso, first_dayfirst = found[4 * i: 4 * i + 4]
        col = columns[role]
        if first_bad is not None:
            value, row, shown_col = value_at(col, int(first_bad))
            more = (f" (and {count - 1:,} more {'row' if count == 2 else 'rows'} like it)"
                    if count > 1 else "")
            raise InputError(
                f"'{value}' is not a date and time servicecheck understands{more}",
                source=raw.source, row=row, column=shown_col,
                fix="use ISO 8601 (2024-12-25 14:03 or 2024-12-25T14:03:00+00:00), "
                "UK day-first (25/12/2024 14:03) or a date, or give --timestamp-format",
            )
        if first_iso is not None and first_dayfirst is not None:
            iso_value, iso_row, shown_col = value_at(col, int(first_iso))
            uk_value, uk_row, _ = value_at(col, int(first_dayfirst))
            raise two_forms(raw.source, shown_col, (iso_value, iso_row), (uk_value, uk_row))
    # every non-empty timestamp parses (checked above), so emptiness decides what is kept
    no_case = f"{present(case_col)} IS NULL"
    no_act = f"{present(act_col)} IS NULL"
    no_ts = f"{present(ts_col)} IS NULL"
    keep = f"NOT ({no_case}) AND NOT ({no_act}) AND NOT ({no_ts})"
    counts = found[4 * len(stamps):]
    n_case, n_act, n_ts, n_keep, n_cases = (int(x) for x in counts)
    report.dropped = {
        "without a case id": n_case,
        "without an activity": n_act,
        "without a timestamp": n_ts,
    }
    if n_keep == 0:
        raise InputError("no row has a case id, an activity and a timestamp", source=raw.source,
                         fix="check the column mapping (--case, --activity, --timestamp)")
    report.events, report.cases = n_keep, n_cases

    select = [
        f"{literal(service_key)} AS service",
        f"{text(case_col)} AS case_id",
        f"{text(act_col)} AS activity",
        f"{parsed('timestamp')} AS timestamp",
        f"{parsed('start_timestamp')} AS start_timestamp" if "start_timestamp" in columns
        else "CAST(NULL AS TIMESTAMPTZ) AS start_timestamp",
    ]
    if "team" in columns:
        select.append(f"{text(columns['team'])} AS team")
    elif activity_teams:
        cases = " ".join(
            f"WHEN {text(act_col)} = {literal(a)} THEN {literal(t)}"
            for a, t in activity_teams.items()
        )
        select.append(f"CASE {cases} ELSE NULL END AS team")
    else:
        select.append("CAST(NULL AS VARCHAR) AS team")
    for role, name in (("resource", "resource"), ("citizen_ref", "citizen_ref"),
                       ("need", "need_id")):
        if role == "citizen_ref" and "citizen_id" in columns:
            select.append(f"{citizen_ref_sql(text(columns['citizen_id']))} AS citizen_ref")
            continue
        select.append(f"{text(columns[role])} AS {name}" if role in columns
                      else f"CAST(NULL AS VARCHAR) AS {name}")
    select.append(f"__row + {first_index} AS event_index")
    used = set(columns.values()) | {"__row"}
    taken = {c.lower() for c in CANONICAL}
    for name in table.column_names:
        if name in used:
            continue
        alias = name if name.lower() not in taken else f"{name} (source)"
        taken.add(alias.lower())
        select.append(f"{ident(name)} AS {ident(alias)}")
    sql = f"SELECT {', '.join(select)} FROM {relation} WHERE {keep}"
    return PreparedImport(sql=sql, report=report, relation=relation)
