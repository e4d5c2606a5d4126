"""Joined-up: two services in one workspace, one citizen across them by a pseudonymous
reference (never the raw identifier), and the failure demand one causes in the other,
recovered exactly from the generator's ground truth."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck.cli import app
from servicecheck.engine.workspace import Workspace
from servicecheck.generators.benefits import GeneratedPair, load_pair
from servicecheck.io.pseudonym import citizen_ref, salt
from servicecheck.measures.joined_up import (
    Window,
    cross_failure,
    cross_matrix,
    followed_by,
    journey,
    per_month,
    services_per_citizen,
)

WINDOW = Window(min_open_days=28)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, GeneratedPair, str]]:
    folder = tmp_path_factory.mktemp("pair")
    before = os.environ.get("SERVICECHECK_SALT_FILE")
    os.environ["SERVICECHECK_SALT_FILE"] = str(folder / "secret" / "salt")
    path = folder / "council.duckdb"
    with Workspace(path) as ws:
        g = load_pair(folder / "data", ws, citizens=1500, seed=7)
    yield path, g, salt()
    if before is None:
        del os.environ["SERVICECHECK_SALT_FILE"]
    else:
        os.environ["SERVICECHECK_SALT_FILE"] = before


def test_the_salt_lives_outside_the_workspace(pair: tuple[Path, GeneratedPair, str]) -> None:
    path, _, secret = pair
    salt_file = Path(os.environ["SERVICECHECK_SALT_FILE"])
    assert salt_file.read_text().strip() == secret and len(secret) == 64
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    assert salt_file.parent != path.parent


def test_the_raw_identifier_appears_nowhere_in_the_workspace(
        pair: tuple[Path, GeneratedPair, str]) -> None:
    path, g, secret = pair
    raw = pd.read_parquet(g.council_tax_demands)["customer_no"]
    assert raw.str.startswith("CUST-").all()
    con = duckdb.connect(str(path), read_only=True)
    text_columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR'").fetchall()
    assert len(text_columns) > 20
    for table, column in text_columns:
        hits = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE \'%CUST-%\''
                           ).fetchone()
        assert hits == (0,), (table, column)
    assert secret not in " ".join(str(r) for r in con.execute("SELECT * FROM services"
                                                              ).fetchall())
    con.close()
    data = path.read_bytes()
    assert b"CUST-" not in data and secret.encode() not in data
    # and the reference is the salted hash of the identifier, the same in both services
    with Workspace(path, read_only=True) as ws:
        refs = set(ws.raw.execute("SELECT DISTINCT citizen_ref FROM demands").df()["citizen_ref"])
    assert citizen_ref(raw.iloc[0]) in refs
    assert citizen_ref(raw.iloc[0], "another salt") not in refs


def test_cross_service_failure_demand_matches_the_ground_truth(
        pair: tuple[Path, GeneratedPair, str]) -> None:
    path, g, _ = pair
    truth = pd.read_parquet(g.truth)
    caused = truth[truth["caused_by"].notna()].set_index("demand_id")["caused_by"]
    with Workspace(path, read_only=True) as ws:
        found = cross_failure(ws, "housing-benefit", "council-tax", WINDOW)
        m = cross_matrix(ws, WINDOW).set_index(["cause", "effect"])
        months = per_month(ws, "housing-benefit", "council-tax", WINDOW)
    assert len(caused) > 100
    assert sorted(found["demand_id"]) == sorted(caused.index)
    assert (found.set_index("demand_id")["cause_need"] == caused.loc[found["demand_id"]]).all()
    assert m.loc[("housing-benefit", "council-tax"), "failure_demands"] == len(caused)
    assert months["caused"].sum() == len(caused)
    # without the 28-day rule, no more is attributed here: the others fall outside any claim
    with Workspace(path, read_only=True) as ws:
        loose = cross_failure(ws, "housing-benefit", "council-tax")
    assert set(loose["demand_id"]) == set(caused.index)


def test_citizens_across_services(pair: tuple[Path, GeneratedPair, str]) -> None:
    path, g, _ = pair
    claims = pd.read_parquet(g.benefit_events)
    claimants = claims["customer_no"].nunique()
    with Workspace(path, read_only=True) as ws:
        per = services_per_citizen(ws)
        share = followed_by(ws, "housing-benefit", "council-tax", 365)
        someone = citizen_ref(claims["customer_no"].iloc[0])
        steps = journey(ws, someone)
    assert len(per) == 1500 and int((per["services"] == 2).sum()) == claimants
    assert 0 < share < 1
    assert set(steps["service"]) == {"housing-benefit", "council-tax"}
    assert steps["at"].is_monotonic_increasing
    assert "Claim received" in set(steps["what"])


def test_joined_up_command_and_report(pair: tuple[Path, GeneratedPair, str],
                                      tmp_path: Path) -> None:
    path, g, _ = pair
    runner = CliRunner()
    r = runner.invoke(app, ["joined-up", "-w", str(path), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "failure demands in Council tax" in text
    assert "came from people with a need in Housing benefit open more than 28 days" in text
    assert "At its highest, in" in text and "1 in " in text
    assert (tmp_path / "between-services.svg").read_text().count("<svg") == 1
    claimant = pd.read_parquet(g.benefit_events)["customer_no"].iloc[0]
    r = runner.invoke(app, ["joined-up", "-w", str(path), "--citizen", citizen_ref(claimant)])
    assert r.exit_code == 0 and "Claim received" in " ".join(r.output.split())
    r = runner.invoke(app, ["joined-up", "-w", str(path), "--citizen", "nobody"])
    assert r.exit_code == 2 and "no event or contact" in r.output
    r = runner.invoke(app, ["report", "-w", str(path), "--service", "council-tax",
                            "-o", str(tmp_path / "ct.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "ct.html").read_text()
    assert 'id="joined-up"' in page and "Failure demand one service causes in another" in page


def test_only_admins_see_a_journey_in_the_web_app(pair: tuple[Path, GeneratedPair, str],
                                                 tmp_path: Path) -> None:
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    from .conftest import PASSWORD
    from .test_web_security import sign_in

    path, g, _ = pair
    web = create_app(str(tmp_path / "w.db"), workspace=path, service=g.benefit_service)
    for role in ("analyst", "admin"):
        add_user(web.state.ctx.store, role, PASSWORD, role)
    ref = citizen_ref(pd.read_parquet(g.benefit_events)["customer_no"].iloc[0])
    analyst, _ = sign_in(web, "analyst")
    assert analyst.get(f"/journey?ref={ref}").status_code == 403
    admin, _ = sign_in(web, "admin")
    r = admin.get(f"/journey?ref={ref}")
    assert r.status_code == 200 and "Claim received" in r.text and "council-tax" in r.text
    assert web.state.ctx.store.audit_log()[0].action == "journey viewed"


def test_two_services_with_no_citizen_reference_say_so(tmp_path: Path) -> None:
    """Two services brought in with no citizen's id (two offices' exports in the web app): the
    Joined-up section says no person can be followed, never "0 citizens ... nan%"."""
    from servicecheck.io.eventlog import import_events
    from servicecheck.report.sections import joined_up_section
    from servicecheck.service.model import Service

    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        for name in ("Housing repairs", "Benefit claims"):
            log = tmp_path / f"{name}.csv"
            log.write_text("case,activity,time\n" + "".join(
                f"{name[0]}{i},{step},2024-03-0{i} 0{h}:00\n" for i in range(1, 5)
                for h, step in ((8, "Reported"), (9, "Done"))), encoding="utf-8")
            import_events(ws, log, service=Service(name=name, columns={
                "case_id": "case", "activity": "activity", "timestamp": "time"}))
    with Workspace(path, read_only=True) as ws:
        section = joined_up_section(ws)
    assert section.lead == [
        "The workspace holds 2 services, but no citizen reference links a person across "
        "them: import each with the same citizen identifier (the citizen's own id) to see "
        "one citizen across services."]
    (table,) = section.tables
    assert {row[3] for row in table.rows} == {"no failure demand"}
