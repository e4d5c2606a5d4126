"""Capture as the front line meets it, the board, export, the API for council systems and the
store's migrations, on real SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicecheck.cli import app as cli
from servicecheck.store import open_store
from servicecheck.store.accounts import add_token

from .conftest import ROOT
from .test_web_security import sign_in

SECRET_WORDS = "my neighbour Mrs Quigley-Fairweather says the damp is back"


def capture(c: TestClient, csrf: str, **fields: str) -> Any:
    data = {"channel": "phone", "nature": "value", "demand_type": "Leak", "csrf": csrf,
            **fields}
    return c.post("/capture", data=data, headers={"HX-Request": "true"})


def export(c: TestClient) -> list[dict[str, str]]:
    r = c.get("/export/demands.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_capture_is_redacted_stored_and_on_the_board(web_app: Any) -> None:
    c, csrf = sign_in(web_app, "recorder")
    r = capture(c, csrf, verbatim="Leak under the sink, ring me on 07700 900123 or "
                                  "ann@example.org, NE1 4ST", demand_type="Leak",
                first_point_resolved="yes", case_id="R-1")
    assert r.status_code == 200 and "Recorded demand 1." in r.text
    assert 'autofocus' in r.text and "R-1" not in r.text  # a fresh form for the next call
    r = capture(c, csrf, verbatim="Third time I have rung about this", nature="failure",
                failure_kind="progress chasing", demand_type="Progress chase")
    assert "Recorded demand 2." in r.text
    r = capture(c, csrf, verbatim="", nature="failure", failure_kind="not a kind")
    assert r.status_code == 422 and "Not recorded yet" in r.text
    assert "verbatim: write what the citizen said" in r.text and "failure kind" in r.text
    board = c.get("/board", headers={"HX-Request": "true"}).text
    assert "Today: 2 demands" in board and "50% failure demand" in board
    assert "2 demands captured in all" in board
    a, _ = sign_in(web_app, "analyst")
    rows = export(a)
    assert [r["verbatim"] for r in rows] == [
        "Leak under the sink, ring me on [phone] or [email], [postcode]",
        "Third time I have rung about this"]
    assert rows[0]["first_point_resolved"] == "True" and rows[0]["case_id"] == "R-1"
    assert rows[1]["failure_kind"] == "progress chasing" and rows[1]["recorded_by"] == "recorder"
    audit = web_app.state.ctx.store.audit_log()
    assert audit[0].action == "export" and audit[0].actor == "analyst"
    assert "2 rows" in audit[0].detail


def test_suggestions_from_the_first_day_then_from_the_teams_labels(web_app: Any) -> None:
    from servicecheck.store.capture import demand_frame

    c, csrf = sign_in(web_app, "recorder")
    live = web_app.state.ctx.suggester
    live.maybe_learn(demand_frame(web_app.state.ctx.store, web_app.state.ctx.service),
                     wait=True)  # the starter model, learned as the app started
    r = c.post("/capture/suggest", data={"verbatim": "nobody turned up to fix my boiler, I "
                                                     "waited in all day", "csrf": csrf})
    assert "Suggested: <strong>failure</strong>" in r.text and "You decide." in r.text
    # its confidence is how often suggestions that confident were right, never "100% sure"
    assert "in 10 suggestions this confident were right" in r.text and "sure" not in r.text
    assert "progress chasing" not in r.text and "not done" not in r.text  # no kind yet
    r = c.post("/capture/suggest", data={"verbatim": "ok", "csrf": csrf})
    assert "Not sure whether this is value or failure demand" in r.text
    assert 'name="suggested_nature" value=""' in r.text
    chases = ["still waiting for the plumber", "nobody came again today",
              "chasing my repair again", "when is someone coming, third call",
              "has anyone booked my repair yet", "I was told someone would ring back"]
    new = ["my boiler has stopped", "there is a leak in the bathroom",
           "the front door lock is broken", "a window will not close",
           "the kitchen tap drips", "no hot water since this morning"]
    for i in range(5):
        for v in chases:
            capture(c, csrf, verbatim=f"{v} ({i})", nature="failure",
                    failure_kind="progress chasing")
        for v in new:
            capture(c, csrf, verbatim=f"{v} ({i})", nature="value")
    live.maybe_learn(demand_frame(web_app.state.ctx.store, web_app.state.ctx.service),
                     wait=True)
    r = c.post("/capture/suggest", data={"verbatim": "still waiting, nobody came", "csrf": csrf})
    assert "Suggested: <strong>failure</strong>" in r.text and "You decide." in r.text
    # thirty of the team's own failures with a kind: the kind is shown beside the nature
    assert ", progress chasing" in r.text
    r = c.post("/capture/suggest", data={"verbatim": "my boiler has a leak", "csrf": csrf})
    assert "Suggested: <strong>value</strong>" in r.text
    # the suggestion travels with the capture, and the person's choice is what is stored
    r = capture(c, csrf, verbatim="still waiting", nature="value", suggested_nature="failure",
                suggested_confidence="0.9")
    a, _ = sign_in(web_app, "analyst")
    last = export(a)[-1]
    assert (last["nature"], last["suggested_nature"]) == ("value", "failure")
    assert float(last["suggested_confidence"]) == 0.9


def test_api_takes_demand_from_council_systems(web_app: Any) -> None:
    token = add_token(web_app.state.ctx.store, "repairs-crm")
    c = TestClient(web_app)
    body = {"verbatim": "Boiler broken, tel 07700900123", "channel": "web",
            "nature": "value", "demand_type": "Heating", "case_id": "CRM-9",
            "received_at": "2025-03-01T09:30:00+00:00"}
    assert c.post("/api/demands", json=body).status_code == 401
    assert c.post("/api/demands", json=body,
                  headers={"Authorization": "Bearer nope"}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    r = c.post("/api/demands", json=body, headers=auth)
    assert r.status_code == 201 and r.json() == {"id": 1}
    for bad, words in [({**body, "channel": "pigeon"}, "channel: 'pigeon' is not one of"),
                       ({**body, "nature": "maybe"}, "nature"),
                       ({**body, "verbatim": ""}, "verbatim"),
                       ({**body, "received_at": "2025-03-01T09:30:00"}, "UTC offset")]:
        r = c.post("/api/demands", json=bad, headers=auth)
        assert r.status_code == 422 and words in r.text, bad
    a, _ = sign_in(web_app, "analyst")
    rows = export(a)
    assert len(rows) == 1 and rows[0]["verbatim"] == "Boiler broken, tel [phone]"
    assert rows[0]["source"] == "api:repairs-crm" and rows[0]["received_at"].startswith(
        "2025-03-01T09:30:00")
    schema = a.get("/openapi.json").json()
    demand_in = schema["components"]["schemas"]["DemandIn"]
    assert set(demand_in["required"]) == {"verbatim", "channel"}
    assert "/api/demands" in schema["paths"] and "/capture" not in schema["paths"]


def test_verbatims_never_reach_the_logs(web_app: Any, caplog: pytest.LogCaptureFixture
                                        ) -> None:
    caplog.set_level(logging.DEBUG)
    c, csrf = sign_in(web_app, "admin")
    capture(c, csrf, verbatim=SECRET_WORDS)
    c.post("/capture/suggest", data={"verbatim": SECRET_WORDS, "csrf": csrf})
    token = add_token(web_app.state.ctx.store, "crm")
    c.post("/api/demands", json={"verbatim": SECRET_WORDS, "channel": "web"},
           headers={"Authorization": f"Bearer {token}"})
    export(c)
    c.get("/admin")
    assert caplog.records  # the app and its libraries did log something
    assert "Quigley" not in caplog.text
    with web_app.state.ctx.store.engine.connect() as conn:
        audit = " ".join(r.detail for r in conn.execute(sa.text("SELECT detail FROM audit")))
    assert "Quigley" not in audit


def test_migrations_run_once_and_reach_head(store_url: str) -> None:
    first = open_store(store_url)
    first.close()
    again = open_store(store_url)  # a second start finds nothing to do
    from alembic.script import ScriptDirectory

    from servicecheck.store.db import at_head, head_revision

    # the numbered files' head is Alembic's own, and a migrated store is found at it
    assert ScriptDirectory(str(ROOT / "src/servicecheck/store/migrations")).get_current_head() == \
        head_revision() == "0003"
    assert at_head(again.engine)
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0003"
        tables = set(sa.inspect(conn).get_table_names())
    again.close()
    assert {"users", "sessions", "demands", "api_tokens", "audit", "login_attempts",
            "login_throttle", "second_labels"} <= tables


def test_users_and_tokens_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "sam", "--role", "analyst", "-d", db,
                            "--password-stdin"], input="a good long password\n")
    assert r.exit_code == 0 and "Added sam as analyst" in r.output
    r = runner.invoke(cli, ["users", "add", "sam", "-d", db, "--password-stdin"],
                      input="a good long password\n")
    assert r.exit_code == 2 and "already a user called 'sam'" in r.output
    r = runner.invoke(cli, ["users", "add", "kim", "--role", "boss", "-d", db,
                            "--password-stdin"], input="a good long password\n")
    assert r.exit_code == 2 and "'boss' is not a role" in r.output
    r = runner.invoke(cli, ["users", "add", "kim", "-d", db, "--password-stdin"],
                      input="short\n")
    assert r.exit_code == 2 and "shorter than 12 characters" in r.output
    r = runner.invoke(cli, ["tokens", "add", "crm", "-d", db])
    assert r.exit_code == 0 and r.output.strip().splitlines()[0].startswith("sc_")
    store = open_store(db)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM api_tokens")).scalar()
        hashes = conn.execute(sa.text("SELECT password_hash FROM users")).scalar()
    store.close()
    assert r.output.strip().splitlines()[0] not in str(stored)  # only a hash is kept
    assert str(hashes).startswith("$argon2id$")
    # the lifecycle: list, disable, enable, reset a password, revoke a token
    for args, stdin, code, words in [
        (["users", "list"], None, 0, "sam: analyst, active"),
        (["users", "disable", "sam"], None, 0, "Disabled sam: their sessions have ended."),
        (["users", "list"], None, 0, "sam: analyst, disabled"),
        (["users", "disable", "nobody"], None, 2, "there is no user called 'nobody'"),
        (["users", "enable", "sam"], None, 0, "Enabled sam."),
        (["users", "reset-password", "sam", "--password-stdin"], "password1234\n", 2,
         "the password is on the list of common passwords"),
        (["users", "reset-password", "sam", "--password-stdin"], "another good password\n",
         0, "Set a new password for sam"),
        (["users", "add", "", "--password-stdin"], "a good long password\n", 2,
         "the user name is empty"),
        (["tokens", "list"], None, 0, "crm: made "),
        (["tokens", "revoke", "crm"], None, 0, "Revoked the token of crm"),
        (["tokens", "list"], None, 0, ", revoked"),
        (["tokens", "revoke", "erp"], None, 2, "there is no integration called 'erp'"),
        (["purge", "--older-than-days", "nan"], None, 2, "'nan' is not a number of days"),
    ]:
        r = runner.invoke(cli, [*args, "-d", db], input=stdin)
        assert r.exit_code == code and words in r.output, (args, r.output)


def test_dashboards_show_the_workspace(tmp_path: Path, demo_workspace: Path) -> None:
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    app = create_app(str(tmp_path / "w.db"), workspace=demo_workspace)
    add_user(app.state.ctx.store, "analyst", "a long test password", "analyst")
    c, _ = sign_in(app, "analyst")
    for name, words in [("capability", "End-to-end days per need"),
                        ("flow", "the flow of the work"),
                        ("targets", "The target regime's view"),
                        ("summary", "End-to-end days: Heating and hot water")]:
        r = c.get(f"/dashboards/{name}")
        assert r.status_code == 200 and words in r.text and "<svg" in r.text, name
    assert c.get("/dashboards/nope").status_code == 404
    # the targets dashboard holds the table of clock choices and the regulator's figure
    targets = c.get("/dashboards/targets").text
    assert "figure moves with where its clock starts and stops" in targets
    assert "TSM RP02 (Regulator of Social Housing) as a landlord reports it" in targets
    # the summary as CSV: one row a measure, named as the dashboard names it
    r = c.get("/export/summary.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = r.text.splitlines()
    assert rows[0].startswith("measure,rule_set,points,latest")
    assert any(line.startswith("Failure demand %: phone,") for line in rows)
    # suggestions learned from the workspace's confirmed demand, in the background at start
    assert app.state.ctx.suggester.started.wait(300) and app.state.ctx.suggester.ready
    assert app.state.ctx.suggester._model.heads["nature"].own > 0


def test_purge_keeps_the_retention_period(store_url: str) -> None:
    import datetime as dt

    from servicecheck.service.model import Service
    from servicecheck.store.capture import Capture, purge, store_demand

    store = open_store(store_url)
    svc = Service(name="s")
    now = dt.datetime.now(dt.UTC)
    for age in (800, 400, 10):
        store_demand(store, svc, Capture(verbatim=f"{age} days ago", channel="phone",
                                         nature="value",
                                         received_at=now - dt.timedelta(days=age)),
                     recorded_by="t", source="form")
    assert purge(store, 730) == 1
    with store.engine.connect() as conn:
        left = [r[0] for r in conn.execute(sa.text("SELECT verbatim FROM demands ORDER BY id"))]
    assert left == ["400 days ago", "10 days ago"]
    assert store.audit_log()[0].action == "purge"
    store.close()
    r = CliRunner().invoke(cli, ["purge", "--older-than-days", "0", "-d", store_url])
    assert r.exit_code == 2 and "would delete today's demand" in r.output


def test_a_repeated_post_returns_the_first_answer_and_stores_nothing(web_app: Any) -> None:
    import concurrent.futures

    token = add_token(web_app.state.ctx.store, "crm")
    c = TestClient(web_app)
    auth = {"Authorization": f"Bearer {token}"}
    body = {"verbatim": "Boiler broken again", "channel": "web"}
    first = c.post("/api/demands", json=body, headers={**auth, "Idempotency-Key": "k-1"})
    again = c.post("/api/demands", json=body, headers={**auth, "Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    # the integration's own id in the body works the same; the header and it may agree
    by_id = c.post("/api/demands", json={**body, "external_id": "CRM-77"}, headers=auth)
    same = c.post("/api/demands", json={**body, "external_id": "CRM-77"},
                  headers={**auth, "Idempotency-Key": "CRM-77"})
    assert by_id.json() == same.json() and by_id.json() != first.json()
    differ = c.post("/api/demands", json={**body, "external_id": "CRM-77"},
                    headers={**auth, "Idempotency-Key": "CRM-78"})
    assert differ.status_code == 422 and "Idempotency-Key header and external_id differ" in \
        differ.text
    # another demand under a used id is refused, naming the first
    r = c.post("/api/demands", json={**body, "verbatim": "Something else"},
               headers={**auth, "Idempotency-Key": "k-1"})
    assert r.status_code == 409 and "sent before with a different demand" in r.text
    # concurrent repeats: one row
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: c.post(
            "/api/demands", json=body, headers={**auth, "Idempotency-Key": "k-2"}), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    with web_app.state.ctx.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM demands")).scalar() == 3
    # another integration may use the same id for its own demand
    other = add_token(web_app.state.ctx.store, "erp")
    r = c.post("/api/demands", json=body,
               headers={"Authorization": f"Bearer {other}", "Idempotency-Key": "k-1"})
    assert r.status_code == 201 and r.json()["id"] not in (first.json()["id"],)
