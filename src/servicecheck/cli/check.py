"""The Check's questions on the command line: what is in a workspace, capability, flow, the
target regime beside the citizen's clock, costs, and several services joined up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from servicecheck.cli.common import (
    ChartsOpt,
    ServiceOpt,
    Source,
    WorkspaceOpt,
    check_period,
    key_value,
    reads_in_place,
    report_voice,
    say,
    working,
)
from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    from servicecheck.engine.workspace import Reader
    from servicecheck.service.model import Service


def summary(workspace: WorkspaceOpt, service: ServiceOpt = None) -> None:
    """Print what is in a workspace, in plain words."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.summary import summarise
    from servicecheck.narrative.words import say_all

    with Workspace(workspace, read_only=True) as ws:
        svc = ws.service(service)
        s = summarise(ws, svc)
        voice = report_voice(ws, svc)  # times in the unit capability tells them in
    for line in say_all(s.findings(), voice):
        say(line)


@reads_in_place
def capability(
    source: Source,
    service: ServiceOpt = None,
    preset: Annotated[str, typer.Option(help="Rule set: ptd, mdc2023, anhoej, wheeler.")]
    = "ptd",
    out: ChartsOpt = None,
    period: Annotated[str | None, typer.Option(
        help="Also chart completed needs per period: D, W or M.")] = None,
    stat: Annotated[str, typer.Option(help="Per period: median or mean days.")] = "median",
) -> None:
    """The predictable range of end-to-end time, and its signals, in words."""
    from servicecheck.measures.capability import by_period, findings, period_findings
    from servicecheck.measures.capability import capability as cap
    from servicecheck.measures.periods import kind
    from servicecheck.narrative.voice import axis_from
    from servicecheck.narrative.words import say as word
    from servicecheck.narrative.words import voice_for
    from servicecheck.spc import PRESETS

    if preset not in PRESETS:
        raise InputError(f"'{preset}' is not a rule set", source="--preset",
                         fix=f"use one of: {', '.join(PRESETS)}")
    if period:
        check_period(period, "DWM")
    with working("measuring end-to-end time"), source.open() as ws:
        svc = ws.service(service)
        c = cap(ws, svc, preset=preset)
    found = findings(c)
    voice = voice_for(svc, found)
    for f in found:
        say(word(f, voice))
    if out:
        from servicecheck.charts.xmr import COMPLETION, FIRST_REPORTED, write_chart

        units = f"{voice.unit.name}s"
        reported = c.ordered_by == "first_contact"  # one intake: in order of first contact
        path = write_chart(c.chart.scaled(86400.0 / voice.unit.seconds), out / "capability",
                           title=f"End-to-end {units} per need",
                           y_title=f"{units} {axis_from(c.clock, voice)}",
                           x_title=FIRST_REPORTED if reported else COMPLETION,
                           changes=svc.changes)
        say(f"Chart written to {path}")
    if period:
        view = by_period(c, period, stat, preset=preset, phases=svc.phase_dates or None)
        # the team's changes, as the report gives them: a signal after one names it
        for f in period_findings(view, c, svc.changes):
            say(word(f, voice))
        if out:
            from servicecheck.charts.xmr import write_chart

            unit = kind(period).unit
            write_chart(view.days, out / f"capability-{unit}", x_title=unit,
                        title=f"{stat.capitalize()} end-to-end days per {unit}",
                        y_title=f"days {axis_from(c.clock, voice)}", changes=svc.changes)
            write_chart(view.counts, out / f"completed-per-{unit}", x_title=unit,
                        title=f"Needs completed per {unit}", y_title="needs",
                        changes=svc.changes)


@reads_in_place
def flow(
    source: Source,
    service: ServiceOpt = None,
    top: Annotated[int, typer.Option(help="How many rows of each table.")] = 5,
    out: Annotated[Path | None, typer.Option(
        help="Folder to write the flow map to (map.dot and a self-contained map.html).")]
    = None,
    overlay: Annotated[str, typer.Option(help="Label arrows with: frequency or time.")]
    = "frequency",
    coverage: Annotated[float, typer.Option(
        help="Keep the paths of the commonest variants covering this share of cases.")] = 1.0,
    steps: Annotated[int, typer.Option(
        help="Draw at most this many steps on the map, and twice as many arrows.")] = 30,
    all_: Annotated[bool, typer.Option(
        "--all", help="Draw every step and arrow on the map (on hundreds of steps, laying "
        "it out takes minutes).")] = False,
    where: Annotated[str | None, typer.Option(
        help="Only cases with COLUMN=VALUE on an event, e.g. --where priority=P1.")] = None,
    demand_type: Annotated[str | None, typer.Option(
        help="Only needs whose first contact was of this demand type.")] = None,
) -> None:
    """The longest waits, repeated steps, hand-offs, value and waste, clean and dirty work."""
    from servicecheck.flow.slicing import for_demand_type, where_case
    from servicecheck.flow.words import flow_lines
    from servicecheck.measures.needs import needs

    if overlay not in ("frequency", "time"):
        raise InputError(f"'{overlay}' is not an overlay", source="--overlay",
                         fix="use frequency or time")
    if steps < 1:
        raise InputError(f"{steps} is not a number of steps to draw", source="--steps",
                         fix="give 1 or more, or --all to draw every step")
    if not 0 < coverage <= 1:
        raise InputError(f"{coverage} is not a share of cases", source="--coverage",
                         fix="give a number above 0 and at most 1, e.g. 0.8")
    with source.open() as ws:
        svc = ws.service(service)
        events = None
        if where:
            column, value = key_value(where, option="--where", form="COLUMN=VALUE",
                                      example="--where priority=P1")
            try:
                events = where_case(ws.events(svc.key), column, value)
            except KeyError as exc:
                raise InputError(str(exc.args[0]), source="--where",
                                 fix="name a column of the event log") from None
        if demand_type:
            events = for_demand_type(ws, svc, demand_type)
        if events is not None and not events.count().to_pyarrow().as_py():
            raise empty_slice(ws, svc, where, demand_type)
        with working("reading the flow"):
            # the needs once, for the voice (capability) and for clean and dirty work
            need_table = needs(ws, svc)
            lines = flow_lines(ws, svc, top=top, events=events, need_table=need_table,
                               voice=report_voice(ws, svc, need_table))
        for line in lines:
            say(line)
        if out:  # the map's drawing loads only when a map is asked for
            from servicecheck.charts.flow_map import write_map
            from servicecheck.flow.map import flow_map
            from servicecheck.measures.summary import studied_events
            from servicecheck.narrative.flow_map import map_note
            from servicecheck.narrative.titles import flow_map_title

            with working("drawing the flow map"):
                drawn = flow_map(studied_events(ws, svc, need_table, events),
                                 value_steps=svc.value_steps,
                                 overlay="time" if overlay == "time" else "frequency",
                                 coverage=coverage, max_steps=None if all_ else steps,
                                 max_arrows=None if all_ else 2 * steps)
                page = write_map(drawn, out, title=flow_map_title(svc.name))
            say(f"Flow map written to {page}")
            if drawn.simplified:
                say(f"{map_note(drawn.finding())} --all draws them all; --steps N draws the N "
                    "commonest.")


def empty_slice(ws: Reader, svc: Service, where: str | None,
                demand_type: str | None) -> InputError:
    """A slice of no case, in one sentence naming the values it could have asked for (flow
    printed nothing at all, or "nan% of steps are value work")."""
    from servicecheck.flow.slicing import commonest, first_contact_types

    def listed(values: list[str]) -> str:
        return ", ".join(f"'{v}'" for v in values)

    if demand_type:
        types = commonest(first_contact_types(ws, svc), "first_type")
        return InputError(f"no need began with a contact of type '{demand_type}'",
                          source="--demand-type",
                          fix=f"give a type of first contact, like {listed(types)}" if types
                          else "no contact is linked to a need: import demand with case "
                          "references first ('servicecheck import-demand')")
    column, value = key_value(str(where), option="--where", form="COLUMN=VALUE",
                              example="--where priority=P1")
    values = commonest(ws.events(svc.key), column)
    return InputError(f"no case has {column} = '{value}' on any event", source="--where",
                      fix=f"give a value the column holds, like {listed(values)}" if values
                      else f"the column {column} holds no value")


@reads_in_place
def targets(
    source: Source,
    service: ServiceOpt = None,
    period: Annotated[str | None, typer.Option(
        help="Period for the comparison: W or M (weeks for data of months, as the report).")
    ] = None,
    out: ChartsOpt = None,
) -> None:
    """What the target regime reports beside what citizens live through, and why they differ."""
    from servicecheck.measures.capability import capability, findings
    from servicecheck.measures.periods import ChartPeriods
    from servicecheck.measures.targets import findings as target_findings
    from servicecheck.measures.targets import target_view
    from servicecheck.narrative.words import say_all, voice_for

    if period:
        check_period(period, "WM")
    with source.open() as ws:
        svc = ws.service(service)
        view = target_view(ws, svc, freq=period or ChartPeriods.of(ws, svc.key).regime)
        cap = capability(ws, svc)
    voice = voice_for(svc, findings(cap))
    for line in say_all(target_findings(view, cap.changes), voice):
        say(line)
    if out:
        from servicecheck.charts.targets import write_target_charts

        for path in write_target_charts(view, out, svc.changes, voice.unit):
            say(f"Chart written to {path}")


@reads_in_place
def costs(
    source: Source,
    service: ServiceOpt = None,
    period: Annotated[str | None, typer.Option(
        help="Period for the charts: W or M (weeks for data of months, as the report).")
    ] = None,
    out: ChartsOpt = None,
) -> None:
    """What meeting one need costs beside one transaction, what failure demand and waste cost,
    and what a redesign saves, with the assumptions used."""
    from servicecheck.measures.economics import costed, economics, findings
    from servicecheck.measures.periods import ChartPeriods
    from servicecheck.narrative.words import say_all

    if period:
        check_period(period, "WM")
    with source.open() as ws:
        svc = ws.service(service)
        e = (economics(ws, svc, freq=period or ChartPeriods.of(ws, svc.key).regime)
             if costed(svc) else None)
        voice = report_voice(ws, svc)
    for line in say_all(findings(e, svc), voice):
        say(line)
    if out and e is not None:
        from servicecheck.report.sections import economics_figures

        for figure in economics_figures(e, svc.changes):
            say(f"Chart written to {figure.write(out)}")


def joined_up(
    workspace: WorkspaceOpt,
    min_open_days: Annotated[float, typer.Option(
        help="Count a need in one service as a cause once it has been open this long.")] = 28,
    within_days: Annotated[float, typer.Option(
        help="Demand up to this many days after the need was met still counts.")] = 0,
    citizen: Annotated[str | None, typer.Option(
        help="Show one citizen's journey across services (their citizen_ref).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for the picture of failure demand between services.")] = None,
) -> None:
    """Several services in one workspace: one citizen across them, and the failure demand one
    service causes in another."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.joined_up import (
        Window,
        cross_matrix,
        findings,
        journey,
        service_names,
    )
    from servicecheck.narrative.words import Voice, say_all

    window = Window(within_days=within_days, min_open_days=min_open_days)
    with Workspace(workspace, read_only=True) as ws:
        if citizen:
            steps = journey(ws, citizen)
            if steps.empty:
                raise InputError(f"no event or contact has the citizen_ref '{citizen}'",
                                 source=str(workspace), column="citizen_ref",
                                 fix="copy the reference from an export or the web app")
            for r in steps.itertuples():
                say(f"{r.at:%d %b %Y %H:%M}  {r.service:<20} {r.kind:<18} {r.ref}  {r.what}")
            return
        for line in say_all(findings(ws, window), Voice()):
            say(line)
        if out and len(ws.services()) > 1:
            from servicecheck.charts.graphviz import graph_figure
            from servicecheck.charts.joined_up import services_map

            path = graph_figure(services_map(cross_matrix(ws, window), service_names(ws)),
                              "Failure demand one service causes in another",
                              "between-services").write(out)
            say(f"Picture written to {path}")
