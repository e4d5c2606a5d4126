"""Data quality as findings: what was read and left out on import, values that stand for
"nothing" (EMPTY, n/a, -) in the columns a measure counts, and, from the capability, needs
set aside or gone stale."""

from __future__ import annotations

import json

import ibis

from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding, count
from servicecheck.service.model import Service

# what systems write for "none": missing, never a team, a resource or an activity
PLACEHOLDERS = ("empty", "n/a", "na", "none", "null", "nil", "-", "--", "?", "unknown",
                "not known", "tbc", "#n/a")
COUNTED_COLUMNS = ("activity", "team", "resource")


def import_findings(ws: Reader, svc: Service) -> list[Finding]:
    log = [r for r in ws.import_log() if r["service"] == svc.key]
    read = sum(int(r["rows_read"]) for r in log)
    kept = sum(int(r["rows_kept"]) for r in log)
    reasons: dict[str, int] = {}
    for r in log:
        for why, n in json.loads(r["dropped"] or "{}").items():
            if n:
                reasons[why] = reasons.get(why, 0) + int(n)
    return [Finding("quality.imports", "row", read,
                    {"imports": count(len(log)), "kept": count(kept),
                     **{f"left{i}": count(n) for i, n in enumerate(reasons.values())}},
                    names=tuple(reasons))]


def placeholder_findings(ws: Reader, svc: Service) -> list[Finding]:
    """One finding per column that holds placeholder values, naming the values found."""
    ev = ws.events(svc.key)
    out: list[Finding] = []
    for col in COUNTED_COLUMNS:
        if col not in ev.columns:
            continue
        value = ev[col].strip().lower()
        hits = ev.filter(value.isin(PLACEHOLDERS)).group_by(ev[col]).aggregate(n=ibis._.count())
        found = hits.order_by([ibis.desc("n"), col]).to_pandas()
        if len(found):
            out.append(Finding("quality.placeholders", "event", int(found["n"].sum()),
                               names=(col, *[str(v) for v in found[col]])))
    return out
