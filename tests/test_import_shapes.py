"""Imports of the shapes real exports come in, table-driven: each shape is a small file made
here (or a real extract from the shared data), what the proposal says of it, and what the
import keeps, sets aside and refuses."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from servicecheck import InputError, Service, Workspace, import_events
from servicecheck.io.propose import confirm, propose

from .conftest import DATA
from .xlsx import write_xlsx

EVENTS = [("A", "Reported", "2024-03-01 09:00"), ("A", "Visited", "2024-03-04 10:00"),
          ("A", "Fixed", "2024-03-04 11:00"), ("B", "Reported", "2024-03-02 08:30"),
          ("B", "Fixed", "2024-03-13 16:00")]


def _csv(rows: list[tuple[str, ...]], header: str = "case_id,activity,timestamp",
         sep: str = ",", above: str = "") -> str:
    return above + header + "\n" + "".join(sep.join(r) + "\n" for r in rows)


def _text(name: str, content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode(encoding))
        return path
    return write


def _dayfirst(ts: str) -> str:
    d, t = ts.split(" ")
    y, m, day = d.split("-")
    return f"{day}/{m}/{y} {t}"


def _monthfirst(ts: str) -> str:
    d, t = ts.split(" ")
    y, m, day = d.split("-")
    h, mi = (int(x) for x in t.split(":"))
    return f"{m}/{day}/{y} {(h - 1) % 12 + 1:02d}:{mi:02d}:00 {'PM' if h >= 12 else 'AM'}"


# a job list, a row per job: reported, completed (blank: still open), a due date
JOBS = [["Job ref", "Trade", "Reported", "Completed", "Due date"],
        ["J1", "Plumbing", "01/03/2024", "05/03/2024", "29/03/2024"],
        ["J2", "Electrical", "02/03/2024", None, "30/03/2024"],
        ["J3", "Plumbing", "13/03/2024", "14/03/2024", "10/04/2024"],
        ["J4", "Roofing", "14/03/2024", None, "11/04/2024"]]
TBC_LOG = [(f"C{i}", "Reported", f"2024-03-{i % 28 + 1:02d} 09:00") for i in range(40)]
TBC_LOG[7] = ("C7", "Reported", "TBC")


def _jobs_csv(folder: Path) -> Path:
    path = folder / "jobs.csv"
    path.write_text("".join(",".join(c or "" for c in r) + "\n" for r in JOBS))
    return path


def _xlsx(sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None
          ) -> Callable[[Path], Path]:
    return lambda folder: write_xlsx(folder / "book.xlsx", sheets, merges)


def _open311(folder: Path) -> Path:
    requests = [{"service_request_id": f"R{i}", "status": "closed" if i % 3 else "open",
                 "service_name": ["Pothole", "Graffiti"][i % 2], "service_code": str(i % 2),
                 "requested_datetime": f"2024-03-{i + 1:02d}T09:00:00-05:00",
                 "updated_datetime": f"2024-03-{i + 3:02d}T10:00:00-05:00",
                 "expected_datetime": None, "address": f"{i} Main St"} for i in range(12)]
    path = folder / "requests.json"
    path.write_text(json.dumps(requests))
    return path


def _xes_lifecycle(folder: Path) -> Path:
    def event(act: str, when: str, life: str) -> str:
        return (f'<event><string key="concept:name" value="{act}"/><string key="lifecycle:'
                f'transition" value="{life}"/><date key="time:timestamp" value="{when}"/>'
                "</event>")
    trace = ('<trace><string key="concept:name" value="A"/>' +
             event("Assess", "2024-03-01T09:00:00+00:00", "start") +
             event("Assess", "2024-03-01T09:40:00+00:00", "complete") +
             event("Decide", "2024-03-03T10:00:00+00:00", "start") +
             event("Decide", "2024-03-03T10:30:00+00:00", "complete") +
             event("Pay", "2024-03-05T08:00:00+00:00", "complete") + "</trace>")
    path = folder / "lifecycle.xes.gz"
    path.write_bytes(gzip.compress(('<?xml version="1.0"?>\n<log>' + trace + "</log>\n")
                                   .encode()))
    return path


def _parquet(folder: Path) -> Path:
    path = folder / "log.parquet"
    rows = list(zip(*EVENTS, strict=True))
    pq.write_table(pa.table({"case_id": rows[0], "activity": rows[1], "timestamp": rows[2]}),
                   path)
    return path


@dataclass(frozen=True)
class Shape:
    name: str
    write: Callable[[Path], Path]
    kwargs: dict[str, Any] = field(default_factory=dict)
    events: int | None = None
    cases: int | None = None
    kind: str = "event log"
    rejects: int = 0
    header_row: int | None = None
    date_order: str | None = None
    sheet: str | None = None
    error: str | None = None  # the words of the one sentence an import that stops says
    check: Callable[[Workspace, Any], None] | None = None


def _open_jobs(ws: Workspace, report: Any) -> None:
    svc = ws.service()
    assert svc.clock.end == ("Completed",)  # a blank completion is open, not met
    from servicecheck.measures.capability import capability

    cap = capability(ws, svc)
    assert cap.n_open + cap.n_stale == 2


def _placeholders(ws: Workspace, report: Any) -> None:
    assert report.placeholders == {"team": {"EMPTY": 1, "n/a": 1}, "resource": {"-": 2},
                                   "activity": {"?": 1}}
    teams = ws.events().team.to_pandas().dropna().unique().tolist()
    assert sorted(teams) == ["Repairs"]


def _paired(ws: Workspace, report: Any) -> None:
    df = ws.events().to_pandas().sort_values("timestamp")
    assert df["activity"].tolist() == ["Assess", "Decide", "Pay"]
    minutes = ((df["timestamp"] - df["start_timestamp"]).dt.total_seconds() / 60).tolist()
    assert minutes[:2] == [40.0, 30.0] and df["start_timestamp"].isna().tolist()[2]
    assert report.paired == 2


def _rejects_kept(ws: Workspace, report: Any) -> None:
    assert ws.rejects().to_pylist() == [{
        "service": report.service, "source": report.source, "row": 9, "column": "timestamp",
        "value": "TBC", "reason": "unreadable time"}]
    assert json.loads(ws.import_log()[0]["set_aside"] or "{}") == {"unreadable time": 1}


def _nyc311(ws: Workspace, report: Any) -> None:
    assert ws.service().clock.end == ("Closed",)
    assert report.recognised.columns["case"] == "Unique Key"
    assert report.recognised.columns["due"] == "Due Date"


def _open311_closed(ws: Workspace, report: Any) -> None:
    closed = ws.events().filter(ws.events().activity == "Closed").count().execute()
    assert closed == 8  # the 8 requests whose status is closed; 4 are open


SHAPES = [
    Shape("plain CSV", _text("log.csv", _csv(list(EVENTS))), events=5, cases=2),
    Shape("title and blank rows above the header",
          _text("log.csv", _csv(list(EVENTS), above="Repairs log\nRun 01/04/2024,\n\n")),
          events=5, cases=2, header_row=4),
    Shape("CSV with a byte-order mark", _text("log.csv", _csv(list(EVENTS)), "utf-8-sig"),
          events=5, cases=2),
    Shape("semicolons and decimal commas",
          _text("log.csv", _csv([(*r, "12,50") for r in EVENTS],
                                header="case_id;activity;timestamp;cost", sep=";")),
          events=5, cases=2,
          check=lambda ws, r: ws.events().to_pandas()["cost"].tolist() == ["12,50"] * 5),
    Shape("TSV", _text("log.tsv", _csv(list(EVENTS), header="case_id\tactivity\ttimestamp",
                                       sep="\t")), events=5, cases=2),
    Shape("cp1252 export", _text("log.csv", _csv([("Ä", "Réported", "2024-03-01 09:00")]),
                                 "cp1252"), events=1, cases=1),
    Shape("day-first dates",
          _text("log.csv", _csv([(c, a, _dayfirst(t)) for c, a, t in EVENTS])),
          events=5, cases=2, date_order="day-first"),
    Shape("month-first dates (a US export)",
          _text("log.csv", _csv([(c, a, _monthfirst(t)) for c, a, t in EVENTS])),
          events=5, cases=2, date_order="month-first"),
    Shape("ISO 8601 with offsets",
          _text("log.csv", _csv([(c, a, t.replace(" ", "T") + ":00+01:00")
                                 for c, a, t in EVENTS])),
          events=5, cases=2),
    Shape("ISO and day-first in one column",
          _text("log.csv", _csv([*EVENTS[:2], ("B", "Fixed", "03/04/2024 10:00")])),
          error="ISO 8601 ('2024-03-01 09:00' in row 2) and day-first ('03/04/2024 10:00' "
          "in row 4)"),
    Shape("day-first and month-first in one column",
          _text("log.csv", _csv([("A", "x", "13/03/2024"), ("A", "y", "03/14/2024")])),
          error="day-first ('13/03/2024' in row 2) and month-first ('03/14/2024' in row 3)"),
    Shape("placeholders for none",
          _text("log.csv", _csv([("A", "Reported", "2024-03-01", "EMPTY", "-"),
                                 ("A", "Visited", "2024-03-02", "Repairs", "-"),
                                 ("A", "?", "2024-03-03", "Repairs", "Sam"),
                                 ("B", "Reported", "2024-03-03", "n/a", "Ali")],
                                header="case_id,activity,timestamp,team,resource")),
          events=3, cases=2, check=_placeholders),
    Shape("a 'TBC' date set aside", _text("log.csv", _csv(TBC_LOG)), events=39, cases=39,
          rejects=1, check=_rejects_kept),
    Shape("too many unreadable dates",
          _text("log.csv", _csv([*EVENTS, ("C", "x", "TBC"), ("C", "y", "n/a")])),
          error="'TBC' is not a date and time servicecheck understands (and 1 more row like "
          "it), so 2 of the 7 rows (29%) cannot be read, above the 5% an import may set aside"),
    Shape("a generous --max-rejects",
          _text("log.csv", _csv([*EVENTS, ("C", "x", "TBC"), ("C", "y", "n/a")])),
          kwargs={"max_rejects": 0.5}, events=5, cases=2, rejects=2),
    Shape("case ids repeating under a service column",
          _text("log.csv", _csv([(s, c, a, t) for s in ("Repairs", "Benefits")
                                 for c, a, t in EVENTS], header="Service,Case,Activity,Time")),
          error="column 'Service': case ids repeat across the services this column names: "
          "case 'A' is under 'Repairs' in row 2 and under 'Benefits' in row 7 (and 1 more like "
          "it), so their events would be read as one case; import each service's rows on "
          "their own"),
    Shape("a service column whose case ids do not repeat",
          _text("log.csv", _csv([("Repairs" if c == "A" else "Benefits", c, a, t)
                                 for c, a, t in EVENTS], header="Service,Case,Activity,Time")),
          events=5, cases=2),
    Shape("a date column and a time column (Excel)",
          _xlsx({"Jobs": [["Job No", "Task", "Date", "Time"],
                          ["J0", "Reported", "2024-03-01", "09:15:00"],
                          ["J0", "Fixed", "2024-03-01", "11:45:00"]]}), events=2, cases=1,
          check=lambda ws, r: r.time_of_day == "Time" and [
              str(t) for t in ws.events().to_pandas()["timestamp"]] == [
              "2024-03-01 09:15:00+00:00", "2024-03-01 11:45:00+00:00"]),
    Shape("'Date Logged' and 'Time Logged', day-first, a time left blank",
          _text("log.csv", _csv([("A", "Logged", "01/03/2024", "9:15"),
                                 ("A", "Closed", "13/03/2024", ""),
                                 ("B", "Logged", "02/03/2024", "4:05 PM")],
                                header="Case,Activity,Date Logged,Time Logged")),
          kwargs={"columns": {"timestamp": "Date Logged"}}, events=3, cases=2,
          date_order="day-first",
          check=lambda ws, r: [str(t) for t in ws.events().to_pandas()["timestamp"]] == [
              "2024-03-01 09:15:00+00:00", "2024-03-13 00:00:00+00:00",
              "2024-03-02 16:05:00+00:00"]),
    Shape("the month by name ('2 Jan 2024', '02-Jan-2024', '2 January 2024 14:05')",
          _text("log.csv", _csv([("A", "Logged", "2 Jan 2024"), ("A", "Done", "02-Jan-2024 16:00"),
                                 ("B", "Logged", "2 January 2024 14:05"),
                                 ("B", "Done", "13-FEB-24")])), events=4, cases=2,
          check=lambda ws, r: [str(t) for t in ws.events().to_pandas()["timestamp"]] == [
              "2024-01-02 00:00:00+00:00", "2024-01-02 16:00:00+00:00",
              "2024-01-02 14:05:00+00:00", "2024-02-13 00:00:00+00:00"]),
    Shape("ISO 8601 and the month by name in one column (both read one way)",
          _text("log.csv", _csv([("A", "Start", "2024-01-02"), ("A", "End", "2024-01-03 10:00"),
                                 ("B", "Start", "2 Jan 2024"),
                                 ("B", "End", "3 January 2024 10:00")])), events=4, cases=2,
          check=lambda ws, r: [str(t) for t in ws.events().to_pandas()["timestamp"]] == [
              "2024-01-02 00:00:00+00:00", "2024-01-03 10:00:00+00:00",
              "2024-01-02 00:00:00+00:00", "2024-01-03 10:00:00+00:00"]),
    Shape("ISO 8601, the month by name and 03/04/2024 in one column",
          _text("log.csv", _csv([("A", "Start", "2024-01-02"), ("B", "Start", "2 Jan 2024"),
                                 ("B", "End", "03/04/2024")])),
          error="ISO 8601 ('2024-01-02' in row 2) and day-first ('03/04/2024' in row 4)"),
    Shape("a step ending before it starts",
          _text("log.csv", _csv([(c, a, t, t) for c, a, t in EVENTS] +
                                [("C", "Fix", "2024-03-01 09:00", "2024-03-02 09:00")] +
                                [(f"D{i}", "Fix", "2024-03-01", "2024-03-01") for i in range(20)],
                                header="case_id,activity,timestamp,start")),
          kwargs={"columns": {"start_timestamp": "start"}}, events=25, cases=22, rejects=1),
    Shape("a case table with blank end dates", _jobs_csv, kind="case table", events=6,
          cases=4, date_order="day-first", check=_open_jobs),
    Shape("a case table named with --wide", _jobs_csv,
          kwargs={"wide": {"Reported": "Reported", "Completed": "Completed"},
                  "columns": {"case": "Job ref"}},
          events=6, cases=4, check=_open_jobs),
    Shape("Excel: title row and merged header cells",
          _xlsx({"Jobs": [["Repairs job list, March 2024"], [], ["Job", None, "Dates", None],
                          *JOBS]}, {"Jobs": ["A1:E1", "A3:B3", "C3:D3"]}),
          kind="case table", events=6, cases=4, header_row=4, sheet="Jobs"),
    # a title merged across the table with a note under it: the title repeats its name
    # across the cells it covers, and was taken for a header that repeats a name
    Shape("Excel: a merged title, a note under it",
          _xlsx({"Jobs": [["Repairs job list, March 2024"], ["Printed 3 Apr 2024"], [],
                          *JOBS]}, {"Jobs": ["A1:E1"]}),
          kind="case table", events=6, cases=4, header_row=4, sheet="Jobs"),
    Shape("Excel: a notes sheet beside the table",
          _xlsx({"Read me": [["Exported from the repairs system"], ["Do not edit"]],
                 "Jobs": JOBS}), kind="case table", events=6, cases=4, sheet="Jobs"),
    Shape("Excel: two tables, none chosen",
          _xlsx({"March": JOBS, "April": JOBS}),
          error="the workbook has 2 sheets that look like tables: 'March' (4 rows), "
          "'April' (4 rows)"),
    Shape("Excel: two tables, one chosen", _xlsx({"March": JOBS, "April": JOBS[:3]}),
          kwargs={"sheet": "April"}, kind="case table", events=3, cases=2, sheet="April"),
    Shape("Excel: dates as serial numbers",
          _xlsx({"Log": [["case_id", "activity", "timestamp"], ["A", "Reported", 45352],
                         ["A", "Fixed", 45355.75]]}), events=2, cases=1,
          check=lambda ws, r: [str(t) for t in ws.events().to_pandas()["timestamp"]] == [
              "2024-03-01 00:00:00+00:00", "2024-03-04 18:00:00+00:00"]),
    Shape("--header-row given", _text("log.csv", _csv(list(EVENTS), above="a,b,c\n")),
          kwargs={"header_row": 2}, events=5, cases=2, header_row=2),
    Shape("columns named as a council names them",
          _text("log.csv", _csv(list(EVENTS), header="Job Ref,Status,Date")),
          events=5, cases=2),
    Shape("Parquet", _parquet, events=5, cases=2),
    Shape("XES with start and complete events", _xes_lifecycle, events=3, cases=1,
          check=_paired),
    Shape("a lifecycle column the team names",
          _text("log.csv", _csv([("A", "Assess", "2024-03-01 09:00", "start"),
                                 ("A", "Assess", "2024-03-01 09:45", "complete"),
                                 ("A", "Assess", "2024-03-02 09:00", "start")],
                                header="case_id,activity,timestamp,transition")),
          kwargs={"columns": {"lifecycle": "transition"}}, events=1, cases=1),
    Shape("NYC 311 export (a case table, month-first)", lambda _: DATA /
          "nyc311_2023-02-28_sample.csv", kind="case table", events=9453, cases=4999,
          date_order="month-first", check=_nyc311),
    Shape("Open311 GeoReport v2 JSON", _open311, kind="case table", events=20, cases=12,
          check=_open311_closed),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_import_shape(tmp_path: Path, shape: Shape) -> None:
    path = shape.write(tmp_path)
    ws = Workspace(tmp_path / "ws.duckdb")
    if shape.error:
        with pytest.raises(InputError) as info:
            import_events(ws, path, **shape.kwargs)
        assert shape.error in str(info.value), str(info.value)
        assert "\n" not in str(info.value)
        assert ws.events().count().execute() == 0 and ws.import_log() == []
        assert ws.rejects().num_rows == 0
        return
    report = import_events(ws, path, **shape.kwargs)
    assert (report.events, report.cases) == (shape.events, shape.cases)
    assert report.rejects.rows == shape.rejects == ws.rejects().num_rows
    assert ws.events().count().execute() == shape.events
    if shape.header_row is not None:
        assert report.header_row == shape.header_row
    if shape.date_order is not None:
        assert report.date_order == shape.date_order
    if shape.sheet is not None:
        assert report.sheet == shape.sheet
    if not shape.kwargs and shape.kind == "case table":
        assert report.recognised is not None and report.recognised.kind == "case table"
    if shape.check is not None:
        assert shape.check(ws, report) is not False


PROPOSALS = [
    # shape, role -> column proposed, kind, date order
    ("plain CSV", {"case": "case_id", "activity": "activity", "timestamp": "timestamp"},
     "event log", "iso"),
    ("columns named as a council names them",
     {"case": "Job Ref", "activity": "Status", "timestamp": "Date"}, "event log", "iso"),
    ("placeholders for none", {"team": "team", "resource": "resource"}, "event log", "iso"),
    ("a case table with blank end dates", {"case": "Job ref", "due": "Due date"},
     "case table", "day-first"),
    ("month-first dates (a US export)", {"timestamp": "timestamp"}, "event log",
     "month-first"),
    ("NYC 311 export (a case table, month-first)",
     {"case": "Unique Key", "team": "Agency", "due": "Due Date"}, "case table", "month-first"),
    ("Open311 GeoReport v2 JSON", {"case": "service_request_id"}, "case table", "iso"),
    ("a date column and a time column (Excel)", {"timestamp": "Date"}, "event log", "iso"),
    ("the month by name ('2 Jan 2024', '02-Jan-2024', '2 January 2024 14:05')",
     {"timestamp": "timestamp"}, "event log", "month-name"),
]


@pytest.mark.parametrize(("name", "roles", "kind", "order"), PROPOSALS,
                         ids=[p[0] for p in PROPOSALS])
def test_proposal(tmp_path: Path, name: str, roles: dict[str, str], kind: str,
                  order: str) -> None:
    shape = next(s for s in SHAPES if s.name == name)
    proposal = propose(shape.write(tmp_path))
    assert proposal.kind == kind
    assert {r: proposal.roles[r].column for r in roles} == roles
    assert proposal.dates is not None and proposal.dates.order == order
    assert all(g.evidence and 0 < g.confidence <= 1 for g in proposal.roles.values())
    assert proposal.complete
    # a column of dates alone is read with the times of day of its own stem, and said so
    paired = "Time" if name == "a date column and a time column (Excel)" else None
    assert proposal.time_of_day == paired


def test_proposal_shows_its_evidence(tmp_path: Path) -> None:
    proposal = propose(_jobs_csv(tmp_path))
    assert [(m.column, m.activity) for m in proposal.moments] == [
        ("Reported", "Reported"), ("Completed", "Completed")]
    assert proposal.end == "Completed"
    assert proposal.roles["case"].evidence == ("J1", "J2", "J3")
    assert proposal.dates is not None and proposal.dates.evidence == (4, "13/03/2024")
    assert proposal.preview[0] == ("J1", "Plumbing", "01/03/2024", "05/03/2024", "29/03/2024")


# real logs, each with the columns its case, step and time are proposed from
REAL_PROPOSALS = [
    # the trace's name, not each event's own 'id' (which made every event a case)
    ("original/bpic2020_cleaned/PrepaidTravelCost.xes.gz",
     ("case:concept:name", "concept:name", "time:timestamp")),
    ("sepsis_hospital.csv.gz", ("case_id", "activity", "timestamp")),
]


@pytest.mark.parametrize(("name", "expected"), REAL_PROPOSALS)
def test_a_real_log_is_proposed_with_its_own_case(name: str,
                                                  expected: tuple[str, str, str]) -> None:
    roles = propose(DATA / name).roles
    assert tuple(roles[r].column for r in ("case", "activity", "timestamp")) == expected


def test_a_confirmed_mapping_imports_the_next_export_with_the_service_alone(
        tmp_path: Path) -> None:
    """Confirm once (fixing one column), save into the service file, and the next month's
    export, with the same odd layout, imports with the service file alone."""
    from servicecheck.service.files import save_mapping

    book = _xlsx({"Jobs": [["Job list"], *JOBS]})(tmp_path)
    proposal = propose(book)
    mapping = confirm(proposal, {"team": "Trade"})
    toml = tmp_path / "service.toml"
    toml.write_text('# our repairs\nname = "Repairs"\n\n[columns]\n# mapped by hand\n'
                    'case = "Old"\n')
    save_mapping(toml, mapping)
    svc = Service.load(toml)
    assert svc.columns == {"case": "Job ref", "team": "Trade"}
    assert svc.reading.moments == {"Reported": "Reported", "Completed": "Completed"}
    assert (svc.reading.sheet, svc.reading.header_row, svc.reading.date_order) == (
        "Jobs", 2, "day-first")
    assert svc.clock.end == ("Completed",)
    assert "# our repairs" in toml.read_text()
    (tmp_path / "april").mkdir()
    nxt = _xlsx({"Jobs": [["Job list, April"], *JOBS[:3]]})(tmp_path / "april")
    with Workspace() as ws:
        report = import_events(ws, nxt, service=svc)
        assert (report.events, report.cases) == (3, 2) and report.recognised is None
        assert sorted(ws.events().team.to_pandas()) == ["Electrical", "Plumbing", "Plumbing"]


def test_the_command_line_sets_aside_saves_the_mapping_and_writes_the_rejects(
        tmp_path: Path) -> None:
    """A council's workbook with a title row and a 'TBC' date: imported with one command
    that saves the mapping; the rejects written to a spreadsheet made safe; next month's
    export imported with the service file alone."""
    from typer.testing import CliRunner

    from servicecheck.cli import app

    rows = [*JOBS, *[[f"K{i}", "Plumbing", "04/03/2024", "=1+1" if i == 0 else "TBC"
                      if i == 1 else "08/03/2024", ""] for i in range(50)]]
    book = _xlsx({"Read me": [["Exported from the repairs system"]],
                  "Jobs": [["Repairs job list"], [], *rows]})(tmp_path)
    ws, toml, out = tmp_path / "ws.duckdb", tmp_path / "service.toml", tmp_path / "rejects.csv"
    runner = CliRunner()
    done = runner.invoke(app, ["import", str(book), "-w", str(ws), "--save-mapping", str(toml),
                               "--max-rejects", "0.1"])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())  # the console wraps long lines
    assert "Read as a case table" in said, said
    # the row of a date set aside is kept: its cell is set aside, not the row
    assert "2 dates in “Completed” could not be read and were set aside" in said, said
    done = runner.invoke(app, ["rejects", "-w", str(ws), "--out", str(out)])
    assert done.exit_code == 0 and "Wrote the 2 values set aside" in " ".join(
        done.output.split())
    lines = out.read_text().splitlines()
    assert lines[0] == "service,source,row,column,value,reason"
    assert [line.split(",")[2:] for line in lines[1:]] == [
        ["8", "Completed", "'=1+1", "unreadable time"], ["9", "Completed", "TBC",
                                                         "unreadable time"]]
    svc = Service.load(toml)
    assert svc.reading.moments == {"Reported": "Reported", "Completed": "Completed"}
    assert (svc.reading.sheet, svc.reading.header_row) == ("Jobs", 3)
    assert svc.reading.max_rejects == 0.1  # the share raised is kept for the next export
    (tmp_path / "april").mkdir()
    nxt = _xlsx({"Jobs": [["Repairs job list, April"], [], *JOBS]})(tmp_path / "april")
    done = runner.invoke(app, ["import", str(nxt), "-w", str(tmp_path / "april.duckdb"),
                               "--service", str(toml)])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "6 events made from their dates, in 4 cases" in said and "Read as" not in said, said


def test_data_quality_counts_what_was_set_aside_and_read_as_missing(tmp_path: Path) -> None:
    from servicecheck.measures.quality import placeholder_findings, rejects_findings
    from servicecheck.narrative.words import Voice, say

    log = _text("log.csv", _csv([(c, a, t, "EMPTY" if c == "C3" else "Repairs")
                                 for c, a, t in TBC_LOG],
                                header="case_id,activity,timestamp,team"))(tmp_path)
    with Workspace() as ws:
        import_events(ws, log)
        svc = ws.service()
        voice = Voice(tz=svc.timezone)
        assert [say(f, voice) for f in rejects_findings(ws, svc)] == [
            "1 value was set aside on import, not counted: 1 with a date and time that could "
            "not be read; the web app's Imports page downloads them (or 'servicecheck "
            "rejects' writes them) to correct and import again."]
        found = placeholder_findings(ws, svc)
        assert [(f.n, f.names) for f in found] == [(1, ("team", "EMPTY"))]
