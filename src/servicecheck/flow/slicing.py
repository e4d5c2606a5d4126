"""Slices of the event log: by a case attribute, by demand type, by time window.

Each returns an events table, so every flow and capability measure runs on the slice.
"""

from __future__ import annotations

import datetime as dt

import ibis
from ibis.expr.types import Table

from servicecheck.engine.workspace import Reader
from servicecheck.service.model import Service
from servicecheck.service.need_key import with_need


def where_case(events: Table, column: str, value: object) -> Table:
    """Events of the cases that have ``column == value`` on any of their events."""
    if column not in events.columns:
        raise KeyError(f"the events have no column {column!r}; they have "
                       f"{', '.join(events.columns)}")
    # compared as text: a value from the command line is text, whatever the column's type
    col = events[column]
    if isinstance(value, str) and not col.type().is_string():
        col = col.cast("string")
    cases = events.filter(col == value).select("case_id").distinct()
    return events.semi_join(cases, "case_id")


def window(events: Table, start: str | dt.datetime, end: str | dt.datetime, *,
           mode: str = "contained") -> Table:
    """Events of the cases *contained in* [start, end), or *intersecting* it."""
    if mode not in ("contained", "intersecting"):
        raise ValueError("mode must be 'contained' or 'intersecting'")
    lo = dt.datetime.fromisoformat(start) if isinstance(start, str) else start
    hi = dt.datetime.fromisoformat(end) if isinstance(end, str) else end
    if lo.tzinfo is None:
        lo = lo.replace(tzinfo=dt.UTC)
    if hi.tzinfo is None:
        hi = hi.replace(tzinfo=dt.UTC)
    span = events.group_by("case_id").aggregate(first=events.timestamp.min(),
                                                last=events.timestamp.max())
    if mode == "contained":
        keep = span.filter((span["first"] >= lo) & (span["last"] < hi))
    else:
        keep = span.filter((span["first"] < hi) & (span["last"] >= lo))
    return events.semi_join(keep.select("case_id"), "case_id")


def commonest(table: Table, column: str, k: int = 5) -> list[str]:
    """The ``k`` commonest values of a column, as text: the values a slice that found
    nothing could have asked for, to name in its sentence."""
    t = table.select(v=table[column].cast("string"))
    t = t.filter(t.v.notnull() & (t.v.strip() != ""))
    top = t.group_by("v").aggregate(n=t.count()).order_by([ibis.desc("n"), "v"]).limit(k)
    return [str(v) for v in top.to_pyarrow().column("v").to_pylist()]


def first_contact_types(workspace: Reader, service: Service) -> Table:
    """Per need with a contact linked to it (``case_id``), its first contact's demand type
    (``first_type``)."""
    dem = workspace.demands(service.key)
    dem = dem.filter(dem.case_id.notnull())
    return dem.group_by(dem.case_id).aggregate(
        first_type=dem.demand_type.argmin(dem.received_at))


def for_demand_type(workspace: Reader, service: Service, demand_type: str) -> Table:
    """Events of the needs whose first contact was of this demand type (the citizen's terms)."""
    ev = workspace.events(service.key)
    first = first_contact_types(workspace, service)
    chosen = first.filter(first.first_type == demand_type).select(need=first.case_id)
    ev = with_need(ev, service)
    out = ev.semi_join(chosen, ev["need"] == chosen.need)
    return out.drop("need")
