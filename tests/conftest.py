"""Where the shared reference data live (CI has ../shared beside the clone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SERVICECHECK_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SPC_VECTORS = Path(os.environ.get("SERVICECHECK_SPC_VECTORS", SHARED / "reference" / "spc"))
FLOW_ORACLES = Path(os.environ.get("SERVICECHECK_FLOW_ORACLES", SHARED / "reference" / "flow"))


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run once for the session (12,000 events); tests only read its workspace."""
    from typer.testing import CliRunner

    from servicecheck.cli import app

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--events", "12000"])
    assert result.exit_code == 0, result.output
    return out / "housing-repairs.duckdb"


# -- the web app's store: real SQLite and a real PostgreSQL (scripts/postgres-up starts it) ----
POSTGRES = os.environ.get("SERVICECHECK_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:54329/servicecheck_test")
PASSWORD = "a long test password"
ROLES = ("recorder", "analyst", "admin")


def fresh_postgres_database() -> tuple[str, object]:
    """A new, empty database on the test server; returns its URL and a function to drop it."""
    import uuid

    import psycopg

    base = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    name = f"sc_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"the test PostgreSQL server is not reachable at {base} ({exc}); "
                    "start it with scripts/postgres-up (scripts/test does)")
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return POSTGRES.rsplit("/", 1)[0] + f"/{name}", drop


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield str(tmp_path / "web.db")
        return
    url, drop = fresh_postgres_database()
    yield url
    drop()  # type: ignore[operator]


@pytest.fixture
def web_service() -> object:
    from servicecheck.service.model import Service

    return Service(name="Housing repairs", demand_types=("Leak", "Heating", "Progress chase"))


@pytest.fixture
def web_app(store_url: str, web_service: object) -> object:
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    app = create_app(store_url, service=web_service)  # type: ignore[arg-type]
    for role in ROLES:
        add_user(app.state.ctx.store, role, PASSWORD, role)
    yield app
    app.state.ctx.store.close()
