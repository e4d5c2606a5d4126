"""Lifecycles: a step recorded as a start event and a complete event (XES
``lifecycle:transition``, or a column the team names) is one step with a start time, so
work time and waiting time separate, instead of two events counted as a repeated step.

Within a case, the k-th start of an activity pairs with its k-th completion (PM4Py pairs
them the same way, first in first out). A start with no completion after it is work still in
hand: it is left out of the events and counted. Other moments of a lifecycle (schedule,
assign, suspend, resume) are left out and counted too: they are not steps.
"""

from __future__ import annotations

from servicecheck.io.sql import literals

LIFECYCLE_NAMES = ("lifecycle:transition", "lifecycle")
STARTS = ("start", "started", "begin")
COMPLETES = ("complete", "completed", "end", "done", "finish", "finished")
# why events are left out, as the import log counts them
UNPAIRED_START = "starts with no completion"
OTHER_MOMENT = "lifecycle moments other than start and complete"


def lifecycle_sql(text: str) -> str:
    """DuckDB: a lifecycle value as 'start', 'complete', NULL (none given) or 'other'."""
    low = f"lower({text})"
    return (f"CASE WHEN {text} IS NULL THEN NULL WHEN {low} IN ({literals(STARTS)}) "
            f"THEN 'start' WHEN {low} IN ({literals(COMPLETES)}) THEN 'complete' "
            "ELSE 'other' END")


def pair_lifecycle(events_sql: str) -> tuple[str, str]:
    """Wrap a SELECT of canonical events that also gives ``__lc`` (see ``lifecycle_sql``):
    the events with each start folded into its completion, and a query counting what was
    kept, the cases, the starts paired and the starts left unpaired."""
    paired = f"""
        WITH ev AS ({events_sql}),
        n AS (SELECT *, row_number() OVER (
                  PARTITION BY case_id, activity, __lc = 'start'
                  ORDER BY timestamp, event_index) AS __k
              FROM ev WHERE __lc IS DISTINCT FROM 'other'),
        s AS (SELECT case_id, activity, __k, timestamp AS __started FROM n
              WHERE __lc = 'start'),
        out AS (SELECT n.*, s.__started FROM n LEFT JOIN s
                ON n.__lc = 'complete' AND s.case_id = n.case_id
                AND s.activity = n.activity AND s.__k = n.__k
                WHERE n.__lc IS DISTINCT FROM 'start')"""
    select = (f"{paired} SELECT * EXCLUDE (__lc, __k, __started, start_timestamp), "
              "COALESCE(start_timestamp, __started) AS start_timestamp FROM out")
    counts = (f"{paired} SELECT count(*), count(DISTINCT case_id), "
              "count(__started), (SELECT count(*) FROM n WHERE __lc = 'start'), "
              "(SELECT count(*) FROM ev WHERE __lc = 'other') FROM out")
    return select, counts
