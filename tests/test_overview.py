"""Many measures at once: the summary's charts, checked against the generator's truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicecheck.measures.overview import MeasureChart, findings, measure_charts
from servicecheck.spc import Chart


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[MeasureChart], Path]:
    from servicecheck.generators.load import load_repairs

    folder = tmp_path_factory.mktemp("overview")
    ex = load_repairs(folder, events=30000, seed=8)
    return measure_charts(ex.workspace, ex.service), folder


# (group, the subjects the synthetic service has in it, the unit)
GROUPS = [
    ("end-to-end", {"Heating and hot water", "Leaks and plumbing", "Damp and mould",
                    "Windows and doors", "Electrics", "Roof and gutters"}, "days"),
    ("failure demand", {"phone", "web", "counter"}, "%"),
    ("regime", {"P1", "P2", "P3"}, "%"),
]


@pytest.mark.parametrize(("group", "subjects", "unit"), GROUPS)
def test_one_chart_per_subject(rows: tuple[list[MeasureChart], Path], group: str,
                               subjects: set[str], unit: str) -> None:
    mine = [r for r in rows[0] if r.group == group]
    assert {r.subject for r in mine} == subjects
    assert {r.unit for r in mine} == {unit}
    # 78 weeks from January 2024 are 18 months; the redesign starts a second phase
    assert {r.chart.n for r in mine} == {18}
    assert {len(r.chart.limits) for r in mine} == {2}
    assert len({r.key for r in rows[0]}) == len(rows[0])


def test_end_to_end_per_type_is_the_truths_median(rows: tuple[list[MeasureChart], Path]
                                                   ) -> None:
    charts, folder = rows
    truth = pd.read_parquet(folder / "ground_truth.parquet").dropna(subset=["completed_at"])
    mine = truth[truth["demand_type"] == "Electrics"]
    month = mine["completed_at"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m")
    want = mine.groupby(month)["end_to_end_days"].median().to_numpy()
    chart = next(r.chart for r in charts if r.key == "e2e-electrics")
    # 546 days from 1 January 2024 end on 30 June 2025: no month is partial
    assert chart.partial is None
    got = chart.values
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert chart.improvement_direction == "decrease"


def test_the_regime_share_is_neutral_and_the_finding_counts(
        rows: tuple[list[MeasureChart], Path]) -> None:
    charts, _ = rows
    regime = [r for r in charts if r.group == "regime"]
    assert {r.chart.improvement_direction for r in regime} == {"neutral"}
    [f] = findings(charts)
    special = [r for r in charts if r.chart.variation_icon != "common_cause"]
    assert f.n == len(charts) == 12 and f.q("special") == len(special)
    assert f.names == tuple(x for r in special for x in (r.group, r.subject))
    [none] = findings([])
    assert not none.applies


def test_shares_are_p_prime_charts_and_the_words_name_the_tables_rows(
        rows: tuple[list[MeasureChart], Path]) -> None:
    """A share per month (failure demand per channel, the regime's on-time share per
    priority) has a denominator that varies month by month: a P′ chart, limits per month; a
    median of days has none: XmR. The words name a measure as its row in the table does."""
    from servicecheck.narrative.regulators import measure_name
    from servicecheck.narrative.words import Voice, say

    charts, _ = rows
    for r in charts:
        assert r.chart.chart_type == ("pp" if r.unit == "%" else "i"), r.key
        if r.unit == "%":
            assert len(set(np.round(r.chart.ucl[~np.isnan(r.chart.ucl)], 9))) > 1, r.key
    [f] = findings(charts)
    special = [r for r in charts if r.chart.variation_icon != "common_cause"]
    text = say(f, Voice())
    assert all(measure_name(r.group, r.subject) in text for r in special)


def _state(i: int, icon: str, stable: bool) -> MeasureChart:
    """A summary row whose chart's latest point shows ``icon`` and whose latest limits hold
    signals or not: only what the finding reads of it."""
    from types import SimpleNamespace
    from typing import cast

    chart = SimpleNamespace(variation_icon=icon, stable=stable)
    return MeasureChart(f"regime-p{i}", "regime", f"P{i}", "%",
                        cast("Chart", chart))


# (each chart: its latest point, and whether its latest limits hold no signal; said; not said)
OVERVIEW_WORDS = [
    ([("common_cause", True)] * 3, "All 3 measures in the summary show common cause "
     "variation only within their latest limits", "not stable"),
    # the 10M-event report said "the rest show common cause variation only" beside charts
    # of the rest that said "not stable: 2 signals"
    ([("special_cause_concern", False), ("common_cause", False), ("common_cause", True)],
     "the rest show common cause variation at their latest point, though 1 is not stable "
     "(signals earlier within its latest limits)", "variation only"),
    ([("common_cause", False), ("common_cause", False)], "Not one of the 2 measures in the "
     "summary shows a special cause at its latest point, but 2 are not stable",
     "predictably"),
    ([("common_cause", False)], "The one measure in the summary shows common cause variation "
     "at its latest point, but it is not stable", "predictably"),
    ([("special_cause_concern", False)], "The one measure in the summary, The regime's "
     "on-time %: P1, shows", "1 measure"),
]


@pytest.mark.parametrize(("states", "said", "not_said"), OVERVIEW_WORDS)
def test_the_summary_calls_no_chart_stable_that_says_it_is_not(
        states: list[tuple[str, bool]], said: str, not_said: str) -> None:
    from servicecheck.narrative.words import Voice, say

    [f] = findings([_state(i, icon, stable) for i, (icon, stable) in enumerate(states, 1)])
    text = say(f, Voice())
    assert said in text and not_said not in text, text
