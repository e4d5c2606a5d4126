"""Turn a raw table into canonical events: mapped columns (``io/roles.py``), timestamps in
UTC, file order kept; what the import did in an ``ImportReport`` (``io/report.py``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from servicecheck.io.dates import (
    NAMED_PATTERN,
    Order,
    filled_sql,
    form_of,
    iso_sql,
    local_sql,
    naive_by_type,
    no_offset_sql,
    text_sql,
    time_of_day_column,
    timestamp_sql,
    two_forms,
    with_time_of_day,
)
from servicecheck.io.errors import InputError
from servicecheck.io.in_place import InPlace, read_in_place
from servicecheck.io.lifecycle import (
    OTHER_MOMENT,
    UNPAIRED_START,
    lifecycle_sql,
    pair_lifecycle,
)
from servicecheck.io.placeholders import PLACEHOLDER_ROLES, is_placeholder, placeholders_held
from servicecheck.io.pool import import_pool
from servicecheck.io.pseudonym import citizen_ref_sql
from servicecheck.io.rejects import (
    ENDS_BEFORE_START,
    UNREADABLE_TIME,
    backwards,
    check_share,
    column_seen,
    row_seen,
    rows_lost,
    set_aside,
    unreadable,
)
from servicecheck.io.report import LEFT_OUT, ImportReport
from servicecheck.io.roles import check_one_service
from servicecheck.io.sql import bound, ident, literal, literals, set_timezone
from servicecheck.io.tables import RawTable

CANONICAL = ("service", "case_id", "activity", "timestamp", "start_timestamp", "team",
             "resource", "citizen_ref", "need_id", "event_index")


IMPORT_RELATION = "__import_src"
# where a bare day number (45352.375) is Excel's date: a workbook, and a CSV saved from one,
# whose dates lost their format on the way (the proposal reads them so, and said "Excel's day
# numbers" of a CSV that the import then refused as "not a date and time")
SERIAL_SOURCES = ("excel", "text")


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
    # counts what the SELECT wrote, in the import's transaction, given how many rows it
    # wrote (an import that writes before it counts: see ``deferred``)
    finish: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None
    # the same SELECT reading the file itself, where it can be read in place: a Parquet
    # file whose times carry their zone (see ``InPlace``)
    in_place: InPlace | None = None


@dataclass(frozen=True)
class _Stamp:
    """A text time column's reading, from the one validation pass."""

    role: str
    column: str
    order: Order | None  # None: a format was given, or the column is typed
    bad: int  # values that do not read (in the order chosen)
    first_bad: int | None


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
    date_order: Order | None = None,
    max_rejects: float = 0.0,
    records: int | None = None,
) -> PreparedImport:
    """Validate a raw table and prepare the SELECT of its canonical events, or an InputError.

    The source is registered on ``con`` (zero-copy) and the connection's time zone set for
    reading naive times; the caller runs the SELECT straight into the workspace, so the
    events are materialised once. Validation only reads: nothing is written here.

    Text times are read as ISO 8601 and then in ``date_order`` (decided from the column
    when None: a day above 12 in second place says month-first). A value that does not read,
    or a step ending before it starts, is set aside in ``report.rejects`` unless more than
    ``max_rejects`` of the ``records`` (source rows) are, which stops the import.
    Placeholders ("EMPTY", "n/a") in the activity, team and resource are read as missing.
    """
    table = raw.table
    report = ImportReport(source=raw.source, service=service_key, rows_read=raw.num_rows,
                          mapping=dict(columns), sheet=raw.sheet,
                          header_row=raw.header_rows or None)
    set_timezone(con, timezone, source=timezone_source)
    # the row number is the file's own order: ties in time keep it
    relation = IMPORT_RELATION
    cleaned: frozenset[str] = frozenset()
    if raw.scan is not None:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT * FROM {raw.scan}")
    else:
        table, cleaned = clean_text_columns(table)
        # dates in one column and their times of day in another: read as one instant
        paired = (None if raw.stamp_columns or timestamp_format else
                  time_of_day_column(table, columns["timestamp"], columns.values()))
        if paired is not None:
            table = with_time_of_day(table, columns["timestamp"], paired)
            report.time_of_day = paired
        if "__row" not in table.column_names:  # a widened case table numbers its own events
            table = table.append_column("__row", pa.arange(0, table.num_rows))
        con.register(relation, table)

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

    def parsed(role: str, order: Order | None) -> str:
        col = columns[role]
        return timestamp_sql(ident(col), table.schema.field(col).type, timestamp_format,
                             trimmed=col in cleaned, order=order or "day-first",
                             serial=raw.kind in SERIAL_SOURCES)

    stamps: list[str] = [role for role in ("timestamp", "start_timestamp")
                         if role in columns and is_text(columns[role])]
    lifecycle = columns.get("lifecycle")
    # A source whose times are typed, with no start time and no lifecycle to read, needs
    # no decision before its rows are written: the import writes first and counts after
    # (``finish``), in the same transaction. That saves a whole pass over the file (at 10M
    # events from Parquet, about a quarter of the import). Where the written rows show
    # something to account for (a row left out, a placeholder), the source is then
    # validated exactly as below, so the counts are the same either way.
    deferred = not stamps and not lifecycle and "start_timestamp" not in columns

    # a placeholder in the activity, team or resource is missing. These columns hold few
    # distinct values, so the placeholders are found among those first (0.2 s per million
    # rows, against 0.7 s per column for testing every value), and only where one is
    # found are its rows counted and its values cleared.
    held: dict[str, list[str]] = ({} if deferred else
                                  placeholders_held(con, relation, table, cleaned, columns,
                                                    text))

    def value(col: str) -> str:
        """The text a canonical column takes: a placeholder is missing."""
        if col in held:
            return (f"CASE WHEN {text(col)} IN ({literals(held[col])}) THEN NULL "
                    f"ELSE {text(col)} END")
        return text(col)

    # Everything validation needs, in one aggregate pass over the source (an order of
    # magnitude faster than filtering with a window; one scan instead of one per question):
    # per text time column the first unreadable row and how many there are in each order,
    # and the first row of each form; then the rows without a case, an activity or a time,
    # the rows kept and their cases, the placeholders, and the lifecycle moments. A time is
    # parsed as ISO 8601 once (innermost select), then in each order only where it is not.
    # (typed time columns need no parsing)
    case_col, act_col, ts_col = columns["case"], columns["activity"], columns["timestamp"]
    per_stamp = 9  # the figures validate() reads per text time column

    def validate() -> tuple[Any, ...]:
        """The one aggregate pass over the source, below; ``held`` as found so far."""
        act = value(act_col)
        level0 = [f"{present(case_col)} AS c", f"{act} AS a", f"{present(ts_col)} AS t",
                  "__row"]
        inner = ["*"]
        outer: list[str] = []
        ok = "c IS NOT NULL AND a IS NOT NULL"
        serial = raw.kind in SERIAL_SOURCES
        for i, role in enumerate(stamps):
            col = columns[role]
            level0.append(f"{text(col)} AS r{i}")
            if timestamp_format:
                level0 += [f"CAST(NULL AS TIMESTAMPTZ) AS i{i}",
                           f"{parsed(role, None)} AS f{i}"]
                inner += [f"f{i} AS sd{i}", f"f{i} AS sm{i}"]
            else:
                # each reading written once: DuckDB shares an expression written twice as
                # one column computed for every row, which undid the CASE and cost 50 times
                # more
                level0.append(f"{iso_sql(f'r{i}', trimmed=True)} AS i{i}")
                inner += [f"CASE WHEN i{i} IS NULL THEN {local_sql(f'r{i}', order, serial)} "
                          f"END AS s{order[0]}{i}" for order in ("day-first", "month-first")]
            bad_d, bad_m = (f"{ok} AND i{i} IS NULL AND s{p}{i} IS NULL AND r{i} IS NOT NULL"
                            for p in "dm")
            outer += [f"min(__row) FILTER (WHERE {bad_d})", f"count(*) FILTER (WHERE {bad_d})",
                      f"min(__row) FILTER (WHERE {bad_m})", f"count(*) FILTER (WHERE {bad_m})",
                      f"min(__row) FILTER (WHERE i{i} IS NOT NULL)",
                      f"min(__row) FILTER (WHERE sd{i} IS NOT NULL AND sm{i} IS NULL)",
                      f"min(__row) FILTER (WHERE sm{i} IS NOT NULL AND sd{i} IS NULL)",
                      # a date either order reads alike; the month by name is not one
                      # (it reads one way: beside ISO 8601 it is no second form)
                      f"min(__row) FILTER (WHERE sd{i} IS NOT NULL AND sm{i} IS NOT NULL "
                      f"AND NOT regexp_matches(r{i}, {literal(NAMED_PATTERN)}))",
                      # any time written without an offset (the pattern on text already
                      # read: a pass of its own cost 3% of a 1M-event import)
                      f"bool_or({no_offset_sql(f'r{i}')})"]
        outer += [
            "count(*) FILTER (WHERE c IS NULL)",
            "count(*) FILTER (WHERE c IS NOT NULL AND a IS NULL)",
            "count(*) FILTER (WHERE c IS NOT NULL AND a IS NOT NULL AND t IS NULL)",
            "count(*) FILTER (WHERE c IS NOT NULL AND a IS NOT NULL AND t IS NOT NULL)",
            "count(DISTINCT c) FILTER (WHERE a IS NOT NULL AND t IS NOT NULL)",
        ]
        for j, col in enumerate(held):
            level0.append(f"CASE WHEN {text(col)} IN ({literals(held[col])}) "
                          f"THEN {text(col)} END AS h{j}")
            outer.append(f"histogram(h{j}) FILTER (WHERE h{j} IS NOT NULL)")
        if lifecycle:
            level0.append(f"{lifecycle_sql(text(lifecycle))} AS lc")
            outer.append("count(*) FILTER (WHERE lc IN ('start', 'other'))")
        got = con.execute(f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM "
                          f"(SELECT {', '.join(level0)} FROM {relation}))").fetchone()
        assert got is not None  # an aggregate always returns its row
        return got

    found: tuple[Any, ...] = () if deferred else validate()

    def value_at(col: str, row: int) -> tuple[str, int, str]:
        """The value at a source row, the row a person sees, and the column to name (a
        widened case table: the user's date column, not the internal one)."""
        value = con.execute(f"SELECT {text(col)} FROM {relation} WHERE __row = ?",
                            [row]).fetchone()[0]  # type: ignore[index]
        return str(value), row_seen(raw, row), column_seen(raw, columns, col, row)

    read: list[_Stamp] = []
    for i, role in enumerate(stamps):
        (first_bad_d, bad_d, first_bad_m, bad_m, first_iso, first_day, first_month,
         first_either, no_offset) = found[per_stamp * i: per_stamp * (i + 1)]
        col = columns[role]
        report.naive_times = bool(report.naive_times or no_offset)
        if timestamp_format:
            read.append(_Stamp(role, col, None, int(bad_d), first_bad_d))
            continue
        if first_day is not None and first_month is not None:
            raise _mixed(raw, col, value_at, (first_day, "day-first"),
                         (first_month, "month-first"))
        order: Order = date_order or ("month-first" if first_month is not None
                                      else "day-first")
        local = {"day-first": first_day, "month-first": first_month}[order]
        if first_iso is not None and (local is not None or first_either is not None):
            other = local if local is not None else first_either
            raise _mixed(raw, col, value_at, (first_iso, "iso"), (other, order))
        bad, first_bad = ((int(bad_d), first_bad_d) if order == "day-first"
                          else (int(bad_m), first_bad_m))
        read.append(_Stamp(role, col, order, bad, first_bad))
        if role == "timestamp" and (local is not None or first_either is not None):
            report.date_order = order
            if date_order is None and local is None and first_either is not None:
                written, _, seen = value_at(col, first_either)
                # an Excel day number reads in either order too, but says nothing of one
                if form_of(written) == "either":
                    report.order_assumed = seen
    orders = {s.role: s.order for s in read}

    def ts(role: str) -> str:
        return parsed(role, orders.get(role))

    base = per_stamp * len(stamps)

    def counted(found: tuple[Any, ...]) -> tuple[int, int]:
        """The rows left out, and the placeholders, into the report; the rows kept and
        their cases."""
        n_case, n_act, n_ts, n_keep, n_cases = (int(x) for x in found[base:base + 5])
        roles = {c: r for r, c in columns.items() if r in PLACEHOLDER_ROLES}
        for j, col in enumerate(held):
            hist = found[base + 5 + j] or {}
            if hist:
                report.placeholders[roles[col]] = {str(k): int(v) for k, v in hist.items()}
        report.dropped = dict(zip(LEFT_OUT, (n_case, n_act, n_ts), strict=True))
        return n_keep, n_cases

    n_keep, n_cases = counted(found) if found else (0, 0)
    needs_pairing = bool(lifecycle) and int(found[-1]) > 0

    def filled(col: str) -> str:
        """The row holds a value in ``col``: the cheap test where the value is raw text."""
        if is_text(col) and col not in cleaned and col not in held:
            return filled_sql(ident(col))
        return f"{value(col) if col in held else present(col)} IS NOT NULL"

    check_one_service(con, relation, raw, columns, text, filled(case_col))

    # rows set aside: a time that does not read, a step that ends before it starts
    keep_raw = f"{filled(case_col)} AND {filled(act_col)} AND {filled(ts_col)}"
    aside: list[tuple[str, str, str]] = [
        (s.column, f"{text(s.column)} IS NOT NULL AND {ts(s.role)} IS NULL", UNREADABLE_TIME)
        for s in read if s.bad]
    if "start_timestamp" in columns:
        aside.append((columns["start_timestamp"],
                      f"{ts('start_timestamp')} > {ts('timestamp')}", ENDS_BEFORE_START))
    rejects = set_aside(con, relation, raw, columns, keep_raw, aside, text)
    keep = keep_raw + "".join(f" AND NOT coalesce({cond}, false)" for _, cond, _ in aside)
    if rejects.rows:
        first = min((s for s in read if s.first_bad is not None),
                    key=lambda s: int(s.first_bad or 0), default=None)
        problem = (unreadable(raw, *value_at(first.column, int(first.first_bad or 0)),
                               count=first.bad) if first is not None else
                   backwards(raw, rejects))
        check_share(rejects, records or raw.num_rows, max_rejects, raw.source, problem,
                    lost=rows_lost(con, relation, raw, keep_raw, aside)
                    if raw.stamp_columns else None)
        kept = con.execute(f"SELECT count(*), count(DISTINCT {present(case_col)}) "
                           f"FROM {relation} WHERE {keep}").fetchone()
        assert kept is not None
        n_keep, n_cases = int(kept[0]), int(kept[1])
    report.rejects = rejects
    if not deferred:
        _check_kept(n_keep, raw)
    report.events, report.cases = n_keep, n_cases
    # a typed time column says by its type whether it carries a zone; text said it above
    report.naive_times = bool(report.naive_times or any(
        naive_by_type(table.schema.field(columns[role]).type)
        for role in ("timestamp", "start_timestamp") if role in columns))

    select = [
        f"{literal(service_key)} AS service",
        f"{text(case_col)} AS case_id",
        f"{value(act_col)} AS activity",
        f"{ts('timestamp')} AS timestamp",
        f"{ts('start_timestamp')} AS start_timestamp" if "start_timestamp" in columns
        else "CAST(NULL AS TIMESTAMPTZ) AS start_timestamp",
    ]
    if "team" in columns:
        select.append(f"{value(columns['team'])} AS team")
    elif activity_teams:
        cases = " ".join(
            f"WHEN {value(act_col)} = {literal(a)} THEN {literal(t)}"
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
        select.append(f"{value(columns[role])} AS {name}" if role in columns
                      else f"CAST(NULL AS VARCHAR) AS {name}")
    select.append(f"__row + {first_index} AS event_index")
    if needs_pairing:
        select.append(f"{lifecycle_sql(text(str(lifecycle)))} AS __lc")
    used = {c for r, c in columns.items() if r != "lifecycle"} | {"__row"}
    taken = {c.lower() for c in CANONICAL}
    for name in table.column_names:
        if name in used:
            continue
        alias = name if name.lower() not in taken else f"{name} (source)"
        taken.add(alias.lower())
        select.append(f"{ident(name)} AS {ident(alias)}")
    sql = f"SELECT {', '.join(select)} FROM {relation} WHERE {keep}"
    if needs_pairing:
        sql, count_sql = pair_lifecycle(sql)
        got = con.execute(count_sql).fetchone()
        assert got is not None
        report.events, report.cases, report.paired = int(got[0]), int(got[1]), int(got[2])
        report.dropped[UNPAIRED_START] = int(got[3]) - int(got[2])
        report.dropped[OTHER_MOMENT] = int(got[4])

    in_place = (read_in_place(raw, columns, report, f"SELECT {', '.join(select)} FROM "
                              f"{raw.scan} WHERE {keep}") if deferred else None)

    def finish(con: duckdb.DuckDBPyConnection, written: int) -> None:
        """Count what a deferred import wrote (its rows are the events from ``first_index``
        on), and account for anything to account for, before the import is recorded."""
        mine = "event_index >= ?"
        if written < raw.num_rows:  # rows left out: their values count too, as ever
            held.update(placeholders_held(con, relation, table, cleaned, columns, text))
        else:  # every row written: its distinct values are the source's, trimmed
            for role in PLACEHOLDER_ROLES:
                col = columns.get(role)
                if (col is None or col in held
                        or not pa.types.is_string(table.schema.field(col).type)):
                    continue
                found = sorted(str(r[0]) for r in con.execute(
                    f"SELECT DISTINCT {role} FROM events WHERE {mine}",
                    [first_index]).fetchall() if is_placeholder(r[0]))
                if found:
                    held[col] = found
        if held or written < raw.num_rows:
            # something to account for: the rows left out and the placeholders counted on
            # the source as any import counts them, then the written rows made what they
            # would have been
            counted(validate())
            for role in PLACEHOLDER_ROLES:
                col = columns.get(role)
                if col not in held:
                    continue
                change = ("DELETE FROM events" if role == "activity"
                          else f"UPDATE events SET {role} = NULL")
                con.execute(f"{change} WHERE {mine} AND list_contains(?, {role})",
                            [first_index, held[col]])
        else:
            report.dropped = dict.fromkeys(LEFT_OUT, 0)
        # what was kept is what is written: counted there, whatever was left out
        got = con.execute(bound(f"SELECT count(*), count(DISTINCT case_id) FROM events "
                                f"WHERE {mine}", [first_index])).fetchone()
        assert got is not None
        n_keep, n_cases = int(got[0]), int(got[1])
        _check_kept(n_keep, raw)
        report.events, report.cases = n_keep, n_cases

    return PreparedImport(sql=sql, report=report, relation=relation,
                          finish=finish if deferred else None, in_place=in_place)


def _check_kept(kept: int, raw: RawTable) -> None:
    if kept == 0:
        raise InputError("no row has a case id, an activity and a timestamp", source=raw.source,
                         fix="check the column mapping (--case, --activity, --timestamp)")


def _mixed(raw: RawTable, col: str, value_at: Callable[[str, int], tuple[str, int, str]],
           a: tuple[int, str], b: tuple[int, str]) -> InputError:
    first_value, first_row, shown = value_at(col, int(a[0]))
    second_value, second_row, _ = value_at(col, int(b[0]))
    return two_forms(raw.source, shown, (first_value, first_row), (second_value, second_row),
                     (a[1], b[1]))
