"""Capability views: periods with gaps, the case clock, the summary table, mdc2023, words."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicecheck import Service, Workspace, import_events, spc
from servicecheck.flow import case_durations
from servicecheck.measures.capability import (
    by_period,
    capability,
    case_clock,
    findings,
    period_summary,
)
from servicecheck.measures.order import intake_end, one_intake

from .conftest import DATA


def _done(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"met_at": pd.to_datetime([r[0] for r in rows], utc=True,
                                                      format="ISO8601"),
                         "end_to_end_days": [r[1] for r in rows]})


# completions, frequency, statistic -> (label, needs, days) per period; None = a gap
PERIOD_CASES = [
    ([("2024-01-01 10:00", 2.0), ("2024-01-01 12:00", 4.0), ("2024-01-03", 9.0)], "D", "mean",
     [("1 Jan 2024", 2, 3.0), ("2 Jan 2024", 0, None), ("3 Jan 2024", 1, 9.0)]),
    ([("2024-01-01", 1.0), ("2024-01-02", 2.0), ("2024-01-07", 30.0), ("2024-01-22", 5.0)],
     "W", "median",
     [("w/c 1 Jan 2024", 3, 2.0), ("w/c 8 Jan 2024", 0, None), ("w/c 15 Jan 2024", 0, None),
      ("w/c 22 Jan 2024", 1, 5.0)]),
    ([("2024-01-31", 1.0), ("2024-03-01", 3.0)], "M", "mean",
     [("Jan 2024", 1, 1.0), ("Feb 2024", 0, None), ("Mar 2024", 1, 3.0)]),
]


@pytest.mark.parametrize(("rows", "freq", "stat", "want"), PERIOD_CASES,
                         ids=[c[1] for c in PERIOD_CASES])
def test_period_summary_zero_counts_and_gap_times(rows: list[tuple[str, float]], freq: str,
                                                  stat: str, want: list[tuple[str, int,
                                                                              float | None]]
                                                  ) -> None:
    got = period_summary(_done(rows), freq, stat)
    assert list(got["label"]) == [w[0] for w in want]
    assert list(got["needs"]) == [w[1] for w in want]
    for value, w in zip(got["days"], want, strict=True):
        assert (math.isnan(value) if w[2] is None else value == w[2])


def test_capability_views_on_the_repairs_service(tmp_path: Path) -> None:
    from servicecheck.generators.load import load_repairs

    ex = load_repairs(tmp_path, events=20000, seed=5)
    ws, svc = ex.workspace, ex.service
    cap = capability(ws, svc)
    view = by_period(cap, "W", "median", phases=[svc.redesign_date or ""])
    # weeks with completions are charted, and the redesign starts new limits on both charts
    assert view.days.n == int((view.table["needs"] > 0).sum())
    assert view.counts.n == len(view.table)
    assert len(view.days.limits) == 2 and len(view.counts.limits) == 2
    assert view.days.limits[1].centre < view.days.limits[0].centre / 3
    assert view.counts.values.sum() == cap.n_completed
    # the anhoej and wheeler presets give the same needs, other arithmetic
    for preset in ("anhoej", "mdc2023"):
        other = capability(ws, svc, preset=preset)
        assert other.n_completed == cap.n_completed and other.chart.preset == preset
    table = spc.summary_table({"end-to-end days": cap.chart, "weekly median": view.days})
    assert list(table["measure"]) == ["end-to-end days", "weekly median"]
    row = table.iloc[1]
    assert row["latest"] == view.days.values[-1]
    assert row["upper"] == view.days.limits[-1].upper
    assert row["rule_set"].startswith("NHSRplotthedots")


def test_case_clock_equals_first_to_last_event_and_is_labelled() -> None:
    from servicecheck import read_log

    log = read_log(DATA / "sepsis_hospital.csv.gz")
    c = case_clock(log.workspace, log.workspace.service())
    assert c.clock == "case"
    from servicecheck.measures.capability import findings
    from servicecheck.narrative.words import Voice, say

    assert "(the case's own clock, not the citizen's)" in say(findings(c)[0], Voice())
    d = case_durations(log.table)
    assert c.n_completed == 1049
    assert np.allclose(np.sort(c.completed["end_to_end_days"].to_numpy()),
                       np.sort(d["duration_s"].to_numpy() / 86400), atol=1e-12)


def test_mdc2023_counts_points_beyond_three_sigma_towards_two_of_three() -> None:
    # mean 10.25 and mean moving range 1.0 after screening: upper limit 12.91, two-sigma line
    # 12.02; point 13 (13.0) is beyond the limit, point 14 (12.5) between the two lines
    base = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9]
    values = [*base, 13.0, 12.5, 10.5, 10, 9, 10]
    ptd = spc.ptd_spc(values, improvement_direction="increase")
    mdc = spc.ptd_spc(values, improvement_direction="increase", preset="mdc2023")
    assert ptd.limits[0].upper == pytest.approx(mdc.limits[0].upper)
    lim = ptd.limits[0]
    assert values[12] > (lim.upper or 0) and (lim.upper_2sigma or 0) < values[13] < (lim.upper or 0)
    # point 13 is beyond the limit in both; point 14 is 2-of-3 only when 13 counts (mdc2023)
    assert ptd.special_cause_type[12] == mdc.special_cause_type[12] == "Above UCL"
    assert ptd.special_cause_type[13] == "Common Cause"
    assert mdc.special_cause_type[13] == "2 in 3 Above CL"
    assert mdc.rule_set != ptd.rule_set


def test_predictable_range_words_clip_the_lower_limit_at_zero() -> None:
    from servicecheck.measures.capability import Capability

    chart = spc.xmr([1.0, 30.0, 2.0, 25.0, 3.0, 40.0, 1.0, 20.0], preset="ptd")
    assert (chart.limits[0].lower or 0) < 0
    cap = Capability(service="s", chart=chart, completed=pd.DataFrame(),
                     open=pd.DataFrame({"age_days": []}))
    assert cap.predictable_range()[0] == 0.0


# case, property, problem, first and last event -> the need it joins (same property and
# problem, starting within 10 days of the previous case's last event)
JOIN_CASES = [
    ("W1", "P1", "leak", "2024-01-01", "2024-01-03", "P1|leak#1"),
    ("W2", "P1", "leak", "2024-01-10", "2024-01-12", "P1|leak#1"),  # 7 days after W1 ended
    ("W3", "P1", "leak", "2024-02-20", "2024-02-21", "P1|leak#2"),  # 39 days: a new need
    ("W4", "P1", "door", "2024-01-02", "2024-01-02", "P1|door#1"),  # another problem
    ("W5", "P2", "leak", "2024-01-02", "2024-01-05", "P2|leak#1"),  # another property
    ("W6", "", "leak", "2024-01-02", "2024-01-05", "W6"),  # no property: a need of its own
]


def test_cases_join_into_needs_by_matching_columns(tmp_path: Path) -> None:
    from servicecheck.service.need_key import with_need

    f = tmp_path / "orders.csv"
    rows = ["case_id,activity,timestamp,property,problem"]
    for case, prop, prob, first, last, _ in JOIN_CASES:
        rows += [f"{case},Raised,{first} 09:00,{prop},{prob}",
                 f"{case},Closed,{last} 17:00,{prop},{prob}"]
    f.write_text("\n".join(rows) + "\n")
    svc = Service.from_dict({"name": "repairs", "clock": {"end": ["Closed"]},
                             "need": {"match_columns": ["property", "problem"],
                                      "within_days": 10}})
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    got = with_need(ws.events(), svc).select("case_id", "need").distinct().to_pandas()
    assert dict(zip(got["case_id"], got["need"], strict=True)) == {
        c[0]: c[5] for c in JOIN_CASES}
    n = capability(ws, svc).completed.set_index("need_id")
    # the joined need runs from W1's first event to W2's close: 11 days and 8 hours
    assert n.loc["P1|leak#1", "end_to_end_days"] == pytest.approx(11 + 8 / 24)
    assert n.loc["P1|leak#1", "cases"] == 2
    svc_bad = Service.from_dict({"name": "repairs", "need": {"match_columns": ["uprn"]}})
    from servicecheck import InputError

    with pytest.raises(InputError, match="no column 'uprn'"):
        capability(ws, svc_bad)


def test_without_clock_activities_a_need_is_met_at_its_last_event(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Start,2024-01-01\nA,Next,2024-01-03\n"
                 "B,Start,2024-01-02\n")
    ws = Workspace()
    import_events(ws, f, service=Service(name="s"), timezone="UTC")
    from servicecheck.measures.needs import needs

    n = needs(ws, Service(name="s")).set_index("need_id")
    assert n["open"].tolist() == [False, False]
    assert n["end_to_end_days"].tolist() == [2.0, 0.0]
    from servicecheck.measures.capability import findings
    from servicecheck.narrative.words import Voice, say

    current = findings(capability(ws, Service(name="s")))[0]
    assert current.clock == "last-event"
    # one precision with the 1.8 days beside it in the sentence (grammar.amount)
    assert "half took 1.0 days or less from their first event to their last" in say(
        current, Voice())


@pytest.mark.parametrize(("ages", "idle", "words"), [
    ([40.0], [2.0], ["1 need is still open and moving", "the oldest was first reported 40 "
                     "days before the end of the data"]),
    ([40.0, 50.0], [2.0, 3.0], ["2 needs are still open and moving", "50 days"]),
    ([400.0], [300.0], ["1 need without an end had no event for more than 13 days",
                        "the longest 300 days", "stale, not open"]),
])
def test_open_and_stale_needs_in_words(ages: list[float], idle: list[float],
                                       words: list[str]) -> None:
    from servicecheck.measures.capability import Capability, findings, stale_after_days
    from servicecheck.narrative.words import Voice, say_all

    values = [5.0, 6.0, 5.5, 6.5, 5.0, 6.0, 5.5, 7.0]
    chart = spc.xmr(values, preset="ptd")
    wip = pd.DataFrame({"age_days": ages, "idle_days": idle})
    limit = stale_after_days(pd.Series(values))
    assert limit == pytest.approx(2 * pd.Series(values).quantile(0.9))  # 13.2 days
    stale = wip["idle_days"] > limit
    done = pd.DataFrame({"end_to_end_days": values, "first_contact": pd.Timestamp(
        "2024-01-01", tz="UTC"), "met_at": pd.date_range("2024-01-02", periods=8, tz="UTC")})
    cap = Capability(service="s", chart=chart, completed=done, open=wip[~stale],
                     stale=wip[stale], stale_after_days=limit,
                     as_at=pd.Timestamp("2024-02-01", tz="UTC"))
    text = " ".join(say_all(findings(cap), Voice()))
    for w in words:
        assert w in text


@pytest.mark.parametrize("zone", ["Europe/London", "UTC"])
def test_day_labels_are_each_times_own_date(zone: str) -> None:
    from servicecheck.measures.periods import day_labels

    """Written once per date, the labels are each time's date on the service's clock, across
    the spring clock change (00:30 BST is the day after 23:30 UTC)."""
    times = pd.Series(pd.date_range("2024-03-30 22:30", periods=400, freq="37min",
                                    tz="UTC")).dt.tz_convert(zone)
    labels = day_labels(times)
    assert labels == [f"{t:%-d %b %Y}" for t in times]
    assert labels[0] == "30 Mar 2024" and len(set(labels)) == 12  # to 10 Apr
    assert day_labels(times.iloc[0:0]) == []


# (times, zone): a chart's point labels, formatted per distinct day, equal the labels each
# time formatted alone (across a clock change, midnight on either side, and in UTC)
LABEL_TIMES = [
    (["2024-03-30 23:30", "2024-03-31 00:30", "2024-03-31 01:30", "2024-03-31 23:59:59"],
     "Europe/London"),
    (["2024-10-26 23:00", "2024-10-27 01:30", "2024-10-27 02:30", "2025-01-01 00:00"],
     "Europe/London"),
    (["2024-11-03 04:00", "2024-11-03 05:30", "2024-11-04 04:59", "2024-11-04 05:00"],
     "America/New_York"),
    (["2023-12-31 23:59:59", "2024-01-01 00:00", "2024-02-29 12:00", "2024-02-29 12:00"], "UTC"),
]


@pytest.mark.parametrize(("times", "zone"), LABEL_TIMES)
def test_day_labels_are_each_times_own(times: list[str], zone: str) -> None:
    from servicecheck.measures.periods import day_labels

    utc = pd.Series(pd.to_datetime(times, format="ISO8601")).dt.tz_localize("UTC")
    for series in (utc, utc.dt.tz_convert(zone), utc.dt.tz_localize(None)):
        assert day_labels(series) == [f"{t:%-d %b %Y}" for t in series]
    assert day_labels(utc.iloc[:0]) == []


# (the events of one case, in the file's order: activity and time; the need's first contact,
# its end-to-end days, or None where it is set aside as an end before its start). The clock
# names its end (Closed) and no start.
MISDATED = [
    # a case closed on a date before it was created (NYC 311's sample has two): its start
    # was its close, it took no time, and its service was "first reported" two months early
    ([("Created", "2023-02-28 23:45"), ("Closed", "2023-01-01 01:00")], "2023-02-28 23:45", None),
    ([("Created", "2023-02-28 11:31"), ("Closed", "2023-02-28 12:25")], "2023-02-28 11:31",
     0.0375),
    # steps before the creation still start the need: only the end steps do not
    ([("Called", "2023-02-27 09:00"), ("Created", "2023-02-28 09:00"),
      ("Closed", "2023-03-01 09:00")], "2023-02-27 09:00", 2.0),
    # a case of nothing but its end: it starts there, as before
    ([("Closed", "2023-03-01 09:00")], "2023-03-01 09:00", 0.0),
]


@pytest.mark.parametrize(("steps", "first", "days"), MISDATED)
def test_a_need_starts_at_its_first_step_that_is_not_its_end(
        tmp_path: Path, steps: list[tuple[str, str]], first: str, days: float | None) -> None:
    from servicecheck.measures.needs import needs
    from servicecheck.service.model import Clock

    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\n"
                   + "".join(f"C1,{a},{t}\n" for a, t in steps))
    ws = Workspace()
    svc = Service(name="s", timezone="UTC", clock=Clock(end=("Closed",)))
    import_events(ws, log, service=svc, timezone="UTC")
    n = needs(ws, svc)
    assert n["first_contact"].iloc[0] == pd.Timestamp(first, tz="UTC")
    cap = capability(ws, svc)
    if days is None:  # an end before its start: set aside, counted, never charted
        assert (cap.set_aside, cap.chart.n) == (1, 0)
    else:
        assert cap.set_aside == 0
        assert cap.chart.values.tolist() == pytest.approx([days])


# (hours after the first first contact each need was first reported, days each took, the
# intake window in days or None): an extract of one intake is charted in order of first
# contact; a log whose first contacts span more than 9 in 10 needs take keeps completion
ONE_INTAKE = [
    ([0, 3, 6, 12], [0.5, 1.0, 4.0, 11.0], 0.5),       # NYC 311: 12 hours against 11 days
    ([0, 24 * 30, 24 * 60, 24 * 400], [5, 6, 10, 14], None),  # years against days (sepsis)
    ([0, 12], [0.5, 0.5], None),                        # the window as long as the times
    ([0], [3.0], None),                                 # one need: no window to judge
    ([0, 0, 0], [1.0, 2.0, 3.0], 0.0),                  # all reported at one instant
]


@pytest.mark.parametrize(("hours", "days", "window"), ONE_INTAKE)
def test_an_extract_of_one_intake_is_known(hours: list[float], days: list[float],
                                           window: float | None) -> None:
    first = pd.Series(pd.Timestamp("2023-02-28 11:31", tz="UTC")
                      + pd.to_timedelta(hours, unit="h"))
    got = one_intake(first, pd.Series(days, dtype=float))
    assert got == (None if window is None else pytest.approx(window))


# (days after the first first contact each need was first reported, days each took, days
# from the first first contact to the end of the data, whether the intake is said to end long
# before the data): the data run on after the last first report for longer than 9 in 10 needs
# take, so the needs met in that time are only the slow ones
INTAKE_END = [
    ([0, 400, 1000], [20, 125, 700], 2108, True),     # road traffic fines: 3 years on, 100 weeks
    ([0, 200, 476], [1, 5, 93], 575, True),           # sepsis: 99 days on, 9 in 10 in 93
    ([0, 300, 706], [3, 7, 19], 717, False),          # BPIC 2020: 11 days on, 9 in 10 in 19
    ([0, 300, 529], [5, 12, 54], 543, False),         # the demo: two weeks on, 9 in 10 in 8 weeks
    ([0, 300, 529], [5, 12, 54], None, False),        # no end of the data known
    ([0], [3.0], 100, True),                          # one need, met long before the data end
]


@pytest.mark.parametrize(("reported", "days", "data_end", "ended"), INTAKE_END)
def test_an_intake_that_ends_long_before_the_data_is_known(
        reported: list[float], days: list[float], data_end: float | None, ended: bool) -> None:
    start = pd.Timestamp("2006-06-17", tz="UTC")
    first = pd.Series(start + pd.to_timedelta(reported, unit="D"))
    end = None if data_end is None else start + pd.Timedelta(days=data_end)
    got = intake_end(first, pd.Series(days, dtype=float), end)
    assert got == (first.max() if ended else None)


def test_one_intake_is_charted_in_order_of_first_contact(tmp_path: Path) -> None:
    """NYC 311's requests of one day: in order of completion the times rose with the date
    they were met by construction (4,440 of 4,452 points beyond limits of 85-94 hours); in
    order of first contact the chart holds the intake's own variation, and its words say
    that one intake cannot show whether the service is predictable."""
    from servicecheck.narrative.words import say, voice_for

    svc = Service(name="nyc311", timezone="America/New_York")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, DATA / "nyc311_2023-02-28_sample.csv", service=svc,
                      columns={"case": "Unique Key"},
                      wide={"Created Date": "Created", "Closed Date": "Closed"},
                      timestamp_format="%m/%d/%Y %I:%M:%S %p")
        svc = ws.service()
        cap = capability(ws, svc)
    assert cap.ordered_by == "first_contact"
    assert cap.intake_days == pytest.approx((12 + 14 / 60) / 24, abs=1 / 24)
    first = cap.completed["first_contact"]
    assert first.is_monotonic_increasing
    assert cap.chart.dates[0].hour == 11 and cap.chart.dates[-1].hour == 23  # New York
    cur = next(f for f in findings(cap) if f.topic == "capability.current")
    assert cur.flags == {"one_intake"} and not cur.has("signals") and not cur.has("upper")
    words = say(cur, voice_for(svc, [cur]))
    assert words.endswith(
        "All were first reported within 12 hours, less than the time 9 in 10 of them took: an "
        "extract of one intake cannot show whether the time is predictable, as in the order "
        "they were met a later need took longer by construction. The chart sets them in the "
        "order they were first reported; its limits and signals describe this intake, not "
        "the service."), words


def _needs(rows: list[tuple[str, float | None]]) -> pd.DataFrame:
    """A need table (``measures.needs``'s columns that capability reads): one row per need,
    its first contact and its end-to-end days (None: still open)."""
    first = pd.to_datetime([r[0] for r in rows], utc=True)
    days = pd.Series([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    is_open = days.isna()
    return pd.DataFrame({
        "need_id": [f"n{i:02d}" for i in range(len(rows))], "first_contact": first,
        "met_at": first + pd.to_timedelta(days, unit="D"), "end_to_end_days": days,
        "open": is_open, "age_days": np.where(is_open, 30.0, np.nan),
        "idle_days": np.where(is_open, 1.0, np.nan)})


MINUTE, HOUR = 1 / 1440, 1 / 24
# needs (first contact, days or None while open), the redesign date, the changes the team
# rebased on -> the unit the voice tells times in
VOICE_CASES = [
    ([(f"2024-01-{d:02d}", 20 * MINUTE * (1 + d % 3)) for d in range(1, 21)], None, (),
     "minutes"),
    # long before the redesign, hours after it: the latest phase's
    ([(f"2024-01-{d:02d}", 100.0 + d) for d in range(1, 16)]
     + [(f"2024-02-{d:02d}", 5 * HOUR) for d in range(1, 16)], "2024-01-20", (), "hours"),
    # a change after every need: one phase, all of them
    ([(f"2024-01-{d:02d}", 3.0 + d) for d in range(1, 16)], "2024-06-01", (), "days"),
    # a change before every need
    ([(f"2024-03-{d:02d}", 100.0 + d) for d in range(1, 16)], "2024-01-01", (), "weeks"),
    # two changes, no need received between them: the phase after the second
    ([(f"2024-01-{d:02d}", 100.0) for d in range(1, 11)]
     + [(f"2024-04-{d:02d}", 30 * MINUTE) for d in range(1, 11)], "2024-02-01",
     ("2024-03-01",), "minutes"),
    # open needs and an end before its start are not of the needs met
    ([(f"2024-01-{d:02d}", 2 * HOUR) for d in range(1, 11)]
     + [("2024-01-12", None), ("2024-01-13", -400.0), ("2024-01-14", None)], None, (),
     "hours"),
    # no need met (one backwards, one open): days
    ([("2024-01-12", None), ("2024-01-13", -4.0)], None, (), "days"),
]


@pytest.mark.parametrize(("rows", "redesign", "rebased", "unit"), VOICE_CASES)
def test_the_voice_is_capabilitys_without_its_chart(
        rows: list[tuple[str, float | None]], redesign: str | None, rebased: tuple[str, ...],
        unit: str) -> None:
    """The command line's voice (``report_voice``) reads the median of the needs met now
    without charting them; it is the voice of the capability's current finding, and the
    needs it reads are those of the chart's latest limits."""
    from servicecheck.cli.common import report_voice
    from servicecheck.measures.capability import current_days
    from servicecheck.narrative.words import voice_for
    from servicecheck.service.model import Change

    svc = Service(name="s", redesign_date=redesign,
                  changes=tuple(Change(date=d, what="a change", rebase=True) for d in rebased))
    table = _needs(rows)
    with Workspace() as ws:
        cap = capability(ws, svc, need_table=table)
        voice = report_voice(ws, svc, table)
    assert voice == voice_for(svc, findings(cap))
    assert voice.unit.name.rstrip("s") + "s" == unit
    days = current_days(table, svc)
    assert sorted(days) == sorted(cap.phase(-1)["end_to_end_days"]) if cap.n_completed \
        else days.empty
