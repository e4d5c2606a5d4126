"""Which need each case serves: the service file's rule for joining cases (orders) into needs.

Either a link column (the source's own need or problem reference), or the same values of
some columns (say property and problem) with each case starting within N days of the end of
the previous one. Without either rule, each case is its own need.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from servicecheck.io.errors import InputError
from servicecheck.service.model import Service

DAY_S = 86400.0


def with_need(events: Table, service: Service) -> Table:
    """The events with a ``need`` column naming the need each event's case serves."""
    if service.need.link_column:
        return events.mutate(need=events.need_id.fill_null(events.case_id))
    cols = list(service.need.match_columns)
    if not cols:
        return events.mutate(need=events.case_id)
    missing = [c for c in cols if c not in events.columns]
    if missing:
        raise InputError(f"the service joins cases into needs by {', '.join(cols)}, but the "
                         f"events have no column {missing[0]!r}",
                         source=str(service.path or "service file"),
                         column="need.match_columns",
                         fix="name columns the event log has, or import it with them")
    ts = events.timestamp
    per_case = events.group_by("case_id").aggregate(
        first=ts.min(), last=ts.max(),
        **{c: events[c].cast("string").argmin(ts) for c in cols},
    )
    w = ibis.window(group_by=[per_case[c] for c in cols],
                    order_by=[per_case["first"], per_case.case_id])
    prev_last = per_case["last"].lag().over(w)
    gap_days = prev_last.delta(per_case["first"], unit="second") * -1 / DAY_S
    starts_need = prev_last.isnull() | (gap_days > service.need.within_days)
    marked = per_case.mutate(starts=starts_need.cast("int64"))
    cw = ibis.cumulative_window(group_by=[marked[c] for c in cols],
                                order_by=[marked["first"], marked.case_id])
    seq = marked.starts.sum().over(cw)
    key_text = ibis.literal("|").join([marked[c].fill_null("") for c in cols])
    has_key = ibis.and_(*[marked[c].notnull() for c in cols])
    need = ibis.ifelse(has_key, key_text.concat("#", seq.cast("string")), marked.case_id)
    mapping = marked.select("case_id", need=need)
    return events.join(mapping, "case_id")
