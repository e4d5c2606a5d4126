"""Variants: the sequence of activities each case went through, counted, with coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ibis.expr.types import Table

if TYPE_CHECKING:
    import pandas as pd


def variants(events: Table) -> pd.DataFrame:
    """Every variant with its number of cases and coverage, commonest first.

    Ties are ordered by the activity sequence, ascending (as PM4Py orders them).
    """
    import pandas as pd

    per_case = events.group_by(events.case_id).aggregate(
        activities=events.activity.collect(order_by=[events.timestamp, events.event_index])
    )
    # group on a joined key (fast), keep one list per variant for display
    sep = "\x1f"
    keyed = per_case.mutate(key=per_case.activities.join(sep))
    counted = keyed.group_by(keyed.key).aggregate(cases=keyed.count()).to_pandas()
    rows = sorted(
        ((int(n), tuple(k.split(sep))) for k, n in zip(counted.key, counted.cases, strict=True)),
        key=lambda r: (-r[0], r[1]),
    )
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
