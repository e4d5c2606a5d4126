"""Data quality as findings: what was read and left out on import, rows set aside as
unreadable, values that stand for "nothing" (EMPTY, n/a, -) in the columns a measure counts,
and, from the capability, needs set aside or gone stale."""

from __future__ import annotations

import json

import ibis
import pandas as pd

from servicecheck.engine import prepared
from servicecheck.engine.workspace import ImportRecord, Reader
from servicecheck.findings import Finding, Span, count
from servicecheck.io.placeholders import PLACEHOLDER_ROLES, PLACEHOLDERS
from servicecheck.io.rejects import AFTER_IMPORT, REASONS, UNREADABLE_TIME
from servicecheck.io.report import file_name, import_finding
from servicecheck.io.wide import ACTIVITY
from servicecheck.service.model import Service


def _log(ws: Reader, svc: Service) -> list[ImportRecord]:
    return [r for r in ws.import_log() if r["service"] == svc.key]


def _case_table(r: ImportRecord) -> bool:
    """Whether an import read a case table (a row per case, each date an event)."""
    return bool(json.loads(r["mapping"] or "{}").get("activity") == ACTIVITY)


def import_findings(ws: Reader, svc: Service) -> list[Finding]:
    """Rows read from the files and what was kept: for a case table, the rows of the file
    and, apart, the events made from their dates (a row per case makes one per date)."""
    everything = _log(ws, svc)
    kinds = list(dict.fromkeys(r["kind"] for r in everything)) or ["events"]
    return [_imported([r for r in everything if r["kind"] == kind], kind) for kind in kinds]


def _imported(log: list[ImportRecord], kind: str) -> Finding:
    """The imports of one kind (events or demands) as one finding."""
    read = sum(int(r["records"] if r["records"] is not None else r["rows_read"]) for r in log)
    kept = sum(int(r["rows_kept"]) for r in log)
    reasons: dict[str, int] = {}
    for r in log:
        for why, n in json.loads(r["dropped"] or "{}").items():
            if n:
                reasons[why] = reasons.get(why, 0) + int(n)
    flags = {kind} | ({"case table"} if any(map(_case_table, log)) else set())
    return Finding("quality.imports", "row", read,
                   {"imports": count(len(log)), "kept": count(kept),
                    **{f"left{i}": count(n) for i, n in enumerate(reasons.values())}},
                   names=tuple(reasons), flags=frozenset(flags))


def import_summary(r: ImportRecord) -> Finding:
    """What one import did, from its record in the log: the finding the import's own report
    gives (io.report.import_finding), but for its cases, which the log does not keep."""
    cells = {str(c["column"]): int(c["n"]) for c in json.loads(r["cells_aside"] or "[]")}
    aside = {str(k): int(n) for k, n in json.loads(r["set_aside"] or "{}").items()}
    after = aside.pop(AFTER_IMPORT, 0)
    if cells:  # a case table's unreadable dates are cells: said apart
        aside[UNREADABLE_TIME] = aside.get(UNREADABLE_TIME, 0) - sum(cells.values())
    return import_finding(str(r["source"]), str(r["kind"]),
                          int(r["records"] if r["records"] is not None else r["rows_read"]),
                          int(r["rows_kept"]), None, json.loads(r["dropped"] or "{}"), cells,
                          aside, after, case_table=_case_table(r))


def future_findings(ws: Reader, svc: Service) -> list[Finding]:
    """Events dated after the moment they were imported, set aside on import
    (io.notes.set_aside_future: a case closed in the future is not a fact). One finding,
    naming the first file, rows and columns where they are."""
    found = [(r, json.loads(r["future"])) for r in _log(ws, svc) if r["future"]]
    if not found:
        return []
    source = str(found[0][0]["source"]).rsplit("/", 1)[-1]
    first = found[0][1]["first"]
    rows = sorted({int(p["row"]) for p in first})
    columns = list(dict.fromkeys(str(p["column"]) for p in first))
    at = max(pd.Timestamp(f["at"]) for _, f in found)
    return [Finding("quality.future", "event", sum(int(f["events"]) for _, f in found),
                    {"cases": count(sum(int(f["cases"]) for _, f in found)),
                     "rows": count(len(rows)),
                     **{f"row{i}": count(r) for i, r in enumerate(rows)}},
                    Span(at, at), names=(source, *columns))]


def future_contacts(ws: Reader, svc: Service) -> list[Finding]:
    """Contacts dated after the moment they were imported, set aside on import
    (demand.records: a contact that had not happened is not demand). One finding, naming the
    first file they were in."""
    found = [(r, int(json.loads(r["set_aside"] or "{}").get(AFTER_IMPORT, 0)))
             for r in _log(ws, svc) if r["kind"] == "demands"]
    found = [(r, n) for r, n in found if n]
    if not found:
        return []
    at = max(pd.Timestamp(r["imported_at"]) for r, _ in found)
    at = at.tz_localize("UTC") if at.tzinfo is None else at
    source = file_name(str(found[0][0]["source"]))
    return [Finding("quality.future_contacts", "contact", sum(n for _, n in found),
                    span=Span(at, at), names=(source,))]


# the columns a copy shares with its original first: a narrow aggregate finds the few
# (case, step, time) met more than once, and every column is compared only among their rows
_TIED = ("case_id", "activity", "timestamp")


def _copies(ev: ibis.Table) -> ibis.Table:
    """Rows alike in every column but the import's row number, counted beyond the first.
    A GROUP BY over every column of every event cost more than the needs at 10M events;
    copies share their case, step and time, so only the rows of such ties are grouped by
    every column. The three are never null (the workspace's columns are NOT NULL, tables
    read in place drop rows without them), so the equality join loses no row the GROUP BY
    over every column would have counted."""
    tied = (ev.group_by(_TIED).aggregate(k=ibis._.count()).filter(ibis._.k > 1)
            .select(*_TIED))
    rows = ev.semi_join(tied, list(_TIED))
    cols = [c for c in ev.columns if c != "event_index"]
    groups = rows.group_by(cols).aggregate(n=ibis._.count()).filter(ibis._.n > 1)
    return groups.aggregate(copies=(groups.n - 1).sum(), cases=groups.case_id.nunique())


def copies_findings(ws: Reader, svc: Service) -> list[Finding]:
    """Events that are exact copies of another event of the same case (the same step at the
    same time, every column alike but the import's own row number): an export that wrote a
    row twice, which flow would count as a step repeated (rework). Counted, not removed: two
    real events can be alike in every column a log keeps."""
    # compiled once per schema; the report asks once and says it in Flow and Data quality
    row = prepared.frame(_copies, ws.events(svc.key)).iloc[0]
    copies = 0 if pd.isna(row["copies"]) else int(row["copies"])
    if not copies:
        return []
    return [Finding("quality.copies", "event", copies, {"cases": count(int(row["cases"]))})]


def cells_aside_findings(ws: Reader, svc: Service) -> list[Finding]:
    """A case table's dates that could not be read, by column: each date was set aside and
    its row kept, so the case lacks that moment (and is open, where it is the clock's end)."""
    by: dict[tuple[str, str], int] = {}
    for r in _log(ws, svc):
        for c in json.loads(r["cells_aside"] or "[]"):
            key = (str(c["column"]), str(c["activity"]))
            by[key] = by.get(key, 0) + int(c["n"])
    ends = set(svc.clock.end)
    return [Finding("quality.cells_aside", "date", n, names=(column, activity),
                    flags=frozenset({"ends"} if activity in ends else ()))
            for (column, activity), n in by.items()]


def rejects_findings(ws: Reader, svc: Service) -> list[Finding]:
    """Values imports set aside in the rejects table, by reason (none: no finding)."""
    by_reason = dict.fromkeys(REASONS, 0)
    for r in _log(ws, svc):
        # a case table's unreadable dates are cells, not rows: cells_aside_findings says them
        cells = {str(c["column"]) for c in json.loads(r["cells_aside"] or "[]")}
        for why, n in json.loads(r["set_aside"] or "{}").items():
            if (cells and why == UNREADABLE_TIME) or why == AFTER_IMPORT:
                continue  # said by cells_aside_findings and future_findings
            by_reason[why] = by_reason.get(why, 0) + int(n)
    found = {why: n for why, n in by_reason.items() if n}
    if not found:
        return []
    return [Finding("quality.rejects", "value", sum(found.values()),
                    {f"n{i}": count(n) for i, n in enumerate(found.values())},
                    names=tuple(found))]


def clock_findings(ws: Reader, svc: Service, unmet: int) -> list[Finding]:
    """How the data were read, for Data quality: every need met by the data's end (where an
    end is named and ``unmet``, the needs open or stale, is none), and the clock, with the
    zone times without one were read in (``names``: the zone, then the end activities; the
    words say the zone dates are told in, the voice's, where it differs). Flagged
    ``offsets`` when every import says each time it read carried its own offset: then no
    time was read in that zone, and saying so would be untrue."""
    met = [Finding("quality.all_met", "need", 0)] if unmet == 0 and svc.clock.end else []
    flags = {"first contact"} if svc.clock.start_at_first_contact else set()
    log = _log(ws, svc)
    if log and all(r["naive_times"] is False for r in log):
        flags.add("offsets")
    read_in = svc.reading.timezone or svc.timezone
    return [*met, Finding("quality.clock", "need", 0, names=(read_in, *svc.clock.end),
                          flags=frozenset(flags))]


def placeholder_findings(ws: Reader, svc: Service) -> list[Finding]:
    """One finding per column that held placeholder values, naming the values found: those
    an import read as missing (from its log), and any still in tables read in place."""
    held: dict[str, dict[str, int]] = {}
    for r in _log(ws, svc):
        for role, values in json.loads(r["placeholders"] or "{}").items():
            for value, n in values.items():
                held.setdefault(role, {})[value] = held.get(role, {}).get(value, 0) + int(n)
    ev = ws.events(svc.key)
    for col in PLACEHOLDER_ROLES:
        if col not in ev.columns:
            continue
        value = ev[col].strip().lower()
        hits = ev.filter(value.isin(PLACEHOLDERS)).group_by(ev[col]).aggregate(n=ibis._.count())
        for v, n in hits.to_pandas().itertuples(index=False):
            held.setdefault(col, {})[str(v)] = held.get(col, {}).get(str(v), 0) + int(n)
    out: list[Finding] = []
    for col in PLACEHOLDER_ROLES:
        values = sorted(held.get(col, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        if values:
            out.append(Finding("quality.placeholders", "event", sum(n for _, n in values),
                               names=(col, *[v for v, _ in values])))
    return out
