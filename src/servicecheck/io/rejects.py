"""Rows set aside, not lost: a value an import cannot read ("TBC" in a date, a day 32), or a
step that ends before it starts, goes into the workspace's ``rejects`` table with its file,
row, column, value and reason, for the team to download, correct and import again.

An import stops only when more than a stated share of its rows is unreadable (5% unless the
team says otherwise): past that, the file is more likely in another form than the mapping
says, and one sentence names the first such value. A case table's row with a date that
cannot be read keeps its other dates, so it counts as set aside only when none is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from servicecheck.io.errors import InputError, TooManyRejects
from servicecheck.io.sql import literal
from servicecheck.io.tables import RawTable

DEFAULT_MAX_REJECTS = 0.05
# why a row is set aside: a key stored with the row (worded for people in narrative/)
UNREADABLE_TIME = "unreadable time"
ENDS_BEFORE_START = "ends before it starts"
# demand imports' own: a value a demand needs is blank, or stands for none ("n/a"), or is not
# one the service lists, or is longer than the field may hold
MISSING = "missing value"
PLACEHOLDER = "placeholder"
UNKNOWN_CHANNEL = "unknown channel"
UNKNOWN_NATURE = "unknown nature"
TOO_LONG = "too long"
# a step dated after the moment of import (io/notes.py sets it aside)
AFTER_IMPORT = "after the import"
REASONS = (UNREADABLE_TIME, ENDS_BEFORE_START, MISSING, PLACEHOLDER, UNKNOWN_CHANNEL,
           UNKNOWN_NATURE, TOO_LONG, AFTER_IMPORT)
REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS rejects (
    import_id BIGINT NOT NULL,
    service VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    "row" BIGINT,
    "column" VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL
)"""
REJECT_SCHEMA = pa.schema([("row", pa.int64()), ("column", pa.string()),
                           ("value", pa.string()), ("reason", pa.string())])


@dataclass(frozen=True)
class Rejects:
    """The rows an import sets aside: one row per value, with the row a person sees."""

    table: pa.Table  # REJECT_SCHEMA
    rows: int  # how many source rows (a case table's row may have several bad dates)

    @classmethod
    def none(cls) -> Rejects:
        # pyarrow's Schema.empty_table loads pandas (0.6 s of CPU in a command without it)
        return cls(pa.Table.from_batches([], schema=REJECT_SCHEMA), 0)

    def plus(self, other: Rejects) -> Rejects:
        """These and ``other``'s, whose rows are others (each row set aside once), in the
        order a person finds them."""
        table = pa.concat_tables([self.table, other.table]).sort_by(
            [("row", "ascending"), ("column", "ascending")])
        return Rejects(table, self.rows + other.rows)

    def counts(self) -> dict[str, int]:
        """How many values were set aside for each reason."""
        out: dict[str, int] = {}
        for reason in self.table.column("reason").to_pylist():
            out[reason] = out.get(reason, 0) + 1
        return out


def check_share(rejects: Rejects, records: int, max_share: float, source: str,
                first_problem: InputError, *, lost: int | None = None) -> None:
    """Stop the import with one sentence when more than ``max_share`` of its rows were
    set aside; ``first_problem`` names the first value, its row and column. ``lost`` is a
    case table's count (``rows_lost``): its rows with no date left, not its dates set aside
    (a row keeps its other dates)."""
    aside = rejects.rows if lost is None else lost
    if aside == 0 or aside <= max_share * records:
        return
    share = aside / max(records, 1)
    rows = "row" if records == 1 else "rows"
    cannot = "cannot be read" if lost is None else \
        f"{'has' if aside == 1 else 'have'} no date that can be read"
    told = (f", so {aside:,} of the {records:,} {rows} ({share:.0%}) {cannot}, "
            f"above the {max_share:.0%} an import may set aside" if max_share else "")
    needed = min(share + 0.005, 1)
    raise TooManyRejects(f"{first_problem.problem}{told}", source=source,
                         row=first_problem.row, column=first_problem.column, needed=needed,
                         fix=f"{first_problem.fix}; or set them aside with --max-rejects "
                         f"{needed:.2f}")


def check_max_rejects(value: float, *, source: str = "--max-rejects") -> float:
    if not 0 <= value <= 1:  # also refuses nan
        raise InputError(f"'{value}' is not a share of rows", source=source,
                         fix="give a share from 0 to 1, like 0.05 for 5%")
    return value


def row_seen(raw: RawTable, row: int) -> int:
    """The row a person sees in the source for an internal row number."""
    return row // raw.rows_per_record + raw.header_rows + 1


def column_seen(raw: RawTable, columns: Mapping[str, str], col: str, row: int) -> str:
    """The column to name: a widened case table's own date column, not the internal one."""
    if raw.stamp_columns and col == columns["timestamp"]:
        return raw.stamp_columns[row % raw.rows_per_record]
    return col


def set_aside(con: duckdb.DuckDBPyConnection, relation: str, raw: RawTable,
               columns: Mapping[str, str], keep: str, aside: list[tuple[str, str, str]],
               text: Callable[[str], str]) -> Rejects:
    """The rows to set aside, as a person finds them: row, column, value and reason."""
    if not aside:
        return Rejects.none()
    parts = [f"SELECT __row, {literal(col)} AS col, {text(col)} AS value, "
             f"{literal(reason)} AS reason FROM {relation} WHERE {keep} AND coalesce({cond}, "
             "false)" for col, cond, reason in aside]
    found = con.execute(" UNION ALL ".join(parts) + " ORDER BY __row, col").fetchall()
    rows = [row_seen(raw, int(r[0])) for r in found]
    table = pa.table({
        "row": pa.array(rows, pa.int64()),
        "column": pa.array([column_seen(raw, columns, r[1], int(r[0])) for r in found],
                           pa.string()),
        "value": pa.array([r[2] for r in found], pa.string()),
        "reason": pa.array([r[3] for r in found], pa.string()),
    })
    return Rejects(table, len(set(rows)))


def rows_lost(con: duckdb.DuckDBPyConnection, relation: str, raw: RawTable, keep: str,
              aside: list[tuple[str, str, str]]) -> int:
    """A case table's rows set aside: those with a date set aside and none kept. A row with
    one date that cannot be read keeps its others (its case open, or started later), so it
    is not a row set aside; counted on the engine, one row back."""
    bad = " OR ".join(f"coalesce({cond}, false)" for _, cond, _ in aside) or "false"
    got = con.execute(
        f"SELECT count(*) FROM (SELECT __row // {int(raw.rows_per_record)} AS record "
        f"FROM {relation} WHERE {keep} GROUP BY record "
        f"HAVING bool_and({bad}))").fetchone()
    return int(got[0]) if got else 0


def unreadable(raw: RawTable, value: str, row: int, column: str, count: int) -> InputError:
    # a case table's count is of dates (a row has several), a log's of rows
    noun = "date" if raw.stamp_columns else "row"
    more = (f" (and {count - 1:,} more {noun if count == 2 else noun + 's'} like it)"
            if count > 1 else "")
    return InputError(
        f"'{value}' is not a date and time servicecheck understands{more}",
        source=raw.source, row=row, column=column,
        fix="use ISO 8601 (2024-12-25 14:03 or 2024-12-25T14:03:00+00:00), "
        "UK day-first (25/12/2024 14:03) or a date, or give --timestamp-format")


def backwards(raw: RawTable, rejects: Rejects) -> InputError:
    first = rejects.table.slice(0, 1).to_pylist()[0]
    return InputError(f"the step ends before it starts ({rejects.rows:,} rows like it)",
                      source=raw.source, row=first["row"], column=first["column"],
                      fix="check the start and end columns are mapped the right way round")
