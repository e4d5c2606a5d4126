"""A new team's whole path in a real browser, with no service file and no terminal after
`servicecheck serve -w ws.duckdb`: a messy CSV of a Spanish office (Windows-1252, semicolons,
a title row, "n/a" and "EMPTY" in the cells) and a German office's workbook (serial dates, a
header in German) brought in as two services, each named by the team on the way in and by
that name on every page (never "Ws", the workspace file's name), read on the dashboards,
and the Check report and the exports downloaded. Debian's Chromium through Playwright."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_report_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from .test_web_browser_check import serving, signed_in
from .xlsx import Cell, write_xlsx

UNNAMED = "A service not named yet"
STEPS = ["Registro", "Revisión", "Visita", "Cierre"]


def spanish_csv(folder: Path) -> Path:
    """60 expedientes as an office's system exports them; one date "n/a" (row 22)."""
    lines = ["Informe de expedientes;;;", "Expediente;Trámite;Fecha y hora;Equipo"]
    start = dt.datetime(2024, 1, 3, 9, 0)
    for i in range(1, 61):
        t = start + dt.timedelta(days=i * 0.7)
        for j, step in enumerate(STEPS[: 2 + i % 3]):
            when = t + dt.timedelta(days=j * 1.5, hours=j)
            team = ["Atención", "Técnicos", "n/a", "EMPTY"][(i + j) % 4]
            stamp = "n/a" if (i == 7 and j == 1) else f"{when:%d/%m/%Y %H:%M}"
            lines.append(f"E{i:03d};{step};{stamp};{team}")
        if i == 30:
            lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "expedientes.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def german_workbook(folder: Path) -> Path:
    """40 Vorgänge, a row each, dates as Excel's day numbers (every ninth still open)."""
    rows: list[list[Cell]] = [["Vorgänge März 2024"],
                              ["Aktenzeichen", "Eingang", "Erledigt", "Sachgebiet"]]
    for i in range(1, 41):
        received = round(45352 + i * 0.8 + 0.375, 6)
        done = None if i % 9 == 0 else round(received + 2 + i % 5, 6)
        rows.append([f"AZ-{i}", received, done, ["Wohngeld", "Bauamt"][i % 2]])
    folder.mkdir(parents=True, exist_ok=True)
    return write_xlsx(folder / "vorgaenge.xlsx", {"Vorgänge": rows})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("new-team")
    with serving(folder, None, folder / "ws.duckdb", {"ann": "analyst"}) as url:
        yield url, folder
    log = (folder / "server.log").read_text()
    assert "Atención" not in log and "failed" not in log, log  # no value, no failed request


def nav(page: Any, name: str) -> None:
    """Follow a link of the pages' navigation, as a person does."""
    page.get_by_role("navigation", name="Pages").get_by_role("link", name=name,
                                                              exact=True).click()


def words(page: Any, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_a_new_team_brings_two_offices_exports_to_their_check(
        browser: Any, server: tuple[str, Path]) -> None:  # noqa: F811
    url, folder = server
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, errors = signed_in(browser, url, "ann")
    assert page.locator(".brand").inner_text() == UNNAMED
    assert "Ws" not in page.title()

    # the Spanish office's CSV: its columns named in Spanish are chosen by the analyst
    nav(page, "Bring your data")
    page.set_input_files("#file", str(spanish_csv(folder / "exports")))
    page.click("#read-file")
    page.locator("#shape").wait_for()
    assert "Found in row 2" in words(page, "#reading")
    # no service to choose yet: the file names one
    assert page.locator("input[name=service]").count() == 1
    assert page.is_checked("#service-new")
    page.select_option("#role-case", "Expediente")
    page.select_option("#role-activity", "Trámite")
    page.select_option("#role-team", "Equipo")
    page.fill("#new_service", "Licencias de obra")
    page.fill("#timezone", "Europe/Madrid")
    page.click("#import")
    page.locator("#imported").wait_for()
    assert words(page, "#imported").startswith(
        "Imported 180 rows from expedientes.csv: 179 events kept, in 60 cases; 1 value set "
        "aside")
    assert page.locator(".brand").inner_text() == "Licencias de obra"
    page.click("#save")
    page.locator("#mapping-saved").wait_for()
    saved = tomllib.loads((folder / "service.toml").read_text(encoding="utf-8"))
    assert saved["name"] == "Licencias de obra" and saved["columns"]["case"] == "Expediente"

    # the German office's workbook: serial dates under German headers, a row per case
    nav(page, "Bring your data")
    page.set_input_files("#file", str(german_workbook(folder / "exports")))
    page.click("#read-file")
    page.locator("#shape").wait_for()
    assert words(page, "#shape").startswith(
        "A case table: 40 cases, each a row; 2 moments: Eingang → Erledigt.")
    assert page.input_value("#role-case") == "Aktenzeichen"  # from its values: a guess
    assert words(page, "#dates").startswith("The dates are Excel's day numbers. '45353.175' "
                                            "is read as 2 March 2024, 04:12.")
    assert page.locator("#date_order").count() == 0  # no day or month to put first
    page.screenshot(path=str(ARTIFACTS / "web-new-team-workbook.png"), full_page=True)
    page.check("#service-new")
    page.fill("#new_service", "Bauamt")
    page.fill("#timezone", "Europe/Berlin")
    page.click("#import")
    page.locator("#imported").wait_for()
    assert ("Imported 40 rows from vorgaenge.xlsx (a row per case): 76 events made from "
            "their dates, in 40 cases. It went into the workspace as the service Bauamt."
            ) in words(page, "#imported")
    assert page.locator(".brand").inner_text() == "Licencias de obra"  # the app's own

    # every page names each service by its name
    nav(page, "Imports")
    assert [words(page, f"#imports tbody tr:nth-child({i}) td:nth-child(2)")
            for i in (1, 2)] == ["Bauamt", "Licencias de obra"]
    nav(page, "Capability")
    assert words(page, "#shown").startswith("Licencias de obra: from the workspace")
    page.select_option("#dashboard-service", "bauamt")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"service=bauamt"))
    assert words(page, "#shown").startswith("Bauamt: from the workspace")
    assert "Of the 36 needs first reported between 2 Mar 2024 and 2 Apr 2024 and met" in \
        words(page)

    # the exports the pages offer: the summary of a service with nothing to summarise yet is
    # its header, not a server error
    got = page.request.get(url + "/export/summary.csv")
    assert got.status == 200 and got.text().splitlines()[0].startswith("measure,rule_set,")

    # the Check report of the workbook's service, downloaded: named, with no 'nan'
    nav(page, "Check report")
    page.select_option("#report-service", "bauamt")
    page.get_by_role("button", name="Make the report").click()
    link = page.get_by_role("link", name="Download the report (HTML)")
    link.wait_for(timeout=180_000)
    with page.expect_download() as download:
        link.click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<title>Bauamt: Check report</title>" in html
    prose = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    assert not re.search(r"\b(nan|None|inf)\b", prose)
    assert ("The workspace holds 2 services, but no citizen reference links a person across "
            "them") in prose
    assert errors == []
    context.close()
