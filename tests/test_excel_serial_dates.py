"""An Excel export whose dates lost their format keeps them as serial day numbers (45352.375
is 1 March 2024, 09:00). The proposal reads them as dates by their values, whatever the
header's language, where the sheet types the cells as numbers and every one is a plausible
date; never a column whose name says it is something else, nor numbers outside the years a
service's dates fall in, nor text that only looks like a number. Workbooks written here
(tests/xlsx.py), imported into a real workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecheck import Service, Workspace, import_events
from servicecheck.io.propose import CONFIDENT, confirm, propose

from .xlsx import Cell, write_xlsx

# 1 March 2024 09:00, 4 March 2024 18:00, 2 March 2024 08:30, 13 March 2024 16:00
SERIALS = [45352.375, 45355.75, 45353.354166666664, 45364.666666666664]
LOCAL = ["2024-03-01 09:00", "2024-03-02 08:30", "2024-03-04 18:00", "2024-03-13 16:00"]


def _log(header: list[str], stamps: list[Cell]) -> list[list[Cell]]:
    steps = [("R1", "Registrado"), ("R1", "Resuelto"), ("R2", "Registrado"), ("R2", "Resuelto")]
    return [header, *([case, step, stamp] for (case, step), stamp in zip(steps, stamps,
                                                                           strict=True))]


# (what the sheet holds, its rows, the column proposed as the time or None, the date order)
CASES: list[tuple[str, list[list[Cell]], str | None, str | None]] = [
    ("Spanish: Fecha", _log(["Case", "Activity", "Fecha"], SERIALS), "Fecha", "excel-serial"),
    ("German: Datum", _log(["Case", "Activity", "Datum"], SERIALS), "Datum", "excel-serial"),
    ("German: Eingang", _log(["Case", "Activity", "Eingang"], SERIALS), "Eingang",
     "excel-serial"),
    ("whole days, no time", _log(["Case", "Activity", "Fecha"], [45352, 45355, 45353, 45364]),
     "Fecha", "excel-serial"),
    # never dates: a number that names itself otherwise, numbers of no plausible date (a
    # cost), a serial typed as text under a header that says nothing of dates
    ("a job number in the serials' range", _log(["Case", "Activity", "Job number"],
                                                [45001, 45002, 45003, 45004]), None, None),
    ("costs", _log(["Case", "Activity", "Kosten"], [120.5, 80.0, 99.99, 15.0]), None, None),
    ("serials typed as text", _log(["Case", "Activity", "Fecha"],
                                   [str(v) for v in SERIALS]), None, None),
    ("a year before 1990", _log(["Case", "Activity", "Fecha"], [30000, 30001, 30002, 30003]),
     None, None),
]


@pytest.mark.parametrize(("rows", "column", "order"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_serial_dates_are_proposed_by_their_values(
        tmp_path: Path, rows: list[list[Cell]], column: str | None, order: str | None) -> None:
    book = write_xlsx(tmp_path / "export.xlsx", {"Registro": rows})
    proposal = propose(book)
    guess = proposal.roles.get("timestamp")
    assert (guess.column if guess else None) == column
    assert (proposal.dates.order if proposal.dates else None) == order
    if column is None:
        return
    # the file's own values are its evidence (a whole day written as Excel keeps it)
    assert guess is not None and guess.evidence[0] in ("45352.375", "45352")
    # confirmed as proposed, the import reads each serial as the local time it stands for
    mapping = confirm(proposal, {"case": "Case", "activity": "Activity"},
                      timezone="Europe/Madrid")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = import_events(ws, book, service=mapping.service(Service(name="Registro")))
        assert report.events == 4 and report.rejects.rows == 0
        got = sorted(f"{t.tz_convert('Europe/Madrid'):%Y-%m-%d %H:%M}"
                     for t in ws.events().to_pandas()["timestamp"])
    whole = rows[1][2] == 45352
    assert got == (["2024-03-01 00:00", "2024-03-02 00:00", "2024-03-04 00:00",
                    "2024-03-13 00:00"] if whole else LOCAL)


def test_a_case_table_in_german_has_its_moments_from_serials(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Case ref", "Eingang", "Erledigt"],
                              ["V1", 45352.375, 45355.75], ["V2", 45353.5, None],
                              ["V3", 45360.25, 45364.666666666664]]
    proposal = propose(write_xlsx(tmp_path / "vorgaenge.xlsx", {"Vorgänge": rows}))
    assert proposal.kind == "case table"
    assert [(m.column, m.activity) for m in proposal.moments] == [
        ("Eingang", "Eingang"), ("Erledigt", "Erledigt")]
    assert proposal.dates is not None and proposal.dates.order == "excel-serial"


def test_a_case_table_whose_header_names_no_case_has_its_case_guessed_from_its_values(
        tmp_path: Path) -> None:
    # a German office's export: no English word in the header, serial dates, a row per case
    rows: list[list[Cell]] = [["Aktenzeichen", "Eingang", "Erledigt", "Sachgebiet"],
                              ["AZ-1", 45352.375, 45355.75, "Wohngeld"],
                              ["AZ-2", 45353.5, None, "Bauamt"],
                              ["AZ-3", 45360.25, 45364.666666666664, "Wohngeld"]]
    book = write_xlsx(tmp_path / "vorgaenge.xlsx", {"Vorgänge": rows})
    proposal = propose(book)
    assert proposal.kind == "case table"
    case = proposal.roles["case"]
    # from its values alone: a guess the page asks the team to check
    assert (case.column, case.reason, case.evidence) == ("Aktenzeichen", "values",
                                                         ("AZ-1", "AZ-2", "AZ-3"))
    assert case.confidence < CONFIDENT
    assert proposal.end == "Erledigt"
    mapping = confirm(proposal, timezone="Europe/Berlin")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = import_events(ws, book, service=mapping.service(Service(name="Vorgänge")))
        assert (report.events, report.cases) == (5, 3)


# (a CSV's time column, as Excel saved it when the dates had lost their format): proposed as
# Excel's day numbers where the name says dates, and imported so. The import read serials only
# from a workbook, so the page said "The dates are Excel's day numbers. '45352.375' is read as
# 1 March 2024, 09:00" and then refused every row as "not a date and time".
SAVED_AS_CSV = [
    ("Date", [repr(v) for v in SERIALS]),
    ("Date logged", [f"{v:.5f}" for v in SERIALS]),
]


@pytest.mark.parametrize(("name", "stamps"), SAVED_AS_CSV, ids=[c[0] for c in SAVED_AS_CSV])
def test_serial_dates_in_a_csv_saved_from_excel_are_imported_as_proposed(
        tmp_path: Path, name: str, stamps: list[str]) -> None:
    f = tmp_path / "export.csv"
    f.write_text("\n".join(",".join(map(str, r))
                           for r in _log(["Case", "Activity", name], list(stamps))) + "\n")
    proposal = propose(f)
    assert proposal.dates is not None and proposal.dates.order == "excel-serial"
    mapping = confirm(proposal, {"case": "Case", "activity": "Activity", "timestamp": name},
                      timezone="Europe/Madrid")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = import_events(ws, f, service=mapping.service(Service(name="Registro")))
        assert report.events == 4 and report.rejects.rows == 0
        got = sorted(f"{t.tz_convert('Europe/Madrid'):%Y-%m-%d %H:%M}"
                     for t in ws.events().to_pandas()["timestamp"])
    assert got == LOCAL
