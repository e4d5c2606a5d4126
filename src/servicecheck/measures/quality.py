"""Data quality as findings: what was read and left out on import, rows set aside as
unreadable, values that stand for "nothing" (EMPTY, n/a, -) in the columns a measure counts,
and, from the capability, needs set aside or gone stale."""

from __future__ import annotations

import json

import ibis

from servicecheck.engine.workspace import ImportRecord, Reader
from servicecheck.findings import Finding, count
from servicecheck.io.placeholders import PLACEHOLDER_ROLES, PLACEHOLDERS
from servicecheck.io.rejects import REASONS
from servicecheck.service.model import Service


def _log(ws: Reader, svc: Service) -> list[ImportRecord]:
    return [r for r in ws.import_log() if r["service"] == svc.key]


def import_findings(ws: Reader, svc: Service) -> list[Finding]:
    log = _log(ws, svc)
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


def rejects_findings(ws: Reader, svc: Service) -> list[Finding]:
    """Values imports set aside in the rejects table, by reason (none: no finding)."""
    by_reason = dict.fromkeys(REASONS, 0)
    for r in _log(ws, svc):
        for why, n in json.loads(r["set_aside"] or "{}").items():
            by_reason[why] = by_reason.get(why, 0) + int(n)
    found = {why: n for why, n in by_reason.items() if n}
    if not found:
        return []
    return [Finding("quality.rejects", "value", sum(found.values()),
                    {f"n{i}": count(n) for i, n in enumerate(found.values())},
                    names=tuple(found))]


def placeholder_findings(ws: Reader, svc: Service) -> list[Finding]:
    """One finding per column that held placeholder values, naming the values found: those
    an import read as missing (from its log), and any still in tables read in place."""
    held: dict[str, dict[str, int]] = {}
    for r in _log(ws, svc):
        for role, values in json.loads(r["placeholders"] or "{}").items():
            for value, n in values.items():
                held.setdefault(role, {})[value] = held.get(role, {}).get(value, 0) + int(n)
    ev = ws.events(svc.key)
    for col in PLACEHOLDER_ROLES:
        if col not in ev.columns:
            continue
        value = ev[col].strip().lower()
        hits = ev.filter(value.isin(PLACEHOLDERS)).group_by(ev[col]).aggregate(n=ibis._.count())
        for v, n in hits.to_pandas().itertuples(index=False):
            held.setdefault(col, {})[str(v)] = held.get(col, {}).get(str(v), 0) + int(n)
    out: list[Finding] = []
    for col in PLACEHOLDER_ROLES:
        values = sorted(held.get(col, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        if values:
            out.append(Finding("quality.placeholders", "event", sum(n for _, n in values),
                               names=(col, *[v for v, _ in values])))
    return out
