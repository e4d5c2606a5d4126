"""Flow measures on small logs whose answers are worked out by hand, and on the generator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from servicecheck import Workspace, read_log
from servicecheck.charts.flow_map import map_dot, map_figure, write_map
from servicecheck.charts.graphviz import render_svg
from servicecheck.flow import (
    clean_and_dirty,
    clean_dirty_summary,
    covering,
    for_demand_type,
    handoff_matrix,
    handoffs_per_case,
    rework_per_case,
    value_and_waste,
    variants,
    where_case,
    window,
)
from servicecheck.flow.map import Arrow, Step, flow_map
from servicecheck.narrative.words import Voice, say

ROOT = Path(__file__).resolve().parent.parent
LOG = """case_id,activity,timestamp,start_timestamp,team,priority
A,Report,2024-01-01 09:00,,Call centre,P1
A,Diagnose,2024-01-02 09:00,2024-01-02 08:00,Trade,P1
A,Fix,2024-01-02 11:00,2024-01-02 09:00,Trade,P1
B,Report,2024-01-01 10:00,,Call centre,P3
B,Diagnose,2024-01-05 10:00,,Trade,P3
B,Chase,2024-01-06 10:00,,Call centre,P3
B,Diagnose,2024-01-09 10:00,,Trade,P3
B,Fix,2024-01-10 10:00,,Trade,P3
C,Report,2024-02-01 10:00,,Call centre,P3
"""


@pytest.fixture()
def log(tmp_path: Path) -> object:
    f = tmp_path / "log.csv"
    f.write_text(LOG)
    return read_log(f, timezone="UTC").table


# a need whose end came before its start (NYC 311's two requests closed before they were
# made) is set aside: (where its words come from, what they must say); before, its path,
# its case and its events were counted ("3 different paths" beside a map of 2 steps)
BACKWARDS = """case_id,activity,timestamp,team
A,Created,2024-01-01 09:00,Parks
A,Closed,2024-01-02 09:00,Parks
B,Created,2024-01-01 10:00,Parks
B,Closed,2024-01-03 10:00,Parks
C,Created,2024-01-05 10:00,Parks
C,Closed,2024-01-04 10:00,Parks
"""
STUDIED = [
    ("report", ["Every case followed the same path.", "Not one of the 2 cases repeated a step."]),
    ("command", ["Every case followed the same path.", "Not one of the 2 cases repeated a step."]),
    ("slice", ["Every case followed the same path.", "Not one of the 2 cases repeated a step."]),
]


@pytest.mark.parametrize(("where", "said"), STUDIED, ids=[w for w, _ in STUDIED])
def test_the_flow_counts_only_the_needs_studied(where: str, said: list[str],
                                                tmp_path: Path) -> None:
    from servicecheck import Service, import_events
    from servicecheck.flow.words import flow_lines
    from servicecheck.report.sections import flow_section
    from servicecheck.service.model import Clock

    f = tmp_path / "log.csv"
    f.write_text(BACKWARDS)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, f, service=Service(name="s", clock=Clock(end=("Closed",))),
                      timezone="UTC")
        svc = ws.service()
        section = flow_section(ws, svc)
        words = {"report": section.lead + section.details,
                 "command": flow_lines(ws, svc),
                 # flow --where: a slice of the events, less the same needs
                 "slice": flow_lines(ws, svc, events=where_case(ws.events(svc.key), "team",
                                                                "Parks"))}[where]
    text = " ".join(words)
    for s in said:
        assert s in text, text
    assert "3 " not in text, text  # nothing counts the need set aside


def test_value_and_waste_by_steps_and_by_time(log: object) -> None:
    vw = value_and_waste(log, ["Diagnose", "Fix"]).set_index("case_id")  # type: ignore[arg-type]
    assert vw.loc["A", ["steps", "value_steps", "waste_steps"]].tolist() == [3, 2, 1]
    assert vw.loc["B", ["steps", "value_steps", "waste_steps"]].tolist() == [5, 3, 2]
    assert vw.loc["A", "value_step_share"] == pytest.approx(2 / 3)
    # A: value work 1 h (diagnose) + 2 h (fix) in 26 h elapsed; B has no start times
    assert vw.loc["A", "value_time_s"] == 3 * 3600
    assert vw.loc["A", "value_time_share"] == pytest.approx(3 / 26)
    assert pd.isna(vw.loc["B", "value_time_share"]) and pd.isna(vw.loc["C", "value_time_s"])


def test_handoffs_rework_and_variants(log: object) -> None:
    h = handoffs_per_case(log).set_index("case_id")["handoffs"]  # type: ignore[arg-type]
    assert h.to_dict() == {"A": 1, "B": 3}
    m = handoff_matrix(log)  # type: ignore[arg-type]
    assert {(a, b): n for a, b, n in zip(m["holder"], m["next_holder"], m["handoffs"],
                                         strict=True)} == {("Call centre", "Trade"): 3,
                                                           ("Trade", "Call centre"): 1}
    r = rework_per_case(log).set_index("case_id")  # type: ignore[arg-type]
    assert r.loc["B", "repeats"] == 1 and bool(r.loc["B", "looped"])
    assert not bool(r.loc["A", "looped"]) and r.loc["C", "touches"] == 1
    v = variants(log)  # type: ignore[arg-type]
    assert list(v["cases"]) == [1, 1, 1] and v["coverage"].sum() == pytest.approx(1)
    assert len(covering(v, 0.5)) == 2 and len(covering(v, 1.0)) == 3


def test_slices(log: object) -> None:
    def cases(t: object) -> list[str]:
        return sorted(t.case_id.to_pandas().unique())  # type: ignore[attr-defined]

    assert cases(where_case(log, "priority", "P3")) == ["B", "C"]  # type: ignore[arg-type]
    jan = ("2024-01-01", "2024-01-06")
    assert cases(window(log, *jan)) == ["A"]  # type: ignore[arg-type]
    assert cases(window(log, *jan, mode="intersecting")) == ["A", "B"]  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no column 'nope'"):
        where_case(log, "nope", 1)  # type: ignore[arg-type]


def test_the_flow_map_measure_gives_steps_and_arrows(log: object) -> None:
    """The map as a result: each step with its events and kind, each arrow with its count
    (and wait), worked out by hand from LOG, and what it leaves out as a finding."""
    drawn = flow_map(log, value_steps=["Diagnose", "Fix"])  # type: ignore[arg-type]
    assert drawn.steps == (Step("Chase", 1, "waste"), Step("Diagnose", 3, "value"),
                           Step("Fix", 2, "value"), Step("Report", 3, "waste"))
    # arrows: 4 between steps, 1 from start (Report), 2 to end (Fix, Report)
    assert drawn.arrows == (
        Arrow("Chase", "Diagnose", 1), Arrow("Diagnose", "Chase", 1),
        Arrow("Diagnose", "Fix", 2), Arrow("Fix", "__end", 2), Arrow("Report", "Diagnose", 2),
        Arrow("Report", "__end", 1), Arrow("__start", "Report", 3))
    assert (drawn.steps_drawn, drawn.arrows_drawn, drawn.arrows_total) == (4, 7, 7)
    assert not drawn.simplified and drawn.events_drawn == drawn.events_total == 9
    found = drawn.finding()
    assert (found.topic, found.n, found.q("steps"), found.q("arrows")) == ("flow.map", 4, 4, 7)
    assert say(found, Voice()) == "The map draws 4 steps and 7 arrows: all of the work."
    timed = flow_map(log, overlay="time")  # type: ignore[arg-type]
    # Report -> Diagnose: a day in A, four in B; Diagnose -> Fix: 2 hours in A, a day in B;
    # no wait is measured from the start or to the end
    waits = {(a.source, a.target): a.median_s for a in timed.arrows}
    assert (waits["Report", "Diagnose"], waits["Diagnose", "Fix"]) == (2.5 * 86400, 13 * 3600)
    assert waits["__start", "Report"] is None and waits["Fix", "__end"] is None
    # the commonest path covering 30% of cases: C's, Report alone
    fewer = flow_map(log, coverage=0.3)  # type: ignore[arg-type]
    assert fewer.steps == (Step("Report", 3, ""),) and fewer.simplified
    assert fewer.arrows == (Arrow("Report", "__end", 3), Arrow("__start", "Report", 3))
    assert fewer.finding().flags == {"simplified", "frequency"}
    assert say(fewer.finding(), Voice()) == (
        "Simplified: the 1 commonest of 4 steps (33% of events) and 2 of 7 arrows; an arrow "
        "joins two drawn steps, passing over any steps not drawn.")


def test_flow_map_dot_renders_to_svg_with_graphviz(log: object, tmp_path: Path) -> None:
    drawn = flow_map(log, value_steps=["Diagnose", "Fix"])  # type: ignore[arg-type]
    dot = map_dot(drawn, 'Repairs "test"')
    assert "(value work)" in dot and "(waste)" in dot and 'style="rounded,filled,dashed"' in dot
    assert 'label="Repairs \\"test\\""' in dot
    timed = map_dot(flow_map(log, overlay="time"))  # type: ignore[arg-type]
    assert 'label="2.5 days"' in timed and 'label="13 hours"' in timed
    assert "Chase" not in map_dot(flow_map(log, coverage=0.3)) and "Chase" in dot  # type: ignore[arg-type]
    svg = render_svg(dot)
    figure = map_figure(drawn, 'Repairs "test"')
    assert figure.svg == svg and figure.alt == (
        "Map of the work: 4 steps, each arrow labelled with how often one step followed "
        "another.")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Fontconfig" not in svg
    for label in ("Report", "Diagnose", "Fix", "Chase", "value work", "3 events", "1 event"):
        assert f">{label}<" in svg
    page = write_map(drawn, tmp_path / "map", title="Repairs").read_text()
    assert "<script" not in page and page.count("<svg") == 1 and 'role="img"' in page
    assert (tmp_path / "map" / "map.dot").read_text() == map_dot(drawn, "Repairs")


def test_clean_and_dirty_on_the_repairs_service(tmp_path: Path) -> None:
    from servicecheck.generators.load import load_repairs

    ex = load_repairs(tmp_path, events=20000, seed=9)
    ws, svc = ex.workspace, ex.service
    per = clean_and_dirty(ws, svc)
    truth = pd.read_parquet(ex.generated.truth_parquet)
    m = per.merge(truth, on="need_id", suffixes=("", "_truth"))
    # clean needs: one order, no failure demand, no repeated step; the truth agrees
    clean = m[m["clean"]]
    assert (clean["orders"] == 1).all() and (clean["failure_demands_truth"] == 0).all()
    share = m.groupby("phase")["clean"].mean()
    # most work is clean after the redesign, a small part of it before
    assert share["after"] > 0.7 and share["before"] < share["after"] / 3
    s = clean_dirty_summary(per).set_index("work")
    assert s.loc["clean", "median_days"] < s.loc["dirty", "median_days"] / 2
    assert s["needs"].sum() == len(per)
    # slicing by the citizen's demand type keeps whole needs of that type only
    damp = for_demand_type(ws, svc, "Damp and mould").to_pandas()
    assert set(damp["problem"]) == {"damp"}
    # a demand type no need began with is a slice of no case: nothing to say of it, where
    # the value finding said "nan% of steps are value work"
    from servicecheck.flow.findings import findings

    assert svc.value_steps
    assert findings(ws, svc, events=for_demand_type(ws, svc, "No such demand")) == []


def test_analyse_equals_the_measures_one_by_one() -> None:
    from servicecheck.flow import (
        analyse,
        case_durations,
        directly_follows,
        handoff_matrix,
        rework,
        start_end_activities,
    )

    from .conftest import DATA

    log = read_log(DATA / "bpic2020_prepaid_travel_cost.csv.gz", team="org:role")
    ev = log.table
    a = analyse(ev)
    pd.testing.assert_frame_equal(a.dfg, directly_follows(ev))
    assert (a.start_activities, a.end_activities) == start_end_activities(ev)
    pd.testing.assert_frame_equal(a.case_durations, case_durations(ev))
    pd.testing.assert_frame_equal(a.variants, variants(ev))
    pd.testing.assert_frame_equal(a.handoffs, handoff_matrix(ev))
    pd.testing.assert_frame_equal(a.rework, rework(ev))
    assert len(a.handoffs) > 0


def test_same_flow_in_a_workspace_file_under_a_memory_limit(tmp_path: Path) -> None:
    from servicecheck.flow import analyse

    from .conftest import DATA

    path = DATA / "sepsis_hospital.csv.gz"
    small = Workspace(tmp_path / "ws.duckdb", memory_limit="200MB")
    a = analyse(read_log(path, workspace=small).table)
    b = analyse(read_log(path).table)
    pd.testing.assert_frame_equal(a.dfg, b.dfg)
    pd.testing.assert_frame_equal(a.variants, b.variants)
    pd.testing.assert_frame_equal(a.case_durations, b.case_durations)
    assert (tmp_path / "ws.duckdb").exists()


def test_a_workspace_in_memory_has_a_limit_and_spills_to_a_folder_of_its_own() -> None:
    import os

    from servicecheck.engine.memory import default_memory_limit
    from servicecheck.flow import analyse

    from .conftest import DATA

    total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert default_memory_limit() == f"{max(64, min(768, total_mib // 8))}MiB"
    with Workspace() as ws:
        limit, spill = ws.raw.execute("SELECT current_setting('memory_limit'), "
                                      "current_setting('temp_directory')").fetchone() or ("", "")
        assert limit in ("1.0 GiB", f"{min(768, total_mib // 8)}.0 MiB")
        assert Path(spill).name.startswith("servicecheck-")
    # under a small limit the analysis is the same
    path = DATA / "road_traffic_fines_first10k_cases.csv.gz"
    small = Workspace(memory_limit="40MB")
    spill = small.raw.execute("SELECT current_setting('temp_directory')").fetchone()
    a = analyse(read_log(path, workspace=small).table)
    b = analyse(read_log(path).table)
    pd.testing.assert_frame_equal(a.dfg, b.dfg)
    pd.testing.assert_frame_equal(a.variants, b.variants)
    pd.testing.assert_frame_equal(a.rework, b.rework)
    small.close()
    assert spill is not None and not Path(spill[0]).exists()  # DuckDB removed it on closing


def test_two_readers_of_one_workspace_spill_to_folders_of_their_own(tmp_path: Path) -> None:
    """Two reports of one workspace at once spilled into the one folder beside it, and one
    of them crashed (signal 11): each reader has its own, and a writer keeps the file's."""
    from servicecheck.engine.memory import memory_config

    ws = tmp_path / "ws.duckdb"
    one, two = (memory_config(ws, None, None, read_only=True)["temp_directory"]
                for _ in range(2))
    assert one != two and all(str(s).startswith(f"{ws}.tmp-") for s in (one, two))
    assert memory_config(ws, None, None)["temp_directory"] == f"{ws}.tmp"
    assert memory_config(ws, None, tmp_path / "here", read_only=True)["temp_directory"] == str(
        tmp_path / "here")


def test_spill_folders_of_killed_readers_are_removed_when_the_workspace_opens(
        tmp_path: Path) -> None:
    """A reader killed while spilling (out of memory at 100M events) left its folder, GBs,
    beside the file: the next read-only opening removes it, and only it."""
    import os
    import subprocess
    import sys

    from servicecheck.engine.memory import STALE_SPILL_SECONDS, memory_config, remove_stale_spills

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead, alive = child.pid, os.getppid()
    ws = tmp_path / "ws.duckdb"
    old = 1_000_000.0
    cases = {  # folder name: whether it goes
        f"ws.duckdb.tmp-{dead}-0a1b2c": True,
        f"ws.duckdb.tmp-{alive}-0a1b2c": False,  # its process runs
        f"ws.duckdb.tmp-{os.getpid()}-0a1b2c": False,  # this process's own
        "ws.duckdb.tmp": False,  # the writer's, removed by DuckDB
        f"other.duckdb.tmp-{dead}-0a1b2c": False,  # another workspace's
        f"ws.duckdb.tmp-{dead}-0a1b2c-mine": False,  # not a name memory_config gives
    }
    for name in cases:
        (tmp_path / name).mkdir()
        (tmp_path / name / "spill.block").write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    fresh = tmp_path / f"ws.duckdb.tmp-{dead}-ffffff"  # left alone for less than the wait
    fresh.mkdir()
    os.utime(fresh, (old + STALE_SPILL_SECONDS, old + STALE_SPILL_SECONDS))
    removed = remove_stale_spills(ws, now=old + STALE_SPILL_SECONDS + 1)
    assert sorted(p.name for p in removed) == [n for n, goes in cases.items() if goes]
    assert {n: not (tmp_path / n).exists() for n in cases} == cases and fresh.exists()
    os.utime(fresh, (old, old))  # and memory_config, on a read-only opening, asks
    memory_config(ws, None, None, read_only=True)
    assert not fresh.exists()


def test_system_conditions_count_the_events_studied(tmp_path: Path) -> None:
    """The report's system conditions counted every event, the flow beside them only those
    studied: a need set aside (it ends before it begins) was work caused in one section and
    not in the other."""
    from servicecheck import Service, import_events
    from servicecheck.report.build import build_sections
    from servicecheck.service.model import Clock, SystemCondition

    f = tmp_path / "log.csv"
    f.write_text(BACKWARDS)
    cond = SystemCondition(name="Two-step sign-off", kind="procedure", causes=("Created",))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, f, service=Service(name="s", clock=Clock(end=("Closed",)),
                                             system_conditions=(cond,)), timezone="UTC")
        svc = ws.service()
        part = next(s for s in build_sections(ws, svc, specs=False)
                    if s.id == "system-conditions")
    found = part.findings[0]
    # of the 4 events of needs A and B, the 2 Created ones; C's 2 are not studied
    assert (found.n, found.q("waste")) == (4, 2), found
    assert found.detail["Created"] == (2, 0)
