"""Clean and dirty work: needs that went straight through, and those that looped.

A need is clean when nothing was done twice (no repeated step across its cases), the citizen
did not have to chase or report again (no failure demand), and the work changed hands no more
often than designed. Dirty work is everything else; the end-to-end time of each group is
what the difference costs the citizen.
"""

from __future__ import annotations

import ibis
import pandas as pd

from servicecheck.engine.frames import to_frame
from servicecheck.engine.workspace import Reader
from servicecheck.measures.needs import needs
from servicecheck.measures.order import stale_mask
from servicecheck.measures.summary import set_aside
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need

# what a need's cleanliness and its days are read from
NEED_COLUMNS_READ = ("need_id", "first_contact", "met_at", "open", "end_to_end_days",
                     "contacts", "failure_demands", "idle_days")


def clean_and_dirty(workspace: Reader, service: Service | None = None, *,
                    need_table: pd.DataFrame | None = None,
                    designed_handoffs: int | None = None) -> pd.DataFrame:
    """Per need: rework, failure demand, hand-offs, whether it was clean, and its days."""
    svc = service or workspace.service()
    n = need_table if need_table is not None else needs(workspace, svc)
    # only the needs studied: one that ended before it began is set aside everywhere (the 2
    # NYC 311 requests closed before they were made were counted as having gone straight
    # through, and their negative days pulled the clean needs' median down)
    # (only the needs' columns read here are copied: every column of every need, at 100M
    # events 13M rows, was the flow section's peak)
    n = n[[c for c in n.columns if c in NEED_COLUMNS_READ]]
    # without an end and idle long past the usual time: stale, as capability says, not
    # "not met yet"
    n = n.assign(stale=stale_mask(n)) if "idle_days" in n else n.assign(stale=False)
    aside = set_aside(n)
    if len(aside):
        n = n[~n["need_id"].isin(aside)]
    ev = workspace.events(svc.key)
    ev = with_need(ev, svc)
    per_step = ev.group_by([ev.need, ev.activity]).aggregate(times=ev.count())
    rework = per_step.group_by(per_step.need).aggregate(
        repeated_steps=(per_step.times - 1).sum())
    w = ibis.window(group_by=ev.need, order_by=[ev.timestamp, ev.event_index])
    t = ev.mutate(next_team=ev.team.lead().over(w))
    t = t.filter(t.team.notnull() & t.next_team.notnull())
    hand = t.group_by(t.need).aggregate(handoffs=(t.team != t.next_team).sum())
    per = to_frame(rework.join(hand, "need", how="left").select(
        "need", "repeated_steps", "handoffs"))
    # a need with no two steps by named teams has no hand-off to count, not none: when no
    # need has, the words do not judge hand-offs at all
    per["teams"] = per["handoffs"].notna()
    per["handoffs"] = per["handoffs"].fillna(0).astype(int)
    out = n.merge(per, left_on="need_id", right_on="need", how="left").drop(columns=["need"])
    designed = designed_handoffs if designed_handoffs is not None else svc.designed_handoffs
    if designed is None:
        # not stated: take what the straightest needs (no rework, no failure demand) need
        straight = out[(out["repeated_steps"] == 0) & (out["failure_demands"] == 0)]
        designed = int(straight["handoffs"].median()) if len(straight) else 0
    out["designed_handoffs"] = designed
    # said apart: a design the team stated, or only what the straightest needs take
    out["designed_stated"] = (designed_handoffs is not None
                              or svc.designed_handoffs is not None)
    out["clean"] = ((out["repeated_steps"] == 0) & (out["failure_demands"] == 0)
                    & (out["handoffs"] <= designed))
    return out


def clean_dirty_summary(per_need: pd.DataFrame) -> pd.DataFrame:
    """Clean and dirty needs: how many, what share, and their end-to-end days (finished)."""
    rows = []
    total = len(per_need)
    for label, group in (("clean", per_need[per_need["clean"]]),
                         ("dirty", per_need[~per_need["clean"]])):
        days = group.loc[~group["open"], "end_to_end_days"]
        rows.append({
            "work": label,
            "needs": len(group),
            "share": len(group) / total if total else float("nan"),
            "median_days": float(days.median()) if len(days) else float("nan"),
            "p90_days": float(days.quantile(0.9)) if len(days) else float("nan"),
        })
    return pd.DataFrame(rows)
