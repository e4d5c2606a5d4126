"""The roles a log's columns play (case, activity, timestamp, ...), the names each is known
by, and how a source's columns are mapped to them: an explicit mapping wins, then the
service file's ``[columns]``, then the names PM4Py/XES and servicecheck use by convention."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from servicecheck.io.errors import InputError
from servicecheck.io.lifecycle import LIFECYCLE_NAMES
from servicecheck.io.rejects import row_seen

if TYPE_CHECKING:
    import duckdb

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
    # start and complete events of one step (XES lifecycle:transition), paired on import
    "lifecycle": LIFECYCLE_NAMES,
}
REQUIRED_ROLES = ("case", "activity", "timestamp")
# Names (lower-cased) of a column saying which service a row belongs to, in an export of
# several services: a case id can repeat under each (Repairs' job 1, Benefits' claim 1).
SERVICE_COLUMN_NAMES = ("service", "service name")
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
    "lifecycle": "--lifecycle",
}


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


def check_one_service(con: duckdb.DuckDBPyConnection, relation: str, raw: RawTable,
                       columns: Mapping[str, str], text: Callable[[str], str],
                       has_case: str) -> None:
    """Refuse a file of several services whose case ids repeat across them: an import is
    one service, and Repairs' job 1 and Benefits' claim 1 were merged into one case. The
    product keeps services apart by importing each with its own service file, so that is
    the fix named; a column naming the service whose cases never repeat reads as before."""
    mapped = set(columns.values())
    col = next((n for n in raw.table.column_names if n not in mapped
                and " ".join(n.lower().replace("_", " ").split()) in SERVICE_COLUMN_NAMES),
               None)
    if col is None:
        return
    svc = text(col)
    got = con.execute(
        f"WITH k AS (SELECT {text(columns['case'])} AS c, {svc} AS s, min(__row) AS r "
        f"FROM {relation} WHERE {has_case} AND {svc} IS NOT NULL GROUP BY ALL), "
        "m AS (SELECT c, arg_min(s, r) AS s1, min(r) AS r1, arg_max(s, r) AS s2, "
        "max(r) AS r2 FROM k GROUP BY c HAVING count(*) > 1) "
        "SELECT count(*), arg_min(c, r1), arg_min(s1, r1), min(r1), arg_min(s2, r1), "
        "arg_min(r2, r1) FROM m").fetchone()
    if not got or not got[0]:
        return
    n, case, first, first_row, second, second_row = got
    more = f" (and {int(n) - 1:,} more like it)" if n > 1 else ""
    raise InputError(
        f"case ids repeat across the services this column names: case '{case}' is under "
        f"'{first}' in row {row_seen(raw, int(first_row))} and under '{second}' in row "
        f"{row_seen(raw, int(second_row))}{more}, so their events would be read as one case",
        source=raw.source, column=col,
        fix=f"import each service's rows on their own (a file per value of '{col}'), each "
        "with its own service file naming the service, into the same workspace")
