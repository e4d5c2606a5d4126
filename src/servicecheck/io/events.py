"""Turn a raw table into canonical events: mapped columns, timestamps in UTC, file order kept.

Column names are mapped, never assumed: an explicit mapping wins, then the service file's
``[columns]``, then the names PM4Py/XES and servicecheck use by convention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from servicecheck.io.errors import InputError
from servicecheck.io.tables import RawTable

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "case": ("case_id", "case:concept:name"),
    "activity": ("activity", "concept:name"),
    "timestamp": ("timestamp", "time:timestamp"),
    "start_timestamp": ("start_timestamp", "time:start_timestamp"),
    "resource": ("resource", "org:resource"),
    "team": ("team",),
    "citizen_ref": ("citizen_ref",),
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


def timestamp_sql(col: str, arrow_type: pa.DataType, fmt: str | None) -> str:
    """A DuckDB expression turning a source column into TIMESTAMPTZ (naive = local time)."""
    q = f'"{col}"'
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return f"CAST({q} AS TIMESTAMPTZ)"
    if not (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)):
        return f"TRY_CAST(CAST({q} AS VARCHAR) AS TIMESTAMPTZ)"
    if fmt:
        return f"CAST(TRY_STRPTIME(TRIM({q}), '{fmt}') AS TIMESTAMPTZ)"
    fmts = ", ".join(f"'{f}'" for f in UK_FORMATS)
    return (
        f"COALESCE(TRY_CAST(TRIM({q}) AS TIMESTAMPTZ), "
        f"CAST(TRY_STRPTIME(TRIM({q}), [{fmts}]) AS TIMESTAMPTZ))"
    )


def canonical_events(
    raw: RawTable,
    *,
    service_key: str,
    columns: dict[str, str],
    timezone: str,
    timestamp_format: str | None = None,
    activity_teams: Mapping[str, str] | None = None,
    first_index: int = 0,
) -> tuple[pa.Table, ImportReport]:
    """Canonical events as an Arrow table, and what was dropped, or an InputError."""
    table = raw.table
    report = ImportReport(source=raw.source, service=service_key, rows_read=table.num_rows,
                          mapping=dict(columns))
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{timezone}'")
    except duckdb.Error:
        raise InputError(f"'{timezone}' is not a time zone", source=raw.source,
                         fix="use a name like Europe/London or UTC") from None
    # the row number is the file's own order: ties in time keep it
    src = table.append_column("__row", pa.array(range(table.num_rows), type=pa.int64()))
    con.register("src", src)

    def parsed(role: str) -> str:
        col = columns[role]
        return timestamp_sql(col, table.schema.field(col).type, timestamp_format)

    for role in ("timestamp", "start_timestamp"):
        if role not in columns:
            continue
        col = columns[role]
        bad = con.execute(
            f'SELECT __row, CAST("{col}" AS VARCHAR), count(*) OVER () FROM src '
            f'WHERE "{col}" IS NOT NULL AND TRIM(CAST("{col}" AS VARCHAR)) <> \'\' '
            f"AND {parsed(role)} IS NULL ORDER BY __row LIMIT 1"
        ).fetchone()
        if bad:
            row, value, count = bad
            more = (f" (and {count - 1:,} more {'row' if count == 2 else 'rows'} like it)"
                    if count > 1 else "")
            raise InputError(
                f"'{value}' is not a date and time servicecheck understands{more}",
                source=raw.source,
                row=int(row) + raw.header_rows + 1,
                column=col,
                fix="use ISO 8601 (2024-12-25 14:03 or 2024-12-25T14:03:00+00:00), "
                "UK day-first (25/12/2024 14:03) or a date, or give --timestamp-format",
            )

    case_col, act_col = columns["case"], columns["activity"]

    def text(col: str) -> str:
        return f"NULLIF(TRIM(CAST(\"{col}\" AS VARCHAR)), '')"

    select = [
        f"'{service_key}' AS service",
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
            f"WHEN {text(act_col)} = '{_sql_str(a)}' THEN '{_sql_str(t)}'"
            for a, t in activity_teams.items()
        )
        select.append(f"CASE {cases} ELSE NULL END AS team")
    else:
        select.append("CAST(NULL AS VARCHAR) AS team")
    for role, name in (("resource", "resource"), ("citizen_ref", "citizen_ref"),
                       ("need", "need_id")):
        select.append(f"{text(columns[role])} AS {name}" if role in columns
                      else f"CAST(NULL AS VARCHAR) AS {name}")
    select.append(f"__row + {first_index} AS event_index")
    used = set(columns.values())
    taken = {c.lower() for c in CANONICAL}
    for name in table.column_names:
        if name in used:
            continue
        alias = name if name.lower() not in taken else f"{name} (source)"
        taken.add(alias.lower())
        select.append(f'"{name}" AS "{_sql_ident(alias)}"')

    con.execute(f"CREATE TEMP TABLE ev AS SELECT {', '.join(select)} FROM src")
    n_case, n_act, n_ts = con.execute(
        "SELECT count(*) FILTER (WHERE case_id IS NULL), "
        "count(*) FILTER (WHERE case_id IS NOT NULL AND activity IS NULL), "
        "count(*) FILTER (WHERE case_id IS NOT NULL AND activity IS NOT NULL "
        "AND timestamp IS NULL) FROM ev"
    ).fetchone() or (0, 0, 0)
    report.dropped = {
        "without a case id": int(n_case),
        "without an activity": int(n_act),
        "without a timestamp": int(n_ts),
    }
    out = con.execute(
        "SELECT * FROM ev WHERE case_id IS NOT NULL AND activity IS NOT NULL "
        "AND timestamp IS NOT NULL ORDER BY event_index"
    ).to_arrow_table()
    if out.num_rows == 0:
        raise InputError("no row has a case id, an activity and a timestamp", source=raw.source,
                         fix="check the column mapping (--case, --activity, --timestamp)")
    report.events = out.num_rows
    report.cases = int(con.execute(
        "SELECT count(DISTINCT case_id) FROM ev WHERE case_id IS NOT NULL AND activity IS NOT "
        "NULL AND timestamp IS NOT NULL").fetchone()[0])  # type: ignore[index]
    con.close()
    return out, report


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def _sql_ident(s: str) -> str:
    return s.replace('"', '""')
