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
