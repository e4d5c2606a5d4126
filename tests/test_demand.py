"""Demand analysis on hand-made contacts with worked answers, the generator and NYC 311."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import Service, Workspace
from servicecheck.cli import app
from servicecheck.demand import import_demands
from servicecheck.demand.analysis import (
    failure_per_need,
    failure_share,
    link_to_needs,
    one_stop,
    pareto,
    per_period,
    predictability,
    yearly_failure_cost,
)

from .conftest import DATA

CONTACTS = ("received_at,channel,verbatim,demand_type,nature,failure_kind,"
            "first_point_resolved,case_id,citizen_ref\n") + """\
2024-01-01 09:00,phone,my boiler has stopped,Heating,value,,false,N1,T1
2024-01-02 09:00,phone,when is someone coming?,Progress,failure,progress chasing,false,N1,T1
2024-01-03 09:00,web,nobody turned up,Missed appointment,failure,not done,false,,T1
2024-01-03 10:00,phone,my tap drips,Leaks,value,,true,N2,T2
2024-01-15 10:00,counter,still waiting for the tap,Progress,failure,progress chasing,false,,T2
2024-01-16 10:00,phone,I want to claim,Other,unknown,,,,T3
"""


@pytest.fixture()
def demands(tmp_path: Path) -> Workspace:
    f = tmp_path / "contacts.csv"
    f.write_text(CONTACTS)
    ws = Workspace()
    import_demands(ws, f, service=Service(name="repairs"))
    return ws


def test_failure_share_overall_and_by_channel(demands: Workspace) -> None:
    t = failure_share(demands.demands()).iloc[0]
    assert (t["demand"], t["value"], t["failure"], t["unknown"]) == (6, 2, 3, 1)
    assert t["failure_share"] == pytest.approx(3 / 5)  # unknown is not in the share
    by = failure_share(demands.demands(), by="channel").set_index("channel")
    assert by.loc["phone", "failure_share"] == pytest.approx(1 / 3)
    assert by.loc["web", "failure_share"] == 1.0


def test_shares_by_channel_are_of_the_headlines_period(tmp_path: Path) -> None:
    """With a redesign, the headline's share is since the change: the shares by channel
    beside it are too (all of them read 69% beside a headline and charts of 39%), and the
    commonest failure demand, counted over every contact as its chart is, says so."""
    from servicecheck.demand.findings import findings
    from servicecheck.narrative.words import Voice, say

    f = tmp_path / "contacts.csv"
    f.write_text(CONTACTS)
    svc = Service(name="repairs", redesign_date="2024-01-03")
    ws = Workspace()
    import_demands(ws, f, service=svc)
    found = {x.topic: x for x in findings(ws, svc)}
    by = found["demand.by_channel"]
    # since 3 Jan: phone 1 value (tap), web 1 failure, counter 1 failure; before, phone 1 of 2
    assert dict(zip(by.names, (by.q(f"share{i}") for i in range(by.n)), strict=True)) == {
        "counter": 1.0, "phone": 0.0, "web": 1.0}
    voice = Voice(tz=svc.timezone)
    assert say(by, voice).startswith("Failure share by channel since the change on 3 Jan 2024:")
    assert say(found["demand.commonest_failure"], voice).startswith(
        "Commonest failure demand between 1 Jan 2024 and 16 Jan 2024:")


def test_pareto_periods_and_one_stop(demands: Workspace) -> None:
    p = pareto(demands.demands())
    assert p.iloc[0]["demand_type"] == "Progress" and p.iloc[0]["failure"] == 2
    assert p["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    w = per_period(demands.demands(), "W")
    # weeks of 1, 8 and 15 Jan: the week with no contact is a zero, not a gap
    assert list(w["demand"]) == [4, 0, 2] and list(w["label"])[1] == "w/c 8 Jan 2024"
    assert one_stop(demands.demands()) == pytest.approx(1 / 2)
    assert predictability(demands.demands(), "W", min_total=1)


def test_contacts_without_a_reference_join_the_citizens_open_need(demands: Workspace) -> None:
    need_table = pd.DataFrame({
        "need_id": ["N1", "N2"], "citizen_ref": ["T1", "T2"],
        "first_contact": pd.to_datetime(["2024-01-01 09:00", "2024-01-03 10:00"], utc=True),
        "met_at": pd.to_datetime(["2024-01-05", "2024-01-04"], utc=True),
    })
    linked = link_to_needs(demands.demands().to_pandas(), need_table, within_days=7)
    by_text = dict(zip(linked["verbatim"], linked["need_id"], strict=True))
    assert by_text["nobody turned up"] == "N1"  # T1's need was open
    assert pd.isna(by_text["still waiting for the tap"])  # 11 days after N2 was met: not linked
    assert pd.isna(by_text["I want to claim"])
    per = failure_per_need(linked).set_index("need_id")
    assert per.loc["N1", "contacts"] == 3 and per.loc["N1", "failure_demands"] == 2
    wider = failure_per_need(link_to_needs(demands.demands().to_pandas(), need_table, 14))
    assert wider.set_index("need_id").loc["N2", "failure_demands"] == 1


def test_yearly_cost_of_failure_demand(demands: Workspace) -> None:
    count, cost = yearly_failure_cost(demands.demands(), {"phone": 6, "web": 4, "counter": 10},
                                      0.5)
    per_year = 365.25 / 15.041666666666666  # the contacts span 15 days and 1 hour
    assert count == pytest.approx(3 * per_year)
    assert cost == pytest.approx((6 + 4 + 10) * 0.5 * per_year)


def test_generator_failure_demand_per_need_matches_the_truth(tmp_path: Path) -> None:
    from servicecheck.generators.load import load_repairs
    from servicecheck.measures.needs import needs

    ex = load_repairs(tmp_path, events=15000, seed=3)
    n = needs(ex.workspace, ex.service)
    linked = link_to_needs(ex.workspace.demands().to_pandas(), n, 14)
    per = failure_per_need(linked).merge(pd.read_parquet(ex.generated.truth_parquet),
                                         on="need_id", suffixes=("", "_truth"))
    assert (per["failure_demands"] == per["failure_demands_truth"]).all()
    assert (per["contacts"] == per["contacts_truth"]).all()
    d = ex.workspace.demands().to_pandas()
    truth_types = set(d["demand_type"])
    assert truth_types <= set(ex.service.demand_types)


def test_nyc311_demand_in_words() -> None:
    from servicecheck.demand.words import demand_lines

    ws = Workspace()
    svc = Service(name="NYC 311")
    import_demands(ws, DATA / "nyc311_2023-02-28_sample.csv", service=svc, preset="311")
    lines = demand_lines(ws, svc)
    assert lines[0] == "4,999 contacts on 28 Feb 2023."  # one day, not a range of one
    p = pareto(ws.demands())
    assert p["demand"].sum() == 4999 and p["demand"].is_monotonic_decreasing


def test_demand_command_writes_charts(demo_workspace: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["demand", "-w", str(demo_workspace),
                                 "--out", str(tmp_path / "charts")])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "classified contacts since the change on 30 Dec 2024 were failure demand" in text
    assert (tmp_path / "charts" / "failure-demand.svg").read_text().startswith("<svg")


# contacts classified per week (Mondays from 1 Jan 2024), and how many were failure: two in
# five, but for week 4, 20 contacts all failure (too few to test on their own), and a partial
# 13th week (the data end on its Tuesday)
WEEKLY = [200, 40, 180, 20, 220, 90, 160, 300, 60, 140, 210, 120, 30]
FAILED = [80, 16, 72, 20, 88, 36, 64, 120, 24, 56, 84, 48, 15]


def test_the_failure_share_per_week_is_a_p_prime_chart(tmp_path: Path) -> None:
    """Denominators vary week by week, so each week has its own limits (qicharts2's P′ with
    the weekly classified contacts as n, to its arithmetic exactly); the partial last week is
    drawn and untested, and a week of fewer than 30 contacts never a signal on its own."""
    import numpy as np

    from servicecheck import spc
    from servicecheck.demand.analysis import failure_chart

    rows = []
    for week, (n, failed) in enumerate(zip(WEEKLY, FAILED, strict=True)):
        monday = pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=week)
        days = 2 if week == len(WEEKLY) - 1 else 7
        for i in range(n):
            at = monday + pd.Timedelta(days=i % days, hours=9, minutes=i // days)
            nature = "failure" if i < failed else "value"
            rows.append(f"{at:%Y-%m-%d %H:%M},phone,words,Type,{nature},,,,")
    f = tmp_path / "contacts.csv"
    f.write_text(CONTACTS.splitlines()[0] + "\n" + "\n".join(rows) + "\n")
    ws = Workspace()
    import_demands(ws, f, service=Service(name="repairs", timezone="UTC"))
    chart = failure_chart(ws.demands(), "W", tz="UTC")
    want = spc.qic(FAILED[:12], WEEKLY[:12], chart="pp", multiply=100)
    assert chart.chart_type == "pp" and chart.n == 12
    for line in ("cl", "ucl", "lcl"):
        np.testing.assert_allclose(getattr(chart, line), getattr(want, line), rtol=0,
                                   atol=1e-9)
    assert chart.cl[0] == pytest.approx(100 * sum(FAILED[:12]) / sum(WEEKLY[:12]))
    assert len(set(np.round(chart.ucl, 9))) > 1  # limits per week, not one pair
    assert chart.partial is not None and chart.partial.value == pytest.approx(50.0)
    # week 4 lies outside its limits on the arithmetic, and is not tested: 20 contacts
    assert any(s.points == (4,) for s in want.signals)
    assert chart.signals == tuple(s for s in want.signals if not set(s.points) <= {4})
    assert chart.point_type[3] == "common_cause" and not chart.sigma_signal[3]
    assert chart.improvement_direction == "decrease"
