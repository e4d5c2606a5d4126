"""The service file as a form: the log's own activities to choose the clock from, with how many
needs each end leaves open; every problem beside its field, nothing written; a good form saved
as the TOML a CLI user edits (comments and untouched keys kept) and into the workspace, so the
next report uses it. Real files, the demo's workspace (copied)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from servicecheck.engine.workspace import Workspace
from servicecheck.measures.clock_choice import clock_choices
from servicecheck.store.accounts import add_user

from .conftest import PASSWORD
from .test_web_security import sign_in


@pytest.fixture
def analyst(tmp_path: Path, demo_workspace: Path) -> Any:
    from servicecheck.web import create_app

    ws = tmp_path / "ws.duckdb"
    shutil.copy(demo_workspace, ws)
    service = tmp_path / "service.toml"
    shutil.copy(demo_workspace.parent / "data" / "service.toml", service)
    app = create_app(str(tmp_path / "web.db"), service=service, workspace=ws)
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    add_user(app.state.ctx.store, "recorder", PASSWORD, "recorder")
    c, csrf = sign_in(app, "analyst")
    yield app, c, csrf, service, ws
    app.state.ctx.store.close()


def test_each_end_says_how_many_needs_it_would_leave_open(demo_workspace: Path) -> None:
    with Workspace(demo_workspace, read_only=True) as ws:
        svc = ws.service()
        table, total = clock_choices(ws, svc)
        from servicecheck.measures.needs import needs

        met = needs(ws, svc)
    row = table.set_index("activity").loc["Repair completed"]
    # the service's own end is 'Repair completed': the needs it leaves open are capability's
    assert total == len(met) and row["left_open"] == int(met["open"].sum())
    assert (table["needs"] <= total).all() and (table["left_open"] <= total).all()
    assert table["events"].is_monotonic_decreasing


def form(page: str) -> dict[str, list[str]]:
    """The form's fields as the browser would send them unchanged."""
    fields: dict[str, list[str]] = {}
    for tag in re.finditer(r"<(input|textarea)([^>]*)>(?:([^<]*)</textarea>)?", page):
        attrs = dict(re.findall(r'([\w.-]+)="([^"]*)"', tag.group(2)))
        if "name" not in attrs or attrs.get("type") == "submit":
            continue
        if attrs.get("type") == "checkbox" and " checked" not in tag.group(2):
            continue
        value = tag.group(3) if tag.group(1) == "textarea" else attrs.get("value", "")
        fields.setdefault(attrs["name"], []).append(
            (value or "").replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"'))
    for select in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        fields.setdefault(select.group(1), []).append(chosen.group(1) if chosen else "")
    return fields


def test_the_form_saves_the_file_a_cli_user_edits(analyst: Any) -> None:
    app, c, csrf, service, ws = analyst
    r = c.get("/service")
    assert r.status_code == 200
    assert re.search(r"Repair completed\s*<span class=\"muted\">— [\d,]+ of [\d,]+ needs have "
                     r"it; as the only end, [\d,]+ would stay open", r.text)
    sent = form(r.text)
    assert sent["clock.end"] == ["Repair completed"]
    before = service.read_text(encoding="utf-8")
    sent.update({"purpose": ["Fix it first time, when it suits me"],
                 "clock.end": ["Repair completed", "Order closed"],
                 "demand.types": ["Leaks\nHeating\nDamp and mould"],
                 "targets.timescales": ["P1 = 24h\nP2 = 7d\nP3 = 28d"],
                 "change.date": [sent["change.date"][0], "2025-02-03"],
                 "change.what": [sent["change.what"][0], "Booked at first call"],
                 "costs.visit_cost": ["30"]})
    r = c.post("/service", data={**sent, "csrf": csrf})
    assert r.status_code == 200 and "Saved to" in r.text, r.text
    text = service.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["purpose"] == "Fix it first time, when it suits me"
    assert data["clock"]["end"] == ["Repair completed", "Order closed"]
    assert data["demand"]["types"] == ["Leaks", "Heating", "Damp and mould"]
    assert data["targets"]["timescales"] == {"P1": "24h", "P2": "7d", "P3": "28d"}
    # the team's own change keeps who made it and its recalculated limits; the new one joins
    assert data["changes"] == [*tomllib.loads(before)["changes"],
                               {"date": "2025-02-03", "what": "Booked at first call"}]
    assert data["costs"]["visit_cost"] == 30.0
    # the team's comments and the keys the form does not show are kept as they were
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text for line in comments)
    assert data["demand"]["link_within_days"] == tomllib.loads(before)["demand"][
        "link_within_days"]
    # the workspace has it: the report reads the service from there
    with Workspace(ws, read_only=True) as w:
        stored = w.service()
    assert stored.purpose == "Fix it first time, when it suits me"
    assert stored.clock.end == ("Repair completed", "Order closed")
    assert app.state.ctx.service.demand_types == ("Leaks", "Heating", "Damp and mould")
    # and capture offers the new typology at once
    assert '<option>Damp and mould</option>' in c.get("/capture").text


# a field's new value, the field shown in error, words beside it
BAD = [
    ({"costs.visit_cost": ["thirty"]}, "costs-visit_cost", "costs.visit_cost must be a number"),
    ({"timezone": ["Mars/Olympus"]}, "timezone", "is not a time zone in the IANA database"),
    ({"targets.timescales": ["P1 = soon"]}, "targets-timescales", "is not a duration"),
    ({"targets.timescales": ["P1 soon"]}, "targets-timescales", "is not &#39;name = value&#39;"),
    ({"redesign_date": ["2025-13-01"]}, "redesign_date", "is not a date"),
    ({"change.date": ["2025-02-03"], "change.what": [""]}, "changes", "needs a date"),
    ({"demand.cost_per_minute": ["-1"]}, "demand-cost_per_minute", "is out of range"),
    ({"demand.handling_minutes": ["phone = 20000"]}, "demand-handling_minutes",
     "is out of range"),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD)
def test_each_problem_is_beside_its_field_and_nothing_is_written(
        analyst: Any, change: dict[str, list[str]], field: str, words: str) -> None:
    _, c, csrf, service, _ = analyst
    before = service.read_text(encoding="utf-8")
    sent = {**form(c.get("/service").text), **change}
    r = c.post("/service", data={**sent, "csrf": csrf})
    assert r.status_code == 422
    beside = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', r.text)
    assert beside and words in beside.group(1), r.text[r.text.find("Not saved"):][:600]
    assert "Not saved yet" in r.text
    for value in change.values():  # what was typed stays in the form
        if value[0]:
            assert value[0].replace("'", "&#39;") in r.text
    assert service.read_text(encoding="utf-8") == before


def test_only_analysts_change_the_service_and_only_with_the_form_token(analyst: Any) -> None:
    app, c, _, service, _ = analyst
    r_, rcsrf = sign_in(app, "recorder")
    assert r_.get("/service").status_code == 403
    assert r_.post("/service", data={"csrf": rcsrf, "purpose": "x"}).status_code == 403
    before = service.read_text(encoding="utf-8")
    assert c.post("/service", data={"purpose": "no token"}).status_code == 403
    assert service.read_text(encoding="utf-8") == before
