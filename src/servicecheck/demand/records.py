"""Demand records in the citizen's words: import with column mapping, validation, redaction.

An import is all or nothing: a bad row (empty verbatim, unknown channel, unparseable date)
stops it with one sentence naming the first such row and how many more there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from servicecheck.demand.redact import MASKED_FIELDS, REFERENCE_FIELDS, redact_fields
from servicecheck.engine.workspace import Workspace
from servicecheck.io.dates import iso_sql, text_sql, timestamp_sql, two_forms
from servicecheck.io.errors import InputError
from servicecheck.io.events import ImportReport
from servicecheck.io.fingerprint import Fingerprinting
from servicecheck.io.pseudonym import citizen_ref_sql
from servicecheck.io.sql import check_format, ident, literal, literals, set_timezone
from servicecheck.io.tables import read_table
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
) -> DemandImport:
    """Read demand records and append them to the workspace in one transaction; a file
    already imported is refused unless ``replace`` (see ``import_events``)."""
    if preset is not None and preset not in PRESETS:
        raise InputError(f"'{preset}' is not a known export layout", source="--preset",
                         fix=f"use one of: {', '.join(PRESETS)}, or map the columns with --map")
    if timestamp_format:
        check_format(timestamp_format, source="--timestamp-format")
    fingerprint = Fingerprinting(source)
    raw = read_table(source)
    names = [str(c) for c in raw.table.column_names]
    m: dict[str, str | None] = dict(PRESETS.get(preset or "", {}))
    m.update({k: v for k, v in (mapping or {}).items() if v})
    cols = _resolve(names, m, raw.source)
    fmt = timestamp_format or PRESET_FORMATS.get(preset or "")
    channels = tuple(c.lower() for c in (PRESET_CHANNELS.get(preset or "") or service.channels))

    con = duckdb.connect()
    set_timezone(con, timezone or service.timezone, source="--timezone")
    src = raw.table.append_column("__row", pa.arange(0, raw.table.num_rows))
    con.register("src", src)

    def ts(role: str) -> str:
        col = cols[role]
        return timestamp_sql(ident(col), raw.table.schema.field(col).type, fmt)

    fallbacks = {r: c for r, c in PRESET_FALLBACKS.get(preset or "", {}).items()
                 if c in names and r not in (mapping or {})}

    def txt(role: str) -> str:
        if role not in cols:
            return "CAST(NULL AS VARCHAR)"
        expr = text_sql(f"CAST({ident(cols[role])} AS VARCHAR)")
        if role in fallbacks:
            fallback = text_sql(f"CAST({ident(fallbacks[role])} AS VARCHAR)")
            expr = f"COALESCE({expr}, {fallback})"
        return expr

    checks = [
        ("received_at", f"{ts('received_at')} IS NULL",
         "has no date and time servicecheck understands",
         "give ISO 8601 or UK day-first dates, or --timestamp-format"),
        ("verbatim", f"{txt('verbatim')} IS NULL",
         "has an empty verbatim: demand is recorded in the citizen's words",
         "fill in what the citizen said, or remove the row"),
        ("channel", f"lower({txt('channel')}) NOT IN ({literals(channels)}) "
         f"OR {txt('channel')} IS NULL",
         "has a channel the service file does not list",
         f"use one of {', '.join(channels)}, or add it to [demand] channels"),
    ]
    if "closed_at" in cols:
        checks.append(("closed_at", f"{txt('closed_at')} IS NOT NULL AND {ts('closed_at')} IS NULL",
                       "has a closing date servicecheck does not understand",
                       "give ISO 8601 or UK day-first dates, or --timestamp-format"))
    if "nature" in cols:
        checks.append(("nature", f"{txt('nature')} IS NOT NULL AND lower({txt('nature')}) "
                       f"NOT IN ('value', 'failure', 'unknown')",
                       "has a nature other than value, failure or unknown",
                       "use value, failure or unknown"))
    for role, cond, problem, fix in checks:
        bad = con.execute(f"SELECT __row, CAST({ident(cols[role])} AS VARCHAR), count(*) OVER () "
                          f"FROM src WHERE {cond} ORDER BY __row LIMIT 1").fetchone()
        if bad:
            row, value, count = bad
            more = (f" ({count - 1:,} more {'row' if count == 2 else 'rows'} like it)"
                    if count > 1 else "")
            shown = f" ('{value}')" if value and role != "verbatim" else ""
            raise InputError(f"the row {problem}{shown}{more}", source=raw.source,
                             row=int(row) + raw.header_rows + 1, column=cols[role], fix=fix)

    received = cols["received_at"]
    if fmt is None and pa.types.is_string(raw.table.schema.field(received).type):
        iso = f"{iso_sql(ident(received))} IS NOT NULL"
        rows = con.execute(f"SELECT min(__row) FILTER (WHERE {iso}), min(__row) FILTER (WHERE "
                           f"NOT ({iso}) AND {ts('received_at')} IS NOT NULL) FROM src"
                           ).fetchone()
        if rows and rows[0] is not None and rows[1] is not None:
            def at(row: int) -> tuple[str, int]:
                value = con.execute(f"SELECT {ident(received)} FROM src WHERE __row = ?",
                                    [row]).fetchone()
                return str(value[0] if value else ""), row + raw.header_rows + 1

            raise two_forms(raw.source, received, at(int(rows[0])), at(int(rows[1])))
    first = workspace.next_index("demands")
    fpr = (f"TRY_CAST({ident(cols['first_point_resolved'])} AS BOOLEAN)"
           if "first_point_resolved" in cols else "CAST(NULL AS BOOLEAN)")
    table = con.execute(f"""
        SELECT {literal(service.key)} AS service,
               COALESCE({txt('demand_id')}, 'row-' || CAST(__row + {first} AS VARCHAR))
                   AS demand_id,
               {ts('received_at')} AS received_at,
               {ts('closed_at') if 'closed_at' in cols else 'CAST(NULL AS TIMESTAMPTZ)'}
                   AS closed_at,
               lower({txt('channel')}) AS channel,
               {txt('verbatim')} AS verbatim,
               {txt('demand_type')} AS demand_type,
               COALESCE(lower({txt('nature')}), 'unknown') AS nature,
               {txt('failure_kind')} AS failure_kind,
               {fpr} AS first_point_resolved,
               {txt('case_id')} AS case_id,
               {citizen_ref_sql(txt('citizen_id')) if 'citizen_id' in cols
                else txt('citizen_ref')} AS citizen_ref,
               {txt('recorded_by')} AS recorded_by,
               __row + {first} AS demand_index
        FROM src ORDER BY __row""").to_arrow_table()
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
                          events=table.num_rows, cases=0, mapping=cols, masked=masked)
    workspace.append("demands", table, report, service, "demands", first_index=first,
                     fingerprint=fingerprint.result(), replace=replace)
    natures = pa.compute.value_counts(table.column("nature")).to_pylist()
    report.by_nature = {d["values"]: d["counts"] for d in natures}
    return report
