"""The demo: the synthetic housing-repairs service end to end, from generation to findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from servicecheck.engine.workspace import Workspace
from servicecheck.generators.load import load_repairs
from servicecheck.measures.capability import capability, findings
from servicecheck.measures.needs import needs
from servicecheck.measures.summary import summarise
from servicecheck.narrative.words import say, voice_for
from servicecheck.report import write_report


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    workspace: Path
    lines: list[str]
    report: Path
    findings: list[str]


def run_demo(out: str | Path, *, events: int = 60000, seed: int = 1,
             progress: Callable[[int], None] | None = None,
             report_progress: Callable[[str], None] | None = None) -> DemoResult:
    """Generate, import, summarise and write the Check report (``check.html`` in ``out``).
    ``progress`` hears events generated; ``report_progress`` each report section begun."""
    folder = Path(out)
    data = folder / "data"
    ws_path = folder / "housing-repairs.duckdb"
    for stale in (ws_path, ws_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with Workspace(ws_path) as ws:
        ex = load_repairs(data, events=events, seed=seed, workspace=ws, progress=progress)
        svc, dem = ex.service, ex.demands
        need_table = needs(ws, svc)  # computed once, read by the summary and the chart
        s = summarise(ws, svc, need_table=need_table)
        cap = capability(ws, svc, need_table=need_table)
        report = write_report(ws, folder / "check.html", progress=report_progress,
                              need_table=need_table)
    found = [*s.findings(), *findings(cap)]
    voice = voice_for(svc, found)
    # what tenants live through, before and after; the headlines then say what holds now
    lines = [say(f, voice) for f in found if f.topic in (
        "summary.contents", "capability.change", "capability.open", "capability.stale")]
    if dem.masked:
        lines.insert(1, f"Masked {dem.masked:,} phone numbers, e-mail addresses and postcodes "
                        "in what tenants said.")
    lines.append(f"Workspace: {ws_path}")
    return DemoResult(folder, ws_path, lines, report.path, report.findings)
