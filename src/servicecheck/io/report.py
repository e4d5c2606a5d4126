"""What one import did, as the import, the import log and the words read it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from servicecheck.findings import Finding, Span, count
from servicecheck.io.rejects import AFTER_IMPORT, UNREADABLE_TIME, Rejects

if TYPE_CHECKING:
    import pandas as pd

    from servicecheck.io.propose import Mapping as ProposedMapping

# the finding of what one import did (worded by narrative.quality); its numbers, each present
# only when it happened: "events" kept (demands, for a demand import), "cases", and keyed by
# what the data name: "left:<why>" rows left out, "cells:<column>" a case table's dates set
# aside (the row kept), "aside:<reason>" values set aside with their rows, "after" steps or
# contacts dated after the import (set aside), "masked" personal details masked in demand
IMPORTED = "quality.import"
# the finding of the mapping an import recognised, when none was given: names are role and
# column pairs, then ("moment", activity) pairs for a case table's dates
RECOGNISED = "quality.recognised"
# the finding of dates read in the default order, none of them saying which (names: the
# column, the order read)
ORDER_ASSUMED = "quality.order_assumed"
# the finding of a timestamp column of dates alone read with the times of day of another
# (names: the date column, the time column)
TIME_OF_DAY = "quality.time_of_day"


# why a row is left out, in the order validation counts them
LEFT_OUT = ("without a case id", "without an activity", "without a timestamp")
# why an event is left out after it is read: an export that overlaps an earlier one (a
# council's rolling "last 90 days") holds events the service has already, and each would
# count twice, as a repeated step in the flow (rework that never happened)
HELD_ALREADY = "held already from an earlier import (the same case, step and time)"

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
    # the time column whose every date read either way (03/04/2024), read in the default
    # order because nothing said which: said, so that an American export is not misread
    order_assumed: str | None = None
    # the column whose times of day were read with the timestamp column's dates
    time_of_day: str | None = None
    sheet: str | None = None  # the workbook's sheet read
    header_row: int | None = None  # the row the column names were read from
    paired: int = 0  # start events folded into their completion (lifecycles)
    recognised: ProposedMapping | None = None  # the mapping proposed, when none was given
    moments: dict[str, str] = field(default_factory=dict)  # a case table's date columns
    records: int | None = None  # rows of the source (a case table's, before its dates are events)
    after_import: int = 0  # steps (or contacts) dated after the import, set aside
    # whether any time was read without a zone of its own, so in the zone the import was
    # told (None: not known); with none, "times without a zone were read as" is not said
    naive_times: bool | None = None
    import_id: int | None = None  # its row in the import log, once written

    @property
    def rows_dropped(self) -> int:
        return sum(self.dropped.values())

    @property
    def kind(self) -> str:
        return "events"

    def findings(self) -> list[Finding]:
        """What this import did, as findings (narrative.quality words them): the import, and
        the mapping it recognised when none was given."""
        aside = self.rejects.counts()
        aside.pop(AFTER_IMPORT, None)  # said as steps after the import
        cells: dict[str, int] = {}
        if self.moments:  # a case table's unreadable dates are cells: the row was kept
            for col, why in zip(self.rejects.table.column("column").to_pylist(),
                                self.rejects.table.column("reason").to_pylist(), strict=True):
                if why == UNREADABLE_TIME and col in self.moments:
                    cells[col] = cells.get(col, 0) + 1
                    aside[why] -= 1
        found = [import_finding(
            self.source, self.kind, self.records or self.rows_read, self.events, self.cases,
            self.dropped, cells, aside, self.after_import, case_table=bool(self.moments),
            masked=self.masked)]
        if self.order_assumed is not None and self.date_order is not None:
            found.append(Finding(ORDER_ASSUMED, "date", 1,
                                 names=(self.order_assumed, self.date_order)))
        if self.time_of_day is not None:
            found.append(Finding(TIME_OF_DAY, "column", 2, names=(
                self.mapping.get("timestamp", ""), self.time_of_day)))
        if self.recognised is not None:
            pairs = [*self.recognised.columns.items(),
                     *(("moment", a) for a in self.moments.values())]
            found.append(Finding(RECOGNISED, "column", len(self.recognised.columns),
                                 names=tuple(x for pair in pairs for x in pair),
                                 flags=frozenset({self.recognised.kind})))
        return found


def file_name(source: str) -> str:
    """A source as the analyst knows it: the file's own name, never where the server kept it
    (an upload's temporary folder) or the folders of the machine it came from."""
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source


def import_finding(source: str, kind: str, rows: int, kept: int, cases: int | None,
                   dropped: Mapping[str, int], cells: Mapping[str, int],
                   aside: Mapping[str, int], after: int, *, case_table: bool,
                   masked: int = 0) -> Finding:
    """The finding of one import, from the import's report or its record in the log: each
    number only when it happened."""
    def some(prefix: str, counts: Mapping[str, int]) -> Iterable[tuple[str, int]]:
        return ((f"{prefix}:{k}", n) for k, n in counts.items() if n)

    numbers = {"events": count(kept),
               **({"cases": count(cases)} if cases else {}),
               **{k: count(n) for k, n in some("left", dropped)},
               **{k: count(n) for k, n in some("cells", cells)},
               **{k: count(n) for k, n in some("aside", aside)},
               **({"after": count(after)} if after else {}),
               **({"masked": count(masked)} if masked else {})}
    flags = {kind} | ({"case table"} if case_table else set())
    return Finding(IMPORTED, "row", rows, numbers,
                   names=(file_name(source),),
                   flags=frozenset(flags))


def already_finding(earlier: str, when: object, kept: int, kind: str) -> Finding:
    """The finding of a refused double: the earlier import's file, moment and rows kept."""
    import pandas as pd

    at = pd.Timestamp(when)  # type: ignore[arg-type]
    return Finding("quality.already_imported", "event" if kind == "events" else "demand", kept,
                   span=Span(at, at), names=(file_name(earlier),))


def held_finding(events: int, cases: int, first: pd.Timestamp, last: pd.Timestamp
                 ) -> Finding:
    """What an event log holds (a notebook's view of it): events, cases and their period."""
    return Finding("quality.held", "event", events, {"cases": count(cases)}, Span(first, last))
