"""The Check report, and the demo that ends in one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from servicecheck.cli.common import (
    EventsOpt,
    OpenOpt,
    ServiceOpt,
    Source,
    progress,
    reads_in_place,
    say,
)


@reads_in_place
def report(
    source: Source,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "check.html"),
    service: ServiceOpt = None,
    assets: Annotated[Path | None, typer.Option(
        help="Also write every chart as SVG (and Vega-Lite JSON) into this folder.")] = None,
    pdf: Annotated[bool, typer.Option(
        help="Also print the report to PDF through headless Chromium.")] = False,
    open_: OpenOpt = False,
) -> None:
    """The Check report: one self-contained HTML file for the team and its managers."""
    from servicecheck.report import write_report

    with source.open() as ws, progress() as p:
        result = write_report(ws, out, service=service, assets=assets, pdf=pdf,
                              progress=_section_teller(p))
    _say_report(result.path, result.findings)
    if result.assets:
        say(f"{len(result.assets)} charts written to {assets}")
    if result.pdf:
        say(f"PDF: {result.pdf}")
    if open_:
        _open(result.path)


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path(
        "servicecheck-demo"),
    events: EventsOpt = 60000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    open_: OpenOpt = False,
) -> None:
    """Generate the synthetic housing-repairs service, import it, summarise it and write its
    Check report."""
    from servicecheck.demo import run_demo

    with progress() as p:
        task = p.add_task("generating", total=events, unit="events")
        result = run_demo(out, events=events, seed=seed, progress=lambda n: p.advance(task, n),
                          report_progress=_section_teller(p))
    for line in result.lines:
        say(line)
    _say_report(result.report, result.findings)
    if open_:
        _open(result.report)


def _section_teller(p: Progress) -> Callable[[str], None]:
    """A bar on ``p`` that names each report section as it is written."""
    from servicecheck.report.build import SECTION_NAMES

    task = p.add_task("writing the report", total=len(SECTION_NAMES), visible=False,
                      unit="sections")

    def tell(name: str) -> None:
        p.update(task, description=f"writing the report: {name}", visible=True,
                 completed=SECTION_NAMES.index(name))

    return tell


def _say_report(path: Path, findings: list[str]) -> None:
    say("Headline findings:")
    for i, finding in enumerate(findings, 1):
        say(f"  {i}. {finding}")
    say(f"Check report: {path} ({path.stat().st_size / 1e6:.1f} MB, works offline)")


def _open(path: Path) -> None:
    import webbrowser

    if not webbrowser.open(path.resolve().as_uri()):
        say(f"No browser could be started here; open {path} yourself.")
