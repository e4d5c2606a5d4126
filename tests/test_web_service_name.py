"""The service's name on every page that names it (the header and title, the dashboards, the
Check report's page, the imports page) comes from the service's own definition, never from
the workspace file's name ("Ws" for ws.duckdb); a service with no name yet says so, and the
first file brought in (or the service file's form) names it. Real workspace, store, files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from servicecheck.engine.workspace import Workspace
from servicecheck.io.eventlog import import_events
from servicecheck.service.model import Service
from servicecheck.store.accounts import add_user

from .conftest import PASSWORD
from .test_web_security import sign_in
from .test_web_upload import job_list, sent, text, upload

UNNAMED = "A service not named yet"


def brand(html: str) -> str:
    found = re.search(r'<p class="brand">(.*?)</p>', html, re.S)
    assert found, html[:300]
    return text(found.group(1))


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1)


def app_over(tmp_path: Path, ws: Path) -> tuple[Any, Any, str]:
    from servicecheck.web import create_app

    app = create_app(str(tmp_path / "web.db"), workspace=ws)
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    assert app.state.ctx.suggester.started.wait(60)
    c, csrf = sign_in(app, "analyst")
    return app, c, csrf


def log(path: Path, prefix: str) -> Path:
    rows = [f"{prefix}{i},{step},2024-03-0{1 + i % 5} 0{h}:00"
            for i in range(1, 9) for h, step in ((8, "Reported"), (9, "Done"))]
    path.write_text("case,activity,time\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_services(tmp_path: Path) -> Path:
    """A workspace the command line filled: two services, each with its own definition."""
    ws = tmp_path / "ws.duckdb"
    with Workspace(ws) as w:
        for name, prefix, zone in (("Housing repairs", "R", "Europe/London"),
                                   ("Benefit claims", "B", "Asia/Tokyo")):
            svc = Service(name=name, timezone=zone, columns={
                "case_id": "case", "activity": "activity", "timestamp": "time"})
            import_events(w, log(tmp_path / f"{prefix}.csv", prefix), service=svc)
    return ws


def test_a_new_workspace_names_no_service_until_the_first_file_names_it(
        tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    app, c, csrf = app_over(tmp_path, ws)
    try:
        # the Check often starts with demand: captured before the service has a name
        for words in ("my boiler has stopped", "when is someone coming?"):
            got = c.post("/capture", data={"verbatim": words, "channel": "phone",
                                            "nature": "unknown", "csrf": csrf},
                         headers={"HX-Request": "true"})
            assert got.status_code == 200, text(got.text)[:300]
        first = c.get("/upload")
        # not "Ws": the workspace file's name is no service's name
        assert brand(first.text).startswith(UNNAMED) and "Ws" not in title(first.text)
        assert title(first.text) == f"{UNNAMED} · servicecheck" or "Bring" in title(first.text)
        r = upload(c, csrf, job_list(tmp_path / "march", jobs=20))
        assert r.status_code == 200, text(r.text)[:600]
        form = sent(r.text, "confirm-form")
        # the file is brought in as a new service, whose name is asked for
        assert form["service"] == "+new"
        assert '<input type="radio" name="service" value="service"' not in r.text
        action = re.search(r'action="(/upload/[^/]+/import)"', r.text)
        assert action
        refused = c.post(action.group(1), data=form)
        assert refused.status_code == 422
        assert "Give the new service's name, like Housing repairs." in text(refused.text)
        r = c.post(action.group(1), data={**form, "new_service": "Housing repairs"})
        assert r.status_code == 200, text(r.text)[:600]
        # it is the app's own service now: named on every page, and not "another" service
        assert brand(r.text) == "Housing repairs"
        assert "It went into the workspace as the service" not in text(r.text)
        for path in ("/capture", "/report", "/imports", "/service"):
            got = c.get(path)
            assert got.status_code == 200, path
            assert brand(got.text) == "Housing repairs", path
        imports = c.get("/imports").text
        row = re.search(r'<tr id="import-\d+">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>', imports)
        assert row and row.group(1) == "Housing repairs"
        dash = c.get("/dashboards/summary").text
        assert 'id="shown">Housing repairs: from the workspace' in dash
        save = re.search(r'action="(/upload/[^/]+/save)"', r.text)
        assert save and c.post(save.group(1), data={"csrf": csrf}).status_code == 200
        # a second office's file, as a service of its own: the app's own stays the first,
        # and stays so after a restart (it was the first by key: "benefit-claims")
        r = upload(c, csrf, job_list(tmp_path / "april", jobs=20, name="claims.xlsx"))
        action = re.search(r'action="(/upload/[^/]+/import)"', r.text)
        assert action
        r = c.post(action.group(1), data={**sent(r.text, "confirm-form"), "service": "+new",
                                          "new_service": "Benefit claims"})
        assert r.status_code == 200, text(r.text)[:600]
        assert brand(r.text) == "Housing repairs"
        save = re.search(r'action="(/upload/[^/]+/save)"', r.text)
        assert save and c.post(save.group(1), data={"csrf": csrf}).status_code == 200
        assert (tmp_path / "benefit-claims.toml").exists()
        assert 'name = "Housing repairs"' in (tmp_path / "service.toml").read_text()
        with Workspace(ws, read_only=True) as w:
            assert w.services() == ["benefit-claims", "housing-repairs"]
            assert w.service("housing-repairs").name == "Housing repairs"
            # the demand captured before the name came with it, read where it is
            assert sorted(w.demands("housing-repairs").verbatim.to_pandas()) == [
                "my boiler has stopped", "when is someone coming?"]
        exported = c.get("/export/demands.csv").text.splitlines()
        assert len(exported) == 3 and all(",housing-repairs," in line for line in exported[1:])
        # restarted (on a store of its own), the app's own service is the one it named
        (tmp_path / "again").mkdir()
        again, c2, _ = app_over(tmp_path / "again", ws)
        try:
            assert brand(c2.get("/capture").text) == "Housing repairs"
        finally:
            again.state.ctx.store.close()
    finally:
        app.state.ctx.uploads.close()
        app.state.ctx.store.close()


def test_the_service_form_names_a_service_that_has_no_name(tmp_path: Path) -> None:
    app, c, csrf = app_over(tmp_path, tmp_path / "ws.duckdb")
    try:
        form = c.get("/service").text
        assert '<input id="name" name="name"' in form
        fields = sent(form, "service-form")
        refused = c.post("/service", data={**fields, "csrf": csrf, "name": " "})
        assert refused.status_code == 422
        assert re.findall(r'id="name-error"[^>]*>([^<]*)<', refused.text) == [
            "Give the service&#39;s name, like Housing repairs."]
        assert not (tmp_path / "service.toml").exists()
        r = c.post("/service", data={**fields, "csrf": csrf, "name": "  Council   tax "})
        assert r.status_code == 200, text(r.text)[:600]
        assert brand(r.text) == "Council tax"
        assert 'name="name"' not in re.sub(r'name="(team|targets)\.name"', "", r.text)
        assert 'name = "Council tax"' in (tmp_path / "service.toml").read_text()
    finally:
        app.state.ctx.store.close()


def test_a_workspace_of_two_services_names_each_by_its_own_name(
        tmp_path: Path, two_services: Path) -> None:
    # no service file: the app starts (it refused to, "several services") and names the
    # first it keeps a definition of; the other is chosen by its name on each page
    app, c, _ = app_over(tmp_path, two_services)
    try:
        assert brand(c.get("/capture").text) == "Benefit claims"
        imports = c.get("/imports").text
        listed = re.findall(r'<tr id="import-\d+">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>'
                            r'\s*<td>([^<]*)</td>', imports)
        assert sorted(n for n, _ in listed) == ["Benefit claims", "Housing repairs"]
        # each import's time on its own service's clock: Tokyo is 9 hours ahead of London
        # in December (the imports were a moment apart)
        at = {n: dt.datetime.strptime(when, "%d %b %Y, %H:%M") for n, when in listed}
        ahead = (at["Benefit claims"] - at["Housing repairs"]).total_seconds() / 3600
        assert 8.9 < ahead < 9.1 or 7.9 < ahead < 8.1, listed  # (8 in British summer time)
        report = c.get("/report").text
        assert re.findall(r'<option value="([^"]+)">([^<]+)</option>', report) == [
            ("benefit-claims", "Benefit claims"), ("housing-repairs", "Housing repairs")]
        dash = c.get("/dashboards/capability?service=housing-repairs").text
        assert 'id="shown">Housing repairs: from the workspace' in dash
        assert 'id="shown">Benefit claims: from the workspace' in c.get(
            "/dashboards/capability").text
        assert "Ws" not in text(dash).split()
    finally:
        app.state.ctx.store.close()


# the pages that read the workspace, before anything is brought in (its file is made by the
# first import): one sentence pointing to Bring your data, never a server error (the
# dashboards failed the request) nor the command line's words
EMPTY_PAGES = [("GET", "/dashboards/summary", 404), ("GET", "/dashboards/flow", 404),
               ("GET", "/export/summary.csv", 404), ("POST", "/report", 404)]


def test_before_anything_is_brought_in_each_page_says_where_to_start(tmp_path: Path) -> None:
    app, c, csrf = app_over(tmp_path, tmp_path / "ws.duckdb")
    try:
        for method, path, status in EMPTY_PAGES:
            r = c.request(method, path, data={"csrf": csrf} if method == "POST" else None)
            assert r.status_code == status, path
            assert ("Nothing has been brought in yet: bring your service's data in under Bring "
                    "your data, and this page shows it.") in text(r.text), path
            assert "servicecheck import" not in r.text, path
        report = c.get("/report").text
        assert 'id="nothing-yet"' in report and 'id="make-report"' not in report
        assert not (tmp_path / "ws.duckdb").exists()  # no page made it
    finally:
        app.state.ctx.store.close()
