"""What one import did, as the import, the import log and the words read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from servicecheck.io.rejects import Rejects

if TYPE_CHECKING:
    from servicecheck.io.propose import Mapping as ProposedMapping


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
    # values read as missing because they stand for none, per role: {"team": {"EMPTY": n}}
    placeholders: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects: Rejects = field(default_factory=Rejects.none)  # rows set aside, with reasons
    date_order: str | None = None  # how text dates were read: day-first or month-first
    sheet: str | None = None  # the workbook's sheet read
    header_row: int | None = None  # the row the column names were read from
    paired: int = 0  # start events folded into their completion (lifecycles)
    recognised: ProposedMapping | None = None  # the mapping proposed, when none was given
    moments: dict[str, str] = field(default_factory=dict)  # a case table's date columns
    records: int | None = None  # rows of the source (a case table's, before its dates are events)

    @property
    def rows_dropped(self) -> int:
        return sum(self.dropped.values())

    def describe(self) -> str:
        text = f"{self.events:,} events in {self.cases:,} cases from {self.source}"
        if self.rows_dropped:
            parts = ", ".join(f"{n:,} {why}" for why, n in self.dropped.items() if n)
            text += f"; left out {self.rows_dropped:,} rows ({parts})"
        if self.recognised is not None:
            cols = ", ".join(f"{role} '{col}'" for role, col in self.recognised.columns.items())
            what = (f"a case table (a row per case; moments {', '.join(self.moments.values())})"
                    if self.recognised.kind == "case table" else "an event log")
            text += f"; read as {what}, with {cols}"
        if self.rejects.rows:
            rows = "row" if self.rejects.rows == 1 else "rows"
            text += (f"; set aside {self.rejects.rows:,} {rows} with values it could not read "
                     "(see 'servicecheck rejects')")
        return text
