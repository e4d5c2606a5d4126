"""Targets versus purpose: the regime's clock, the citizen's, and the mechanisms between."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import InputError, Service, Workspace, import_events
from servicecheck.cli import app
from servicecheck.measures.targets import MECHANISMS, findings, target_view
from servicecheck.narrative.targets import calendar_words
from servicecheck.narrative.words import Voice, say

SERVICE = {
    "name": "repairs",
    "clock": {"start": ["Reported"], "end": ["Completed"]},
    "need": {"link_column": "need_id", "visit_activities": ["Visit"]},
    "targets": {"start": ["Raised"], "end": ["Closed"], "priority_column": "priority",
                "timescales": {"P1": "24h", "P2": "7d"}},
}
# one need: reported 1 Jan, the first order raised 3 Jan (2 days late) and closed unfinished
# on 4 Jan, the clock stopped until a second order on 10 Jan, completed 11 Jan 09:00
LOG = """need_id,case_id,activity,timestamp,team,priority
N1,O1,Reported,2024-01-01 09:00,Call centre,
N1,O1,Raised,2024-01-03 09:00,Call centre,P2
N1,O1,Visit,2024-01-04 08:00,Plumbing,P2
N1,O1,Closed,2024-01-04 09:00,Admin,P2
N1,O2,Raised,2024-01-10 09:00,Call centre,P1
N1,O2,Visit,2024-01-11 08:00,Plumbing,P1
N1,O2,Completed,2024-01-11 09:00,Plumbing,P1
N1,O2,Closed,2024-01-11 10:00,Admin,P1
"""


def test_one_need_by_hand(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text(LOG)
    svc = Service.from_dict(SERVICE)
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    v = target_view(ws, svc)
    o = v.orders.set_index("case_id")
    assert o.loc["O1", "regime_days"] == 1.0 and bool(o.loc["O1", "within_target"])
    # O2 took 25 hours against P1's 24: outside, as the regime counts it
    assert o.loc["O2", "regime_days"] == pytest.approx(25 / 24)
    assert not bool(o.loc["O2", "within_target"])
    m = v.mechanisms.set_index("need_id").loc["N1"]
    assert m["end_to_end_days"] == 10.0
    assert bool(m["late_start"]) and m["late_start_days"] == 2.0
    assert bool(m["closed_reraised"]) and not bool(m["split"])
    assert (m["days_before_clock"], m["days_order_open"], m["days_clock_stopped"]) == (2, 2, 6)
    assert v.regime["within_target"].iloc[0] == 0.5
    assert v.citizen["median_days"].iloc[0] == 10.0
    two = findings(v)[0]
    assert two.topic == "targets.two_clocks" and two.noun == "case" and two.n == 2
    assert (two.q("on_time"), two.q("median")) == (0.5, 10 * 86400)
    assert say(two, Voice(tz="UTC")) == (
        # one need, first reported on 1 Jan: the period is its own, not to its last event
        "For the needs first reported on 1 Jan 2024, the target regime "
        "reports 50% of 2 cases on time, while half of those citizens waited 10 days or more "
        "from first contact to the need being met (9 in 10 within 10 days).")


def test_mechanisms_recover_the_ground_truth(tmp_path: Path) -> None:
    from servicecheck.generators.load import load_repairs

    ex = load_repairs(tmp_path, events=30000, seed=8)
    v = target_view(ex.workspace, ex.service)
    m = v.mechanisms.merge(pd.read_parquet(ex.generated.truth_parquet), on="need_id",
                           suffixes=("", "_truth"))
    for key in MECHANISMS:
        assert (m[key] == m[f"{key}_truth"]).all(), key
        assert m[key].any(), key
    late = m[m["late_start"]]
    assert (late["late_start_days"] - late["late_start_days_truth"]).abs().max() < 1e-9
    done = m[~m["open"]]
    parts = done["days_before_clock"] + done["days_order_open"] + done["days_clock_stopped"]
    assert (parts - done["end_to_end_days"]).abs().max() < 1e-9
    assert v.where_days["share"].sum() == pytest.approx(1.0)
    closed = v.orders[v.orders["closed"]]
    assert v.regime["orders_closed"].sum() == len(closed)
    # the story the method tells: most orders meet their timescale while needs take longer
    before = done[done["phase"] == "before"]
    assert closed["within_target"].mean() > 0.7
    assert before["end_to_end_days"].median() > 2 * closed["regime_days"].median()


def test_no_regime_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="states no target regime"):
        target_view(Workspace(), Service(name="s"))


def test_targets_command(demo_workspace: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["targets", "-w", str(demo_workspace),
                                 "--out", str(tmp_path / "charts")])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "For the needs first reported since the change on 30 Dec 2024, the target " \
           "regime reports" in text
    assert "the two clocks moved in opposite directions" in text
    for name in ("target-regime", "citizen-days", "where-the-days-go"):
        assert (tmp_path / "charts" / f"{name}.svg").read_text().startswith("<svg")


JOBS = """Job no,Reported,Completed,Due date,Trade
J1,01/04/2024 09:00,03/04/2024 15:00,03/04/2024,Plumbing
J2,01/04/2024 09:00,05/04/2024 10:00,04/04/2024,Plumbing
J3,02/04/2024 09:00,,03/04/2024,Electrical
J4,02/04/2024 10:00,10/04/2024 09:00,12/04/2024,Joinery
J5,13/04/2024 08:00,15/04/2024 08:00,14/04/2024,Joinery
"""
# (job, on time, open past its due date): a due date without a time is met by the end of its
# day (J1, done that afternoon); dates read day-first as the file's other dates (J4 is due on
# 12 April, not 4 December; J5's 13/04 settles the order)
JOB_VERDICTS = [("J1", 1.0, False), ("J2", 0.0, False), ("J3", 0.0, True),
                ("J4", 1.0, False), ("J5", 0.0, False)]


def test_a_due_date_column_is_the_regimes_deadline_and_is_saved(tmp_path: Path) -> None:
    from servicecheck.io.eventlog import mapping_used
    from servicecheck.service.files import save_mapping

    path = tmp_path / "jobs.csv"
    path.write_text(JOBS, encoding="utf-8")
    with Workspace() as ws:
        report = import_events(ws, path)
        svc = ws.service()
        assert svc.targets is not None and svc.targets.due_column == "Due date"
        assert (svc.targets.start, svc.targets.end) == (("Reported",), ("Completed",))
        o = target_view(ws, svc).orders.set_index("case_id")
        got = [(j, float(o.loc[j, "within_target"]), bool(o.loc[j, "past_due_open"]))
               for j, _, _ in JOB_VERDICTS]
        assert got == JOB_VERDICTS
        # the clock sensitivity judges by the same due dates: its own-clock row is the regime's
        from servicecheck.measures.clocks import clock_choices, clock_sensitivity

        c = clock_choices(svc)
        own = clock_sensitivity(ws, svc, starts=c.starts, stops=c.stops).table.iloc[0]
        assert (own["orders"], own["within"]) == (4, 2)  # J1 and J4 of the four closed
        saved = save_mapping(tmp_path / "service.toml", mapping_used(report))
    assert saved.targets is not None and saved.targets.due_column == "Due date"
    assert 'due_column = "Due date"' in (tmp_path / "service.toml").read_text()
    with Workspace() as again:  # next month's export, with the saved file alone
        import_events(again, path, service=saved)
        o2 = target_view(again, again.service()).orders.set_index("case_id")
        assert o2["within_target"].tolist() == [v for _, v, _ in JOB_VERDICTS]


def test_nyc311_case_table_with_due_dates() -> None:
    """A real log through the same code path: a case table read as events, due dates."""
    from servicecheck import read_log

    from .conftest import DATA, ROOT

    svc = Service.load(ROOT / "examples" / "nyc311" / "service.toml")
    log = read_log(DATA / "nyc311_2023-02-28_sample.csv", service=svc, case="Unique Key",
                   team="Agency", timestamp_format="%m/%d/%Y %I:%M:%S %p",
                   wide={"Created Date": "Created", "Closed Date": "Closed"})
    assert log.n_cases == 4999 and log.n_events == 4999 + 4454  # 545 not closed
    v = target_view(log.workspace, svc)
    o = v.orders
    assert len(o) == 4999
    # two requests "close" before they were created: the regime's clock never stops for them
    assert int(o["closed"].sum()) == 4454 - 2
    with_due = o[o["due"].notna()]
    assert len(with_due) == 121 and not with_due["closed"].any()
    assert int(o["past_due_open"].sum()) == int((with_due["due"] < log.period[1]).sum())
    assert o.loc[o["due"].isna(), "within_target"].isna().all()  # no deadline: not judged
    two = findings(v)[0]
    assert not two.applies and not two.may_lead
    assert say(two, Voice()).startswith("No closed request is judged against a timescale")


def test_case_table_keeps_row_order_and_names_bad_rows(tmp_path: Path) -> None:
    from servicecheck import read_log

    f = tmp_path / "cases.csv"
    f.write_text("ref,opened,closed\nA,2024-01-01 09:00,2024-01-01 09:00\nB,2024-01-02,\n"
                 "C,2024-01-03,not a date\n")
    # a date that cannot be read is set aside, named, and its row kept (the case open)
    log = read_log(f, case="ref", wide={"opened": "Opened", "closed": "Closed"})
    assert [(r["row"], r["column"], r["value"]) for r in log.workspace.rejects().to_pylist()
            ] == [(4, "closed", "not a date")]
    assert log.n_cases == 3
    # a row with no date left is a row set aside: one of three is past the 5% an import may
    f.write_text("ref,opened,closed\nA,2024-01-01 09:00,2024-01-01 09:00\nB,2024-01-02,\n"
                 "C,not a date,\n")
    with pytest.raises(InputError) as info:
        read_log(f, case="ref", wide={"opened": "Opened", "closed": "Closed"})
    assert info.value.row == 4 and info.value.column == "opened"
    assert "'not a date'" in str(info.value)
    f.write_text("ref,opened,closed\nA,2024-01-01 09:00,2024-01-01 09:00\nB,2024-01-02,\n")
    df = read_log(f, case="ref", wide={"opened": "Opened", "closed": "Closed"}).to_pandas()
    assert df["activity"].tolist() == ["Opened", "Closed", "Opened"]  # tie kept in map order
    assert "opened" not in df.columns and "ref" not in df.columns


# working-day timescales: Awaab's Law's "10 working days" beside a 24-hour priority, with
# bank holidays, the service's own closure days and a clock change between UTC and the
# service's zone (Europe/London)
# the citizen's clock and needs of the services below: one need per order
ORDER_CLOCKS = {"clock": {"start": ["Reported"], "end": ["Completed"]},
                "need": {"link_column": "need_id"}}
WD_SERVICE = {
    **ORDER_CLOCKS,
    "name": "damp and mould",
    "targets": {"start": ["Raised"], "end": ["Closed"], "priority_column": "priority",
                "timescales": {"DM": "10 working days", "P1": "24h"}, "default": "10wd",
                "calendar": "england-and-wales",
                "closures": ["2023-12-27", "2023-12-28", "2023-12-29"]},
}
WD_ORDERS = [
    # (order, priority, raised (UTC), closed (UTC), working days, within, why)
    ("O1", "DM", "2023-05-05 09:00", "2023-05-19 16:00", 9, True,
     "14 calendar days, but the coronation Monday is no working day"),
    ("O2", "DM", "2023-12-20 10:00", "2024-01-05 10:00", 6, True,
     "Christmas, New Year's Day and the three closure days are skipped"),
    ("O3", "DM", "2023-06-05 09:00", "2023-06-20 09:00", 11, False, "one working day over"),
    ("O4", "P1", "2023-06-01 09:00", "2023-06-02 08:00", None, True, "a 24-hour priority"),
    ("O5", "DM", "2023-06-01 23:30", "2023-06-16 23:30", 10, True,
     "00:30 BST on Friday to 00:30 BST on Saturday: 10 working days in London, 11 in UTC"),
    ("O6", "", "2023-06-05 09:00", "2023-06-19 09:00", 10, True, "the default, 10wd"),
]


def test_working_day_timescales(tmp_path: Path) -> None:
    ws, svc = _orders_workspace(tmp_path, WD_SERVICE,
                                [(c, p, r, r, e) for c, p, r, e, *_ in WD_ORDERS])
    assert svc.targets is not None
    assert svc.targets.timescales_working_days == {"DM": 10}
    assert svc.targets.timescales_days == {"P1": 1.0}
    assert svc.targets.default_working_days == 10 and svc.targets.default_days is None
    v = target_view(ws, svc)
    o = v.orders.set_index("case_id")
    for case, _prio, _r, _c, days, within, why in WD_ORDERS:
        if days is not None:
            assert o.loc[case, "regime_working_days"] == days, why
        assert bool(o.loc[case, "within_target"]) is within, why
    assert (v.calendar, v.closures) == ("england-and-wales", 3)
    assert calendar_words(v.calendar, v.closures) == (
        "working days: Monday to Friday, less england-and-wales bank holidays, and 3 local "
        "closure days")


def _orders_workspace(tmp_path: Path, service: dict[str, object],
                      orders: list[tuple[str, str, str, str, str]]) -> tuple[Workspace, Service]:
    """One need per order: (order, priority, reported, raised, closed or '' while open)."""
    rows = ["need_id,case_id,activity,timestamp,priority"]
    for case, prio, reported, raised, closed in orders:
        rows += [f"N{case},{case},Reported,{reported},{prio}",
                 f"N{case},{case},Raised,{raised},{prio}"]
        if closed:
            rows += [f"N{case},{case},Closed,{closed},{prio}",
                     f"N{case},{case},Completed,{closed},{prio}"]
    f = tmp_path / "log.csv"
    f.write_text("\n".join(rows) + "\n")
    svc = Service.from_dict(service)
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    return ws, svc


@pytest.mark.parametrize(("targets", "words"), [
    ({"calendar": "wales"}, "'wales' is not a UK working-day calendar"),
    ({"closures": ["27/12/2023"]}, "closure day '27/12/2023' is not a date"),
])
def test_working_day_calendar_mistakes_are_one_sentence(targets: dict[str, object],
                                                        words: str) -> None:
    data = {**SERVICE, "targets": {**SERVICE["targets"], **targets}}  # type: ignore[dict-item]
    with pytest.raises(InputError, match=words):
        Service.from_dict(data)


# TSM RP02: emergency and non-emergency repairs completed within the landlord's timescale,
# per reporting year (1 April to 31 March, in the service's zone)
RP02_SERVICE = {
    **ORDER_CLOCKS,
    "name": "repairs",
    "targets": {"start": ["Raised"], "end": ["Closed"], "priority_column": "priority",
                "timescales": {"P1": "24h", "P2": "5wd"}, "preset": "tsm-rp02",
                "emergency": ["P1"]},
}
RP02_ORDERS = [
    # (order, priority, reported, raised, closed or "", all UTC)
    ("O1", "P1", "2024-03-30 10:00", "2024-03-30 10:00", "2024-03-31 09:00"),
    # closed 23:30 UTC on 31 March 2024 is 00:30 BST on 1 April: the next reporting year
    ("O2", "P1", "2024-03-31 22:00", "2024-03-31 22:00", "2024-03-31 23:30"),
    ("O3", "P2", "2024-03-28 09:00", "2024-04-02 09:00", "2024-04-12 09:00"),  # 8 wd: out
    ("O4", "P2", "2024-04-15 09:00", "2024-04-15 09:00", "2024-04-19 09:00"),  # 4 wd: in
    ("O5", "P1", "2024-05-01 09:00", "2024-05-01 09:00", "2024-05-03 09:00"),  # 48 h: out
    ("O6", "P3", "2024-05-01 09:00", "2024-05-01 09:00", "2024-05-10 09:00"),  # no timescale
    ("O7", "P2", "2024-05-20 09:00", "2024-05-20 09:00", ""),                  # still open
]


def test_tsm_rp02_by_hand(tmp_path: Path) -> None:
    from servicecheck.measures.regulators import tsm_rp02

    ws, svc = _orders_workspace(tmp_path, RP02_SERVICE, RP02_ORDERS)
    got = tsm_rp02(target_view(ws, svc), svc)
    want = pd.DataFrame([
        ("2023/24", "emergency", 1, 1, 1.0, 0, 1, 23 / 24, True),
        ("2024/25", "emergency", 2, 1, 0.5, 0, 2, (1.5 / 24 + 2) / 2, True),
        ("2024/25", "non-emergency", 2, 1, 0.5, 1, 3, 9.0, True),
    ], columns=got.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_an_unknown_preset_is_one_sentence() -> None:
    data = {**SERVICE, "targets": {**SERVICE["targets"], "preset": "tsm-rp99"}}  # type: ignore[dict-item]
    with pytest.raises(InputError, match="'tsm-rp99' is not a regulator's preset"):
        Service.from_dict(data)


AWAAB_SERVICE = {
    **ORDER_CLOCKS,
    "name": "damp and mould",
    "targets": {"start": ["Reported"], "end": ["Closed"], "priority_column": "priority",
                "preset": "awaabs-law", "emergency": ["E"],
                "steps": {"investigated": ["Inspected"], "summary": ["Findings sent"],
                          "made_safe": ["Made safe"], "further_work": ["Works started"]}},
}
AWAAB_LOG = [
    # a significant hazard reported on Friday 5 May 2023, across the coronation and the
    # spring bank holiday: investigated on the 9th working day, findings on the 3rd after,
    # made safe on the 5th, further work begun 13 weeks after the investigation
    ("H1", "DM", "Reported", "2023-05-05 10:00"), ("H1", "DM", "Inspected", "2023-05-19 10:00"),
    ("H1", "DM", "Findings sent", "2023-05-24 10:00"),
    ("H1", "DM", "Made safe", "2023-05-26 10:00"),
    ("H1", "DM", "Works started", "2023-08-18 10:00"),
    # investigated on the 11th working day; no findings or safety work when the data end
    ("H2", "DM", "Reported", "2023-06-05 09:00"), ("H2", "DM", "Inspected", "2023-06-20 09:00"),
    # an emergency: investigated in 4 hours, made safe in 25
    ("H3", "E", "Reported", "2023-09-01 08:00"), ("H3", "E", "Inspected", "2023-09-01 12:00"),
    ("H3", "E", "Made safe", "2023-09-02 09:00"),
]
AWAAB_WANT = [
    # case, step, elapsed (None: not done), within, overdue
    ("H1", "further_work", 91.0, False, False),
    ("H1", "investigated", 9.0, True, False),
    ("H1", "made_safe", 5.0, True, False),
    ("H1", "summary", 3.0, True, False),
    ("H2", "further_work", None, None, False),  # 74 of its 84 days gone: not yet overdue
    ("H2", "investigated", 11.0, False, False),
    ("H2", "made_safe", None, None, True),
    ("H2", "summary", None, None, True),
    ("H3", "investigated", 4.0, True, False),
    ("H3", "made_safe", 25.0, False, False),
]


def awaab_workspace(tmp_path: Path) -> tuple[Workspace, Service]:
    """The hazard cases of AWAAB_LOG in a workspace, their times read as UTC."""
    rows = ["need_id,case_id,activity,timestamp,priority"]
    rows += [f"N{c},{c},{a},{ts},{p}" for c, p, a, ts in AWAAB_LOG]
    f = tmp_path / "log.csv"
    f.write_text("\n".join(rows) + "\n")
    svc = Service.from_dict(AWAAB_SERVICE)
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    return ws, svc


def test_awaabs_law_by_hand(tmp_path: Path) -> None:
    from servicecheck.measures.regulators import awaabs_law

    ws, svc = awaab_workspace(tmp_path)
    got = awaabs_law(ws, svc)
    assert set(got[got["case_id"] == "H3"]["hazard"]) == {"emergency"}
    assert set(got[got["case_id"] != "H3"]["hazard"]) == {"significant"}
    have = [(r.case_id, r.step, None if pd.isna(r.elapsed) else float(r.elapsed),
             None if pd.isna(r.within) else bool(r.within), bool(r.overdue))
            for r in got.itertuples()]
    assert have == AWAAB_WANT


def test_an_unknown_step_is_one_sentence() -> None:
    data = {**AWAAB_SERVICE, "targets": {**AWAAB_SERVICE["targets"],  # type: ignore[dict-item]
                                         "steps": {"inspected": ["Inspected"]}}}
    with pytest.raises(InputError, match="'inspected' is not a step the presets know"):
        Service.from_dict(data)


SENSITIVITY_LOG = """need_id,case_id,activity,timestamp,priority
N1,O1,Reported,2024-01-01 09:00,P2
N1,O1,Raised,2024-01-03 09:00,P2
N1,O1,No access,2024-01-04 09:00,P2
N1,O1,Visit,2024-01-08 09:00,P2
N1,O1,Completed,2024-01-09 09:00,P2
N1,O1,Closed,2024-01-09 10:00,P2
N2,O2,Reported,2024-01-10 09:00,P2
N2,O2,Raised,2024-01-10 10:00,P2
N2,O2,Completed,2024-01-18 09:00,P2
N2,O2,Closed,2024-01-18 10:00,P2
"""
# (start, stop, clock stopped while waiting for access, orders within 7 days of 2)
SENSITIVITY = [
    ("regime_start", "order closed", False, 1),  # O1 6 days 1 hour, O2 8 days
    ("regime_start", "order closed", True, 1),
    ("regime_start", "work done", False, 1),     # O2 7 days 23 hours
    ("regime_start", "work done", True, 1),
    ("first_contact", "order closed", False, 0),  # O1 8 days 1 hour
    ("first_contact", "order closed", True, 1),   # less 4 days waiting for access
    ("first_contact", "work done", False, 0),
    ("first_contact", "work done", True, 1),
]


@pytest.mark.parametrize("at_once", [1_000_000, 1])  # every order in one block, or one each
def test_clock_sensitivity_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   at_once: int) -> None:
    from servicecheck.measures import clocks
    from servicecheck.measures.clocks import clock_sensitivity

    monkeypatch.setattr(clocks, "ORDERS_AT_ONCE", at_once)

    f = tmp_path / "log.csv"
    f.write_text(SENSITIVITY_LOG)
    svc = Service.from_dict({**ORDER_CLOCKS, "name": "repairs",
                             "targets": {"start": ["Raised"], "end": ["Closed"], "unit": "order",
                                         "priority_column": "priority",
                                         "timescales": {"P2": "7d"}}})
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    got = clock_sensitivity(ws, svc, stops={"order closed": ["Closed"],
                                            "work done": ["Completed"]}, pause=["No access"])
    have = [(r.start, r.stop, bool(r.clock_stopped), int(r.within))
            for r in got.table.itertuples()]
    assert have == SENSITIVITY
    assert set(got.table["orders"]) == {2}
    assert say(got.largest_effect(), Voice()) == (
        "The figure moves most when the clock is counted from first contact rather than "
        "order raised: 0% of 2 orders within target, against 50% of 2 as the regime counts "
        "them.")


def test_clock_sensitivity_on_the_synthetic_service(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from servicecheck.generators.load import load_repairs
    from servicecheck.measures.clocks import clock_sensitivity

    ex = load_repairs(tmp_path, events=30000, seed=8)
    got = clock_sensitivity(ex.workspace, ex.service, pause=["No access"]).table
    share = {(r.start, bool(r.clock_stopped)): r.share for r in got.itertuples()}
    # the generator starts orders late and closes them early: counted from first contact,
    # far fewer orders meet their timescale; pausing for access flatters the figure
    assert share[("first_contact", False)] < share[("regime_start", False)] - 0.2
    assert share[("regime_start", True)] > share[("regime_start", False)]
    assert got["orders"].nunique() == 1  # the same orders under every start
    # judged orders handed in another order are matched by case, not taken by position
    from servicecheck.measures.targets import _regime_orders
    from servicecheck.service.need_key import with_need

    orders, reached = _regime_orders(with_need(ex.workspace.events(), ex.service), ex.service)
    shuffled = orders.sample(frac=1, random_state=1).reset_index(drop=True)
    again = clock_sensitivity(ex.workspace, ex.service, pause=["No access"],
                              orders_judged=(shuffled, reached)).table
    pd.testing.assert_frame_equal(again, got)
    # judged a block of orders at a time, as at 100M events (blocks that split the waits
    # for access between them): the same counts
    from servicecheck.measures import clocks

    monkeypatch.setattr(clocks, "ORDERS_AT_ONCE", 97)
    blocks = clock_sensitivity(ex.workspace, ex.service, pause=["No access"]).table
    pd.testing.assert_frame_equal(blocks, got)


def test_tsm_rp02_recovers_the_generators_orders(tmp_path: Path) -> None:
    import dataclasses

    from servicecheck.generators.load import load_repairs
    from servicecheck.measures.regulators import tsm_rp02

    ex = load_repairs(tmp_path, events=30000, seed=8)
    assert ex.service.targets is not None
    svc = dataclasses.replace(ex.service, targets=dataclasses.replace(
        ex.service.targets, preset="tsm-rp02", emergency=("P1",)))
    view = target_view(ex.workspace, svc)
    got = tsm_rp02(view, svc)
    # the same figure from the generator's own record of each order
    o = pd.read_parquet(ex.generated.orders_truth_parquet).dropna(subset=["closed"])
    scale = o["priority"].map({"P1": 1.0, "P2": 7.0, "P3": 28.0})
    local = o["closed"].dt.tz_convert("Europe/London")
    first = local.dt.year - (local.dt.month < 4)
    o = o.assign(year=first.astype(str) + "/" + ((first + 1) % 100).astype(str).str.zfill(2),
                 category=np.where(o["priority"] == "P1", "emergency", "non-emergency"),
                 within=(o["closed"] - o["raised"]).dt.total_seconds() / 86400 <= scale)
    want = (o[scale.notna()].groupby(["year", "category"])
            .agg(completed=("within", "size"), within=("within", "sum")).reset_index())
    # 78 weeks from January 2024 touch three reporting years; two categories each
    assert want["year"].unique().tolist() == ["2023/24", "2024/25", "2025/26"]
    assert len(want) == 6
    pd.testing.assert_frame_equal(got[["year", "category", "completed", "within"]], want,
                                  check_dtype=False)
    assert got["partial"].tolist() == [True, True, False, False, True, True]
    assert (got["median_days"] > 0).all()
    # beside each figure, the needs of its orders met in the same year, found as sets of
    # need ids (the form before the orders' needs were numbered)
    from servicecheck.measures.regulators import reporting_year

    closed = view.orders[view.orders["closed"]]
    year = reporting_year(closed["regime_end"], "Europe/London")
    category = np.where(closed["priority"] == "P1", "emergency", "non-emergency")
    met = view.mechanisms[~view.mechanisms["open"]]
    met_year = reporting_year(met["met_at"], "Europe/London")
    for row in got.itertuples():
        ids = set(closed.loc[(year == row.year).to_numpy() & (category == row.category),
                             "need_id"])
        beside = met[met["need_id"].isin(ids) & (met_year == row.year)]
        assert (row.needs_met, row.median_days) == (
            len(beside), beside["end_to_end_days"].median()), row
    assert got["needs_met"].sum() > 1000


def test_awaabs_law_recovers_the_generators_hazards(tmp_path: Path) -> None:
    """Each step's time as the generator meant it: the working days it chose, the hours and
    days it drew; overdue where a step it had not reached by the data's end is past due."""
    from servicecheck import workdays
    from servicecheck.generators.housing_repairs import generate
    from servicecheck.measures.regulators import awaabs_law

    g = generate(tmp_path, events=30000, seed=8, csv=False)
    svc = Service.load(g.hazards_service_file)
    ws = Workspace()
    import_events(ws, g.hazards_parquet, service=svc)
    got = awaabs_law(ws, svc).set_index(["case_id", "step"]).sort_index()
    truth = pd.read_parquet(g.hazards_truth_parquet).set_index("case_id")
    as_at = pd.read_parquet(g.hazards_parquet)["timestamp"].max()
    hour, day = pd.Timedelta(hours=1), pd.Timedelta(days=1)
    rows = []
    for case, t in truth.iterrows():
        if t["hazard"] == "emergency":
            steps = [(s, t["aware"], t[s], (t[s] - t["aware"]) / hour, 24.0,
                      (as_at - t["aware"]) / hour) for s in ("investigated", "made_safe")]
        else:
            steps = [(s, t[frm], t[s], t[f"{s}_wd"], limit,
                      workdays.between(t[frm], as_at) if pd.notna(t[frm]) else np.nan)
                     for s, frm, limit in (("investigated", "aware", 10),
                                           ("summary", "investigated", 3),
                                           ("made_safe", "investigated", 5))]
            steps.append(("further_work", t["investigated"], t["further_work"],
                          (t["further_work"] - t["investigated"]) / day, 84.0,
                          (as_at - t["investigated"]) / day))
        for step, frm, done, elapsed, limit, so_far in steps:
            ok = pd.notna(done)
            rows.append({"case_id": case, "step": step, "hazard": t["hazard"],
                         "elapsed": float(elapsed) if ok else np.nan,
                         "within": float(elapsed <= limit) if ok else np.nan,
                         "overdue": bool(not ok and pd.notna(frm) and so_far > limit)})
    want = pd.DataFrame(rows).set_index(["case_id", "step"]).sort_index()
    assert len(want) == len(got) > 1500
    pd.testing.assert_frame_equal(got[["hazard", "elapsed", "within", "overdue"]], want,
                                  check_dtype=False, rtol=0, atol=1e-6)
    # both kinds of hazard, steps on time and late, and steps not yet done when the data end
    assert set(want["hazard"]) == {"emergency", "significant"}
    assert 0 < want["within"].mean() < 1
    assert want["elapsed"].isna().any()


# where the citizen's clock starts, as the service file says it (typed in the view, worded in
# the narrative): the activities' names were once a phrase written by the measure
CLOCKS = [
    ({"start": ["Reported"], "end": ["Completed"]}, "from first contact to the need"),
    ({"start": ["Reported", "Raised"], "end": ["Completed"], "start_at_first_contact": False},
     "from Reported or Raised to the need"),
    ({"end": ["Completed"], "start_at_first_contact": False},
     "from the first event to the need"),
]


@pytest.mark.parametrize(("clock", "said"), CLOCKS)
def test_the_citizens_clock_start_is_worded_from_the_service_file(
        tmp_path: Path, clock: dict[str, object], said: str) -> None:
    from servicecheck.charts.targets import target_figures

    f = tmp_path / "log.csv"
    f.write_text(LOG)
    svc = Service.from_dict({**SERVICE, "clock": clock})  # the regime counts cases
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    v = target_view(ws, svc)
    assert v.clock == svc.clock
    two = findings(v)[0]
    assert said in say(two, Voice(tz="UTC"))
    # where the days go: codes in the measure, the regime's own unit in the words and bars
    assert list(v.where_days["where"]) == ["before_clock", "order_open", "clock_stopped"]
    where = next(x for x in findings(v) if x.topic == "targets.where_days")
    assert "while a case was open" in say(where, Voice(tz="UTC"))
    bars = next(fig for fig in target_figures(v) if fig.name == "where-the-days-go")
    assert "while a case was open (the regime's clock ran)" in bars.alt
    assert "order" not in bars.alt


def test_the_clock_choices_are_codes_worded_in_the_regimes_unit() -> None:
    """The clock choices the service file names are codes, worded in the regime's own unit
    (road traffic fines said 'rather than order closed' of fines); a caller's label stays."""
    from servicecheck.findings import Finding, count, share

    numbers = {"own_share": share(0.4), "own_orders": count(10), "share": share(0.43),
               "orders": count(12)}
    f = Finding("targets.clock_sensitivity", "fine", 10, numbers,
                names=("regime_start", "regime_end", "regime_start", "work_done"),
                flags=frozenset({"stop"}))
    assert say(f, Voice()) == (
        "The figure moves most when the clock is stopped at work done rather than fine "
        "closed: 43% of 12 fines within target, against 40% of 10 as the regime counts them.")
    mine = Finding("targets.clock_sensitivity", "fine", 10, numbers,
                   names=("regime_start", "regime_end", "Notice sent", "regime_end"),
                   flags=frozenset({"start"}))
    assert "counted from Notice sent rather than fine raised" in say(mine, Voice())


# (each choice of clock as start, stop, clock stopped for access, orders judged, within; the
# sentence): a choice under which no order is ever within its timescale is said as the plain
# fact, not ranked as the choice that "moves the figure most" (sepsis: an hour to antibiotics,
# stopped at the patient's release, "0% of 781 patients within target")
NONE_WITHIN = [
    ([("regime_start", "regime_end", False, 820, 281), ("regime_start", "work_done", False, 781, 0),
      ("first_contact", "regime_end", False, 820, 281),
      ("first_contact", "work_done", False, 781, 0)],
     "With the clock stopped at work done rather than patient closed, no patient is within "
     "target, whatever it starts at (none of 781 patients), against 34% of 820 as the regime "
     "counts them."),
    ([("regime_start", "regime_end", False, 820, 0),
      ("first_contact", "regime_end", False, 820, 0)],
     "No patient is within target under any choice of clock (none of the 820 patients the "
     "regime counts), so the choice of clock does not move the figure."),
    ([("regime_start", "regime_end", False, 820, 281), ("regime_start", "work_done", False, 781, 0),
      ("regime_start", "work_done", True, 781, 0)],
     "With the clock stopped at work done rather than patient closed, no patient is within "
     "target, whether or not it stands still while waiting for access, and whatever it starts "
     "at (none of 781 patients), against 34% of 820 as the regime counts them."),
    # a stop some order meets in time is still ranked
    ([("regime_start", "regime_end", False, 820, 281), ("regime_start", "work_done", False, 781, 8),
      ("first_contact", "work_done", False, 781, 0)],
     "The figure moves most when the clock is counted from first contact rather than patient "
     "raised and stopped at work done rather than patient closed: 0% of 781 patients within "
     "target, against 34% of 820 as the regime counts them."),
]


@pytest.mark.parametrize(("rows", "said"), NONE_WITHIN)
def test_a_clock_no_one_is_within_is_said_plainly(
        rows: list[tuple[str, str, bool, int, int]], said: str) -> None:
    import pandas as pd

    from servicecheck.measures.clocks import ClockSensitivity

    table = pd.DataFrame(rows, columns=["start", "stop", "clock_stopped", "orders", "within"])
    table["share"] = table["within"] / table["orders"]
    assert say(ClockSensitivity(table, "patient").largest_effect(), Voice()) == said
