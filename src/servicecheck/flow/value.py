"""Value work versus waste: how much of each case's steps, and time, directly serve purpose.

Value steps are named in the service file (diagnose, fix, assess entitlement). Every other
step is waste from the citizen's side: hand-offs, queues, checking, re-keying, chasing.
Time in a step is only known where the log has start times; without them the share of
time is left empty (not guessed) and the share of steps is given instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd
from ibis.expr.types import Table

from servicecheck.engine.durations import seconds_between
from servicecheck.engine.frames import to_frame


def value_and_waste(events: Table, value_steps: Sequence[str], *,
                    shares_only: bool = False) -> pd.DataFrame:
    """Per case: steps, value steps, waste steps, elapsed time and the value shares.

    Columns: case_id, steps, value_steps, waste_steps, value_step_share, elapsed_s,
    value_time_s (NaN without start times), value_time_share (NaN without start times).
    ``shares_only``: the two shares alone, not by case (what the findings read: every
    column by case, sorted, was 21.5M rows with their ids at 100M events)."""
    steps = list(value_steps)
    is_value = events.activity.isin(steps) if steps else ibis.literal(False)
    work_s = seconds_between(events.start_timestamp, events.timestamp)
    agg = events.group_by(events.case_id).aggregate(
        steps=events.count(),
        value_steps=events.count(where=is_value),
        first=events.timestamp.min(),
        last=events.timestamp.max(),
        timed=events.start_timestamp.count(),
        value_time_s=work_s.sum(where=is_value & events.start_timestamp.notnull()),
    )
    agg = agg.mutate(
        waste_steps=agg.steps - agg.value_steps,
        value_step_share=agg.value_steps / agg.steps,
        elapsed_s=seconds_between(agg["first"], agg["last"]),
    )
    df = to_frame(agg.select("value_step_share", "elapsed_s", "value_time_s", "timed")
                  if shares_only else agg.order_by(agg.case_id))
    untimed = df["timed"] == 0
    df.loc[untimed, "value_time_s"] = float("nan")
    df["value_time_s"] = df["value_time_s"].astype(float)
    share = df["value_time_s"] / df["elapsed_s"].where(df["elapsed_s"] > 0)
    df["value_time_share"] = share.where(~untimed)
    if shares_only:  # (sorted: a mean of them the same to the bit whatever order they came)
        return df[["value_step_share", "value_time_share"]].sort_values(
            ["value_step_share", "value_time_share"], ignore_index=True)
    return df[["case_id", "steps", "value_steps", "waste_steps", "value_step_share",
               "elapsed_s", "value_time_s", "value_time_share"]]


def step_kinds(events: Table, value_steps: Sequence[str]) -> pd.DataFrame:
    """Per activity: how often it happens and whether it is value work or waste."""
    counts = to_frame(events.activity.value_counts())
    counts.columns = ["activity", "events"]
    counts["kind"] = ["value" if a in set(value_steps) else "waste" for a in counts["activity"]]
    return counts.sort_values(["kind", "events"], ascending=[True, False]).reset_index(
        drop=True)
