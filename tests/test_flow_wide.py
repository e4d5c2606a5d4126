"""A wide log — 400 different steps, dates without times — gives a readable, bounded flow map
that says what it leaves out, in the library, on the command line and in the report."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck import Workspace
from servicecheck.charts.flow_map import map_dot
from servicecheck.cli import app
from servicecheck.flow.dfg import directly_follows
from servicecheck.flow.map import Arrow, FlowMap, Step, flow_map
from servicecheck.narrative.flow_map import map_note
from servicecheck.narrative.grammar import percent

runner = CliRunner()
SPINE = [f"S{i:02d}" for i in range(12)]
RARE = [f"R{i:03d}" for i in range(388)]


@pytest.fixture(scope="module")
def wide_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding 300 cases through 400 steps: a spine most cases follow, with rare
    steps between, several on one day."""
    rng = random.Random(1)
    rows = ["case_id,activity,timestamp"]
    for c in range(300):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(300))
        steps = []
        for s in SPINE:
            steps += [s] if rng.random() < 0.8 else []
            steps += rng.sample(RARE, rng.randrange(3))
        for s in steps:
            day += dt.timedelta(days=rng.choice((0, 0, 1, 3)))
            rows.append(f"C{c},{s},{day}")
    folder = tmp_path_factory.mktemp("wide")
    (folder / "wide.csv").write_text("\n".join(rows) + "\n")
    ws = folder / "ws.duckdb"
    r = runner.invoke(app, ["import", str(folder / "wide.csv"), "-w", str(ws)])
    assert r.exit_code == 0, r.output
    return ws


def _boxes_and_arrows(dot: str) -> tuple[set[str], list[tuple[str, str]]]:
    boxes = set(re.findall(r'^  "?(n\d+)"? \[label=', dot, flags=re.M))
    arrows = [(s.strip('"'), t.strip('"')) for s, t in
              re.findall(r'^  ("?\w+"?) -> ("?\w+"?) \[', dot, flags=re.M)]
    return boxes, arrows


@pytest.mark.parametrize(("max_steps", "max_arrows"), [(30, 60), (10, 20), (40, 15)])
def test_the_map_of_400_steps_keeps_to_its_bounds_and_says_what_it_hides(
        wide_ws: Path, max_steps: int, max_arrows: int) -> None:
    with Workspace(wide_ws, read_only=True) as ws:
        events = ws.events(ws.service(None).key)
        drawn = flow_map(events, max_steps=max_steps, max_arrows=max_arrows)
        again = flow_map(events, max_steps=max_steps, max_arrows=max_arrows)
        n_events = int(events.count().execute())
    assert drawn == again and map_dot(drawn) == map_dot(again)  # the same layout every run
    dot = map_dot(drawn)
    boxes, arrows = _boxes_and_arrows(dot)
    assert (drawn.steps_total, drawn.steps_drawn, len(boxes)) == (400, max_steps, max_steps)
    assert drawn.arrows_drawn == len(arrows) == max_arrows < drawn.arrows_total
    assert drawn.events_total == n_events > drawn.events_drawn
    # the twelve spine steps are the commonest: drawn first
    names = set(re.findall(r'tooltip="(\w+)"', dot))
    assert len(names) == max_steps and len(names & set(SPINE)) == min(max_steps, len(SPINE))
    share = percent(drawn.events_drawn / n_events)
    note = map_note(drawn.finding())
    assert note == (f"Simplified: the {max_steps} commonest of 400 steps ({share} of "
                            f"events) and {max_arrows} of {drawn.arrows_total:,} arrows; an "
                            "arrow joins two drawn steps, passing over any steps not drawn.")
    assert note in dot.replace("\\n", " ")  # the map's own title says it
    if max_arrows >= 2 * max_steps:  # room enough: every box has a way in and a way out
        ends = {a for pair in arrows for a in pair}
        assert boxes <= ends


def test_the_arrows_count_the_work_with_the_steps_not_drawn_left_out(wide_ws: Path) -> None:
    with Workspace(wide_ws, read_only=True) as ws:
        events = ws.events(ws.service(None).key)
        drawn = flow_map(events)
        dot = map_dot(drawn)
        names = dict(re.findall(r'^  "?(n\d+)"? \[label="[^"]*", tooltip="(\w+)"', dot,
                                flags=re.M))
        projected = directly_follows(events.filter(events.activity.isin(list(names.values()))))
        timed = flow_map(events, overlay="time")
    counts = {(s, t): n for s, t, n in zip(projected["source"], projected["target"],
                                           projected["count"], strict=True)}
    arrows = re.findall(r'^  "?(n\d+)"? -> "?(n\d+)"? \[label="([\d,]+)"', dot, flags=re.M)
    assert len(arrows) > 30
    for source, target, label in arrows:
        assert int(label.replace(",", "")) == counts[names[source], names[target]]
    waits = re.findall(r'^  "?n\d+"? -> "?n\d+"? \[label="([^"]+)"', map_dot(timed),
                       flags=re.M)
    assert len(waits) == len(arrows)
    assert all(re.fullmatch(r"[\d.]+ (minute|hour|day|week)s?", w) for w in waits), waits
    # the measure gives the same arrows, each with the median wait of the projected events
    medians = {(s, t): m for s, t, m in zip(projected["source"], projected["target"],
                                            projected["median_s"], strict=True)}
    for a in timed.arrows:
        assert a.median_s is None if a.at_an_end else a.median_s == medians[a.source, a.target]


def test_all_of_a_wide_map_when_asked(wide_ws: Path) -> None:
    with Workspace(wide_ws, read_only=True) as ws:
        drawn = flow_map(ws.events(ws.service(None).key), max_steps=None, max_arrows=None)
    boxes, arrows = _boxes_and_arrows(map_dot(drawn))
    assert len(boxes) == drawn.steps_drawn == 400 and len(arrows) == drawn.arrows_total
    assert not drawn.simplified
    assert map_note(drawn.finding()) == (f"The map draws 400 steps and "
                                         f"{drawn.arrows_total:,} arrows: all of the work.")


def test_the_command_draws_the_simplified_map_and_says_how_to_see_all(
        wide_ws: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["flow", "-w", str(wide_ws), "--out", str(tmp_path / "map")])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "Simplified: the 30 commonest of 400 steps" in text and "--all draws them all" in text
    page = (tmp_path / "map" / "map.html").read_text()
    assert page.count("<svg") == 1 and page.count('class="node"') == 30 + 2  # and start, end
    r = runner.invoke(app, ["flow", "-w", str(wide_ws), "--out", str(tmp_path / "m"),
                            "--steps", "0"])
    assert r.exit_code == 2 and "--steps" in r.output


def test_the_report_caption_counts_what_the_map_draws(wide_ws: Path) -> None:
    from servicecheck.report.sections import flow_section

    with Workspace(wide_ws, read_only=True) as ws:
        section = flow_section(ws, ws.service(None))
    alt = section.figures[0].alt
    assert alt.startswith("Map of the work: the 30 commonest of 400 steps and 60 of ")
    assert "--all draws them all" in alt


def test_a_small_map_is_drawn_whole() -> None:
    steps = tuple(Step(f"S{i}", 2 + i, "") for i in range(4))
    arrows = (*(Arrow(f"S{i}", f"S{i + 1}", 1) for i in range(3)),
              Arrow("__start", "S0", 3), Arrow("S3", "__end", 3), Arrow("S1", "S3", 1))
    assert not FlowMap(steps, arrows, "frequency", 4, 6, 14).simplified
    fewer = FlowMap(steps, arrows[1:], "frequency", 4, 6, 14)
    assert fewer.simplified and map_note(fewer.finding()).startswith(
        "Simplified: all 4 steps (100% of events) and 5 of 6 arrows")
