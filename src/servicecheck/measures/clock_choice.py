"""Choosing where the citizen's clock starts and stops from the log's own activities: for each
activity, how many needs have it, and how many would be left open if it alone ended the clock
(a need is met when its most recent case reaches an end activity, as measures.capability
counts it). A choice that leaves most needs open is most likely not where the need is met."""

from __future__ import annotations

import ibis
import pandas as pd

from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need

CHOICE_COLUMNS = ["activity", "events", "needs", "left_open"]


def clock_choices(reader: Reader, service: Service) -> tuple[pd.DataFrame, int]:
    """One row per activity (most frequent first): events, needs having it, and needs left
    open were it the only end activity; and the number of needs in all."""
    ev = with_need(reader.events(service.key), service)
    per_case = ev.group_by([ev.need, ev.case_id]).aggregate(case_first=ev.timestamp.min())
    w = ibis.window(group_by=per_case.need,
                    order_by=[per_case.case_first.desc(), per_case.case_id.desc()])
    ranked = per_case.mutate(r=ibis.row_number().over(w))
    last = ranked.filter(ranked.r == 0).select("need", "case_id")
    steps = ev.select("need", "case_id", "activity").distinct()
    in_last = steps.join(last, ["need", "case_id"])
    met = in_last.group_by("activity").aggregate(met=in_last.need.nunique())
    per = ev.group_by("activity").aggregate(events=ev.count(), needs=ev.need.nunique())
    joined = per.left_join(met, "activity").select(
        "events", "needs", activity=per.activity, met=ibis.coalesce(met.met, 0))
    total = int(to_frame(ev.aggregate(n=ev.need.nunique()))["n"].iloc[0])
    df = to_frame(joined)
    df["left_open"] = total - df["met"].astype("int64")
    df = df.sort_values(["events", "activity"], ascending=[False, True], ignore_index=True)
    return df[CHOICE_COLUMNS].astype({"events": "int64", "needs": "int64"}), total
