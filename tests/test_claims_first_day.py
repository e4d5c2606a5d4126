"""Words a council team met on its first day with its own exports, each held as a row: a case
table (a row per case, opened and closed dates: one with "TBC" for a closing date, one closed
in 2099) and a few contacts, imported as a team would, and read back from the Check report.
Each row failed before its fix; the report's words also pass the claims check (nothing leaks,
every number traced to a finding)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from servicecheck import Service, Workspace, import_events, spc
from servicecheck.demand import import_demands
from servicecheck.demand.analysis import pareto
from servicecheck.findings import NO_TYPE, Finding, share
from servicecheck.narrative.signals import summary_words
from servicecheck.narrative.words import Voice, say
from servicecheck.report import write_report
from servicecheck.report.build import Report

from .test_claims import check

CASES = """Reference,Opened,Closed
C1,2024-03-01,2024-03-04
C2,2024-03-02,TBC
C3,2024-03-02,
C4,2024-03-03,2024-03-05
C5,2024-03-04,2099-01-01
C6,2024-03-05,TBC
C7,2024-03-05,2024-03-09
C8,2024-03-06,2024-03-08
C9,2024-03-07,2024-03-12
C10,2024-03-08,2024-03-10
"""
CONTACTS = """received_at,channel,verbatim,demand_type,nature,case_id
2024-03-01,phone,my boiler has stopped,Heating,value,C1
2024-03-02,phone,when is someone coming,,failure,C1
2024-03-04,phone,the tap drips,Leaks,value,C4
"""


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Workspace]:
    folder = tmp_path_factory.mktemp("first-day")
    (folder / "cases.csv").write_text(CASES)
    (folder / "contacts.csv").write_text(CONTACTS)
    ws = Workspace(folder / "ws.duckdb")
    import_events(ws, folder / "cases.csv", service=Service(name="repairs"),
                  columns={"case": "Reference"}, wide={"Opened": "Opened", "Closed": "Closed"},
                  max_rejects=0.5)
    import_demands(ws, folder / "contacts.csv", service=ws.service())
    report = write_report(ws, folder / "check.html")
    check(report, ws.service())
    return report, ws


# (section, words it must hold, a pattern it must not: what was wrong)
SAID = [
    # 1. a case table's rows are the file's; its events (one per date) are said apart
    ("data-quality", "10 rows read in 1 import (a row per case); 16 events made from their "
     "dates and kept, none left out.", r"\b(?:1[6-9]|2\d) rows read"),
    ("data-quality", "3 rows of demand read in 1 import; 3 kept", r"\b13 rows read"),
    # 2. contacts per need over every need of the period, not only those with contacts
    ("demand", "The 5 needs first reported between 1 Mar 2024 and 4 Mar 2024 had 0.6 contacts "
     "and 0.2 failure demands each on average, counting the 3 with no contact linked to them "
     "as none.", r"Per need: "),
    # 3. a closing date after the import is set aside and said beside the measures it touches
    *[(section, "1 step in 1 case was dated after the import on ", r"27,3\d\d days|2099")
      for section in ("capability", "flow", "data-quality")],
    ("capability", "(first: row 6 of cases.csv, column “Closed”): set aside and not counted",
     r"21,8\d\d days"),
    # 4. a TBC closing date is a cell set aside, its row kept as an open case
    ("data-quality", "2 dates in “Closed” could not be read and were set aside, the rest of "
     "each row kept; those cases are counted as open (no Closed date)",
     r"values? (?:was|were) set aside"),
    # 6. a contact with no type: a code in the measure, worded here
    ("demand", "Commonest failure demand between 1 Mar 2024 and 4 Mar 2024: (no type given) "
     "(1).", r"\(no type\)"),
    # one week's median is no range ("from 2 days to 2 days over 1 week"); and 12 days of
    # data are charted per day, not in two weekly points
    ("capability", "Per day, the median time of the needs met in each day ran from 2 days to "
     "5 days over 6 days", r"from 2 days to 2 days|per week|each week"),
]


@pytest.mark.parametrize(("section", "said", "never"), SAID,
                         ids=[f"{i}-{s}" for i, (s, _, _) in enumerate(SAID)])
def test_the_first_days_words(section: str, said: str, never: str,
                              first_day: tuple[Report, Workspace]) -> None:
    report, _ = first_day
    part = next(s for s in report.sections if s.id == section)
    words = " ".join(part.lead + part.details)
    assert said in words, words
    assert not re.search(never, words), words


def test_what_is_set_aside_is_kept_to_correct(first_day: tuple[Report, Workspace]) -> None:
    """Nothing lost: the TBCs and the date after the import are in the rejects table, with the
    row and column a person finds them at; the events table holds neither."""
    _, ws = first_day
    aside = ws.rejects().to_pylist()
    assert [(r["row"], r["column"], r["reason"]) for r in aside] == [
        (3, "Closed", "unreadable time"), (6, "Closed", "after the import"),
        (7, "Closed", "unreadable time")]
    assert aside[1]["value"].startswith("2099-01-01")
    ev = ws.events().to_pandas()
    assert len(ev) == 16 and ev["timestamp"].max() < pd.Timestamp("2025-01-01", tz="UTC")
    record = next(r for r in ws.import_log() if r["kind"] == "events")
    assert (record["records"], record["rows_kept"]) == (10, 16)


# 5. a suggestion's confidence is how often suggestions that confident were right: never sure
TRUST = [(1.0, "more than 9 in 10"), (0.97, "more than 9 in 10"), (0.9, "about 9 in 10"),
         (0.8, "about 8 in 10"), (0.76, "about 8 in 10")]


@pytest.mark.parametrize(("confidence", "words"), TRUST)
def test_a_suggestions_confidence_is_no_certainty(confidence: float, words: str) -> None:
    said = say(Finding("demand.suggestion", "suggestion", 1, {"confidence": share(confidence)}),
               Voice())
    assert said == (f"{words} suggestions this confident were right, tested on demands people "
                    "had classified")
    assert "sure" not in said and "%" not in said


def test_codes_not_words_in_measures(first_day: tuple[Report, Workspace]) -> None:
    """6. The no-type demand and the summary table's icons are codes; narrative words them."""
    _, ws = first_day
    types = pareto(ws.demands())
    assert NO_TYPE in set(types["demand_type"]) and "(no type)" not in set(types["demand_type"])
    charts = {"end-to-end days": spc.xmr([3.0, 4, 3, 5, 4, 3, 4, 12, 13, 12, 14, 13, 12, 13],
                                         improvement_direction="decrease")}
    table = spc.summary_table(charts)
    assert table.loc[0, "variation"] == "special_cause_concern"
    assert table.loc[0, "assurance"] == ""
    worded = summary_words(table)
    assert (worded.loc[0, "variation"], worded.loc[0, "assurance"]) == (
        "special cause variation: concern (high)", "")


def test_the_rows_of_a_future_date_are_the_files(tmp_path: Path) -> None:
    """An event log (not a case table): the row named is the file's, its column the time's."""
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\nA,Reported,2024-01-01 09:00\n"
                   "A,Fixed,2024-01-02 09:00\nB,Reported,2024-01-03 09:00\n"
                   "B,Fixed,2098-05-01 09:00\nB,Checked,2099-05-01 09:00\n")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = import_events(ws, log, service=Service(name="log"))
        assert report.events == 3
        assert [(r["row"], r["column"]) for r in ws.rejects().to_pylist()] == [
            (5, "timestamp"), (6, "timestamp")]
        from servicecheck.measures.quality import future_findings
        from servicecheck.narrative.words import voice_for

        (f,) = future_findings(ws, ws.service())
        assert (f.n, f.q("cases")) == (2, 1)
        assert "2 steps in 1 case were dated after the import on " in say(f, voice_for(
            ws.service()))
        assert "(first: rows 5 and 6 of log.csv, column “timestamp”)" in say(f, Voice())
