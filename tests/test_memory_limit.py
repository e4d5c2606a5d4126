"""How much memory DuckDB may use, given on the command line or in the environment, and the one
sentence a person reads when the work does not fit in it: never a traceback. Real DuckDB, run
out of a real (tiny) limit."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from servicecheck.engine.memory import (
    MEMORY_LIMIT_ENV,
    _without_limit,
    default_memory_limit,
    memory_config,
    out_of_memory,
)
from servicecheck.engine.workspace import Workspace
from servicecheck.io.errors import InputError

from .conftest import PASSWORD
from .test_web_security import sign_in

ENV_CASES = [  # (given, environment, limit in the settings, insertion order kept)
    (None, None, default_memory_limit(), None),
    ("2GB", None, "2GB", False),
    (None, "3GiB", "3GiB", False),
    ("2GB", "3GiB", "2GB", False),  # the caller's own limit before the environment's
    (None, "", default_memory_limit(), None),  # set but empty: as if not set
]


@pytest.mark.parametrize(("given", "env", "limit", "order"), ENV_CASES)
def test_the_limit_comes_from_the_caller_the_environment_or_the_machine(
        monkeypatch: pytest.MonkeyPatch, given: str | None, env: str | None, limit: str,
        order: bool | None) -> None:
    if env is None:
        monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    else:
        monkeypatch.setenv(MEMORY_LIMIT_ENV, env)
    config = memory_config(None, given, None)
    assert config["memory_limit"] == limit
    assert config.get("preserve_insertion_order") == order


@pytest.mark.parametrize("text", ["lots", "4 gigs", "0", "GB"])
def test_a_limit_duckdb_cannot_read_is_one_sentence_naming_where_it_was_given(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
    with pytest.raises(InputError) as caught:
        Workspace()
    assert str(caught.value) == (f"{MEMORY_LIMIT_ENV}: '{text}' is not an amount of memory; "
                                 "write it like 2GB, 1500MB or 3GiB.")


WITHOUT = [
    (["flow", "-w", "ws.duckdb"], ["flow", "-w", "ws.duckdb"]),
    (["--memory-limit", "1MB", "flow", "-w", "w"], ["flow", "-w", "w"]),
    (["--memory-limit=1MB", "report", "-w", "w"], ["report", "-w", "w"]),
    (["report", "-w", "my file.duckdb"], ["report", "-w", "my file.duckdb"]),
]


@pytest.mark.parametrize(("args", "kept"), WITHOUT)
def test_the_fix_gives_the_command_again_without_the_limit_given_before(
        args: list[str], kept: list[str]) -> None:
    assert _without_limit(args) == kept


def test_errors_other_than_memory_are_not_told_as_memory() -> None:
    import duckdb

    assert out_of_memory(ValueError("no"), run_again=[]) is None
    with duckdb.connect() as con, pytest.raises(duckdb.Error) as caught:
        con.execute("SELECT * FROM nowhere")
    assert out_of_memory(caught.value, run_again=[]) is None


def test_the_default_limit_run_out_of_suggests_four_times_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    monkeypatch.setenv(MEMORY_LIMIT_ENV, "768MiB")
    said = out_of_memory(duckdb.OutOfMemoryException("Out of Memory Error: ..."),
                         run_again=["report", "-w", "national.duckdb", "-o", "check.html"])
    assert said is not None and said.suggested == "3GiB"
    assert str(said).startswith(
        "DuckDB ran out of the 768 MiB of memory it may use; run it again with more, like "
        "'servicecheck --memory-limit 3GiB report -w national.duckdb -o check.html' (this "
        "machine has ")
    assert str(said).endswith(f"GiB), or set {MEMORY_LIMIT_ENV}=3GiB.")


def test_a_limit_near_a_quarter_of_the_machine_run_out_of_suggests_a_part_of_the_data(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from servicecheck.engine.memory import machine_memory

    total = machine_memory()
    assert total is not None
    monkeypatch.setenv(MEMORY_LIMIT_ENV, f"{total // 4 // 2**20}MiB")
    said = out_of_memory(duckdb.OutOfMemoryException("Out of Memory Error: ..."),
                         run_again=["report", "-w", "national.duckdb"])
    assert said is not None and said.suggested is None
    assert "this machine cannot give it much more" in str(said)
    assert str(said).endswith("; analyse a part of the data at a time (a region, a year), or "
                              "use a machine with more memory.")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "servicecheck", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


CLI_CASES = [  # (arguments before the command, environment)
    (["--memory-limit", "1MB"], {}),
    ([], {MEMORY_LIMIT_ENV: "1MB"}),
]


@pytest.mark.parametrize(("before", "env"), CLI_CASES)
def test_the_command_line_out_of_memory_is_one_sentence_with_the_command_to_run_again(
        demo_workspace: Path, before: list[str], env: dict[str, str]) -> None:
    done = _cli(*before, "flow", "-w", str(demo_workspace), env=env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Possible solutions" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: DuckDB ran out of the 1 MiB of memory it may use; run it "
                               "again with more, like 'servicecheck --memory-limit 1GiB flow -w ")
    assert str(demo_workspace) in lines[0]


def test_the_command_line_limit_is_read_and_a_bad_one_is_one_sentence(
        demo_workspace: Path) -> None:
    bad = _cli("--memory-limit", "4 gigs", "summary", "-w", str(demo_workspace))
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("error: --memory-limit: '4 gigs' is not an amount of memory; "
                                  "write it like 2GB, 1500MB or 3GiB.")
    # a limit it can work in: the command runs as without one
    good = _cli("--memory-limit", "2GB", "summary", "-w", str(demo_workspace))
    plain = _cli("summary", "-w", str(demo_workspace))
    assert good.returncode == 0 and good.stdout == plain.stdout


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_web_app_out_of_memory_is_the_sentence_with_how_to_start_the_server(
        demo_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from servicecheck.store.accounts import add_user
    from servicecheck.web import create_app

    app: Any = create_app(str(tmp_path / "web.db"), workspace=demo_workspace)
    add_user(app.state.ctx.store, "boss", PASSWORD, "admin")
    try:
        c, csrf = sign_in(app, "boss")
        monkeypatch.setenv(MEMORY_LIMIT_ENV, "1MB")
        fix = "start the server with more, like 'servicecheck --memory-limit 1GiB serve'"
        r = c.get("/dashboards/capability")
        assert r.status_code == 503, r.text[:300]
        words = _words(r.text)
        assert "DuckDB ran out of the 1 MiB of memory it may use; " + fix in words
        assert "Possible solutions" not in r.text
        # the report's button: the page that starts it opens the workspace first
        r = c.post("/report", data={"csrf": csrf})
        assert r.status_code == 503 and fix in _words(r.text)
    finally:
        app.state.ctx.uploads.close()
        app.state.ctx.store.close()


def test_a_report_made_for_the_web_app_says_it_ran_out_after_could_not_be_made(
        demo_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from servicecheck.web.reports import Reports

    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1MB")
    reports = Reports()
    try:
        job = reports.start(demo_workspace, None, "boss")
        deadline = time.monotonic() + 120
        while not job.done and time.monotonic() < deadline:
            time.sleep(0.1)
        assert job.error is not None and job.error.startswith(
            "DuckDB ran out of the 1 MiB of memory it may use; start the server with more, like "
            "'servicecheck --memory-limit 1GiB serve'"), job.error
        assert not job.files
    finally:
        reports.close()


def test_releasing_memory_between_sections_frees_what_only_a_cycle_held() -> None:
    """What a finished section left in a reference cycle (a frame its own closure holds) is
    freed by release_memory, not carried into the next section's peak."""
    import gc
    import weakref

    from servicecheck.engine.memory import release_memory

    class Held:
        pass

    gc.disable()  # (no collection by chance between the cycle and the call)
    try:
        held = Held()
        held.me = held  # type: ignore[attr-defined]
        gone = weakref.ref(held)
        del held
        assert gone() is not None
        release_memory()
        assert gone() is None
    finally:
        gc.enable()
