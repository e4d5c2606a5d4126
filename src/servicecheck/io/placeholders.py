"""Values a system writes for "none": the one definition, used at import and by data quality.

"EMPTY", "n/a", "-" or "TBC" in a team, resource or activity column is not a team called
EMPTY; it is a value that is missing. An import reads such values as missing and counts them
per column in its import log, so data quality can name them and team counts and hand-offs
leave them out. Case ids are not touched: a log's own ids can be any letters (eventdataR's
hospital billing sample has real cases named "NIL" and "TBC").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from servicecheck.io.sql import literals

if TYPE_CHECKING:  # an import never loads Ibis (start-up of the command)
    import ibis.expr.types as ir

# compared lower-cased, after trimming
PLACEHOLDERS = ("empty", "n/a", "na", "none", "null", "nil", "-", "--", "?", "unknown",
                "not known", "tbc", "tba", "#n/a", "n.a.")
# the canonical columns whose source values are checked (case ids are not: see above)
PLACEHOLDER_ROLES = ("activity", "team", "resource")


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in PLACEHOLDERS


def cleared(value: ir.StringValue) -> ir.StringValue:
    """An Ibis expression: the value, or NULL where it is a placeholder. Tables read in place
    (PostgreSQL, Spark) are never imported, so their placeholders are cleared as they are
    read, the same way an import clears them."""
    import ibis

    return value.strip().lower().isin(PLACEHOLDERS).ifelse(
        ibis.null().cast("string"), value)


def placeholder_sql(expr: str) -> str:
    """DuckDB: whether a trimmed text expression is a placeholder (NULL stays NULL)."""
    return f"lower({expr}) IN ({literals(PLACEHOLDERS)})"


def placeholders_held(con: duckdb.DuckDBPyConnection, relation: str, table: pa.Table,
                       cleaned: frozenset[str], columns: Mapping[str, str],
                       text: Callable[[str], str]) -> dict[str, list[str]]:
    """The placeholder values in the activity, team and resource columns, per column."""
    out: dict[str, list[str]] = {}
    for role in PLACEHOLDER_ROLES:
        col = columns.get(role)
        if col is None or col in out or not pa.types.is_string(table.schema.field(col).type):
            continue
        if col in cleaned:  # in memory: Arrow's hash of the column
            distinct = pc.unique(table.column(col)).to_pylist()
        else:
            distinct = [r[0] for r in con.execute(
                f"SELECT DISTINCT {text(col)} FROM {relation}").fetchall()]
        found = sorted(v for v in distinct if is_placeholder(v))
        if found:
            out[col] = found
    return out
