"""The Check report as a team meets it: one offline HTML file, the sections in plain words whose
numbers are the measures' numbers, the charts inlined and also written beside it, a PDF."""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck.cli import app
from servicecheck.engine.workspace import Workspace
from servicecheck.measures.capability import capability
from servicecheck.measures.needs import needs
from servicecheck.measures.summary import summarise
from servicecheck.report import write_report

runner = CliRunner()
SECTIONS = ["purpose", "summary", "demand", "capability", "flow", "targets", "economics",
            "system-conditions", "data-quality"]


class Outline(HTMLParser):
    """What a reader and a screen reader meet: sections, leads, images and what loads."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.leads: dict[str, int] = {}
        self.svgs: list[dict[str, str | None]] = []
        self.fetches: list[str] = []
        self.scripts = 0
        self._section = ""
        self._in_lead = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = a["id"] or ""
            self.sections.append(self._section)
        if tag == "div" and a.get("class") == "lead":
            self._in_lead = True
        if tag == "p" and self._in_lead:
            self.leads[self._section] = self.leads.get(self._section, 0) + 1
        if tag == "svg":
            self.svgs.append(a)
        if tag == "script":
            self.scripts += 1
        # a data: address is inside the page (the favicon): nothing is fetched for it
        for key in ("src", "href"):
            value = a.get(key) or ""
            if key in a and not value.startswith(("#", "data:")):
                self.fetches.append(value)
        if tag == "link" and not (a.get("rel") == "icon"
                                  and (a.get("href") or "").startswith("data:")):
            self.fetches.append(str(a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._in_lead = False


def outline(page: str) -> Outline:
    o = Outline()
    o.feed(page)
    return o


@pytest.fixture(scope="module")
def demo_report(demo_workspace: Path) -> Path:
    """The report `servicecheck demo` wrote beside its workspace."""
    return demo_workspace.parent / "check.html"


def test_the_demo_writes_a_self_contained_report(demo_report: Path) -> None:
    page = demo_report.read_text(encoding="utf-8")
    o = outline(page)
    assert o.sections == SECTIONS
    assert all(1 <= o.leads[s] <= 3 for s in SECTIONS), o.leads
    assert o.scripts == 0 and o.fetches == []
    assert "@import" not in page and "url(" not in page
    # thousands of needs drawn as one path of dots per colour, not a circle each
    assert demo_report.stat().st_size <= 1_000_000
    # every chart is inline, named for a screen reader
    assert len(o.svgs) >= 8
    # (the summary's icons are named by their own title, aria-labelledby)
    assert all(s.get("role") == "img" and (len(s.get("aria-label") or "") > 20
                                           or s.get("aria-labelledby")) for s in o.svgs)
    # in print: figures whole, the folded lines shown, no page forced per section
    assert "@media print" in page and "break-inside: avoid" in page
    assert page.count('<div class="in-print" hidden>') == page.count("<details>") >= 4
    assert "break-before: page" not in page


def test_report_numbers_are_the_measures_numbers(demo_workspace: Path, tmp_path: Path) -> None:
    with Workspace(demo_workspace, read_only=True) as ws:
        svc = ws.service()
        report = write_report(ws, tmp_path / "check.html", specs=True)
        plain = write_report(ws, tmp_path / "plain.html")  # no assets: no specs kept
        s = summarise(ws, svc)
        cap = capability(ws, svc, need_table=needs(ws, svc))
    by_id = {sec.id: sec for sec in report.sections}
    # charts are drawn without Altair's validation (a seventh of the report's time): every
    # chart's specification is checked against the Vega-Lite schema here instead
    import json

    from altair.vegalite.v6.schema.core import Root

    specs = [f.spec for sec in report.sections for f in sec.figures if f.spec is not None]
    assert len(specs) >= 8
    # without them the page is the same, and no figure holds its chart's points for a spec
    assert all(f.spec is None for sec in plain.sections for f in sec.figures)
    # (but for the time it was made, and the icons' ids, numbered through the process)
    made = re.compile(r"Made \d+ \w+ \d{4} \d\d:\d\d \w+|sc-icon-\d+")
    assert made.sub("", plain.path.read_text()) == made.sub("", report.path.read_text())
    for spec in specs:
        Root.validate(json.loads(spec))
    from servicecheck.measures.capability import findings

    current = findings(cap)[0]
    done = cap.phase(-1)["end_to_end_days"]
    assert current.topic == "capability.current" and current.n == len(done)
    assert current.q("median") == done.median() * 86400
    # headlines: what the system delivers now, then the two clocks in the same period
    assert report.findings[0].startswith(
        f"Of the {len(done):,} needs first reported since the change on 30 Dec 2024 and met by")
    assert report.findings[1].startswith("For the needs first reported since the change on "
                                         "30 Dec 2024, the target regime reports")
    assert "moved in opposite directions" in report.findings[1]
    assert by_id["capability"].lead[0] == report.findings[0]
    quality = " ".join(by_id["data-quality"].lead)
    # the events' rows and the demand's apart (one sum of the two counted neither)
    assert f"{s.events:,} rows of events read in 1 import; {s.events:,} kept" in quality
    assert f"{s.demands:,} rows of demand read in 1 import" in quality
    assert "none left out" in quality
    assert f"{s.events:,} events" in " ".join(by_id["system-conditions"].lead)


def test_report_command_writes_assets_and_pdf(demo_workspace: Path, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.fail("Chromium is needed for --pdf (scripts/system-deps installs it)")
    out = tmp_path / "out" / "check.html"
    r = runner.invoke(app, ["report", "-w", str(demo_workspace), "-o", str(out),
                            "--assets", str(tmp_path / "charts"), "--pdf"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "Headline findings: 1. Of the " in text
    assert f"Check report: {out}" in text
    svgs = sorted(p.name for p in (tmp_path / "charts").glob("*.svg"))
    summary = [n for n in svgs if n.startswith("summary-")]
    assert svgs == sorted(["failure-demand.svg", "demand-types.svg", "capability.svg",
                           "capability-week.svg", "flow-map.svg", "target-regime.svg",
                           "citizen-days.svg", "where-the-days-go.svg", "cost-per-need.svg",
                           "cost-per-contact.svg", *summary])
    # the summary's many measures, one compact chart each
    assert len(summary) >= 6 and all(n.startswith("summary-") for n in summary)
    inline = out.read_text(encoding="utf-8").count("<figure")
    assert inline == len(svgs)
    assert all((tmp_path / "charts" / n).read_text().lstrip().startswith(("<svg", "<?xml"))
               for n in svgs)
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
    # everything the page holds, the lines folded under "More in words" too, on pages that
    # follow on (no page forced per section), two charts to a page: the demo measured 20
    from pypdf import PdfReader

    from .test_report_browser import PDF_PAGES

    printed = PdfReader(pdf)
    assert PDF_PAGES[0] <= len(printed.pages) <= PDF_PAGES[1], len(printed.pages)
    words = " ".join(unicodedata.normalize("NFKC", " ".join(
        p.extract_text() for p in printed.pages)).split())
    page = out.read_text(encoding="utf-8")
    sections = dict(re.findall(r'<section id="([^"]+)"(.*?)</section>', page, re.S))
    folded = {key: [" ".join(html.unescape(re.sub(r"<[^>]+>", "", li)).split())
                    for block in re.findall(r'<div class="in-print" hidden>(.*?)</div>', body,
                                            re.S)
                    for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
              for key, body in sections.items()}
    # the economics lines hold the redesign's saving (money a year) and the assumptions
    assert any("a year" in line and "£" in line for line in folded["economics"])
    assert any(line.startswith("Assumptions") for line in folded["economics"])
    missing = [line for lines in folded.values() for line in lines
               if line[:50] not in words]
    assert missing == [] and sum(map(len, folded.values())) >= 8, missing


def test_report_of_a_missing_workspace_is_one_sentence(tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", "-w", str(tmp_path / "nope.duckdb")])
    assert r.exit_code == 2
    assert "does not exist" in r.output and "Traceback" not in r.output


# real logs no one designed the report for, each with the service file kept under examples/
REAL = [
    # example folder, log, events kept, text the report must say
    ("road-traffic-fines", "road_traffic_fines_first10k_cases.csv.gz", 34_724,
     ["fines on time", "from Create Fine", "none left out",
      "A penalty is added automatically when payment is late"]),
    ("sepsis", "sepsis_hospital.csv.gz", 15_190,
     ["patients on time", "24 without a case id", "from ER Registration",
      "Blood tests repeated on a fixed schedule"]),
    ("travel-expenses", "bpic2020_domestic_declarations.csv.gz", 55_628,
     ["names no target regime", "went straight through (clean:",
      "No demand has been imported", "Claims sent back rather than put right"]),
]


@pytest.mark.parametrize(("example", "log", "events", "says"), REAL,
                         ids=[r[0] for r in REAL])
def test_report_reads_sensibly_on_real_logs(example: str, log: str, events: int,
                                            says: list[str], tmp_path: Path) -> None:
    from servicecheck import import_events
    from servicecheck.service.model import Service

    from .conftest import DATA, ROOT

    svc = Service.load(ROOT / "examples" / example / "service.toml")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        imported = import_events(ws, DATA / log, service=svc)
        assert imported.events == events
        report = write_report(ws, tmp_path / "check.html", assets=tmp_path / "charts")
    page = report.path.read_text(encoding="utf-8")
    o = outline(page)
    assert o.sections == SECTIONS and o.scripts == 0 and o.fetches == []
    assert all(1 <= o.leads[s] <= 3 for s in SECTIONS), o.leads
    assert report.size <= 2_000_000
    text = " ".join(" ".join(s.lead + s.details + [" ".join(r) for t in s.tables
                                                   for r in t.rows])
                    for s in report.sections)
    for words in says:
        assert words in text, words
    assert "nan" not in text.lower().split() and "None" not in text.split()
    assert len(report.findings) >= 2
    assert len(report.assets) == len(o.svgs)


@pytest.mark.parametrize(("tz", "zones"), [("Europe/London", ("GMT", "BST")),
                                            ("America/New_York", ("EST", "EDT")),
                                            ("UTC", ("UTC",))])
def test_the_report_says_when_it_was_made_on_the_services_clock(tz: str,
                                                               zones: tuple[str, ...]) -> None:
    from servicecheck.report.build import _made_at

    assert _made_at(tz).rsplit(" ", 1)[1] in zones
