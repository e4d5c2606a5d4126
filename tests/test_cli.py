"""The command line as a user meets it: the demo, generate, import, summary, capability, flow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck.cli import app

from .conftest import DATA

runner = CliRunner()


def test_demo_prints_the_plain_summary(tmp_path: Path) -> None:
    r = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--events", "20000"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    for words in ("needs", "orders or cases", "events", "demands", "between 1 Jan 2024 and",
                  "9 in 10", "failure demand", "Before the change on 30 Dec 2024",
                  "Headline findings:", "the two clocks moved in opposite directions"):
        assert words in text
    m = re.search(r"half of the [\d,]+ needs took ([\d.]+) days or less \(9 in 10 within "
                  r"([\d.]+) days", text)
    assert m and float(m.group(1)) < float(m.group(2))
    assert (tmp_path / "demo" / "housing-repairs.duckdb").exists()


def test_generate_import_and_analyse(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert runner.invoke(app, ["generate", "--out", str(out), "--events", "5000"]).exit_code == 0
    ws = str(tmp_path / "ws.duckdb")
    r = runner.invoke(app, ["import", str(out / "events.csv"), "--service",
                            str(out / "service.toml"), "-w", ws])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["import-demand", str(out / "demands.csv"), "-w", ws])
    assert r.exit_code == 0, r.output
    assert "masked" in r.output
    r = runner.invoke(app, ["summary", "-w", ws])
    assert r.exit_code == 0 and "Housing repairs" in r.output
    r = runner.invoke(app, ["capability", "-w", ws, "--out", str(tmp_path / "charts")])
    assert r.exit_code == 0, r.output
    svg = (tmp_path / "charts" / "capability.svg").read_text()
    assert svg.startswith("<svg") and "End-to-end days per need" in svg
    r = runner.invoke(app, ["flow", "-w", ws])
    assert r.exit_code == 0 and "at the median" in r.output


def test_import_a_real_xes_log(tmp_path: Path) -> None:
    log = DATA / "original" / "bpic2020_cleaned" / "PrepaidTravelCost.xes.gz"
    r = runner.invoke(app, ["import", str(log), "-w", str(tmp_path / "ws.duckdb")])
    assert r.exit_code == 0, r.output
    assert "17,507 events kept, in 2,007 cases" in " ".join(r.output.split())


def test_init_writes_a_service_file_that_loads(tmp_path: Path) -> None:
    from servicecheck import Service

    f = tmp_path / "service.toml"
    assert runner.invoke(app, ["init", str(f), "--name", "Benefits"]).exit_code == 0
    assert Service.load(f).name == "Benefits"
    again = runner.invoke(app, ["init", str(f)])
    assert again.exit_code == 2 and "--force" in again.output


def test_text_in_square_brackets_is_printed_as_it_is(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Visit [no access],2024-01-01 09:00\n"
                 "A,Visit [no access],2024-01-02 09:00\nA,Fixed,2024-01-05 09:00\n")
    ws = str(tmp_path / "ws.duckdb")
    assert runner.invoke(app, ["import", str(f), "-w", ws]).exit_code == 0
    r = runner.invoke(app, ["flow", "-w", ws])
    assert "Visit [no access]" in r.output
    r = runner.invoke(app, ["targets", "-w", ws])
    assert r.exit_code == 2 and "describe the targets under [targets]" in r.output


# (file name, its text, the lines `propose` prints before its last): worded from the
# proposal's findings (narrative.proposal), not composed on the command line
JOBS = "Job ref,Logged on,Closed on\nJ1,03/04/2024,25/04/2024\nJ2,05/04/2024,\n"
PROPOSALS = [
    ("log.csv", "case_id,activity,timestamp\nA,Raised,2024-03-01 09:00\nA,Closed,"
     "2024-03-04 10:00\nB,Raised,2024-03-02 11:00\n",
     ["log.csv: an event log of 3 rows.",
      "case: 'case_id' (from its name and values, like A, B)",
      "activity: 'activity' (from its name and values, like Raised, Closed)",
      "timestamp: 'timestamp' (from its name and values, like 2024-03-01 09:00, "
      "2024-03-04 10:00)",
      "dates: iso (row 2: '2024-03-01 09:00')"]),
    ("jobs.csv", JOBS,
     ["jobs.csv: a case table of 2 rows.",
      "case: 'Job ref' (from its name and values, like J1, J2)",
      "moments: 'Logged on' as Logged → 'Closed on' as Closed; a case is done at Closed",
      "dates: day-first (row 2: '25/04/2024')"]),
    ("titled.csv", "Jobs in April\n\n" + JOBS,
     ["titled.csv, column names in row 3: a case table of 2 rows.",
      "case: 'Job ref' (from its name and values, like J1, J2)",
      "moments: 'Logged on' as Logged → 'Closed on' as Closed; a case is done at Closed",
      "dates: day-first (row 4: '25/04/2024')"]),
]


@pytest.mark.parametrize(("name", "text", "lines"), PROPOSALS, ids=[p[0] for p in PROPOSALS])
def test_propose_words_each_line_from_a_finding(tmp_path: Path, name: str, text: str,
                                                lines: list[str]) -> None:
    f = tmp_path / name
    f.write_text(text)
    r = runner.invoke(app, ["propose", str(f)])
    assert r.exit_code == 0, r.output
    # the terminal may wrap a line: the words are compared with spaces made one
    said = " ".join(r.output.split())
    assert said.startswith(" ".join(lines) + " Import it with"), said


# (file name, its text, what `import` says with no flags): what `propose` says it would read,
# `import` reads. An event log whose columns have none of the usual names was refused by the
# command line ("no column for the case was found among Case Ref, ...") while `propose`, the
# web app and the Python API read it: the flags left unset overrode the proposal's columns.
PROPOSED_IMPORTS = [
    ("council.csv", "Case Ref,Action,Date,Officer\nR1,Reported,03/04/2024 09:00,Ann\n"
     "R1,Fixed,25/04/2024 10:00,Bob\nR2,Reported,05/04/2024 11:00,Ann\n",
     "Imported 3 rows from council.csv: 3 events kept, in 2 cases."),
    ("jobs.csv", JOBS, "Imported 2 rows from jobs.csv (a row per case): 3 events made from "
     "their dates, in 2 cases."),
]


@pytest.mark.parametrize(("name", "text", "said"), PROPOSED_IMPORTS,
                         ids=[p[0] for p in PROPOSED_IMPORTS])
def test_import_reads_what_propose_proposed(tmp_path: Path, name: str, text: str,
                                            said: str) -> None:
    f = tmp_path / name
    f.write_text(text)
    r = runner.invoke(app, ["import", str(f), "-w", str(tmp_path / "ws.duckdb")])
    assert r.exit_code == 0, r.output
    assert " ".join(r.output.split()).startswith(said), r.output


@pytest.mark.parametrize(("n", "threshold", "said"), [
    (12, 0.9, "Accepted 12 suggestions at or above 90% confidence, as the team chose."),
    (1, 0.855, "Accepted 1 suggestion at or above 85.5% confidence, as the team chose."),
    (0, 0.999, "Accepted 0 suggestions at or above 99.9% confidence, as the team chose."),
])
def test_the_accepted_suggestions_line(n: int, threshold: float, said: str) -> None:
    from servicecheck.findings import Finding, share
    from servicecheck.narrative.words import Voice, say

    assert say(Finding("demand.accepted", "suggestion", n, {"threshold": share(threshold)}),
               Voice()) == said


# (the slice asked for, the sentence): a slice of no case printed nothing at all (or "nan% of
# steps are value work"); it names the values it could have asked for
EMPTY_SLICES = [
    (["--where", "priority=P9"], "error: --where: no case has priority = 'P9' on any event; "
     "give a value the column holds, like 'P"),
    (["--where", "priority = P9 "], "error: --where: no case has priority = 'P9' on any event"),
    (["--demand-type", "Nothing"], "error: --demand-type: no need began with a contact of type "
     "'Nothing'; give a type of first contact, like '"),
]


@pytest.mark.parametrize(("args", "said"), EMPTY_SLICES)
def test_flow_on_a_slice_of_no_case_is_one_sentence_naming_values_it_holds(
        demo_workspace: Path, args: list[str], said: str) -> None:
    r = runner.invoke(app, ["flow", "-w", str(demo_workspace), *args])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(said), r.output
    assert "nan" not in r.output


def test_flow_on_a_slice_of_cases_reads_it(demo_workspace: Path) -> None:
    r = runner.invoke(app, ["flow", "-w", str(demo_workspace), "--where", "priority=P1"])
    assert r.exit_code == 0 and "at the median" in r.output
