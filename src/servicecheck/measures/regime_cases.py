"""The regime's clock per case (an order), on the engine: when it started and stopped, the
priority it had when it stopped, its due date as written and its need. ``measures.targets``
judges each case against its timescale."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from servicecheck.service.model import Service


def _first(ev: Table, value: ibis.Value, where: ibis.Value, *, last: bool = False
           ) -> ibis.Value:
    """Per case (an aggregate), ``value`` at its first (or last) event in event order where
    ``where``: by the (time, event index) key, where a ROW_NUMBER window over the events
    took five times as long on DuckDB."""
    key = ibis.struct({"t": ev.timestamp, "i": ev.event_index})
    return value.argmax(key, where=where) if last else value.argmin(key, where=where)


def cases(ev: Table, svc: Service) -> Table:
    """Per case, on the engine: when the regime's clock started and stopped, the priority it
    had when it stopped, whether that changed, its due date as written, its need, and whether
    it reached the citizen's end.

    One pass over the events takes each case's start, end and the lowest and highest of its
    need, due date and priority: where those agree (nearly every case) the value at the first
    or last event is that value. Only the cases where one varies are taken through the
    events again in event order. Every event joined to its case and ordered by a (time,
    index) struct per case ran DuckDB out of its memory at 21M orders (100M events)."""
    t = svc.targets
    assert t is not None
    values = {"need": ev.need}
    if t.due_column and t.due_column in ev.columns:
        values["due"] = ev[t.due_column].cast("string")
    col = t.priority_column
    if col and col in ev.columns:
        # a blank priority is no priority (Parquet keeps '' where CSV readers give null)
        p = ev[col].cast("string")
        values["priority"] = ibis.ifelse(p.strip() == "", ibis.null("string"), p)
    ends = list(svc.clock.end)
    spans = {f"{k}_{f}": getattr(v, f)() for k, v in values.items() for f in ("min", "max")}
    per = ev.group_by("case_id").aggregate(
        regime_start=ev.timestamp.min(where=ev.activity.isin(list(t.start))),
        reached_end=ev.activity.isin(ends).any() if ends else ibis.literal(False),
        **({"priority_first": ev.timestamp.min(where=values["priority"].notnull())}
           if "priority" in values else {}), **spans)
    per = per.filter(per.regime_start.notnull())
    closing = ev.filter(ev.activity.isin(list(t.end))).select("case_id", "timestamp")
    c = closing.join(per.select("case_id", "regime_start"), "case_id")
    stops = c.filter(c.timestamp >= c.regime_start).group_by("case_id").aggregate(
        regime_end=c.timestamp.min())
    j = per.left_join(stops, per.case_id == stops.case_id)
    cases = j.select(*per.columns, "regime_end")

    def varies(table: Table, k: str) -> ibis.Value:
        return (table[f"{k}_min"] != table[f"{k}_max"]).fill_null(False)

    mixed = ibis.or_(*[varies(cases, k) for k in values])
    # the cases whose need, due date or priority varies, in event order
    few = cases.filter(mixed).select("case_id", "regime_end")
    e = ev.mutate(**values).join(few, "case_id")
    ordered = {"need_first": _first(e, e.need, e.need.notnull())}
    if "due" in values:
        ordered["due_first"] = _first(e, e.due, e.due.notnull())
    if "priority" in values:
        # the priority the order had when its clock stopped (its latest, while still open)
        upto = e.priority.notnull() & (e.regime_end.isnull() | (e.timestamp <= e.regime_end))
        ordered["priority_last"] = _first(e, e.priority, upto, last=True)
    per_mixed = e.group_by("case_id").aggregate(**ordered)
    j = cases.left_join(per_mixed, cases.case_id == per_mixed.case_id)

    def taken(k: str, first: str) -> ibis.Value:
        return ibis.ifelse(varies(j, k), j[first], j[f"{k}_min"])

    out = {"need_id": taken("need", "need_first")}
    if "due" in values:
        out["due_text"] = taken("due", "due_first")
    if "priority" in values:
        # one priority throughout: it held when the clock stopped unless first given later
        given_late = j.regime_end.notnull() & (j.priority_first > j.regime_end)
        out["priority"] = ibis.ifelse(varies(j, "priority"), j.priority_last,
                                      ibis.ifelse(given_late, ibis.null("string"),
                                                  j.priority_min))
        out["priority_changed"] = varies(j, "priority")
    return j.select("case_id", "regime_start", "regime_end", "reached_end", **out)
