"""The synthetic repairs service: deterministic, and its ground truth recovered exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from servicecheck import Service, Workspace, import_events
from servicecheck.generators.housing_repairs import generate
from servicecheck.measures.capability import capability
from servicecheck.measures.needs import needs


@pytest.fixture(scope="module")
def repairs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace, Service]:
    from servicecheck.generators.load import load_repairs

    folder = tmp_path_factory.mktemp("repairs")
    ex = load_repairs(folder, events=30000, seed=7, csv=True)
    return folder, ex.workspace, ex.service


def test_same_seed_same_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", events=3000, seed=3, csv=False)
    b = generate(tmp_path / "b", events=3000, seed=3, csv=False)
    c = generate(tmp_path / "c", events=3000, seed=4, csv=False)
    ea, eb, ec = (pd.read_parquet(x.events_parquet) for x in (a, b, c))
    pd.testing.assert_frame_equal(ea, eb)
    assert not ea.equals(ec)
    assert abs(a.events - 3000) < 600


def test_csv_and_parquet_hold_the_same_events(tmp_path: Path) -> None:
    g = generate(tmp_path, events=2000, seed=2)
    from_csv = Workspace()
    import_events(from_csv, tmp_path / "events.csv", service=Service.load(g.service_file))
    from_pq = Workspace()
    import_events(from_pq, g.events_parquet, service=Service.load(g.service_file))
    cols = ["case_id", "activity", "timestamp", "team", "need_id"]
    a = from_csv.events().order_by("event_index").select(cols).to_pandas()
    b = from_pq.events().order_by("event_index").select(cols).to_pandas()
    pd.testing.assert_frame_equal(a, b)


def test_ground_truth_recovered_exactly(repairs: tuple[Path, Workspace, Service]) -> None:
    folder, ws, svc = repairs
    truth = pd.read_parquet(folder / "ground_truth.parquet")
    got = needs(ws, svc).merge(truth, on="need_id", suffixes=("", "_truth"))
    assert len(got) == len(truth)
    assert (got["open"] == got["completed_at"].isna()).all()
    done = got[~got["open"]]
    assert (done["end_to_end_days"] - done["end_to_end_days_truth"]).abs().max() < 1e-9
    assert (got["cases"] == got["orders"]).all()
    assert (got["visits"] == got["visits_truth"]).all()
    assert (got["contacts"] == got["contacts_truth"]).all()
    assert (got["failure_demands"] == got["failure_demands_truth"]).all()
    assert (got["first_visit_fix"] == got["first_visit_fix_truth"]).all()


def test_redesign_shows_as_a_shift(repairs: tuple[Path, Workspace, Service]) -> None:
    _, ws, svc = repairs
    cap = capability(ws, svc)
    assert len(cap.chart.limits) == 2
    before, after = cap.chart.limits
    assert before.centre > 4 * after.centre
    assert (after.upper or 0) < (before.upper or 0)
    from servicecheck.measures.capability import change_signal

    signal = change_signal(cap)
    assert signal is not None and signal.direction == -1
    assert signal.points[0] >= cap.chart.limits[1].first_point - 7  # starts at the change


def test_mechanisms_present_before_and_gone_after(tmp_path: Path) -> None:
    g = generate(tmp_path, events=20000, seed=11, csv=False)
    t = pd.read_parquet(g.truth_parquet).groupby("phase")[
        ["late_start", "split", "closed_early", "reprioritised", "repeat_report"]].mean()
    assert (t.loc["before"] > 0.02).all()
    assert (t.loc["after"] == 0).all()
