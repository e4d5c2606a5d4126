"""Values a system writes for "none": the one definition, used at import and by data quality.

"EMPTY", "n/a", "-" or "TBC" in a team, resource or activity column is not a team called
EMPTY; it is a value that is missing. An import reads such values as missing and counts them
per column in its import log, so data quality can name them and team counts and hand-offs
leave them out. Case ids are not touched: a log's own ids can be any letters (eventdataR's
hospital billing sample has real cases named "NIL" and "TBC").
"""

from __future__ import annotations

from servicecheck.io.sql import literals

# compared lower-cased, after trimming
PLACEHOLDERS = ("empty", "n/a", "na", "none", "null", "nil", "-", "--", "?", "unknown",
                "not known", "tbc", "tba", "#n/a", "n.a.")
# the canonical columns whose source values are checked (case ids are not: see above)
PLACEHOLDER_ROLES = ("activity", "team", "resource")


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in PLACEHOLDERS


def placeholder_sql(expr: str) -> str:
    """DuckDB: whether a trimmed text expression is a placeholder (NULL stays NULL)."""
    return f"lower({expr}) IN ({literals(PLACEHOLDERS)})"
