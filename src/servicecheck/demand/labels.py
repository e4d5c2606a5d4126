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


def train(ws: Workspace, service: Service, *, held_out: float = 0.2,
          embed: bool = False) -> Suggester:
    """Learn from every confirmed label; the latest share is held out to calibrate."""
    d = ws.demands(service.key)
    confirmed = d.filter(d.nature != "unknown").order_by("received_at").to_pandas()
    if len(confirmed) < 10:
        raise InputError(f"only {len(confirmed)} demands have confirmed labels",
                         source=str(ws.path or "workspace"),
                         fix="confirm at least a few dozen first (servicecheck classify "
                         "--confirm labels.csv), then suggestions can be learned")
    return fit_suggester(confirmed, label_lists(ws, service), held_out=held_out, embed=embed)


def fit_suggester(confirmed: pd.DataFrame, labels: Mapping[str, Sequence[str]], *,
                  held_out: float = 0.2, embed: bool = False) -> Suggester:
    """Learn from confirmed demand in time order (``verbatim`` and a column per head); with
    enough of it, the latest share is held out to calibrate, then learned from too."""
    s = Suggester.for_labels(labels, embed=embed)
    cut = int(len(confirmed) * (1 - held_out)) if len(confirmed) >= 100 else len(confirmed)
    verbatims = confirmed["verbatim"].astype(str).tolist()
    s.learn(verbatims[:cut], confirmed.iloc[:cut])
    if cut < len(confirmed):
        s.calibrate(verbatims[cut:], confirmed.iloc[cut:])
        s.learn(verbatims[cut:], confirmed.iloc[cut:], epochs=1)
    return s


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
                     threshold: float) -> int:
    """Label unclassified demand where the suggested nature's confidence is at least
    ``threshold``: only ever called with a threshold the team chose explicitly."""
    check_threshold(threshold)
    q = review_queue(ws, service, suggester)
    if q.empty or "nature_confidence" not in q:
        return 0
    sure = q[q["nature_confidence"] >= threshold].copy()
    if sure.empty:
        return 0
    cols = ["demand_id", "nature"] + [c for c in ("failure_kind", "demand_type") if c in sure]
    out = sure[cols].copy()
    if "failure_kind" in out:
        out.loc[out["nature"] != "failure", "failure_kind"] = None
    return confirm(ws, service, out)
