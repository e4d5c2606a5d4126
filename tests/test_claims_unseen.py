"""Logs no one designed the tool for, read as a sceptical manager would: small files written
here (one step a need, needs that all took the same time, one need), imported as a new user
would, read back from the Check report and every command. Each row failed before its fix: a
traceback, a signal on a chart where nothing varied, a chart of one point called stable."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import Service, Workspace, import_events, spc
from servicecheck.cli import app
from servicecheck.narrative.signals import chart_state
from servicecheck.report import write_report
from servicecheck.service.model import Clock

from .test_claims import COMMANDS, DEFECTS, LEAK, check


def _log(rows: list[tuple[str, str, str]]) -> str:
    return "case_id,activity,timestamp\n" + "".join(f"{c},{a},{t}\n" for c, a, t in rows)


# one step a need: a visit log, each need's first event its last
ONE_STEP = _log([(f"V{i}", "Visit", f"2024-01-{1 + i:02d} 09:{i:02d}") for i in range(20)])
# every need took 5 hours: the mean of equal values was a hair below them
SAME_TIME = _log([row for i in range(20) for row in (
    (f"S{i}", "Received", f"2024-02-{1 + i:02d} 08:00"),
    (f"S{i}", "Closed", f"2024-02-{1 + i:02d} 13:00"))])
ONE_NEED = _log([("A1", "Received", "2024-03-01 09:00"), ("A1", "Assessed", "2024-03-02 10:00"),
                 ("A1", "Decided", "2024-03-05 11:00")])
# an export that wrote 3 rows twice: copies, not a step repeated
TWICE = _log([row for i in range(10) for row in (
    (f"D{i}", "Received", f"2024-04-{1 + i:02d} 08:00"),
    (f"D{i}", "Closed", f"2024-04-{1 + i:02d} {10 + i}:00"))]
    + [("D1", "Closed", "2024-04-02 11:00"), ("D2", "Received", "2024-04-03 08:00"),
       ("D2", "Closed", "2024-04-03 12:00")])
# the clock's end step is named in the service file but no event is that step (misspelt,
# or another system's name): "No need has been met yet", as if the work never finished
NEVER_ENDS = _log([row for i in range(12) for row in (
    (f"N{i}", "Received", f"2024-05-{1 + i:02d} 09:00"),
    (f"N{i}", "Assessed", f"2024-05-{3 + i:02d} 09:00"))])
# one step repeated in 1 of 250 cases: the table said 0% beside "under 1%" in the words
RARE_REPEAT = _log([row for i in range(250) for row in (
    (f"R{i}", "Received", f"2024-06-{1 + i % 28:02d} 08:{i % 60:02d}"),
    (f"R{i}", "Closed", f"2024-06-{1 + i % 28:02d} 12:{i % 60:02d}"))]
    + [("R7", "Received", "2024-06-08 08:30")])
# two durations only, most needs the one (a date-only log, a fixed visit slot): nearly every
# moving range 0 and the rest screened out, so the limits lie a hair either side of the centre
T0 = pd.Timestamp("2025-10-01 08:00")
TWO_TIMES = _log([row for i in range(120) for row in (
    (f"W{i}", "Received", str(T0 + pd.Timedelta(hours=7 * i))),
    (f"W{i}", "Closed", str(T0 + pd.Timedelta(hours=7 * i + (146 if i % 6 else 292)))))])
# teams recorded but no designed number of hand-offs in the service file: the straightest
# needs' median stands in, said as such (the words said "than designed" of no design)
TEAMS = "case_id,activity,timestamp,team\n" + "".join(
    f"H{i},Received,2024-07-{1 + i:02d} 09:00,Contact centre\n"
    f"H{i},Closed,2024-07-{1 + i:02d} 15:00,Back office\n"
    + (f"H{i},Reopened,2024-07-{2 + i:02d} 09:00,Contact centre\n" if i % 4 == 0 else "")
    for i in range(20))

# (id, log, service, how it is imported, words the report must hold, a pattern no output
# may hold)
UNSEEN = [
    ("one-step", ONE_STEP, Service(name="visits"), {},
     ["Of the 20 needs first reported between 1 Jan 2024 and 20 Jan 2024 and met, none took "
      "any time from their first event to their last: each was met at the moment it was "
      "first reported, so its charts are flat at 0."],
     r"half took 0 minutes|Traceback|KeyError"),
    ("same-time", SAME_TIME, Service(name="same", clock=Clock(end=("Closed",))), {},
     ["half took 5 hours or less", "Every need took the same time, so there is no variation "
      "to work process limits out from.",
      "20 points, each one need, at the date it was met; one set of limits from all the "
      "points, the last with centre 5.0, no limits (every point the same); no variation "
      "(every point the same) to judge stability by",
      # 20 days: charted per day, not in three weekly points
      "every day the same, so there is no variation to judge stability by",
      # no demand and no team: failure demand and hand-offs are not judged, never "none"
      "went straight through (clean: no step repeated; failure demand and hand-offs not "
      "judged, as no contact is linked to a need and no team is recorded)"],
     r"not predictable|no signals \(|\d signals?\b|stable: no signals|too few points|"
     r"Traceback|KeyError|9 in 10 \d|enough periods yet"),
    ("one-need", ONE_NEED, Service(name="one"), {},
     ["too few points to judge stability by", "The one case followed one path.",
      # no demand and no regime: the summary has nothing to chart, whatever the span
      "Nothing to summarise yet: the summary charts the end-to-end time per demand type, "
      "failure demand per channel and the target regime's on-time share per priority, and "
      "this service has no demand imported and no target regime."],
     r"\bstable: no signals|Every case followed"),
    ("copies", TWICE, Service(name="twice", clock=Clock(end=("Closed",))), {},
     ["3 events in 2 cases are exact copies of another event of the same case (the same "
      "step at the same time, every column alike), most likely written twice by the export; "
      "Flow counts each as a step repeated."], r"Traceback"),
    ("end-never-seen", NEVER_ENDS, Service(name="never", clock=Clock(end=("Decided",))), {},
     ["No need has been met (12 needs open): the clock stops at Decided, and no event in the "
      "data is that step. Check the end steps under [clock] in the service file against the "
      "step names the log uses.",
      # clean or dirty by the work so far (it read "none of them met yet: so far")
      "none of them met yet, so each judged on its work so far)"],
     r"No need has been met yet|: so far|Traceback"),
    ("rare-repeat", RARE_REPEAT, Service(name="rare", clock=Clock(end=("Closed",))), {},
     ["Received: repeated in 1 case (under 1% of the cases that have it).",
      "Received | 1 | under 1%"], r"\| 0%|Traceback"),
    ("two-times", TWO_TIMES, Service(name="slots", clock=Clock(end=("Closed",))), {},
     ["limits 7.103 to 7.108"], r"limits (\d[\d.]*) to \1\b|Traceback"),
    ("no-design", TEAMS, Service(name="teams"), {},
     ["went straight through (clean: no step repeated, no more than 1 hand-off; failure "
      "demand not judged, as no contact is linked to a need)",
      "25% changed hands more than once. The service file states no designed number of "
      "hand-offs; needs with no step repeated take 1 at the median, which stands in for it."],
     r"than designed|Traceback"),
    # times read in a zone far from London, with no service file: the report said they were
    # read as London's, then told their dates in London; the service is where they were written
    ("far-zone", SAME_TIME, Service(name="sydney"), {"timezone": "Australia/Sydney"},
     ["Times without a zone were read as Australia/Sydney."], r"Europe/London"),
]


@pytest.mark.parametrize(("name", "log", "svc", "how", "said", "never"), UNSEEN,
                         ids=[u[0] for u in UNSEEN])
def test_unseen_shapes(name: str, log: str, svc: Service, how: dict[str, str],
                       said: list[str], never: str, tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(log)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "log.csv", service=svc, **how)
        report = write_report(ws, tmp_path / "check.html")
        check(report, ws.service())
    words = " ".join([x for s in report.sections for x in s.lead + s.details]
                     + [fig.alt for s in report.sections for fig in s.figures]
                     + [" | ".join(r) for s in report.sections for t in s.tables
                        for r in t.rows])
    for text in said:
        assert text in words, (text, words)
    assert not re.search(never, words), words
    # the page itself: one line of words is no "1 lines"; dates as the words write them
    page = (tmp_path / "check.html").read_text()
    assert "(1 lines)" not in page
    assert not re.search(r"citizen's side, 0\d|Made 0\d", page)
    # the charts' axes measure on the clock the words measure on: with no end activity and
    # no demand linked, from a need's first event to its last
    if not svc.clock.end:
        assert "from first contact" not in page and "from first event to last" in page
    # no time below nought on a chart's axis of times
    assert not re.search(r">-\d[\d.]*</text>", page)
    for command in COMMANDS:
        r = CliRunner().invoke(app, [*command, "-w", str(tmp_path / "ws.duckdb")])
        text = " ".join(r.output.split())
        assert r.exit_code in (0, 2), (command, text, r.exception)
        assert not re.search(never, text), (command, text)
        # a [targets] table is no column, and with no service file there is none to add to
        assert "column 'targets'" not in text and "service file, " not in text, text
        assert not LEAK.search(text), (command, text)
        for pattern, why in DEFECTS:
            assert not re.search(pattern, text), (command, why, text)


# equal values have exactly their own value as centre (R's mean), on every preset that
# takes a mean: no run of points "above the centre line" where nothing varied
@pytest.mark.parametrize("preset", ["ptd", "mdc2023", "wheeler", "anhoej"])
@pytest.mark.parametrize("value", [5 / 24, 0.1, 1 / 3, 7.7])
def test_equal_values_lie_on_their_centre_line(preset: str, value: float) -> None:
    chart = spc.xmr(np.full(30, value), preset=preset)
    assert chart.limits[-1].centre == value
    assert chart.signals == ()
    assert "stable: no signals" not in chart_state(chart)


# contacts imported with no case reference (a 311 export): none is linked to a need, which is
# no measure of contacts per need; the report said each need had "0.0 contacts on average"
# beside the contacts it had just counted
CONTACTS = "received_at,channel,verbatim\n" + "".join(
    f"2024-02-{1 + i:02d} 08:00,phone,my bin was not emptied {i}\n" for i in range(20))


def test_contacts_linked_to_no_need_are_no_count_per_need(tmp_path: Path) -> None:
    from servicecheck.demand.records import import_demands

    (tmp_path / "log.csv").write_text(SAME_TIME)
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "log.csv",
                      service=Service(name="bins", clock=Clock(end=("Closed",))))
        import_demands(ws, tmp_path / "contacts.csv", service=ws.service())
        report = write_report(ws, tmp_path / "check.html")
        check(report, ws.service())
    words = " ".join(x for s in report.sections for x in s.lead + s.details)
    assert ("No contact is linked to any of the 20 needs first reported between 1 Feb 2024 and "
            "20 Feb 2024, so contacts per need are not known: import the demand with the case "
            "reference of the need each contact is about.") in words, words
    assert "0.0 contacts" not in words
    # the contacts were imported but none is linked to a need: failure demand is not judged
    assert "failure demand and hand-offs not judged, as no contact is linked to a need" in words
