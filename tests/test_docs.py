"""The documentation is kept true by running it: every CLI command and option documented,
every service-file key documented, every example service file loads, every command and
Python block of the tutorials runs, the site builds offline with warnings as errors, and the
notebook runs top to bottom."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from servicecheck.cli.docs import cli_reference
from servicecheck.service.model import SERVICE_KEYS, Service

from .conftest import ROOT, SHARED

DOCS = ROOT / "docs"


def blocks(page: Path, language: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_cli_reference_is_the_cli() -> None:
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert page == cli_reference(), \
        "regenerate it: python -m servicecheck.cli.docs > docs/reference/cli.md"


def test_every_command_and_option_is_in_the_reference() -> None:
    import typer

    from servicecheck.cli import app

    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    seen = 0
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = cmd.commands.items() if hasattr(cmd, "commands") else [("", cmd)]
        for sub, c in subs:
            assert f"`servicecheck {name}{' ' + sub if sub else ''}`" in page
            for p in c.params:
                for opt in getattr(p, "opts", []):
                    if opt.startswith("-"):
                        assert f"`{opt}`" in page, (name, sub, opt)
                        seen += 1
    assert seen > 60


def test_every_service_file_key_is_documented() -> None:
    page = (DOCS / "service-file.md").read_text(encoding="utf-8")
    # a table is documented by its heading (`[clock]`, `[[system_conditions]]`), a key by name
    missing = [k for k, subs in SERVICE_KEYS.items()
               if not any(f"`{form}`" in page for form in (k, f"[{k}]", f"[[{k}]]"))]
    missing += [f"{k}.{s}" for k, subs in SERVICE_KEYS.items() for s in subs
                if f"`{k}.{s}`" not in page]
    assert missing == []


def test_the_service_file_examples_load() -> None:
    examples = blocks(DOCS / "service-file.md", "toml")
    assert len(examples) == 4
    names = [Service.from_dict(tomllib.loads(text), source="docs").name for text in examples]
    assert names == ["Housing repairs", "Housing benefit", "Planning applications", "NYC 311"]


@pytest.fixture
def tutorial_folder(tmp_path: Path) -> Path:
    """A folder as the tutorial assumes: the logs in data/, the service files in examples/."""
    (tmp_path / "data").symlink_to((SHARED / "data").resolve())
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


def run_page(page: Path, folder: Path) -> int:
    """Run every `$ ` command, then every Python block, of a page in ``folder``."""
    ran = 0
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for block in blocks(page, "console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                done = subprocess.run(shlex.split(line[2:]), cwd=folder, env=env,
                                      capture_output=True, text=True, timeout=600)
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
                assert "Traceback" not in done.stderr
                ran += 1
    here = Path.cwd()
    os.chdir(folder)
    try:
        for code in blocks(page, "python"):
            exec(compile(code, str(page), "exec"), {"__name__": "__docs__"})
            ran += 1
    finally:
        os.chdir(here)
    return ran


def test_the_first_check_tutorial_runs(tutorial_folder: Path) -> None:
    assert run_page(DOCS / "first-check.md", tutorial_folder) == 12
    assert (tutorial_folder / "nyc.toml").read_text().count("moments") == 1
    assert (tutorial_folder / "repairs-demo" / "check.html").stat().st_size > 100_000
    assert (tutorial_folder / "fines.html").exists()
    assert (tutorial_folder / "fines-py.html").exists()
    assert len(list((tutorial_folder / "fines-charts").glob("*.svg"))) >= 5


def test_the_charts_page_runs(tutorial_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_page(DOCS / "charts.md", tutorial_folder) == 2
    out = capsys.readouterr().out
    assert "above the upper limit: point 11" in out  # the 40
    assert "42.7% failure demand; week 11's limits 38.0% to 47.5%" in out  # the P' chart


def test_the_site_builds_offline_with_warnings_as_errors(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                           str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # nothing the reader's browser would fetch from elsewhere
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), page
        assert "fonts.googleapis" not in html
    api = (site / "reference" / "python" / "index.html").read_text(encoding="utf-8")
    assert "read_log" in api and "write_report" in api  # made from the docstrings


def test_the_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "examples" / "first-check.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 3  # the charts show inline
    assert (tmp_path / "first-check.html").exists()


def test_the_readme_stays_short() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && servicecheck demo" in readme and "./scripts/test" in readme
    assert "docs/" in readme and "docs/img/report.png" in readme
    assert len(readme.splitlines()) < 120
