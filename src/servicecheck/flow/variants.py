"""Variants: the sequence of activities each case went through, counted, with coverage; and
what the variants alone tell (start and end activities, repeated steps), read from them
without another pass over the events."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ibis.expr.types import Table

from servicecheck.engine.native import pair_hashes
from servicecheck.engine.prepared import arrow
from servicecheck.flow.dfg import ordered

if TYPE_CHECKING:
    import pandas as pd

_MODULUS = 2147483647  # 2^31 - 1: a case's sum of fingerprints stays far inside 64 bits


def variants(events: Table) -> pd.DataFrame:
    """Every variant with its number of cases and coverage, commonest first.

    Ties are ordered by the activity sequence, ascending (as PM4Py orders them).
    """
    import pandas as pd

    steps = arrow(_example_steps, events)
    # plain lists: a pandas group-wise apply costs a second on a thousand examples
    lists: dict[object, list[str]] = {}
    cases: dict[object, int] = {}
    for case, n, activity in zip(steps["case_id"].to_pylist(), steps["cases"].to_pylist(),
                                 steps["activity"].to_pylist(), strict=True):
        lists.setdefault(case, []).append(activity)
        cases[case] = n
    rows = sorted(((int(cases[c]), tuple(acts)) for c, acts in lists.items()),
                  key=lambda r: (-r[0], r[1]))
    total = sum(n for n, _ in rows) or 1
    df = pd.DataFrame(
        {
            "rank": range(1, len(rows) + 1),
            "cases": [n for n, _ in rows],
            "activities": [list(a) for _, a in rows],
            "steps": [len(a) for _, a in rows],
        }
    )
    df["coverage"] = df["cases"] / total
    df["cumulative_coverage"] = df["cases"].cumsum() / total
    return df


def _example_steps(events: Table) -> Table:
    """One case of each variant: its steps in order, each with the variant's cases."""
    # A variant is identified without building any per-case list (which a database must hold
    # whole in memory): each event's (activity, position) is hashed, and a case's hashes are
    # summed, twice over with two different hashes (62 bits of fingerprint). Positions are
    # unique within a case, so the fingerprint depends on the order; only plain fixed-size
    # sums are used, which every backend has (PySpark has no XOR aggregate) and which spill
    # to disk under a memory limit. The steps are then read back for one case of each, in
    # the same query.
    o = ordered(events)
    first, second = pair_hashes(o.activity, o.position, _MODULUS)
    per_case = o.group_by(o.case_id).aggregate(fp1=first.sum(), fp2=second.sum(),
                                                steps=o.count())
    groups = per_case.group_by([per_case.fp1, per_case.fp2, per_case.steps]).aggregate(
        cases=per_case.count(), example=per_case.case_id.min())
    steps = o.join(groups, o.case_id == groups.example).select(
        o.case_id, o.position, o.activity, groups.cases)
    return steps.order_by([steps.case_id, steps.position])


def start_end_from(variant_table: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """How many cases start, and end, with each activity: each variant's first and last
    step, counted by its cases (``start_end_activities`` without a pass over the events)."""
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for acts, n in zip(variant_table["activities"], variant_table["cases"], strict=True):
        if len(acts):
            starts[str(acts[0])] += int(n)
            ends[str(acts[-1])] += int(n)
    return dict(starts), dict(ends)


def rework_from(variant_table: pd.DataFrame) -> pd.DataFrame:
    """``rework.rework`` read from the variants: every case of a variant repeats the same
    steps the same number of times, so each variant's steps are counted once, times its
    cases. The same table, row order and types as the query on the events."""
    import pandas as pd

    cases: Counter[str] = Counter()
    again: Counter[str] = Counter()
    repeats: Counter[str] = Counter()
    for acts, n in zip(variant_table["activities"], variant_table["cases"], strict=True):
        for activity, times in Counter(acts).items():
            cases[activity] += int(n)
            if times > 1:
                again[activity] += int(n)
                repeats[activity] += int(n) * (times - 1)
    names = sorted(cases, key=lambda a: (-again[a], a))
    df = pd.DataFrame({
        "activity": pd.Series(names, dtype="str"),
        "cases": pd.Series([cases[a] for a in names], dtype="int64"),
        "rework_cases": pd.Series([again[a] for a in names], dtype="int64"),
        "repeats": pd.Series([repeats[a] for a in names], dtype="int64"),
    })
    df["rework_share"] = (df["rework_cases"] / df["cases"]).astype("float64")
    return df


def looped_cases(variant_table: pd.DataFrame) -> int:
    """Cases in which some step happened more than once."""
    return sum(int(n) for acts, n in zip(variant_table["activities"], variant_table["cases"],
                                         strict=True) if len(set(acts)) < len(acts))


def covering(variant_table: pd.DataFrame, share: float) -> pd.DataFrame:
    """The commonest variants that together cover at least ``share`` of cases."""
    if not 0 < share <= 1:
        raise ValueError("share must be between 0 and 1, e.g. 0.8 for 80% of cases")
    before = variant_table["cumulative_coverage"].shift(fill_value=0.0)
    return variant_table[before < share]
