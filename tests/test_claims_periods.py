"""Each chart's period follows from the data's span: days for a span of weeks, weeks for months,
months for years (never coarser than the chart's own: capability per week), said in the chart's
title and its sentence, the same in the report, the command line and the web app; an explicit
``--period`` is kept. Each row failed before: a 15-day log was charted per week (3 points, not
judged)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import Workspace
from servicecheck.cli import app as cli
from servicecheck.measures.periods import fitting
from servicecheck.report import write_report

from .conftest import PASSWORD
from .test_web_security import sign_in

DAY = pd.Timestamp("2024-03-01", tz="UTC")

# (days the data span, the chart's longest period, its shortest, the period drawn)
FITTING = [
    (15, "W", "D", "D"), (15, "M", "D", "D"), (69, "W", "D", "D"), (70, "W", "D", "W"),
    (150, "M", "D", "W"), (150, "W", "D", "W"), (364, "M", "D", "W"), (730, "M", "D", "M"),
    (730, "W", "D", "W"), (15, "M", "W", "W"), (0, "W", "D", "D"),
]


@pytest.mark.parametrize(("days", "longest", "shortest", "drawn"), FITTING)
def test_the_period_fits_the_span(days: int, longest: str, shortest: str, drawn: str) -> None:
    assert fitting(DAY, DAY + pd.Timedelta(days=days), longest, shortest) == drawn


def test_no_data_has_the_charts_own_period() -> None:
    assert fitting(None, None, "W") == "W"


def _log(days: int, every_hours: float) -> str:
    rows = ["case_id,activity,timestamp"]
    start = dt.datetime(2024, 1, 1, 8, 0)
    n = int(days * 24 / every_hours)
    for i in range(n):
        at = start + dt.timedelta(hours=i * every_hours)
        rows += [f"N{i},Reported,{at:%Y-%m-%d %H:%M}",
                 f"N{i},Fixed,{at + dt.timedelta(days=1 + i % 3, hours=i % 5):%Y-%m-%d %H:%M}"]
    return "\n".join(rows) + "\n"


# (id, the log, the capability chart's period in words, a period no sentence may name)
SPANS = [("fifteen-days", _log(15, 9), "day", "week|month"),
         ("five-months", _log(150, 60), "week", r"\bday\b|per month|each month"),
         ("two-years", _log(730, 96), "week", r"per day|each day|per month|each month")]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {}
    for name, log, _, _ in SPANS:
        folder = tmp_path_factory.mktemp(name)
        (folder / "log.csv").write_text(log)
        done = CliRunner().invoke(cli, ["import", str(folder / "log.csv"), "-w",
                                        str(folder / "ws.duckdb")])
        assert done.exit_code == 0, done.output
        made[name] = folder
    return made


def _web_capability(folder: Path) -> str:
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    app = create_app(str(folder / "web.db"), workspace=folder / "ws.duckdb")
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    try:
        c, _ = sign_in(app, "analyst")
        r = c.get("/dashboards/capability")
        assert r.status_code == 200
        return " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    finally:
        app.state.ctx.store.close()


@pytest.mark.parametrize(("name", "log", "unit", "never"), SPANS, ids=[s[0] for s in SPANS])
def test_the_capability_chart_is_drawn_in_the_period_the_span_fits(
        name: str, log: str, unit: str, never: str, logs: dict[str, Path]) -> None:
    folder = logs[name]
    with Workspace(folder / "ws.duckdb", read_only=True) as ws:
        report = write_report(ws, folder / "check.html")
    (section,) = [s for s in report.sections if s.id == "capability"]
    (chart,) = [f for f in section.figures if f.name.startswith("capability-")]
    assert chart.name == f"capability-{unit}" and \
        f"Median end-to-end days per {unit}" in chart.svg, chart.name
    said = [x for x in section.details if "median time of the needs met in each" in x]
    assert said and said[0].startswith(f"Per {unit}, "), section.details
    # its sentence and its headline name one period: the lead names none of another
    for sentence in [*section.lead, *section.details]:
        assert not re.search(never, sentence), sentence
    # the web app's capability draws the same chart, said the same way
    page = _web_capability(folder)
    assert f"Median end-to-end days per {unit}" in page and said[0] in page


def test_an_explicit_period_is_kept(logs: dict[str, Path]) -> None:
    done = CliRunner().invoke(cli, ["capability", "--period", "W", "-w",
                                    str(logs["fifteen-days"] / "ws.duckdb")])
    words = " ".join(done.output.split())
    assert done.exit_code == 0 and "Per week, " in words and "Per day" not in words, words
