"""Dashboards over the workspace: the same sections the Check report shows, cached until the
workspace file changes (opened read-only, one connection per build)."""

from __future__ import annotations

import pandas as pd

from servicecheck.engine.workspace import Workspace
from servicecheck.io.errors import InputError
from servicecheck.measures.periods import ChartPeriods
from servicecheck.report.parts import Section
from servicecheck.report.sections import (
    capability_section,
    flow_section,
    summary_section,
    targets_section,
)
from servicecheck.store.capture import count
from servicecheck.web.context import Context


def section(c: Context, name: str, service: str = "") -> tuple[str, Section]:
    """One dashboard of the app's own service, or of ``service`` (a key the workspace
    holds: a file brought in as a new service is seen here too), with the name of the
    service it shows (the page says it: the app's own may not be the one shown)."""
    if c.workspace is None:
        raise InputError("no workspace was given to the server", source="servicecheck serve",
                         fix="start it with --workspace ws.duckdb to see the dashboards")
    # the workspace file's time, and the captures (read from the store with the workspace)
    key = (name, service, c.workspace.stat().st_mtime, count(c.store, c.service))
    if key not in c.dashboards:
        with Workspace(c.workspace, read_only=True) as ws:
            held = ws.services()
            svc = ws.service(service if service in held else
                             c.service.key if c.service.key in held else None)
            from servicecheck.measures.capability import capability
            from servicecheck.measures.needs import needs

            if name == "flow":
                built = flow_section(ws, svc)
            elif name == "summary":
                built = summary_section(ws, svc)
            else:
                cap = capability(ws, svc, need_table=needs(ws, svc))
                per = ChartPeriods.of(ws, svc.key)  # as the report draws it
                built = (capability_section(cap, svc, per.capability) if name == "capability"
                         else targets_section(ws, svc, cap, freq=per.regime))
        c.dashboards = {k: v for k, v in c.dashboards.items() if k[2:] == key[2:]}
        c.dashboards[key] = (svc.name, built)
    result: tuple[str, Section] = c.dashboards[key]
    return result


def summary_frame(c: Context) -> pd.DataFrame:
    """The summary of many measures as a table (``spc.summary_table``), one row a measure
    named as the dashboard names it, for the CSV export."""
    from servicecheck import spc
    from servicecheck.measures.overview import measure_charts
    from servicecheck.narrative.signals import summary_words
    from servicecheck.report.sections import SUMMARY_GROUPS

    if c.workspace is None:
        raise InputError("no workspace was given to the server", source="servicecheck serve",
                         fix="start it with --workspace ws.duckdb to export the summary")
    with Workspace(c.workspace, read_only=True) as ws:
        svc = ws.service(c.service.key if c.service.key in ws.services() else None)
        rows = measure_charts(ws, svc, freq=ChartPeriods.of(ws, svc.key).summary)
    return summary_words(spc.summary_table({f"{SUMMARY_GROUPS[r.group]}: {r.subject}": r.chart
                                            for r in rows}))
