"""The analyst's whole path in a real browser against a real server, no terminal: a council's
Excel job list (a title row above the header, "TBC" and blank completions) uploaded, the
proposed mapping confirmed with one column's role fixed, the rows set aside seen and
downloaded, the mapping saved into the service file, and the Check report made and
downloaded, which counts the open jobs. Debian's Chromium through Playwright, by mouse and
keyboard; screenshots kept in test-artifacts/."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_report_browser import ARTIFACTS, AXE, browser  # noqa: F401  (the browser fixture)
from .test_web_browser_check import serving, signed_in
from .test_web_upload import OPEN, TBC, job_list


def violations(page: Any) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.help);
    }""")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("upload")
    ws, service = folder / "ws.duckdb", folder / "service.toml"
    service.write_text('# the repairs team\nname = "Housing repairs"\n', encoding="utf-8")
    with serving(folder, service, ws, {"ann": "analyst"}) as url:
        yield url, folder, service
    assert "HYPERLINK" not in (folder / "server.log").read_text()  # no value logged


def test_an_analyst_brings_a_job_list_to_a_check_report(
        browser: Any, server: tuple[str, Path, Path]) -> None:  # noqa: F811
    url, folder, service = server
    book = job_list(folder / "export")
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, errors = signed_in(browser, url, "ann")
    page.get_by_role("link", name="Bring your data").click()
    page.set_input_files("#file", str(book))  # what the file chooser hands the page
    page.click("#read-file")
    shape = page.locator("#shape")
    shape.wait_for()
    assert " ".join(shape.inner_text().split()).startswith(
        "A case table: 100 cases, each a row; 2 moments: Reported → Completed.")
    assert "Found in row 2" in page.locator("#reading").inner_text()
    assert page.input_value("#role-case") == "Job no"
    assert page.input_value("#date_order") == "day-first"
    # no time in the file says its zone: the zone shown is asked about, never assumed unseen
    assert "Which zone does the service work in?" in page.locator("#zone-evidence").inner_text()
    assert page.input_value("#timezone") == "Europe/London"
    assert page.locator("input[name=service]:checked").count() == 1  # the app's own service
    page.screenshot(path=str(ARTIFACTS / "web-upload-proposal.png"), full_page=True)
    # the trade is the team: chosen by keyboard, then the form sent from the keyboard
    page.focus("#role-team")
    page.select_option("#role-team", "Trade")
    page.focus("#import")
    page.keyboard.press("Enter")
    done = page.locator("#imported")
    done.wait_for()
    assert ("Imported 100 rows from jobs.xlsx (a row per case): 190 events made from their "
            "dates, in 100 cases; 4 dates in “Completed” could not be read") in done.inner_text()
    assert page.locator("#set-aside-count").inner_text().startswith("What was set aside")
    assert page.locator("#rejects tbody tr").count() == 4
    page.screenshot(path=str(ARTIFACTS / "web-upload-imported.png"), full_page=True)
    with page.expect_download() as got:
        page.get_by_role("link", name="Download what was set aside (CSV)").click()
    lines = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and lines[0] == "file,row,column,value,reason"
    assert any("'=HYPERLINK" in line for line in lines)  # made text, not a formula
    page.click("#save")
    page.locator("#mapping-saved").wait_for()
    data = tomllib.loads(service.read_text(encoding="utf-8"))
    assert data["columns"] == {"case": "Job no", "team": "Trade"}
    assert data["import"]["header_row"] == 2 and data["clock"]["end"] == ["Completed"]
    # once the page is left, the rows set aside are a click away under Imports
    page.click("#imports-link")
    assert page.locator("#imports tbody tr").count() == 1
    assert page.locator("#imports tbody tr td").first.inner_text() == "jobs.xlsx"
    with page.expect_download() as got:
        page.get_by_role("link", name="download (CSV)").click()
    assert Path(got.value.path()).read_text(encoding="utf-8").splitlines() == lines
    # then the report, from the menu
    page.get_by_role("link", name="Check report", exact=True).click()
    page.click("#make-report")
    link = page.get_by_role("link", name="Download the report (HTML)")
    link.wait_for(timeout=600_000)
    with page.expect_download() as got:
        link.click()
    html = " ".join(Path(got.value.path()).read_text(encoding="utf-8").split())
    # axe is injected as a script, which the app's own CSP rightly refuses: a second context,
    # signed in as the same person, lets it in; it checks the proposal, and the same file
    # refused as a double with its problem shown
    checker = browser.new_context(bypass_csp=True, storage_state=context.storage_state())
    context.close()
    assert errors == []
    check = checker.new_page()
    check.goto(url + "/upload")
    check.set_input_files("#file", str(book))
    check.click("#read-file")
    check.locator("#shape").wait_for()
    assert violations(check) == []
    check.click("#import")
    check.locator("#import-error").wait_for()
    assert "This file's content was imported already" in check.locator(
        "#import-error").inner_text()
    assert violations(check) == []
    check.goto(url + "/imports")
    assert violations(check) == []
    checker.close()
    # the open jobs, in the report's words: a blank completion is open, not met, and so is
    # a job whose completion was set aside ("TBC", a formula): 6 + 3 + 1
    still_open = len(OPEN) + len(TBC) + 1
    assert f"{still_open} needs are still open and moving" in html
