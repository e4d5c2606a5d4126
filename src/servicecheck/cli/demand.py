"""Demand on the command line: value and failure demand, and classifying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from servicecheck.cli.common import (
    ChartsOpt,
    ServiceOpt,
    Source,
    WorkspaceOpt,
    check_period,
    reads_in_place,
    report_voice,
    say,
)


@reads_in_place
def demand(
    source: Source,
    service: ServiceOpt = None,
    period: Annotated[str | None, typer.Option(
        help="Period for the charts: D, W or M (days for data of weeks, as the report).")
    ] = None,
    out: ChartsOpt = None,
) -> None:
    """Value and failure demand, types, predictability and one stop, in plain words."""
    from servicecheck.demand.analysis import failure_chart, predictability
    from servicecheck.demand.words import demand_lines
    from servicecheck.measures.periods import ChartPeriods

    if period:
        check_period(period, "DWM")
    with source.open() as ws:
        svc = ws.service(service)
        period = period or ChartPeriods.of(ws, svc.key).demand
        for line in demand_lines(ws, svc, period, voice=report_voice(ws, svc)):
            say(line)
        if out:
            from servicecheck.charts.demand import failure_figure
            from servicecheck.charts.xmr import write_chart
            from servicecheck.measures.periods import kind

            unit = kind(period).unit
            dem = ws.demands(svc.key)
            changes = svc.phase_dates or None
            share = failure_chart(dem, period, phases=changes, tz=svc.timezone)
            if share.n >= 2:  # two periods of classified contacts: a chart with limits
                failure_figure(share, unit, svc.changes).write(out)
            for i, t in enumerate(predictability(dem, period, tz=svc.timezone)[:6]):
                write_chart(t.chart, out / f"demand-{i + 1}", x_title=unit,
                            title=f"{t.demand_type} ({t.nature}) per {unit}",
                            y_title="contacts", changes=svc.changes)
            say(f"Charts written to {out}")


def classify(
    workspace: WorkspaceOpt,
    service: ServiceOpt = None,
    confirm: Annotated[Path | None, typer.Option(
        help="A file of confirmed labels (demand_id, nature, failure_kind, demand_type) to "
        "set first, all or none.")] = None,
    review: Annotated[Path | None, typer.Option(
        help="Write unclassified demand with suggestions here, least certain first.")] = None,
    accept_above: Annotated[float | None, typer.Option(
        help="Accept suggestions at least this confident without review, nature, kind and "
        "type each on its own confidence (off unless set).")]
    = None,
    embed: Annotated[bool, typer.Option(
        help="Add sentence embeddings (needs the optional [embed] extra).")] = False,
) -> None:
    """Classify demand: confirm labels in bulk, get suggestions that learn from them."""
    from servicecheck.demand import labels
    from servicecheck.engine.workspace import Workspace
    from servicecheck.findings import Finding, share
    from servicecheck.narrative.words import say as words
    from servicecheck.narrative.words import voice_for

    if accept_above is not None:
        labels.check_threshold(accept_above)
    with Workspace(workspace) as ws:
        svc = ws.service(service)
        if confirm:
            n = labels.confirm(ws, svc, confirm)
            say(f"Confirmed labels for {n:,} demands.")
        suggester = labels.train(ws, svc, embed=embed)
        queue = labels.review_queue(ws, svc, suggester)
        say(words(Finding("demand.waiting", "demand", len(queue)), voice_for(svc)))
        if review:
            review.parent.mkdir(parents=True, exist_ok=True)
            queue.to_csv(review, index=False)
            say(f"Review queue written to {review} (least certain first).")
        if accept_above is not None:
            n = labels.accept_confident(ws, svc, suggester, accept_above)
            say(words(Finding("demand.accepted", "suggestion", n,
                              {"threshold": share(accept_above)}), voice_for(svc)))
