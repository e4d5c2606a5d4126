"""Write the Check report: one HTML file with every chart inlined as SVG (no script, no font,
nothing fetched), the charts also as files beside it on request, and a PDF through headless
Chromium where it is installed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from servicecheck.engine.memory import release_memory
from servicecheck.engine.workspace import Reader, Workspace
from servicecheck.flow.findings import measure
from servicecheck.flow.variants import rework_from
from servicecheck.io.errors import InputError
from servicecheck.measures import periods
from servicecheck.measures.capability import capability
from servicecheck.measures.needs import needs
from servicecheck.measures.quality import copies_findings
from servicecheck.measures.summary import studied_events, studied_span
from servicecheck.measures.targets import judged_orders
from servicecheck.narrative.words import headlines, voice_for
from servicecheck.report.parts import Section
from servicecheck.report.sections import (
    capability_section,
    data_quality_section,
    demand_section,
    economics_section,
    flow_section,
    joined_up_section,
    purpose_section,
    summary_section,
    system_conditions_section,
    targets_section,
)
from servicecheck.report.templates import environment
from servicecheck.service.model import Service

SECTION_NAMES = ("purpose", "at a glance", "demand", "capability", "flow", "targets versus purpose",
                 "economics of flow", "joined-up", "system conditions", "data quality")


@dataclass(frozen=True)
class Report:
    path: Path
    findings: list[str]
    sections: list[Section]
    assets: list[Path]
    pdf: Path | None

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _without_specs(section: Section) -> Section:
    """The section with its charts' Vega-Lite specs let go: each waits for its chart's every
    point (a chart of every need met holds them all: 300 MB at 10M events, GBs at 100M)."""
    return replace(section, figures=[replace(f, vega=None) for f in section.figures])


def build_sections(ws: Reader, svc: Service,
                   progress: Callable[[str], None] | None = None,
                   need_table: pd.DataFrame | None = None, *,
                   specs: bool = True) -> list[Section]:
    """Every section, in reading order; ``progress`` hears each section's name as it starts.
    The needs table (or the one handed in) and the orders judged on the regime's clock are
    computed once and read by every section that needs them. ``specs``: keep what makes each
    chart's Vega-Lite spec (``Figure.spec``); without, the charts' points are let go once
    drawn."""
    keep = (lambda section: section) if specs else _without_specs
    heard = progress or (lambda _name: None)

    def tell(name: str) -> None:
        # what the section before freed goes back to the machine before the next one's
        # peak is added to it (engine.memory.release_memory)
        release_memory()
        heard(name)

    tell("purpose")
    out = [purpose_section(svc)]
    if need_table is None:
        need_table = needs(ws, svc)
    cap = capability(ws, svc, need_table=need_table)
    # each chart's period from the data's span, asked once (days for a log of weeks)
    per = periods.ChartPeriods.of(ws, svc.key)
    capability_part = keep(capability_section(cap, svc, per.capability))
    voice = voice_for(svc, capability_part.findings)
    # the later sections read the capability's changes, future steps and counts of work,
    # not its table of every need met (a copy of the needs: 1.3M rows at 10M events, held
    # through the flow and targets sections, the report's peaks); its count is kept
    cap = replace(cap, completed=cap.completed[[]])
    # the orders judged on the regime's clock, read by the summary and the targets section
    t = svc.targets
    judged = judged_orders(ws, svc) if t is not None and t.start and t.end else None
    tell("at a glance")
    out.append(summary_section(ws, svc, need_table, voice, per.summary, judged))
    tell("demand")
    out.append(demand_section(ws, svc, per.demand, need_table, voice))
    tell("capability")
    out.append(capability_part)
    tell("flow")
    # one ordered pass: the flow section's findings, map and table, and system conditions
    studied = studied_events(ws, svc, need_table)
    flow = measure(studied)
    # rows written twice: a GROUP BY over every column, said in Flow and in Data quality
    copies = copies_findings(ws, svc)
    out.append(flow_section(ws, svc, voice, need_table, flow, copies))
    # what system conditions read of the flow; the rest (hand-offs per case: 2M rows at 10M
    # events) is let go before the targets section, the report's peak
    rework = rework_from(flow.variants)
    del flow
    tell("targets versus purpose")
    out.append(targets_section(ws, svc, cap, voice, need_table, judged, per.regime))
    judged = None  # read by the summary and the targets section alone
    tell("economics of flow")
    out.append(economics_section(ws, svc, need_table, voice, per.regime))
    if len(ws.services()) > 1:  # citizens meet a council, not a department
        tell("joined-up")
        out.append(joined_up_section(ws))
    tell("system conditions")
    out.append(system_conditions_section(ws, svc, rework, studied))
    tell("data quality")
    out.append(data_quality_section(ws, svc, cap, voice, capability_part.findings, copies))
    return [keep(section) for section in out]


def headline_findings(sections: list[Section], svc: Service, n: int = 3) -> list[str]:
    """The headline findings, chosen by rule from the sections' findings: only findings that
    apply and rest on the team's own figures, the highest ranked first (what the system
    delivers now, then the two clocks side by side in the same period, then demand)."""
    found = [f for s in sections for f in s.findings]
    return headlines(found, voice_for(svc, found), n)


def render(sections: list[Section], svc: Service, *, source: str, period: str) -> str:
    from servicecheck import __version__

    return environment().get_template("check.html.j2").render(
        service=svc, sections=sections, findings=headline_findings(sections, svc),
        version=__version__, workspace=source, period=period,
        made=_made_at(svc.timezone))


def _made_at(tz: str) -> str:
    """When the report was made, on the service's clock (dates are the service's, in UTC only
    for a service in UTC), with the zone's abbreviation."""
    from zoneinfo import ZoneInfo

    return f"{dt.datetime.now(ZoneInfo(tz)):%-d %b %Y %H:%M %Z}"


def _period(ws: Reader, svc: Service, need_table: pd.DataFrame) -> str:
    """The span the report studies (``summary.studied_span``)."""
    first, last = studied_span(ws, svc, need_table)
    if first is None or last is None:
        return "no events yet"
    first, last = periods.local(pd.Series([first, last]), svc.timezone)
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


def write_report(workspace: Reader | str | Path, out: str | Path, *,
                 service: str | None = None, assets: str | Path | None = None,
                 pdf: bool = False, progress: Callable[[str], None] | None = None,
                 need_table: pd.DataFrame | None = None, specs: bool | None = None) -> Report:
    """Write the Check report for one service of a workspace to ``out`` (HTML).

    ``assets`` names a folder for every chart as SVG (and Vega-Lite JSON); ``pdf`` also prints
    the report to ``out`` with a ``.pdf`` suffix through headless Chromium. ``specs``: the
    returned figures can still make their Vega-Lite spec (``Figure.spec``); by default only
    with ``assets``, since each holds its chart's every point until the report is made.
    """
    out = Path(out)
    ws: Reader
    if isinstance(workspace, str | Path):
        ws = opened = Workspace(workspace, read_only=True)
    else:  # any Reader: a DuckDB workspace, or tables read in place
        ws, opened = workspace, None
    try:
        svc = ws.service(service)
        if need_table is None:
            need_table = needs(ws, svc)  # read by the sections and the span studied
        sections = build_sections(ws, svc, progress, need_table,
                                  specs=assets is not None if specs is None else specs)
        page = render(sections, svc, source=ws.source,
                      period=_period(ws, svc, need_table))
    finally:
        if opened is not None:
            opened.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    written = ([f.write(Path(assets)) for s in sections for f in s.figures]
               if assets is not None else [])
    pdf_path = print_pdf(out, out.with_suffix(".pdf")) if pdf else None
    return Report(out, headline_findings(sections, svc), sections, written, pdf_path)


# Where Windows and macOS install a Chromium-based browser that is not on PATH (Edge comes
# with every Windows 10 and 11, so a PDF needs no install there).
INSTALLED = ("{ProgramFiles}/Microsoft/Edge/Application/msedge.exe",
             "{ProgramFiles(x86)}/Microsoft/Edge/Application/msedge.exe",
             "{ProgramFiles}/Google/Chrome/Application/chrome.exe",
             "{LOCALAPPDATA}/Google/Chrome/Application/chrome.exe",
             "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
             "/Applications/Chromium.app/Contents/MacOS/Chromium",
             "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                 "chrome", "msedge"):
        found = shutil.which(name)
        if found:
            return found
    for pattern in INSTALLED:
        try:
            path = Path(pattern.format_map(os.environ))
        except KeyError:  # that variable is not set here: not this system
            continue
        if path.is_file():
            return str(path)
    return None


def chromium_flags(profile: str) -> list[str]:
    """Headless with nothing reaching out: no first-run, sync, updates or background fetches."""
    flags = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-quic",
             f"--user-data-dir={profile}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return flags


def print_pdf(page: Path, target: Path) -> Path:
    browser = find_chromium()
    if browser is None:
        raise InputError("--pdf needs Chromium, and none is installed", source=str(page),
                         fix="install it (Debian: apt install chromium) or print the HTML "
                             "report from any browser")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *chromium_flags(profile), "--no-pdf-header-footer",
             f"--print-to-pdf={target}", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not target.exists():
        raise InputError(f"Chromium could not print the report ({done.stderr.strip()[-200:]})",
                         source=str(page), fix="print the HTML report from a browser")
    return target
