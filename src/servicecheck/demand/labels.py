"""Labels in the workspace: learning from what people confirmed, the review queue, bulk
confirmation, and (only when the team sets a threshold) accepting confident suggestions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from servicecheck.demand.suggest import HEADS, Suggester
from servicecheck.engine.workspace import Workspace
from servicecheck.io.errors import InputError
from servicecheck.io.tables import read_table
from servicecheck.service.model import Service


def label_lists(ws: Workspace, service: Service) -> dict[str, list[str]]:
    """What each head may suggest: the service file's lists, else what people have used."""
    d = ws.demands(service.key)
    used = d.filter(d.nature != "unknown").select(*HEADS).to_pandas()

    def seen(col: str) -> list[str]:
        return sorted(str(v) for v in used[col].dropna().unique())

    return {
        "nature": ["failure", "value"],
        "failure_kind": sorted(set(service.failure_kinds) | set(seen("failure_kind"))),
        "demand_type": sorted(set(service.demand_types) | set(seen("demand_type"))),
    }


def train(ws: Workspace, service: Service, *, embed: bool = False) -> Suggester:
    """Learn from every confirmed label beside the starter corpus (so it suggests from the
    first day, before anyone has confirmed a label)."""
    d = ws.demands(service.key)
    confirmed = d.filter(d.nature != "unknown").order_by("received_at").to_pandas()
    return fit_suggester(confirmed, label_lists(ws, service), embed=embed)


def fit_suggester(confirmed: pd.DataFrame, labels: Mapping[str, Sequence[str]], *,
                  embed: bool = False) -> Suggester:
    """A suggester for the label lists, learned from confirmed demand (``verbatim`` and a
    column per head) beside the starter corpus, calibrated by cross-validation."""
    return Suggester.for_labels(labels, embed=embed).fit(confirmed)


def review_queue(ws: Workspace, service: Service, suggester: Suggester) -> pd.DataFrame:
    """Demands not yet classified, with suggestions, the least certain first."""
    d = ws.demands(service.key)
    todo = d.filter(d.nature == "unknown").select("demand_id", "verbatim").to_pandas()
    if todo.empty:
        return pd.DataFrame(columns=["demand_id", "verbatim"])
    return suggester.review_queue(todo["demand_id"].tolist(), todo["verbatim"].tolist())


def confirm(ws: Workspace, service: Service, source: str | Path | pd.DataFrame) -> int:
    """Set labels people confirmed (demand_id plus nature, failure_kind, demand_type), all or
    none; a value the service file does not allow is named with its row."""
    raw = read_table(source)
    df = raw.table.to_pandas()
    if "demand_id" not in df.columns:
        raise InputError("there is no demand_id column", source=raw.source,
                         fix="keep the demand_id column of the review file")
    allowed = label_lists(ws, service)
    allowed["nature"] = ["value", "failure", "unknown"]
    for col in HEADS:
        if col not in df.columns:
            continue
        bad = df[df[col].notna() & ~df[col].isin(allowed[col])]
        if len(bad):
            i = int(bad.index[0])
            raise InputError(f"'{bad.iloc[0][col]}' is not a {col.replace('_', ' ')} the "
                             "service file lists", source=raw.source,
                             row=i + raw.header_rows + 1, column=col,
                             fix=f"use one of {', '.join(allowed[col])}, or add it to the "
                             "service file")
    cols = [c for c in HEADS if c in df.columns]
    sets = ", ".join(f"{c} = coalesce(l.{c}, d.{c})" for c in cols)
    labels = df[["demand_id", *cols]].astype(object).where(df[["demand_id", *cols]].notna(),
                                                           None)

    def work() -> None:
        ws.raw.register("__labels", labels)
        try:
            ws.raw.execute(f"UPDATE demands AS d SET {sets} FROM __labels AS l "
                           "WHERE d.demand_id = l.demand_id AND d.service = ?", [service.key])
        finally:
            ws.raw.unregister("__labels")

    known = set(ws.demands(service.key).demand_id.to_pandas())
    missing = [x for x in labels["demand_id"] if x not in known]
    if missing:
        raise InputError(f"demand '{missing[0]}' is not in the workspace "
                         f"({len(missing)} such rows)", source=raw.source, column="demand_id",
                         fix="confirm labels for demands that were imported")
    ws.transaction(work)
    return len(labels)


def check_threshold(threshold: float) -> None:
    """A confidence threshold the team may choose: above a coin toss, at most certainty."""
    if not 0.5 < threshold <= 1:
        raise InputError(f"{threshold} is not a confidence threshold", source="--accept-above",
                         fix="give a number above 0.5 and at most 1, e.g. 0.97")


def accept_confident(ws: Workspace, service: Service, suggester: Suggester,
                     threshold: float | Mapping[str, float]) -> int:
    """Label unclassified demand where the suggested nature's confidence is at least its
    threshold; a failure kind or demand type is stored beside it only where that head is
    shown (enough of the team's own examples) and its own confidence reaches its threshold,
    else left for a person. ``threshold``: one for every head, or one per head (a head not
    named is never accepted). Only ever called with thresholds the team chose explicitly."""
    limits = dict.fromkeys(HEADS, threshold) if isinstance(threshold, float | int) \
        else dict(threshold)
    for value in limits.values():
        check_threshold(float(value))
    q = review_queue(ws, service, suggester)
    if q.empty or "nature_confidence" not in q or "nature" not in limits:
        return 0
    sure = q[q["nature_confidence"] >= limits["nature"]].copy()
    if sure.empty:
        return 0
    out = sure[["demand_id", "nature"]].copy()
    for head in ("failure_kind", "demand_type"):
        if head not in sure or head not in limits or not suggester.heads[head].shown:
            continue
        ok = sure[f"{head}_confidence"] >= limits[head]
        if head == "failure_kind":
            ok &= sure["nature"] == "failure"
        out[head] = sure[head].where(ok, None)
    return confirm(ws, service, out)
