"""What an import did, said once (io.report's finding, worded in narrative/quality): the rows of
the file, the events made and kept, a case table's dates set aside apart from rows set aside,
steps and contacts dated after the import, each said only when it happened, and the same on
the command line and the web app's Imports page. Each row failed before its fix (the summary
was prose composed in io/ and said "set aside 2 rows" of a case table that kept them; a
contact dated after its import was kept)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import Workspace
from servicecheck.cli import app
from servicecheck.demand.findings import demand_view
from servicecheck.findings import Finding
from servicecheck.io.report import already_finding, held_finding, import_finding
from servicecheck.measures.quality import import_summary
from servicecheck.measures.targets import NO_REGIME
from servicecheck.narrative.words import Voice, say

from .test_claims_first_day import CASES

LOG = ("case_id,activity,timestamp\nA,Reported,2024-01-01 09:00\nA,Fixed,2024-01-02 09:00\n"
       "B,Reported,2024-01-03 09:00\nB,Fixed,2098-05-01 09:00\nB,Checked,2099-05-01 09:00\n"
       "C,Reported,TBC\n")
CONTACTS = ("received_at,channel,verbatim\n2024-03-01,phone,my boiler has stopped\n"
            "2099-01-01,phone,the tap drips\n2024-03-02,phone,n/a\n")
CASE_TABLE = ["--case", "Reference", "--wide", "Opened=Opened,Closed=Closed"]

# (file, its text, the command and its options, what it says, a pattern it must never say)
SAID = [
    ("cases.csv", CASES, ["import", *CASE_TABLE],
     "Imported 10 rows from cases.csv (a row per case): 16 events made from their dates, in "
     "10 cases; 2 dates in “Closed” could not be read and were set aside, the rest of each row "
     "kept; 1 step dated after the import set aside, not counted.", r"set aside \d+ rows?"),
    ("log.csv", LOG, ["import"],
     "Imported 6 rows from log.csv: 3 events kept, in 2 cases; 1 value set aside with its row, "
     "not imported: 1 with a date and time that could not be read; 2 steps dated after the "
     "import set aside, not counted.", r"“timestamp” could not be read"),
    ("later.csv", CONTACTS, ["import-demand"],
     "Imported 3 rows of demand from later.csv: 1 demand kept; 1 value set aside with its row, "
     "not imported: 1 with a value that stands for none (like n/a) in place of the citizen's "
     "words; 1 contact dated after the import set aside, not counted.", r"2 demands kept"),
]


@pytest.mark.parametrize(("name", "text", "command", "said", "never"), SAID,
                         ids=[s[0] for s in SAID])
def test_an_import_says_what_it_did(name: str, text: str, command: list[str], said: str,
                                    never: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text)
    ws = tmp_path / "ws.duckdb"
    done = CliRunner().invoke(app, [*command, str(tmp_path / name), "-w", str(ws),
                                    "--max-rejects", "0.5"])
    assert done.exit_code == 0, done.output
    words = " ".join(done.output.split())
    assert said in words and "'servicecheck rejects' lists what was set aside" in words, words
    assert not re.search(never, words), words
    # the Imports page's words are the same finding's, from the import log (no cases kept)
    with Workspace(ws, read_only=True) as w:
        (record,) = w.import_log()
        assert say(import_summary(record), Voice()) == re.sub(
            r", in \d+ cases", "", said) + " 'servicecheck rejects' lists what was set aside, " \
            "to correct."


def test_nothing_set_aside_is_not_said(tmp_path: Path) -> None:
    (tmp_path / "ok.csv").write_text(LOG.replace("2098", "2023").replace("2099", "2023")
                                     .replace("TBC", "2024-01-05 09:00"))
    done = CliRunner().invoke(app, ["import", str(tmp_path / "ok.csv"), "-w",
                                    str(tmp_path / "ws.duckdb")])
    assert done.exit_code == 0, done.output
    assert " ".join(done.output.split()).endswith(
        "Imported 6 rows from ok.csv: 6 events kept, in 3 cases.")


def test_contacts_after_the_import_are_set_aside_and_said(tmp_path: Path) -> None:
    """Nothing lost: the contact dated 2099 is in the rejects table with its row and column
    (outside the share an import may set aside: two of three contacts after it still import),
    and the demand's words say it beside the contacts they count."""
    path = tmp_path / "later.csv"
    path.write_text(CONTACTS.replace("2024-03-02,phone,n/a", "2098-03-02,phone,no one came"))
    assert CliRunner().invoke(app, ["import-demand", str(path), "-w",
                                    str(tmp_path / "ws.duckdb")]).exit_code == 0
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        aside = ws.rejects().to_pylist()
        assert [(r["row"], r["column"], r["value"], r["reason"]) for r in aside] == [
            (3, "received_at", "2099-01-01", "after the import"),
            (4, "received_at", "2098-03-02", "after the import")]
        assert ws.demands().count().execute() == 1
        svc = ws.service()
        words = [say(f, Voice(tz=svc.timezone)) for f in demand_view(ws, svc).findings]
    assert any(w.startswith("2 contacts in later.csv were dated after the import on ")
               for w in words), words


SRC = Path(__file__).resolve().parents[1] / "src" / "servicecheck"
NEW_YORK = Voice(tz="America/New_York", starts="Repair reported")
EARLY = pd.Timestamp("2024-01-01 03:00", tz="UTC")  # 31 Dec 2023 in New York

# (the module that composed a sentence itself, a phrase of it, the finding that now says it,
# the voice, the words said in narrative/): each failed while the module wrote the words
MOVED = [
    ("io/report.py", "set aside {", import_finding("c.csv", "events", 3, 2, 2, {}, {}, {}, 1,
                                                    case_table=False), Voice(),
     "Imported 3 rows from c.csv: 2 events kept, in 2 cases; 1 step dated after the import "
     "set aside, not counted. 'servicecheck rejects' lists what was set aside, to correct."),
    ("cli/importing.py", "could not be a demand",
     import_finding("d.csv", "demands", 2, 2, None, {}, {}, {}, 0, case_table=False,
                    masked=1), Voice(),
     "Imported 2 rows of demand from d.csv: 2 demands kept; masked 1 personal detail."),
    ("report/sections.py", "Every need in the data was met",
     Finding("quality.all_met", "need", 0), Voice(),
     "Every need in the data was met by its end."),
    ("report/sections.py", "Times without a zone were read",
     Finding("quality.clock", "need", 0, names=("America/New_York", "Fixed", "Closed")),
     NEW_YORK, "The clock starts at Repair reported and stops at Fixed or Closed. Times "
     "without a zone were read as America/New_York."),
    ("report/sections.py", "so a need counts as met at its last event",
     Finding("quality.clock", "need", 0, names=("UTC",), flags=frozenset({"first contact"})),
     Voice(tz="UTC"), "The clock starts at the citizen's first contact where demand links to the "
     "need (else at its first event); no end activity is named, so a need counts as met at its "
     "last event. Times "
     "without a zone were read as UTC."),
    # a notebook's view of a log: its dates were UTC's, not the service's
    ("io/eventlog.py", "events in", held_finding(3, 1, EARLY, EARLY + pd.Timedelta(days=2)),
     NEW_YORK, "3 events in 1 case, between 31 Dec 2023 and 2 Jan 2024"),
    # a case table's dates set aside are values, their rows imported: not "rows set aside"
    ("cli/importing.py", "set aside to {out}",
     Finding("quality.rejects_written", "value", 2, names=("r.csv",)), Voice(),
     "Wrote the 2 values set aside, each with its file, row, column and why, to r.csv."),
    ("cli/importing.py", "No rows were set aside",
     Finding("quality.rejects_written", "value", 0, names=("r.csv",)), Voice(),
     "Nothing was set aside; wrote the empty table to r.csv."),
    ("report/sections.py", "names no target regime", NO_REGIME, Voice(),
     "The service file names no target regime, so there is nothing to set beside the "
     "citizen's view. Describe the current targets under [targets] to see what they report "
     "and what they hide."),
    ("report/sections.py", "Import contact records with",
     Finding("demand.none", "contact", 0, applies=False, flags=frozenset({"how"})), Voice(),
     "No demand has been imported for this service yet. Import contact records with "
     "`servicecheck import-demand` (or capture them in the web app) to see value and failure "
     "demand."),
    # a double refused: said in UTC by the workspace and reworded by the upload page; now one
    # finding, its moment on the service's clock
    *((module, "imported already", already_finding(
        "/tmp/upload-x/jobs.csv", pd.Timestamp("2026-12-02 22:10", tz="UTC"), 1_234, "events"),
        Voice(tz="Australia/Sydney"), "this file's content was imported already, on 3 Dec 2026 "
        "at 09:10 from jobs.csv (1,234 events kept): importing it again would count every row "
        "twice") for module in ("engine/workspace.py", "engine/writer.py", "web/upload_pages.py")),
    # the Purpose section's lead, once composed in report/sections.py from the service
    ("report/sections.py", "Everything else is waste from",
     Finding("purpose.value_steps", "step", 2, names=("Diagnose", "Fix")), Voice(),
     "Value work, the steps that directly serve purpose: Diagnose and Fix. Everything else is "
     "waste from the citizen's side."),
    ("report/sections.py", "states no purpose yet",
     Finding("purpose.purpose", "service", 1, applies=False), Voice(),
     "The service file states no purpose yet: write it under `purpose`, in the citizen's "
     "words."),
    ("report/sections.py", "not on the organisation's clock",
     Finding("purpose.clock", "need", 0, names=("Fixed", "Closed")), NEW_YORK,
     "The citizen's clock starts at Repair reported and stops at Fixed or Closed; every time "
     "in this report is measured on it, not on the organisation's clock."),
    ("charts/icons.py", "consistently meet the target", None, Voice(),
     "the system will consistently meet the target"),
]


# (step, events, cases repeated in, value work, the words): a table's cells, once composed in
# report/sections.py, where one case was "repeated in 1 cases"
EFFECTS = [("Visit", 1, 1, False, "Visit (1 event, waste, repeated in 1 case)"),
           ("Fix", 1_234, 0, True, "Fix (1,234 events, value work)"),
           ("Chase", 0, 0, False, "Chase (not in the log)")]


@pytest.mark.parametrize(("step", "events", "repeated", "value", "words"), EFFECTS)
def test_a_conditions_steps_in_words(step: str, events: int, repeated: int, value: bool,
                                     words: str) -> None:
    from servicecheck.narrative.flow import step_effect

    assert "not in the log" not in (SRC / "report" / "sections.py").read_text(encoding="utf-8")
    assert step_effect(step, events, repeated, value) == words


@pytest.mark.parametrize(("module", "phrase", "finding", "voice", "words"), MOVED,
                         ids=[f"{m}-{p}" for m, p, *_ in MOVED])
def test_words_once_written_outside_the_narrative(module: str, phrase: str,
                                                  finding: Finding | None, voice: Voice,
                                                  words: str) -> None:
    assert phrase not in (SRC / module).read_text(encoding="utf-8")
    if finding is None:  # a code the narrative words (the icons' titles)
        from servicecheck.charts.icons import assurance_icon

        assert f">{words}</title>" in assurance_icon("consistent_pass")
    else:
        assert say(finding, voice) == words


def _table(closed: list[str], opened: list[str] | None = None) -> str:
    opened = opened or [f"0{1 + i % 9}/03/2024" for i in range(len(closed))]
    return "Reference,Opened,Closed\n" + "".join(
        f"R{i},{o},{c}\n" for i, (o, c) in enumerate(zip(opened, closed, strict=True)))


OK = [f"1{i}/03/2024" for i in range(7)]
# (id, file, command, exit code, words it says, words it never says): the refusal counts the
# rows set aside, and a case table's row with a date that cannot be read is kept (its other
# dates made events): 3 "TBC" closing dates of 10 refused the import as "3 of the 10 rows
# cannot be read"
REFUSALS = [
    ("case-table-dates", _table(["TBC"] * 3 + OK), CASE_TABLE, 0,
     "3 dates in “Closed” could not be read and were set aside, the rest of each row kept",
     "cannot be read, above"),
    ("case-table-rows", _table(["TBC"] * 3 + OK, ["TBC"] * 3 + OK), CASE_TABLE, 2,
     "'TBC' is not a date and time servicecheck understands (and 5 more dates like it), so 3 "
     "of the 10 rows (30%) have no date that can be read, above the 5% an import may set "
     "aside", "more rows like it"),
    ("event-log", "case_id,activity,timestamp\n" + "".join(
        f"C{i},Reported,{'TBC' if i < 3 else f'1{i}/03/2024'}\n" for i in range(10)), [], 2,
     "'TBC' is not a date and time servicecheck understands (and 2 more rows like it), so 3 "
     "of the 10 rows (30%) cannot be read, above the 5% an import may set aside; ", "dates"),
]


@pytest.mark.parametrize(("name", "text", "options", "code", "said", "never"), REFUSALS,
                         ids=[r[0] for r in REFUSALS])
def test_the_refusal_counts_rows_set_aside(name: str, text: str, options: list[str],
                                           code: int, said: str, never: str,
                                           tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(text)
    done = CliRunner().invoke(app, ["import", *options, str(tmp_path / "t.csv"), "-w",
                                    str(tmp_path / "ws.duckdb")])
    words = " ".join(done.output.split())
    assert done.exit_code == code and said in words and never not in words, words
