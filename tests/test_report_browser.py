"""The demo report in a real browser (Debian's Chromium through Playwright) with the network
cut off: no console errors, nothing requested, every chart drawn, and an accessibility check
with the vendored axe-core. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

AXE = ROOT / "tests" / "vendor" / "axe-core-4.14.1.min.js"
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
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
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


def test_report_prints_to_pdf_in_the_browser(report_page: tuple[Any, list[str], list[str]],
                                            tmp_path: Path) -> None:
    page, _, _ = report_page
    pdf = page.pdf(path=str(tmp_path / "check.pdf"), format="A4")
    assert pdf[:5] == b"%PDF-"
    # the print stylesheet starts each of the eight sections on a new page
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 8
