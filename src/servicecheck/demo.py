"""The demo: the synthetic housing-repairs service end to end, from generation to findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from servicecheck.capability import capability, change_signal, needs
from servicecheck.engine import Workspace
from servicecheck.examples.load import load_repairs
from servicecheck.report import write_report
from servicecheck.summary import summarise
from servicecheck.targets import target_view


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
        regime = target_view(ws, svc) if svc.targets else None
        report = write_report(ws, folder / "check.html", progress=report_progress,
                              need_table=need_table)
    lines = [*s.lines()]
    if dem.masked:
        lines.append(f"Masked {dem.masked:,} phone numbers, e-mail addresses and postcodes in "
                     "what tenants said.")
    lines.append(cap.describe(noun="repair", starts="the tenant's first contact"))
    if len(cap.chart.limits) > 1:
        before, after = cap.chart.limits[0], cap.chart.limits[-1]
        lines.append(
            f"Before the redesign a repair took {before.centre:.0f} days on average "
            f"(up to {before.upper:.0f}); after it, {after.centre:.0f} days "
            f"(up to {after.upper:.0f})."
        )
        signal = change_signal(cap)
        if signal:
            lines.append(f"On the old limits the redesign shows as a signal: {signal.reason}; "
                         "so the limits were recalculated from the redesign.")
    if regime is not None:
        lines.append("Targets beside purpose: " + regime.headline())
    lines.append(f"Workspace: {ws_path}")
    return DemoResult(folder, ws_path, lines, report.path, report.findings)
