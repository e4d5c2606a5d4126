"""Variants: the sequence of activities each case went through, counted, with coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ibis.expr.types import Table

from servicecheck.engine.frames import to_frame
from servicecheck.flow.dfg import ordered

if TYPE_CHECKING:
    import pandas as pd


def variants(events: Table) -> pd.DataFrame:
    """Every variant with its number of cases and coverage, commonest first.

    Ties are ordered by the activity sequence, ascending (as PM4Py orders them).
    """
    import pandas as pd

    # A variant is identified without building any per-case list (which a database must hold
    # whole in memory): each event's (position, activity) is hashed, and a case's hashes are
    # summed, twice over with two different hashes (62 bits of fingerprint). Positions are
    # unique within a case, so the fingerprint depends on the order; only plain fixed-size
    # sums are used, which every backend has (PySpark has no XOR aggregate) and which spill
    # to disk under a memory limit. The activity list is then read back for one case of each.
    o = ordered(events)
    pos = o.position.cast("string")
    first = o.activity.concat("\x1f", pos).hash() % 2147483647
    second = pos.concat("\x1e", o.activity).hash() % 2147483647
    per_case = o.group_by(o.case_id).aggregate(fp1=first.sum(), fp2=second.sum(),
                                                steps=o.count())
    groups = per_case.group_by([per_case.fp1, per_case.fp2, per_case.steps]).aggregate(
        cases=per_case.count(), example=per_case.case_id.min())
    counted = to_frame(groups)
    examples = o.semi_join(groups.select(case_id=groups.example), "case_id")
    seqs = to_frame(examples.select("case_id", "position", "activity"))
    seqs = seqs.sort_values(["case_id", "position"])
    # plain lists: a pandas group-wise apply costs a second on a thousand examples
    lists: dict[object, list[str]] = {}
    for case, activity in zip(seqs["case_id"].tolist(), seqs["activity"].tolist(), strict=True):
        lists.setdefault(case, []).append(activity)
    by_case = {case: tuple(acts) for case, acts in lists.items()}
    rows = sorted(((int(n), by_case[c]) for c, n in zip(counted["example"], counted["cases"],
                                                         strict=True)),
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


def covering(variant_table: pd.DataFrame, share: float) -> pd.DataFrame:
    """The commonest variants that together cover at least ``share`` of cases."""
    if not 0 < share <= 1:
        raise ValueError("share must be between 0 and 1, e.g. 0.8 for 80% of cases")
    before = variant_table["cumulative_coverage"].shift(fill_value=0.0)
    return variant_table[before < share]
