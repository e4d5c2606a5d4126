"""Where a table starts: the header row found under title rows, blank rows and merged
header cells, and the sheet of a workbook that holds the table. Pure functions over the
first rows of a source (lists of cell values), so the web workbench and the import agree.

A council's export often starts with a title ("Repairs job list, March 2024"), a blank row
or a row of group headings merged across columns ("Dates" over "Reported" and "Completed").
The header is the first row that is as wide as the table, whose cells are all names (text
that is not a number or a date) and all different; a row of merged group headings repeats
its heading across the cells it covers, so it is never taken for the header.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from servicecheck.io.errors import InputError

# rows looked at to find the header: titles and notes above a table are a few lines
SCAN_ROWS = 50
# a cell that is a number, a date or a time written as text is data, not a column name
_DATA_LIKE = re.compile(r"^[\d\s.,:/\-+%£$€()]+(am|pm|AM|PM)?$")
# ISO 8601's date and time joined by T, ending in Z or an offset: data, though it has letters
_ISO_LIKE = re.compile(r"^\d{4}-\d\d-\d\d[Tt][\d:.,]+([Zz]|[+-][\d:]+)?$")
Cell = object
# a merged range: (first row, first column), (last row, last column)
Merge = tuple[tuple[int, int], tuple[int, int]]


def filled(value: Cell) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip()) and not (
        isinstance(value, float) and math.isnan(value))


def is_name(value: Cell) -> bool:
    """Whether a cell can be a column name: text, not a number or a date."""
    if isinstance(value, bool | int | float | dt.date | dt.time | dt.timedelta):
        return False
    text = str(value).strip()
    return bool(text) and not _DATA_LIKE.match(text) and not _ISO_LIKE.match(text)


def spread_merges(rows: list[list[Cell]], merges: Sequence[Merge]) -> list[list[Cell]]:
    """The rows with each merged range's value copied into every cell it covers (a workbook
    keeps it in the first cell only), so a heading merged down two rows names its column."""
    out = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(out):
            continue
        value = out[r0][c0] if c0 < len(out[r0]) else None
        for r in range(r0, min(r1, len(out) - 1) + 1):
            row = out[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if not filled(row[c]):
                    row[c] = value
    return out


@dataclass(frozen=True)
class Header:
    """The header found: its row (0-based in the rows given) and its names."""

    index: int
    names: tuple[str, ...]


def find_header(rows: Sequence[Sequence[Cell]]) -> Header:
    """The header row of a table whose first rows are ``rows`` (merges spread already)."""
    sample = [list(r) for r in rows[:SCAN_ROWS]]
    widths = [sum(1 for v in r if filled(v)) for r in sample]
    widest = max(widths, default=0)
    if widest == 0:
        return Header(0, ())
    need = 1 if widest == 1 else max(2, math.ceil(0.6 * widest))
    chosen = None

    def all_names(i: int) -> bool:
        return widths[i] >= need and all(is_name(v) for v in sample[i] if filled(v))

    for i, row in enumerate(sample):
        if not all_names(i):
            continue
        names = [str(v).strip() for v in row if filled(v)]
        below = next((j for j in range(i + 1, len(sample)) if widths[j]), None)
        records = below is not None and widths[below] >= need and not all_names(below)
        if len(set(names)) < len(names) and not records:
            # a title merged across the table, or group headings ("Dates" over "Reported"
            # and "Completed"), repeat a name, with a note or the names under them; a header
            # that repeats a name ("Notes", "Notes") has records under it, and is the
            # header: the import then names the repeat
            continue
        chosen = i
        break
    if chosen is None:
        # no row is all names: the first row as wide as the table (its errors then speak)
        chosen = next(i for i, w in enumerate(widths) if w == widest)
    return Header(chosen, tuple(_name(v) for v in sample[chosen]))


def _name(value: Cell) -> str:
    return str(value).strip() if filled(value) else ""


def header_at(rows: Sequence[Sequence[Cell]], row: int, source: str) -> Header:
    """The header a person named (``--header-row``, counted from 1 as the file shows it)."""
    if row < 1 or row > len(rows):
        raise InputError(f"there is no row {row} to read the header from", source=source,
                         column="--header-row",
                         fix=f"give a row from 1 to {min(len(rows), SCAN_ROWS)}")
    return Header(row - 1, tuple(_name(v) for v in rows[row - 1]))


def looks_like_table(rows: Sequence[Sequence[Cell]]) -> int:
    """How many rows of records a sheet holds under a header of two or more columns (0 when
    it is not a table: a sheet of notes, a chart, a blank sheet)."""
    header = find_header(rows)
    if sum(1 for n in header.names if n) < 2:
        return 0
    return sum(1 for r in rows[header.index + 1:] if sum(1 for v in r if filled(v)) >= 2)


def choose_sheet(sheets: Sequence[tuple[str, Sequence[Sequence[Cell]]]], source: str) -> str:
    """The sheet that holds the table: the only one that looks like a table. Several are
    named in one sentence, for the team to choose with ``--sheet``."""
    tables = [(name, n) for name, rows in sheets if (n := looks_like_table(rows))]
    if len(tables) == 1 or (tables and len(sheets) == 1):
        return tables[0][0]
    if not tables:
        return sheets[0][0] if sheets else ""
    listed = ", ".join(f"'{name}' ({n:,} rows)" for name, n in tables)
    raise InputError(f"the workbook has {len(tables)} sheets that look like tables: {listed}",
                     source=source, fix="choose one with --sheet NAME (or [import] sheet in "
                     "the service file)")
