"""One Check, one place: demand captured in the web app is in the workspace's Reader (so in
the report, the dashboards and the CLI) with no export, each capture once; the report made
and downloaded from the browser; capture problems beside their fields with what was typed
kept; the typology with Other; case references checked; blind classification and agreement.
Real SQLite store, real DuckDB workspace (the demo's, copied), real Chromium for the PDF."""

from __future__ import annotations

import re
import shutil
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicecheck.cli import app as cli
from servicecheck.engine.workspace import Workspace
from servicecheck.store.accounts import add_token, add_user

from .conftest import PASSWORD
from .test_web_security import sign_in


@pytest.fixture
def checked(tmp_path: Path, demo_workspace: Path) -> Any:
    """The app over a copy of the demo's workspace and a fresh store, with three people."""
    from servicecheck.web import create_app

    ws = tmp_path / "ws.duckdb"
    shutil.copy(demo_workspace, ws)
    app = create_app(str(tmp_path / "web.db"), workspace=ws)
    for name, role in [("recorder", "recorder"), ("analyst", "analyst"), ("second", "recorder")]:
        add_user(app.state.ctx.store, name, PASSWORD, role)
    yield app, ws
    app.state.ctx.store.close()


def post(c: TestClient, csrf: str, **fields: str) -> Any:
    data = {"channel": "phone", "nature": "value", "demand_type": "Leaks and plumbing",
            "csrf": csrf, **fields}
    return c.post("/capture", data=data, headers={"HX-Request": "true"})


def demands_in(ws: Path) -> Any:
    with Workspace(ws, read_only=True) as w:
        return w.demands(w.service().key).to_pandas()


def test_captures_are_in_the_report_and_the_cli_without_export(checked: Any) -> None:
    app, ws = checked
    before = demands_in(ws)
    c, csrf = sign_in(app, "recorder")
    for words in ("Tap dripping all night", "Water under the bath", "Pipe burst in the loft"):
        assert post(c, csrf, verbatim=words).status_code == 200
    after = demands_in(ws)
    assert len(after) == len(before) + 3
    captured = after[after["demand_id"].str.startswith("web-")]
    assert sorted(captured["verbatim"]) == ["Pipe burst in the loft", "Tap dripping all night",
                                            "Water under the bath"]
    assert set(captured["demand_type"]) == {"Leaks and plumbing"}
    # an export imported the old way is not counted again: the store's copy stands
    a, _ = sign_in(app, "analyst")
    exported = a.get("/export/demands.csv").text
    (ws.parent / "export.csv").write_text(exported, encoding="utf-8")
    r = CliRunner().invoke(cli, ["import-demand", str(ws.parent / "export.csv"), "-w", str(ws)])
    assert r.exit_code == 0, r.output
    assert len(demands_in(ws)) == len(before) + 3
    # the CLI's report reads the store through the workspace, and says where the data live
    out = ws.parent / "cli-check.html"
    r = CliRunner().invoke(cli, ["report", "-w", str(ws), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "with the demand captured in" in out.read_text(encoding="utf-8")


def test_the_report_is_made_and_downloaded_from_the_browser(checked: Any) -> None:
    app, _ = checked
    c, csrf = sign_in(app, "recorder")
    post(c, csrf, verbatim="Leak from the ceiling light")
    assert c.get("/report").status_code == 403  # analysts make reports
    a, acsrf = sign_in(app, "analyst")
    page = a.post("/report", data={"csrf": acsrf}, headers={"HX-Request": "true"}).text
    job = re.search(r"/report/([\w-]+)/status", page)
    assert job and "<progress" in page, page
    seen = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = a.get(f"/report/{job.group(1)}/status").text
        seen |= set(re.findall(r"Making the report: ([^(]+) \(", status))
        if "The report is ready" in status or "could not be made" in status:
            break
        time.sleep(0.3)
    assert "The report is ready" in status, status
    assert seen  # the progress named the sections as they were written
    html = a.get(f"/report/{job.group(1)}/check.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert "with the demand captured in" in html.text
    pdf = a.get(f"/report/{job.group(1)}/check.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert a.get("/report/nope/check.html").status_code == 404
    actions = [r.action for r in app.state.ctx.store.audit_log()]
    assert actions[:3] == ["report downloaded", "report downloaded", "report"]


# a field's value, what is wrong with the capture, the field shown in error, words beside it
PROBLEMS = [
    ({"nature": "value", "failure_kind": "repeat"}, "failure_kind",
     "only failure demand has a failure kind"),
    ({"demand_type": ""}, "demand_type", "choose one of the service&#39;s types, or Other"),
    ({"demand_type": "Damp &amp; mold"}, "demand_type", "is not one of the service&#39;s types"),
    ({"demand_type": "Other"}, "type_other", "say in a few words what the demand was about"),
    ({"type_other": "pigeons"}, "type_other", "only for the type Other"),
    ({"verbatim": "   "}, "verbatim", "write what the citizen said"),
    ({"nature": ""}, "nature", "choose value, failure or unknown"),
    ({"case_id": "NO-SUCH-CASE"}, "case_id", "is not a case in the workspace"),
]


@pytest.mark.parametrize(("change", "field", "words"), PROBLEMS)
def test_each_problem_is_beside_its_field_and_what_was_typed_stays(
        checked: Any, change: dict[str, str], field: str, words: str) -> None:
    app, _ = checked
    c, csrf = sign_in(app, "recorder")
    typed = {"verbatim": "The damp is back in the bedroom", "case_id": "",
             **{k: v.replace("&amp;", "&") for k, v in change.items()}}
    r = post(c, csrf, **typed)
    assert r.status_code == 422
    beside = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', r.text)
    assert beside and words in beside.group(1), r.text
    assert f'aria-describedby="{field}-error"' in r.text
    assert "Not recorded yet" in r.text and "Recorded demand" not in r.text
    if typed["verbatim"].strip():
        assert typed["verbatim"] in r.text  # kept as typed
    if typed.get("case_id"):
        assert 'value="NO-SUCH-CASE"' in r.text and 'name="keep_case"' in r.text
    with app.state.ctx.store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM demands").scalar() == 0


def test_other_types_cases_and_council_systems(checked: Any) -> None:
    app, ws = checked
    c, csrf = sign_in(app, "recorder")
    with Workspace(ws, read_only=True) as w:
        case = str(w.events().select("case_id").limit(1).execute()["case_id"][0])
    assert post(c, csrf, verbatim="Pigeons nesting in the loft", demand_type="Other",
                type_other="Pest control").status_code == 200
    assert post(c, csrf, verbatim="About my repair", case_id=case).status_code == 200
    r = post(c, csrf, verbatim="About a new job", case_id="JOB-NEW-1", keep_case="yes")
    assert r.status_code == 200  # a case raised since the last import, kept as typed
    token = add_token(app.state.ctx.store, "crm")
    r = TestClient(app).post("/api/demands", json={
        "verbatim": "Damp patch", "channel": "web", "demand_type": "Damp & mold"},
        headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201
    with app.state.ctx.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT demand_type, type_other, case_id FROM demands ORDER BY id").all()
    assert [tuple(r) for r in rows] == [
        ("Other", "Pest control", None), ("Leaks and plumbing", None, case),
        ("Leaks and plumbing", None, "JOB-NEW-1"), ("Other", "Damp & mold", None)]
    # an analyst maps what was written: to a type of the typology, or as a new type
    a, acsrf = sign_in(app, "analyst")
    assert c.get("/types").status_code == 403
    listed = a.get("/types").text
    assert "Pest control" in listed and "Damp &amp; mold" in listed
    r = a.post("/types", data={"csrf": acsrf, "words": "Damp & mold",
                               "demand_type": "Damp and mould"})
    assert "1 demand now of the type Damp and mould." in r.text
    r = a.post("/types", data={"csrf": acsrf, "words": "Pest control",
                               "demand_type": "__new__"})
    assert "1 demand now of the type Pest control." in r.text
    assert "Nothing is waiting" in r.text
    assert a.post("/types", data={"csrf": acsrf, "words": "x", "demand_type": "Nope"}
                  ).status_code == 422
    assert "Pest control" in app.state.ctx.service.demand_types
    assert tomllib.loads((ws.parent / "service.toml").read_text(encoding="utf-8"))[
        "demand"]["types"][-1] == "Pest control"
    types = demands_in(ws).set_index("verbatim")["demand_type"]
    assert (types["Pigeons nesting in the loft"], types["Damp patch"]) == (
        "Pest control", "Damp and mould")


def test_a_second_person_classifies_blind_and_the_board_shows_agreement(checked: Any) -> None:
    app, _ = checked
    c, csrf = sign_in(app, "recorder")
    first = [("Still no plumber, third call", "failure", "progress chasing"),
             ("Tap dripping", "value", ""), ("Pipe burst", "value", ""),
             ("Nobody came on Tuesday", "failure", "not done")]
    for words, nature, kind in first:
        assert post(c, csrf, verbatim=words, nature=nature, failure_kind=kind
                    ).status_code == 200
    s, scsrf = sign_in(app, "second")
    second = {"Still no plumber, third call": "failure", "Tap dripping": "value",
              "Pipe burst": "failure", "Nobody came on Tuesday": "failure"}
    page = s.get("/classify").text
    for _ in range(4):
        words = re.search(r'<blockquote class="verbatim">([^<]+)</blockquote>', page)
        demand = re.search(r'name="demand_id" value="(\d+)"', page)
        assert words and demand, page
        assert "checked" not in page  # nothing of the first choice shows
        page = s.post("/classify", data={"csrf": scsrf, "demand_id": demand.group(1),
                                         "nature": second[words.group(1)],
                                         "demand_type": "Leaks and plumbing"}).text
    assert "Nothing left to classify blind" in page
    # the recorder's own captures are never offered back to them
    assert "Nothing left to classify blind" in c.get("/classify").text
    board = c.get("/board", headers={"HX-Request": "true"}).text
    # p_o = 3/4; first 2 value 2 failure, second 1 value 3 failure: p_e = (2*1 + 2*3) / 16
    # = 1/2, kappa = (3/4 - 1/2) / (1/2) = 0.50
    assert ("Two people classified 4 demands as value or failure without seeing each other"
            in board and "agreed on 3 (75%); Cohen&#39;s kappa is 0.50, moderate" in board)
    assert re.search(r"<td>Pipe burst</td><td>value, Leaks and plumbing</td>"
                     r"<td>failure, Leaks and plumbing</td>", board)


def test_a_workspace_reads_the_captures_of_either_store(store_url: str, tmp_path: Path) -> None:
    """SQLite and PostgreSQL alike: the link is remembered, the captures read with the
    imported demand, the same capture never twice."""
    import datetime as dt

    from servicecheck.engine.captured import capture_links, imported_demands, link_capture
    from servicecheck.service.model import Service
    from servicecheck.store import open_store
    from servicecheck.store.capture import Capture, store_demand

    svc = Service(name="Repairs")
    store = open_store(store_url)
    at = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
    for words in ("Boiler off", "Still no engineer"):
        store_demand(store, svc, Capture(verbatim=words, channel="phone", nature="value",
                                         received_at=at), recorded_by="r", source="form")
    store.close()
    with Workspace(tmp_path / "ws.duckdb") as ws:
        link_capture(ws, svc, store_url)
        link_capture(ws, svc, store_url)  # again: still one link
        assert list(capture_links(ws)) == ["repairs"]
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        got = ws.demands("repairs").order_by("demand_index").to_pandas()
        assert list(got["verbatim"]) == ["Boiler off", "Still no engineer"]
        assert list(got["demand_id"]) == ["web-1", "web-2"]
        assert got["received_at"].iloc[0] == at
        assert imported_demands(ws, "repairs").count().execute() == 0
        assert "with the demand captured in" in ws.source
        assert ws.demands("another").count().execute() == 0


@pytest.mark.parametrize(("given", "kept"), [
    ("postgresql://ann:s3cret@db.example:5432/check", "postgresql+psycopg://ann@db.example:5432/check"),
    ("postgresql+psycopg://ann@db/check", "postgresql+psycopg://ann@db/check"),
    ("web.db", "sqlite:///{cwd}/web.db"),
    ("sqlite:////srv/web.db", "sqlite:////srv/web.db"),
])
def test_a_link_keeps_no_password(given: str, kept: str) -> None:
    from servicecheck.engine.captured import link_url

    assert link_url(given) == kept.format(cwd=Path.cwd())
