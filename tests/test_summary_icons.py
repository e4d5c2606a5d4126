"""Making Data Count's icons as accessible SVG, and the summary table of many measures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicecheck import spc
from servicecheck.charts.icons import assurance_icon, variation_icon
from servicecheck.charts.summary import summary_html
from servicecheck.narrative.signals import ASSURANCE_WORDS, summary_words, variation_words

from .test_report_browser import browser  # noqa: F401  (the shared Chromium fixture)

# (point type, improvement direction, letter drawn, words said)
VARIATION = [
    ("common_cause", "increase", "", "common cause variation only"),
    ("special_cause_improvement", "increase", "H",
     "special cause variation: improvement (high)"),
    ("special_cause_improvement", "decrease", "L",
     "special cause variation: improvement (low)"),
    ("special_cause_concern", "increase", "L", "special cause variation: concern (low)"),
    ("special_cause_concern", "decrease", "H", "special cause variation: concern (high)"),
    ("special_cause_neutral_high", "neutral", "H", "special cause variation: higher"),
    ("special_cause_neutral_low", "neutral", "L", "special cause variation: lower"),
]


@pytest.mark.parametrize(("point_type", "direction", "letter", "words"), VARIATION)
def test_variation_icons_say_what_they_show(point_type: str, direction: str, letter: str,
                                            words: str) -> None:
    svg = variation_icon(point_type, direction)
    assert variation_words(point_type, direction) == words
    assert 'role="img"' in svg and f">{words}</title>" in svg
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert drawn == ([letter] if letter else [])


@pytest.mark.parametrize(("assurance", "letter"), [
    ("consistent_pass", "P"), ("consistent_fail", "F"), ("inconsistent", "?")])
def test_assurance_icons(assurance: str, letter: str) -> None:
    svg = assurance_icon(assurance)
    assert re.findall(r"<text[^>]*>([^<]*)</text>", svg) == [letter]
    # the title is the summary table's words (they differed: "will consistently meet ...")
    assert f">{ASSURANCE_WORDS[assurance]}</title>" in svg
    assert ASSURANCE_WORDS[assurance].startswith("the system will ")
    assert assurance_icon(None) == ""
    with pytest.raises(ValueError, match="'met' is not an assurance"):
        assurance_icon("met")


SHIFT = [10.0, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9, 15, 16, 15, 17, 16, 15, 16, 17]


def _charts() -> dict[str, spc.Chart]:
    return {
        "end-to-end days": spc.xmr(SHIFT, improvement_direction="decrease"),
        "failure demand share": spc.qic([40, 45, 50, 42], [100, 400, 1000, 300], chart="pp"),
    }


def test_the_summary_table_takes_the_latest_points_limits() -> None:
    charts = _charts()
    t = spc.summary_table(charts)
    pp = charts["failure demand share"]
    row = t.set_index("measure").loc["failure demand share"]
    assert row["upper"] == pytest.approx(pp.ucl[-1]) and row["lower"] == pytest.approx(pp.lcl[-1])
    # a code in the measure's table, words in the narrative's (for a spreadsheet)
    assert t.set_index("measure").loc["end-to-end days", "variation"] == "special_cause_concern"
    # the words the icon's accessible title says (they differed: "special cause: concern")
    assert summary_words(t).set_index("measure").loc["end-to-end days", "variation"] == (
        "special cause variation: concern (high)")
    assert "measure,rule_set" in t.to_csv(index=False)


@pytest.fixture
def summary_page(browser: Any, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    charts = _charts()
    links = {name: f"chart-{i}.html" for i, name in enumerate(charts)}
    for i, name in enumerate(charts):
        (tmp_path / f"chart-{i}.html").write_text(f"<h1>{name}</h1>")
    page_file = tmp_path / "summary.html"
    table = summary_html(charts, links=links)
    page_file.write_text(f"<!doctype html><title>summary</title>{table}")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    yield page
    page.close()


def test_the_summary_in_a_browser(summary_page: Any) -> None:
    page = summary_page
    icon = page.get_by_role("img", name="special cause variation: concern (high)")
    assert icon.is_visible()
    assert page.get_by_role("img", name="common cause variation only").is_visible()
    box = icon.bounding_box()
    assert box["width"] == 32 and box["height"] == 32
    page.get_by_role("link", name="failure demand share").click()
    assert page.locator("h1").inner_text() == "failure demand share"
