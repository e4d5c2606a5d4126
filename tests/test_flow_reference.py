"""Contract: flow measures equal PM4Py's outputs on every oracle in SERVICECHECK_FLOW_ORACLES.

Counts exactly, seconds to 1e-6. Each oracle names its log; the log is looked for beside
the oracle first, then in ../shared/data.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from servicecheck import read_log
from servicecheck.flow import (
    case_durations,
    directly_follows,
    rework,
    start_end_activities,
    variants,
)

from .conftest import DATA, FLOW_ORACLES

ORACLES = sorted(FLOW_ORACLES.glob("*.json"))
SECONDS = 1e-6
_checked: list[str] = []


def _log_for(oracle: Path, spec: dict[str, Any]) -> Path:
    name = Path(spec["path"]).name
    for folder in (oracle.parent, DATA):
        if (folder / name).exists():
            return folder / name
    pytest.fail(f"{oracle.name}: its log {name} is neither beside it nor in {DATA}")


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=SECONDS)


@pytest.mark.parametrize("oracle", ORACLES, ids=[o.stem for o in ORACLES])
def test_flow_oracle(oracle: Path) -> None:
    want = json.loads(oracle.read_text())
    path = _log_for(oracle, want["input"])
    if "sha256" in want["input"]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == want["input"]["sha256"], f"{path} is not the file the oracle was made on"
    log = read_log(path)
    events = log.table

    assert log.report is not None
    assert log.report.rows_read == want["n_rows_in_file"]
    assert log.report.rows_dropped == want["n_rows_dropped"]
    assert log.n_events == want["n_events"]
    assert log.n_cases == want["n_cases"]

    dfg = directly_follows(events)
    got_counts = {(r.source, r.target): int(r.count) for r in dfg.itertuples()}
    want_counts = {(e["source"], e["target"]): e["count"] for e in want["dfg"]}
    assert got_counts == want_counts
    if "n_edges" in want:
        assert len(dfg) == want["n_edges"]
    if "n_transitions" in want:
        assert int(dfg["count"].sum()) == want["n_transitions"]
    assert dfg["source"].nunique() <= want["n_activities"]

    perf = {(r.source, r.target): r for r in dfg.itertuples()}
    for e in want["performance_dfg"]:
        r = perf[(e["source"], e["target"])]
        for key, col in (("mean", "mean_s"), ("median", "median_s"), ("min", "min_s"),
                         ("max", "max_s"), ("sum", "sum_s"), ("stdev", "stdev_s")):
            got = getattr(r, col)
            got = None if got is None or (isinstance(got, float) and math.isnan(got)) else got
            assert _same(got, e[key]), (e["source"], e["target"], key, got, e[key])

    starts, ends = start_end_activities(events)
    assert starts == want["start_activities"]
    assert ends == want["end_activities"]

    durations = case_durations(events)
    got_d = dict(zip(durations.case_id, durations.duration_s, strict=True))
    assert set(got_d) == set(want["case_durations_s"])
    for case_id, seconds in want["case_durations_s"].items():
        assert _same(float(got_d[case_id]), seconds), (case_id, got_d[case_id], seconds)

    v = variants(events)
    assert len(v) == want["n_variants"]
    for top in want["top_variants"]:
        row = v.iloc[top["rank"] - 1]
        assert int(row["cases"]) == top["count"]
        assert list(row["activities"]) == top["activities"], top["rank"]
    if "variant_count_at_rank_10" in want:
        assert int(v.iloc[9]["cases"]) == want["variant_count_at_rank_10"]
        assert int(v.iloc[10]["cases"]) == want["variant_count_at_rank_11"]

    rw = rework(events)
    got_rw = {str(a): int(n) for a, n in zip(rw.activity, rw.rework_cases, strict=True)
              if n > 0}
    assert got_rw == want["rework_cases_per_activity"]
    _checked.append(oracle.name)


def test_oracles_found_and_all_checked() -> None:
    assert ORACLES, f"no flow oracles in {FLOW_ORACLES}"
    print(f"\nflow reference: checked {len(_checked)} of {len(ORACLES)} oracles in {FLOW_ORACLES}")
    assert len(_checked) == len(ORACLES)
