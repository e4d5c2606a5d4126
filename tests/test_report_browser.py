"""The demo report in a real browser (Debian's Chromium through Playwright) with the network
cut off: no console errors, nothing requested, every chart drawn with dates on its time axes
and no label cut, an accessibility check with the vendored axe-core, and the printed PDF
holding what the page holds. Screenshots (1366 px wide) are kept in test-artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

AXE = ROOT / "tests" / "vendor" / "axe-core-4.14.1.min.js"
# the demo's report on A4, two charts to a page: 13 pages measured, 20 with the summary's
# twelve compact charts
PDF_PAGES = (15, 24)
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is needed (scripts/system-deps installs it)")
    from playwright.sync_api import sync_playwright

    from servicecheck.report.build import chromium_flags

    with sync_playwright() as p:
        args = [f for f in chromium_flags("") if not f.startswith(("--user-data-dir",
                                                                  "--headless"))]
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_page(browser: Any, demo_workspace: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    context = browser.new_context(offline=True, viewport={"width": 1366, "height": 900})
    requested: list[str] = []
    errors: list[str] = []

    def refuse(route: Any) -> None:
        requested.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith("file://"), refuse)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((demo_workspace.parent / "check.html").as_uri())
    page.wait_for_load_state("load")
    yield page, requested, errors
    context.close()


def test_report_renders_offline_with_every_chart(report_page: tuple[Any, list[str], list[str]]
                                                 ) -> None:
    page, requested, errors = report_page
    assert requested == [] and errors == []
    # its icon is in the file (a report opened from disk or printed asks no server for it)
    assert page.locator("link[rel=icon]").get_attribute("href").startswith(  # type: ignore[union-attr]
        "data:image/x-icon;base64,AAABAA")
    figures = page.locator("figure")
    assert figures.count() >= 8
    for i in range(figures.count()):
        svg = figures.nth(i).locator("svg")
        assert svg.count() == 1
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
        assert svg.locator("path, text").count() > 5  # drawn, not an empty frame
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-full.png"), full_page=True)
    for section in ("capability", "flow", "targets"):
        page.locator(f"#{section}").screenshot(path=str(ARTIFACTS / f"report-{section}.png"))
    assert (ARTIFACTS / "report-full.png").stat().st_size > 100_000


def test_report_passes_the_accessibility_check(report_page: tuple[Any, list[str], list[str]]
                                               ) -> None:
    page, _, _ = report_page
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return {violations: r.violations.map(v => ({id: v.id, nodes: v.nodes.length,
                                                    help: v.help})),
                passes: r.passes.map(p => p.id)};
    }""")
    assert result["violations"] == [], json.dumps(result["violations"], indent=1)
    # the checks the issue names ran and passed: headings, alternative text, contrast
    for rule in ("heading-order", "svg-img-alt", "color-contrast", "page-has-heading-one",
                 "landmark-one-main", "document-title", "html-has-lang"):
        assert rule in result["passes"], rule


# the charts drawn over time, by figure id: each must have dates on its x axis
OVER_TIME = {"failure-demand", "capability", "capability-week", "target-regime",
             "citizen-days", "cost-per-need", "cost-per-contact"}
DATE_TICK = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")


def test_every_chart_has_dates_on_its_time_axis_and_no_label_cut(
        report_page: tuple[Any, list[str], list[str]]) -> None:
    page, _, _ = report_page
    ARTIFACTS.mkdir(exist_ok=True)
    # a label Vega hid to avoid an overlap has opacity 0: it is not drawn, so not cut either
    charts = page.evaluate("""() => [...document.querySelectorAll('figure')].map(f => {
        const shown = t => getComputedStyle(t).opacity !== '0';
        const svg = f.querySelector('svg'), box = svg.getBoundingClientRect();
        const fig = f.getBoundingClientRect();
        const xAxes = [...svg.querySelectorAll('g.role-axis[aria-label^="X-axis"]')];
        return {id: f.id.replace(/^fig-/, ''),
                overflow: box.right > fig.right + 1 || box.left < fig.left - 1,
                timeAxes: xAxes.filter(a => /(utc|time) scale/.test(a.getAttribute(
                    'aria-label'))).map(a => [...a.querySelectorAll(
                    '.role-axis-label text')].filter(shown).map(t => t.textContent)),
                texts: [...svg.querySelectorAll('text')].filter(shown).map(t => {
                    const r = t.getBoundingClientRect();
                    return {text: t.textContent, cut: r.width > 0 && (
                        r.left < box.left - 1 || r.right > box.right + 1 ||
                        r.top < box.top - 1 || r.bottom > box.bottom + 1)};
                })};
    })""")
    assert {c["id"] for c in charts} >= OVER_TIME
    for i, c in enumerate(charts):
        page.locator("figure").nth(i).screenshot(
            path=str(ARTIFACTS / f"report-figure-{c['id']}.png"))
        assert not c["overflow"], c["id"]
        if c["id"] in OVER_TIME:
            assert c["timeAxes"], f"{c['id']} has no time axis"
        for labels in c["timeAxes"]:
            assert len(labels) >= 3 and all(DATE_TICK.match(t) for t in labels), (
                c["id"], labels)
        cut = [t["text"] for t in c["texts"] if t["cut"] or "…" in t["text"]]
        assert cut == [], (c["id"], cut)


def test_report_prints_to_pdf_in_the_browser(report_page: tuple[Any, list[str], list[str]],
                                            tmp_path: Path) -> None:
    page, _, _ = report_page
    pdf = page.pdf(path=str(tmp_path / "check.pdf"), format="A4")
    assert pdf[:5] == b"%PDF-"
    # sections follow one another rather than each taking a new page
    assert PDF_PAGES[0] <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= PDF_PAGES[1]


def test_the_summary_the_clocks_and_the_changes_are_in_the_report(
        browser: Any, demo_workspace: Path) -> None:
    """At a glance: icons seen with their words, each row opening its chart; the targets
    section's table of clock choices and the regulator's figure; the team's change drawn on
    the charts over time."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto((demo_workspace.parent / "check.html").as_uri())
    summary = page.locator("#summary table.summary")
    assert summary.is_visible()
    rows = summary.locator("tbody tr")
    assert rows.count() == page.locator("figure[id^='fig-summary-']").count() >= 6
    icon = summary.get_by_role("img", name=re.compile("variation")).first
    assert icon.is_visible() and icon.bounding_box()["width"] == 32
    link = rows.nth(1).get_by_role("link")
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target) and page.locator(target).is_visible()
    assert page.locator(target).bounding_box()["y"] < 900  # scrolled to it
    clocks = page.get_by_role("table", name=re.compile("How the regime's figure moves"))
    # three starts (order raised, first contact, inspection), two stops, paused or not
    assert clocks.locator("tbody tr").count() == 12
    assert clocks.locator("tbody tr").first.inner_text().startswith(
        "order raised (the regime's own)")
    targets = page.locator("#targets").inner_text()
    assert page.get_by_role("table", name=re.compile("TSM RP02")).is_visible()
    assert "The regulator's figure, TSM RP02 for" in targets
    # one sentence names the choice of clock that moves the regime's figure most (among the
    # section's words, folded under "More in words")
    said = page.locator("#targets details").filter(has=page.locator(
        "summary", has_text="More in words")).text_content() or ""
    assert said.count("The figure moves most when the clock is") == 1
    # the redesign in the team's change log, drawn on every chart over time
    marked = page.locator("figure").filter(has=page.locator(
        "svg text", has_text="30 Dec 2024: Trades diagnose at the door"))
    assert marked.count() >= 6
    assert page.locator("#fig-capability-week svg text",
                        has_text="30 Dec 2024: Trades diagnose at the door").is_visible()
    page.close()


def test_every_summary_row_shows_its_icons_and_opens_its_own_chart(
        browser: Any, demo_workspace: Path) -> None:
    """At a glance, row by row: the variation icon seen, with its meaning as its accessible
    name; the measure's link opens the chart of that measure (its caption names it), scrolled
    into view, and no other."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto((demo_workspace.parent / "check.html").as_uri())
    rows = page.locator("#summary table.summary tbody tr")
    assert rows.count() >= 6
    targets = []
    for i in range(rows.count()):
        row = rows.nth(i)
        icon = row.get_by_role("img", name=re.compile(r"variation"))
        assert icon.count() == 1 and icon.is_visible(), i
        name = icon.get_attribute("aria-labelledby")
        assert (page.locator(f"title#{name}").text_content() or "").startswith(
            ("common cause variation", "special cause variation")), i
        link = row.get_by_role("link")
        measure = link.inner_text()
        href = link.get_attribute("href") or ""
        link.click()
        assert page.url.endswith(href), (i, href)
        chart = page.locator(href)
        box = chart.bounding_box()
        # scrolled to it (its top at the window's, to a fraction of a pixel)
        assert chart.is_visible() and box is not None and -1 < box["y"] < 900, (i, href)
        caption = chart.locator("figcaption").inner_text()
        assert caption.startswith(f"{measure}, per "), (measure, caption)
        assert chart.locator("svg[role='img']").first.get_attribute(
            "aria-label").startswith(measure), measure  # type: ignore[union-attr]
        targets.append(href)
    assert len(set(targets)) == len(targets)  # each row its own chart
    page.close()
