"""The web app read by a new team before any demand is captured: a page that has nothing to
show says so, never a claim about every demand that holds only because there is none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicecheck.store.accounts import add_user

from .conftest import PASSWORD
from .test_web_security import sign_in


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Any]:
    from servicecheck.web import create_app

    app = create_app(str(tmp_path / "web.db"), workspace=tmp_path / "ws.duckdb")
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    assert app.state.ctx.suggester.started.wait(60)
    yield app
    app.state.ctx.uploads.close()
    app.state.ctx.store.close()


# (page, what it says with no demand captured, what it said before: true of no demand)
EMPTY = [
    ("/types", "Nothing is waiting: no demand has been captured here yet.",
     "every demand has a type"),
    ("/classify", "Nothing to classify blind yet: no demand has been captured as value or "
     "failure here.", "every demand someone else recorded has had its second look"),
]


@pytest.mark.parametrize(("path", "said", "never"), EMPTY, ids=[e[0] for e in EMPTY])
def test_a_page_with_no_demand_says_none_was_captured(fresh: Any, path: str, said: str,
                                                       never: str) -> None:
    c, _ = sign_in(fresh, "analyst")
    r = c.get(path)
    assert r.status_code == 200
    words = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    assert said in words, words
    assert never not in words


# exports whose column names the proposal does not know (another language): the activity is
# guessed from the values, and a reference column (a value per case) is no activity
FOREIGN = [
    ("Réf;Étape;Date/heure\n", "R{i:03d};Demande reçue;{d:02d}/03/2025 09:00\n"
     "R{i:03d};Réparé;{d:02d}/03/2025 15:00\n", "Étape"),
    ("Schritt,Referenz,Datum\n", "Eingang,A-{i},{d:02d}.03.2025 09:00\n"
     "Erledigt,A-{i},{d:02d}.03.2025 15:00\n", "Schritt"),
]


@pytest.mark.parametrize(("header", "rows", "activity"), FOREIGN,
                         ids=[f[2] for f in FOREIGN])
def test_the_activity_guessed_from_values_is_the_column_of_few_values(
        header: str, rows: str, activity: str, tmp_path: Path) -> None:
    from servicecheck.io.propose import propose

    path = tmp_path / "export.csv"
    path.write_text(header + "".join(rows.format(i=i, d=1 + i % 28) for i in range(30)),
                    encoding="cp1252")
    assert propose(path).roles["activity"].column == activity


def test_a_service_brought_in_beside_the_app_s_own_has_its_report(tmp_path: Path) -> None:
    """A file brought in through the browser as a new service had no Check anywhere in the
    app: the report was always of the app's own service. The report page offers each
    service the workspace holds, and the file made is of the one chosen."""
    import time

    from servicecheck import Service, Workspace, import_events
    from servicecheck.web import create_app

    log = tmp_path / "log.csv"
    for name, step in (("Repairs", "Repaired"), ("Quick", "Answered")):
        log.write_text("case_id,activity,timestamp\n" + "".join(
            f"{name[0]}{i},Received,2024-03-{1 + i:02d} 09:00\n"
            f"{name[0]}{i},{step},2024-03-{1 + i:02d} 15:00\n" for i in range(10)))
        with Workspace(tmp_path / "ws.duckdb") as ws:
            import_events(ws, log, service=Service(name=name))
    (tmp_path / "service.toml").write_text('name = "Repairs"\n', encoding="utf-8")
    app = create_app(str(tmp_path / "web.db"), service=tmp_path / "service.toml",
                     workspace=tmp_path / "ws.duckdb")
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    try:
        c, csrf = sign_in(app, "analyst")
        page = c.get("/report").text
        assert re.search(r'<option value="repairs">Repairs</option><option value="quick">'
                         r"Quick</option>", page), page

        def made(service: str) -> Any:
            """The report of ``service`` made and downloaded (waited for: a report thread
            left running when the test ends is killed inside DuckDB)."""
            started = c.post("/report", data={"csrf": csrf, "service": service}).text
            job = re.search(r"/report/([\w-]+)/", started)
            assert job, started
            for _ in range(240):
                if "check.html" in c.get(f"/report/{job.group(1)}/status").text:
                    break
                time.sleep(0.5)
            got = c.get(f"/report/{job.group(1)}/check.html")
            assert got.status_code == 200
            return got

        got = made("quick")
        assert "<title>Quick: Check report</title>" in got.text
        assert "Answered" in got.text and "Repaired" not in got.text
        assert 'filename="quick-check.html"' in got.headers["content-disposition"]
        # a key the workspace does not hold is the app's own service
        assert "<title>Repairs: Check report</title>" in made("nope").text
        # and the dashboards: the app's own by default, the other when chosen
        for path, own, other in (("/dashboards/flow", "Repaired", "Answered"),
                                 ("/dashboards/flow?service=nope", "Repaired", "Answered"),
                                 ("/dashboards/flow?service=quick", "Answered", "Repaired"),
                                 ("/dashboards/capability?service=quick", "10 needs",
                                  "Repaired")):
            shown = c.get(path)
            assert shown.status_code == 200 and own in shown.text, path
            assert other not in shown.text.split('id="dashboard-service"')[1].split(
                "</form>")[1], path
    finally:
        app.state.ctx.uploads.close()
        app.state.ctx.store.close()
