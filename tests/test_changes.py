"""The team's change log: parsed, drawn on charts, phases only where the team says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from servicecheck import InputError, Service, spc
from servicecheck.charts.xmr import change_notes, xmr_spec
from servicecheck.service.model import Change

SERVICE = """
name = "repairs"
redesign_date = "2025-01-06"

[[changes]]
date = 2025-03-03
what = "Trades book their own appointments"
by = "Repairs team"

[[changes]]
date = "2024-11-04"
what = "Call centre scripts removed"
rebase = true
"""


def test_the_change_log_is_read_in_date_order() -> None:
    svc = Service.from_dict(tomllib.loads(SERVICE))
    assert [c.date for c in svc.changes] == ["2024-11-04", "2025-03-03"]
    assert svc.changes[1].by == "Repairs team" and not svc.changes[1].rebase
    # phases only where the team says a change was made and the limits are to be rebased
    assert svc.phase_dates == ["2024-11-04", "2025-01-06"]
    assert svc.change_before(dt.date(2025, 3, 10)) == svc.changes[1]
    assert svc.change_before("2025-03-03") == svc.changes[1]
    before = svc.change_before(pd.Timestamp("2025-02-01"))
    assert before is not None and before.what == "Call centre scripts removed"
    assert svc.change_before(dt.date(2024, 1, 1)) is None


@pytest.mark.parametrize("change", [{"what": "no date"}, {"date": "03/03/2025", "what": "x"},
                                    {"date": "2025-03-03"}])
def test_a_change_without_date_or_words_is_one_sentence(change: dict[str, str]) -> None:
    with pytest.raises(InputError, match="change 1 needs a date \\(YYYY-MM-DD\\) and what"):
        Service.from_dict({"name": "x", "changes": [change]})


def test_changes_are_drawn_where_they_fall() -> None:
    svc = Service.from_dict(tomllib.loads(SERVICE))
    weeks = pd.date_range("2024-10-07", periods=30, freq="W-MON", tz="Europe/London")
    notes = change_notes(weeks, svc.changes)
    assert notes == [(5, "2024-11-04: Call centre scripts removed"),
                     (22, "2025-03-03: Trades book their own appointments (Repairs team)")]
    chart = spc.xmr(list(range(30)), labels=[f"{w:%-d %b %Y}" for w in weeks])
    spec = json.dumps(xmr_spec(chart, title="t", y_title="y", notes=notes).to_dict())
    assert json.dumps("2025-03-03: Trades book their own\nappointments (Repairs team)") in spec


def test_varying_limits_are_drawn_per_point() -> None:
    share = spc.qic([40, 45, 50, 42], [100, 400, 1000, 300], chart="pp")
    spec = xmr_spec(share, title="failure demand", y_title="share").to_dict()
    text = json.dumps(spec)
    assert '"interpolate": "step-after"' in text
    # each point's own upper limit is in the data the chart draws
    assert all(f"{u:.6f}"[:6] in text for u in share.ucl)


# (change date, drawn at, as wall-clock midnight of its day in the service's zone; None: the
# chart's dates do not reach it)
DRAWN = [
    ("2024-10-07", "2024-10-07T00:00:00Z"),  # the first week's own day
    ("2025-03-31", "2025-03-31T00:00:00Z"),  # the day after the clocks went forward
    ("2024-10-27", "2024-10-27T00:00:00Z"),  # the day they went back
    ("2024-10-06", None),                    # before the first point
    ("2025-05-06", None),                    # after the last
]


@pytest.mark.parametrize(("day", "at"), DRAWN)
def test_a_change_is_drawn_at_its_day_in_the_services_zone(day: str, at: str | None) -> None:
    from servicecheck.charts.xmr import LABEL_CHARS, changes_drawn, xmr_figure
    from servicecheck.service.model import Change

    weeks = pd.date_range("2024-10-07", periods=30, freq="W-MON", tz="Europe/London")
    chart = dataclasses.replace(spc.xmr(list(range(30)), labels=[f"{w:%-d %b %Y}" for w in weeks]),
                                dates=tuple(weeks))
    change = Change(date=day, what="Scripts removed; trades book their own visits",
                    by="Repairs team")
    drawn = changes_drawn(chart, [change])
    fig = xmr_figure(chart, "weeks", title="t", y_title="y", x_title="week", changes=[change])
    label = (f"{pd.Timestamp(day):%-d %b %Y}: Scripts removed; trades book their own visits "
             "(Repairs team)")
    if at is None:
        assert drawn == [] and "Scripts removed" not in fig.spec  # type: ignore[operator]
        return
    assert drawn == [(at, label)]
    # drawn at its day, on lines short enough to stay within the chart
    lines = textwrap.wrap(label, LABEL_CHARS)
    assert f'"{at}"' in (fig.spec or "") and json.dumps("\n".join(lines)) in (fig.spec or "")
    assert len(lines) == 2 and all(f">{line}<" in fig.svg for line in lines)
    # the sentence that stands for the chart names the change it marks
    assert fig.alt.endswith(f"Marked, the team's change: {label}.")


# (the change's date, weeks after it that the shift starts, or None when it names no change)
WEEKS = pd.date_range("2025-01-06", periods=24, freq="W-MON", tz="Europe/London")
FOLLOWS = [
    ("2025-03-10", 1),      # the week before the shift starts (17 Mar): it follows
    ("2025-03-19", 0),      # midweek in the shift's first week: the same week
    ("2025-02-24", 3),      # three weeks before: still within reach
    ("2025-02-10", 5),      # five weeks before: too long ago to say it follows
    ("2025-03-24", None),   # after the shift started: it cannot follow
]


@pytest.mark.parametrize(("date", "after"), FOLLOWS)
def test_a_signal_is_named_by_the_change_it_follows(date: str, after: int | None) -> None:
    from servicecheck.measures.capability import FOLLOWS_WITHIN, signals_after_changes
    from servicecheck.measures.periods import period_chart
    from servicecheck.narrative import grammar as g
    from servicecheck.narrative.words import Voice, say

    # ten weeks at about 20 days, then fourteen at about 8, to the end of the data
    days = [20.0, 21, 19, 22, 20, 21, 19, 20, 22, 21, 8.0, 9, 7, 8, 9, 8, 7, 9, 8, 8, 9, 7, 8, 9]
    chart = period_chart(days, list(WEEKS), "W", data_end=WEEKS[-1] + pd.Timedelta(days=7))
    change = Change(date=date, what="Trades book their own appointments")
    found = signals_after_changes(chart, [change], "week", "median", "Europe/London")
    expected = after if after is not None and after <= FOLLOWS_WITHIN else None
    if expected is None:
        assert found == []
        return
    (f,) = found
    assert (f.q("after"), f.n, "lower" in f.flags, "to_date" in f.flags) == (expected, 14,
                                                                             True, True)
    when = ("in the week of the change" if expected == 0 else
            f"{g.counted(expected, 'week')} after it")
    assert say(f, Voice()) == (
        f"Since “Trades book their own appointments” on {pd.Timestamp(date):%-d %b %Y}, the "
        "median time per week has run shorter than the chart's centre line: a signal over the "
        f"last 14 weeks, from the week of 17 Mar 2025, starting {when}.")


def test_the_report_names_the_change_a_signal_follows(tmp_path: Path) -> None:
    """On the synthetic repairs service with its redesign logged as a change the team did not
    rebase on, the capability section's words name the change the weekly signal follows."""
    from servicecheck.generators.load import load_repairs
    from servicecheck.measures.capability import capability
    from servicecheck.report.sections import capability_section

    ex = load_repairs(tmp_path, events=20000, seed=3)
    redesign = ex.service.redesign_date
    assert redesign is not None
    svc = dataclasses.replace(ex.service, redesign_date=None, changes=(
        Change(date=str(redesign), what="Trades book their own appointments"),))
    section = capability_section(capability(ex.workspace, svc), svc)
    named = [d for d in section.details if "“Trades book their own appointments” on" in d]
    assert len(named) == 1 and named[0].startswith(("Since", "After")), section.details
    f = next(f for f in section.findings if f.topic == "capability.signal_after_change")
    assert "lower" in f.flags and f.q("after") <= 3
