"""Words a sceptical manager caught on real logs, each held here by a small file written in
the test (one row a defect; every row failed before its fix): a headline period that ran to
the last event rather than the last need it counted, two shifts the opposite way counted as
one signal, a zone said to have read times that all carried their own offsets, and a second
import that put the service back in London."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import Service, Workspace, import_events, spc
from servicecheck.cli import app
from servicecheck.demand.records import import_demands
from servicecheck.narrative.signals import chart_state
from servicecheck.report import Report, write_report
from servicecheck.service.model import Clock, TargetRegime

from .test_claims import check


def _csv(rows: list[tuple[str, str, str]]) -> str:
    return "case_id,activity,timestamp\n" + "".join(f"{c},{a},{t}\n" for c, a, t in rows)


def _words(report: Report) -> str:
    return " ".join([x for s in report.sections for x in s.lead + s.details]
                    + [fig.alt for s in report.sections for fig in s.figures])


def _report(tmp: Path, log: str, svc: Service, contacts: str | None = None) -> Report:
    (tmp / "log.csv").write_text(log)
    with Workspace(tmp / "ws.duckdb") as ws:
        import_events(ws, tmp / "log.csv", service=svc)
        if contacts is not None:
            (tmp / "contacts.csv").write_text(contacts)
            import_demands(ws, tmp / "contacts.csv", service=ws.service())
        report = write_report(ws, tmp / "check.html")
        check(report, ws.service())
    return report


# -- 1. the period a sentence names is that of the needs it counts -----------------------------
def _reported(days: list[str], last: str) -> str:
    """Needs first reported on ``days`` (in turn), each met within March; one reopened and
    closed again on ``last``, so the data run on well after the last first report."""
    rows = []
    for i in range(20):
        rows += [(f"C{i}", "Received", f"{days[i % len(days)]} {8 + i % 10:02d}:00"),
                 (f"C{i}", "Assessed", f"2024-03-{12 + i % 5:02d} 09:00"),
                 (f"C{i}", "Closed", f"2024-03-{18 + i % 10:02d} 10:00")]
    return _csv([*rows, ("C3", "Reopened", f"{last} 10:00"), ("C3", "Closed", f"{last} 11:00")])


REGIME = TargetRegime(name="Closed within 30 days", start=("Received",), end=("Closed",),
                      default_days=30)
SAME_DAY = Service(name="same day", clock=Clock(end=("Closed",)), targets=REGIME)
# contacts from 1 Feb to 30 Apr, linked to no need: the needs' period is still their own
CONTACTS = "received_at,channel,verbatim\n" + "".join(
    f"2024-{m:02d}-{d:02d} 08:00,phone,my bin was not emptied\n" for m in (2, 3, 4)
    for d in (1, 15, 28))

# (id, needs first reported on, the last event, what is said of them, what never is)
PERIODS = [
    ("one-day", ["2024-02-28"], "2024-04-14", "on 28 Feb 2024", r"between 28 Feb 2024 and"),
    ("ten-days", [f"2024-03-{d:02d}" for d in range(1, 11)], "2024-04-20",
     "between 1 Mar 2024 and 10 Mar 2024", r"between 1 Mar 2024 and (?!10 Mar)"),
]


@pytest.mark.parametrize(("name", "days", "last", "period", "never"), PERIODS,
                         ids=[p[0] for p in PERIODS])
def test_a_period_is_that_of_the_needs_counted(name: str, days: list[str], last: str,
                                               period: str, never: str,
                                               tmp_path: Path) -> None:
    words = _words(_report(tmp_path, _reported(days, last), SAME_DAY, CONTACTS))
    for said in (f"Of the 20 needs first reported {period} and met",  # capability
                 f"95% of the 20 needs first reported {period} went straight through",  # flow
                 f"For the needs first reported {period}, the target regime reports",
                 f"No contact is linked to any of the 20 needs first reported {period}"):
        assert said in words, (said, words)
    assert not re.search(never, words), words
    out = CliRunner().invoke(app, ["summary", "-w", str(tmp_path / "ws.duckdb")])
    text = " ".join(out.output.split())
    assert f"Of all 20 needs first reported {period} and met" in text, text
    # the workspace's contents are told over the data's own period, to its last event
    assert f"and {pd.Timestamp(last):%-d %b %Y}." in text, text


# -- 2. a run above the centre line next to one below it is two signals -------------------------
STEADY = [5, 5.2, 4.9, 5.1, 5, 4.8, 5.2, 5.1, 5.0, 4.9]
UP, DOWN = [6, 6.1, 5.9, 6.2, 6, 6.1, 5.8, 6.0], [4, 4.1, 3.9, 4.2, 4, 4.1, 3.8, 4.0]
HIGH = [5.35, 5.4, 5.3, 5.45, 5.35, 5.4, 5.3, 5.4]  # above the centre, within the limits

# (preset, values, signals counted, the chart's words): up then straight down is two; beyond
# the upper limit then a run above the centre line, touching, one (both up, whatever their
# rules). The words count as a reader does on the chart: the points beyond the limits, and
# the runs (Making Data Count labels the 8 points below the lower limit as beyond it, not as
# a run; Wheeler and Anhøj find a run there too)
UP_DOWN = STEADY + UP + DOWN + STEADY
UP_UP = STEADY * 3 + UP + HIGH + STEADY * 3
EPISODES = [
    ("ptd", "up-then-down", UP_DOWN, 2, "16 points beyond the limits and 1 run"),
    ("mdc2023", "up-then-down", UP_DOWN, 2, "16 points beyond the limits and 1 run"),
    ("wheeler", "up-then-down", UP_DOWN, 2, "16 points beyond the limits and 2 runs"),
    ("anhoej", "up-then-down", UP_DOWN, 2, "16 points beyond the limits and 2 runs"),
    *((preset, "up-then-up", UP_UP, 1, "8 points beyond the limits and 1 run")
      for preset in ("ptd", "mdc2023", "wheeler", "anhoej")),
]


@pytest.mark.parametrize(("preset", "name", "values", "n", "said"), EPISODES,
                         ids=[f"{e[0]}-{e[1]}" for e in EPISODES])
def test_opposite_runs_that_touch_are_two_signals(preset: str, name: str,
                                                  values: list[float], n: int,
                                                  said: str) -> None:
    chart = spc.xmr(np.array(values, dtype=float), preset=preset)
    assert len(chart.episodes()) == n, chart.runs()
    assert f"not stable: {said} (" in chart_state(chart)
    ways = [way for _, _, way in chart.runs()]
    if n == 2:  # each run one way: up, then down
        assert ways[-2:] == [1, -1], chart.runs()


def test_the_words_and_the_chart_count_the_same_signals(tmp_path: Path) -> None:
    """A service's needs took longer for a while, then straight after less: the capability
    sentence and the chart's own words count the same signals, by kind."""
    hours = STEADY + UP + DOWN + STEADY
    t0 = pd.Timestamp("2024-01-01 08:00")
    rows = [row for i, h in enumerate(hours) for row in (
        (f"N{i}", "Received", str(t0 + pd.Timedelta(days=i))),
        (f"N{i}", "Closed", str(t0 + pd.Timedelta(days=i, hours=h))))]
    report = _report(tmp_path, _csv(rows), Service(name="shifts", clock=Clock(end=("Closed",))))
    words = _words(report)
    said = "16 points beyond the limits and 1 run"
    assert f"The time is not predictable ({said};" in words, words
    capability = next(s for s in report.sections if s.id == "capability")
    assert f"not stable: {said} (" in " ".join(f.alt for f in capability.figures), \
        [f.alt for f in capability.figures]
    assert not re.search(r"\b\d+ signals?\b", words), words


# -- 3. "times without a zone were read as" only of times read without one ----------------------
def _offsets(at: str) -> list[tuple[str, str, str]]:
    """Ten needs, each received at 10:00 and closed at 15:00, written ``at`` (a format of
    the day and hour)."""
    return [(f"C{i}", a, at.format(day=5 + i, hour=h)) for i in range(10)
            for a, h in (("Received", 10), ("Closed", 15))]


def _write_csv(at: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        (folder / "log.csv").write_text(_csv(_offsets(at)))
        return folder / "log.csv"
    return write


def _write_parquet(zone: str | None) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        df = pd.DataFrame(_offsets("2024-01-{day:02d}T{hour}:00:00+01:00"),
                          columns=["case_id", "activity", "timestamp"])
        stamps = pd.to_datetime(df["timestamp"], utc=True)
        df["timestamp"] = stamps.dt.tz_convert(zone) if zone else stamps.dt.tz_localize(None)
        df.to_parquet(folder / "log.parquet")
        return folder / "log.parquet"
    return write


def _write_xes(at: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        traces = "".join(
            f'<trace><string key="concept:name" value="C{i}"/>' + "".join(
                f'<event><string key="concept:name" value="{a}"/><date key="time:timestamp" '
                f'value="{at.format(day=5 + i, hour=h)}"/></event>'
                for a, h in (("Received", 10), ("Closed", 15))) + "</trace>"
            for i in range(10))
        (folder / "log.xes").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0">{traces}</log>')
        return folder / "log.xes"
    return write


READ_AS = "Times without a zone were read as Europe/London."
OWN = "Every time in the data carried its own offset from UTC"
# (id, the file, whether any time was read without a zone)
ZONES = [
    ("csv-offsets", _write_csv("2024-01-{day:02d}T{hour}:00:00+01:00"), False),
    ("csv-utc", _write_csv("2024-01-{day:02d} {hour}:00:00Z"), False),
    ("csv-compact-offset", _write_csv("2024-01-{day:02d}T{hour}:00:00.250-0500"), False),
    ("csv-naive", _write_csv("2024-01-{day:02d}T{hour}:00:00"), True),
    ("csv-day-first", _write_csv("{day:02d}/01/2024 {hour}:00"), True),
    ("csv-dates-only", _write_csv("2024-01-{day:02d}"), True),
    ("parquet-timestamptz", _write_parquet("Europe/Paris"), False),
    ("parquet-naive", _write_parquet(None), True),
    ("xes-offsets", _write_xes("2024-01-{day:02d}T{hour}:00:00.000+01:00"), False),
    ("xes-naive", _write_xes("2024-01-{day:02d}T{hour}:00:00.000"), True),
]


@pytest.mark.parametrize(("name", "write", "naive"), ZONES, ids=[z[0] for z in ZONES])
def test_a_zone_is_said_to_read_only_times_without_one(
        name: str, write: Callable[[Path], Path], naive: bool, tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        got = import_events(ws, write(tmp_path), service=Service(name="zones"))
        assert got.naive_times is naive
        assert [r["naive_times"] for r in ws.import_log()] == [naive]
        words = _words(write_report(ws, tmp_path / "check.html"))
    assert (READ_AS in words) is naive and (OWN in words) is not naive, words


def test_contacts_read_without_a_zone_are_said(tmp_path: Path) -> None:
    """Events that all carried offsets, contacts that did not: some times were read in the
    service's zone, and that is said."""
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, _write_csv("2024-01-{day:02d}T{hour}:00:00+01:00")(tmp_path),
                      service=Service(name="zones"))
        (tmp_path / "contacts.csv").write_text(CONTACTS)
        got = import_demands(ws, tmp_path / "contacts.csv", service=ws.service())
        assert got.naive_times is True
        words = _words(write_report(ws, tmp_path / "check.html"))
    assert READ_AS in words and OWN not in words, words


# -- 4. a second import keeps the zone the service has, unless it names one ---------------------
NAIVE = _csv(_offsets("2024-01-{day:02d}T{hour}:00:00"))
# (id, the service file's text or none, the first import's options, the second's, the zone
# the service is in after both, the first event as read in UTC)
REIMPORTS = [
    ("kept", None, ["--timezone", "Australia/Sydney"], [], "Australia/Sydney",
     "2024-01-04 23:00"),
    ("named-again", None, ["--timezone", "Australia/Sydney"],
     ["--timezone", "America/New_York"], "America/New_York", "2024-01-05 15:00"),
    ("never-named", None, [], [], "Europe/London", "2024-01-05 10:00"),
    ("file-names-none", 'name = "zones"\n', ["--timezone", "Australia/Sydney"], [],
     "Australia/Sydney", "2024-01-04 23:00"),
    ("file-names-one", 'name = "zones"\ntimezone = "Europe/Paris"\n', [], [],
     "Europe/Paris", "2024-01-05 09:00"),
]


@pytest.mark.parametrize(("name", "toml", "first", "second", "zone", "earliest"), REIMPORTS,
                         ids=[r[0] for r in REIMPORTS])
def test_a_second_import_keeps_the_services_zone(name: str, toml: str | None,
                                                  first: list[str], second: list[str],
                                                  zone: str, earliest: str,
                                                  tmp_path: Path) -> None:
    (tmp_path / "zones.csv").write_text(NAIVE)
    ws = str(tmp_path / "ws.duckdb")
    given = []
    if toml is not None:
        (tmp_path / "service.toml").write_text(toml)
        given = ["--service", str(tmp_path / "service.toml")]
    for options in (first, second):
        r = CliRunner().invoke(app, ["import", str(tmp_path / "zones.csv"), "-w", ws, *given,
                                     *options, "--replace"])
        assert r.exit_code == 0, r.output
    with Workspace(ws) as w:
        assert w.service().timezone == zone
        first_event = w.events().timestamp.min().execute()
    assert pd.Timestamp(first_event) == pd.Timestamp(earliest, tz="UTC")


# -- 5. read on real logs: the summary's emptiness said for what it is --------------------------
# (id, the service, what the summary says): six years of fines judged against one 90-day rule
# and no demand were said to have "no measure with enough periods yet"
EMPTY_SUMMARY = [
    ("regime-without-priorities", SAME_DAY, "and this service has no demand imported and its "
     "target regime names no priority (priority_column under [targets])."),
    ("no-regime", Service(name="plain", clock=Clock(end=("Closed",))),
     "and this service has no demand imported and no target regime."),
]


@pytest.mark.parametrize(("name", "svc", "said"), EMPTY_SUMMARY,
                         ids=[e[0] for e in EMPTY_SUMMARY])
def test_an_empty_summary_says_why(name: str, svc: Service, said: str, tmp_path: Path) -> None:
    report = _report(tmp_path, _reported(["2024-02-28"], "2024-04-14"), svc)
    summary = " ".join(next(s for s in report.sections if s.id == "summary").lead)
    assert summary.startswith("Nothing to summarise yet") and said in summary, summary
    assert "enough periods" not in summary
