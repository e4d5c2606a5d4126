"""The team's change log: parsed, drawn on charts, phases only where the team says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
import tomllib

import pandas as pd
import pytest

from servicecheck import InputError, Service, spc
from servicecheck.charts.xmr import change_notes, xmr_spec

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
    chart = spc.xmr(list(range(30)), labels=[f"{w:%d %b %Y}" for w in weeks])
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
    chart = dataclasses.replace(spc.xmr(list(range(30)), labels=[f"{w:%d %b %Y}" for w in weeks]),
                                dates=tuple(weeks))
    change = Change(date=day, what="Scripts removed; trades book their own visits",
                    by="Repairs team")
    drawn = changes_drawn(chart, [change])
    fig = xmr_figure(chart, "weeks", title="t", y_title="y", x_title="week", changes=[change])
    label = (f"{pd.Timestamp(day):%d %b %Y}: Scripts removed; trades book their own visits "
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
