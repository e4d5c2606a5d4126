"""Dates in the service's own zone everywhere, when the zone was given only to the import: a
log written in Australia/Sydney across the end of its summer time (7 Apr 2024), imported with
``--timezone Australia/Sydney`` and no service file. The service is then where its times were
written: the report, the command line and the web app's Check tell its dates there. Each row
failed before the fix (a need reported at 08:00 on 25 Mar in Sydney was "24 Mar" in London's
dates, and Data quality said dates were told in Europe/London)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck import Workspace
from servicecheck.cli import app as cli
from servicecheck.report import write_report

from .conftest import PASSWORD
from .test_web_security import sign_in


def _log() -> str:
    """21 needs reported at 08:00 in Sydney (21:00 or 22:00 UTC the day before) from 25 Mar
    to 14 Apr 2024, each fixed two days later at 17:00."""
    rows = ["case_id,activity,timestamp"]
    for i in range(21):
        day = dt.datetime(2024, 3, 25, 8, 0) + dt.timedelta(days=i)
        rows += [f"S{i},Reported,{day:%Y-%m-%d %H:%M}",
                 f"S{i},Fixed,{day + dt.timedelta(days=2, hours=9):%Y-%m-%d %H:%M}"]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def sydney(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sydney")
    (folder / "log.csv").write_text(_log())
    done = CliRunner().invoke(cli, ["import", str(folder / "log.csv"), "-w",
                                    str(folder / "ws.duckdb"), "--timezone", "Australia/Sydney"])
    assert done.exit_code == 0, done.output
    return folder


def _report(folder: Path) -> str:
    with Workspace(folder / "ws.duckdb", read_only=True) as ws:
        report = write_report(ws, folder / "check.html")
    return " ".join([x for s in report.sections for x in s.lead + s.details]
                    + [fig.alt for s in report.sections for fig in s.figures]
                    + [(folder / "check.html").read_text()])


def _cli(*command: str) -> Callable[[Path], str]:
    def run(folder: Path) -> str:
        done = CliRunner().invoke(cli, [*command, "-w", str(folder / "ws.duckdb")])
        assert done.exit_code == 0, done.output
        return " ".join(done.output.split())
    return run


def _web(name: str) -> Callable[[Path], str]:
    def run(folder: Path) -> str:
        from servicecheck.store.accounts import add_user
        from servicecheck.web import create_app

        app = create_app(str(folder / f"{name}.db"), workspace=folder / "ws.duckdb")
        add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
        try:
            c, _ = sign_in(app, "analyst")
            r = c.get(f"/dashboards/{name}")
            assert r.status_code == 200, r.text[:300]
            return " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
        finally:
            app.state.ctx.store.close()
    return run


# (where, what it writes): each must tell the first need's day as Sydney's, 25 Mar 2024
WHERE = [
    ("report", _report),
    ("cli-summary", _cli("summary")),
    ("cli-capability", _cli("capability", "--period", "D")),
    ("cli-flow", _cli("flow")),
    ("web-flow", _web("flow")),
    ("web-capability", _web("capability")),
]


@pytest.mark.parametrize(("where", "written"), WHERE, ids=[w[0] for w in WHERE])
def test_dates_are_told_in_the_zone_the_log_was_read_in(
        where: str, written: Callable[[Path], str], sydney: Path) -> None:
    words = written(sydney)
    assert "25 Mar 2024" in words, words[:2000]
    # London's day of the first need, and London named as the service's zone
    assert not re.search(r"\b24 Mar 2024|Europe/London", words), words[:2000]


def test_the_workspace_remembers_the_zone_as_the_services(sydney: Path) -> None:
    with Workspace(sydney / "ws.duckdb", read_only=True) as ws:
        svc = ws.service()
    assert (svc.timezone, svc.reading.timezone) == ("Australia/Sydney", "Australia/Sydney")


# (the service file, the service's zone after an import read in Sydney): a file that names no
# zone is where its times were written; one that names London keeps it (and Data quality says
# the two apart)
FILES = [('name = "repairs"\n', "Australia/Sydney"),
         ('name = "repairs"\ntimezone = "Europe/London"\n', "Europe/London")]


@pytest.mark.parametrize(("text", "zone"), FILES)
def test_a_service_file_that_names_no_zone_takes_the_imports(text: str, zone: str,
                                                              tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(_log())
    (tmp_path / "service.toml").write_text(text)
    done = CliRunner().invoke(cli, ["import", str(tmp_path / "log.csv"), "-w",
                                    str(tmp_path / "ws.duckdb"), "--service",
                                    str(tmp_path / "service.toml"), "--timezone",
                                    "Australia/Sydney"])
    assert done.exit_code == 0, done.output
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        assert ws.service().timezone == zone
