"""Data in: the synthetic service, a service file to edit, event logs and demand."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from servicecheck.cli.common import (
    EventsOpt,
    MaxRejectsOpt,
    ReplaceOpt,
    ServiceFileOpt,
    WorkspaceOpt,
    key_value,
    progress,
    say,
    saying_a_new_salt,
    working,
)
from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    from servicecheck.io.report import ImportReport


def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the service to.")],
    events: EventsOpt = 60000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")]
    = 1,
    csv: Annotated[bool, typer.Option(help="Also write CSV copies beside the Parquet.")] = True,
) -> None:
    """Write the synthetic housing-repairs service (events, demands, service file, truth)."""
    from servicecheck.generators.housing_repairs import generate as gen

    with progress() as p:
        task = p.add_task("generating", total=events, unit="events")
        g = gen(out, events=events, seed=seed, csv=csv,
                progress=lambda n: p.advance(task, n))
    say(f"Wrote {g.events:,} events, {g.demands:,} demands and {g.needs:,} needs "
        f"to {g.folder}")


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the service file.")] = Path(
        "service.toml"),
    name: Annotated[str, typer.Option(help="The service's name.")] = "My service",
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented service file to edit."""
    from servicecheck.service.template import service_template

    if path.exists() and not force:
        raise InputError("the file exists already", source=str(path),
                         fix="choose another path, or pass --force to overwrite it")
    path.write_text(service_template(name), encoding="utf-8")
    say(f"Wrote {path}: edit it, then import a log with --service {path}")


def import_log(
    log: Annotated[Path, typer.Argument(help="The event log: CSV/TSV(.gz), Parquet, Excel, XES.")],
    workspace: WorkspaceOpt,
    service: ServiceFileOpt = None,
    case: Annotated[str | None, typer.Option(help="Column with the case id.")] = None,
    activity: Annotated[str | None, typer.Option(help="Column with the activity.")] = None,
    timestamp: Annotated[str | None, typer.Option(help="Column with the time.")] = None,
    start_timestamp: Annotated[str | None, typer.Option(help="Column with a start time.")]
    = None,
    team: Annotated[str | None, typer.Option(help="Column with the team.")] = None,
    resource: Annotated[str | None, typer.Option(help="Column with the resource.")] = None,
    timezone: Annotated[str | None, typer.Option(
        help="Time zone of times without an offset (default: the zone the workspace holds "
        "for the service, else Europe/London); with no service file naming one, the "
        "service's zone too, its dates told in it.")] = None,
    timestamp_format: Annotated[str | None, typer.Option(
        help="strptime format when times are in another form, e.g. '%m/%d/%Y %I:%M %p'.")]
    = None,
    delimiter: Annotated[str | None, typer.Option(help="Field delimiter (detected).")] = None,
    wide: Annotated[str | None, typer.Option(
        help="A case table (a row per case): date columns and the activity each records, "
        "e.g. 'Created Date=Created,Closed Date=Closed'.")] = None,
    citizen_id: Annotated[str | None, typer.Option(
        help="Column with the citizen's own identifier (customer number, NI number): stored "
        "only as a salted hash in citizen_ref, never itself.")] = None,
    lifecycle: Annotated[str | None, typer.Option(
        help="Column saying whether an event starts or completes a step (XES's "
        "lifecycle:transition is found by name).")] = None,
    sheet: Annotated[str | None, typer.Option(
        help="The workbook's sheet (found when only one looks like a table).")] = None,
    header_row: Annotated[int | None, typer.Option(
        help="The row holding the column names, counted from 1 (found under title rows).")]
    = None,
    date_order: Annotated[str | None, typer.Option(
        help="day-first or month-first, for dates like 03/04/2024 (read from the column).")]
    = None,
    max_rejects: MaxRejectsOpt = None,
    save_mapping: Annotated[Path | None, typer.Option(
        help="Write the mapping used ([columns] and [import]) into this service file, so the "
        "next export imports with --service alone.")] = None,
    replace: ReplaceOpt = False,
) -> None:
    """Import an event log into a workspace (one transaction: all rows or none; rows that
    cannot be read are set aside, see 'servicecheck rejects')."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.dates import check_order
    from servicecheck.io.eventlog import import_events, mapping_used
    from servicecheck.service.model import Service

    svc = Service.load(service) if service else None
    stamps = dict(key_value(p, option="--wide", form="COLUMN=ACTIVITY pairs", shown=wide,
                            example="'Created Date=Created,Closed Date=Closed'", both=True)
                  for p in wide.split(",")) if wide else None
    with saying_a_new_salt(), working(f"importing {log.name}"), Workspace(workspace) as ws:
        report = import_events(
            ws, log, service=svc,
            columns={"case": case, "activity": activity, "timestamp": timestamp,
                     "start_timestamp": start_timestamp, "team": team, "resource": resource,
                     "citizen_id": citizen_id, "lifecycle": lifecycle},
            timezone=timezone, timestamp_format=timestamp_format, delimiter=delimiter,
            wide=stamps, sheet=sheet, header_row=header_row,
            date_order=check_order(date_order, source="--date-order") if date_order else None,
            max_rejects=max_rejects, replace=replace,
        )
    say_import(report)
    if save_mapping is not None:
        from servicecheck.service.files import save_mapping as save

        # the share raised to let this export in is kept, or the next one is refused again
        used = dataclasses.replace(mapping_used(report), max_rejects=max_rejects)
        save(save_mapping, used, name=svc.name if svc else None)
        say(f"Saved the mapping into {save_mapping}: import the next export with "
            f"--service {save_mapping}.")


def propose(
    log: Annotated[Path, typer.Argument(help="The export: CSV/TSV(.gz), Parquet, Excel, XES.")],
    service: ServiceFileOpt = None,
    sheet: Annotated[str | None, typer.Option(
        help="The workbook's sheet (found when only one looks like a table).")] = None,
    header_row: Annotated[int | None, typer.Option(
        help="The row holding the column names, counted from 1 (found under title rows).")]
    = None,
) -> None:
    """Show how a file would be read, importing nothing: its table, each column's proposed
    role and why, a case table's moments and the dates' order with the file's examples."""
    from servicecheck.io.propose import findings
    from servicecheck.io.propose import propose as proposal_of
    from servicecheck.narrative.words import Voice
    from servicecheck.narrative.words import say as words
    from servicecheck.service.model import Service

    p = proposal_of(log, sheet=sheet, header_row=header_row,
                    service=Service.load(service) if service else None)
    for f in findings(p, log.name):
        say(words(f, Voice()))
    say("Import it with 'servicecheck import' (--save-mapping keeps this for the next "
        "export), or bring it in the web app to change any of it.")


def rejects(
    workspace: WorkspaceOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="The CSV file to write.")],
    service: Annotated[str | None, typer.Option(
        help="Only this service's rows (its key).")] = None,
) -> None:
    """Write the rows imports set aside (file, row, column, value, reason) to a CSV a
    spreadsheet opens safely, to correct and import again."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.spreadsheets import safe_frame

    with Workspace(workspace, read_only=True) as ws:
        table = ws.rejects(service)
    safe_frame(table.to_pandas()).to_csv(out, index=False)
    from servicecheck.findings import Finding
    from servicecheck.narrative.words import Voice
    from servicecheck.narrative.words import say as words

    # values, not rows: a case table's date set aside left the rest of its row imported
    say(words(Finding("quality.rejects_written", "value", table.num_rows, names=(str(out),)),
              Voice()))


def say_import(report: ImportReport) -> None:
    """What an import did, in the words the web app's pages use too."""
    from servicecheck.narrative.words import Voice, say_all

    say(" ".join(say_all(report.findings(), Voice())))


def import_demand(
    file: Annotated[Path, typer.Argument(help="Contact records: CSV/TSV(.gz), Parquet, Excel.")],
    workspace: WorkspaceOpt,
    service: ServiceFileOpt = None,
    preset: Annotated[str | None, typer.Option(help="A known export layout: 311.")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="ROLE=COLUMN, e.g. --map verbatim='What they said'.")] = None,
    timestamp_format: Annotated[str | None, typer.Option(help="strptime format of dates.")]
    = None,
    max_rejects: MaxRejectsOpt = None,
    replace: ReplaceOpt = False,
) -> None:
    """Import demand (contacts in the citizen's words) in one transaction; rows that cannot
    be a demand are set aside (see 'servicecheck rejects')."""
    from servicecheck.demand.records import import_demands
    from servicecheck.engine.workspace import Workspace
    from servicecheck.service.model import Service

    mapping: dict[str, str | None] = dict(
        key_value(item, option="--map", form="ROLE=COLUMN", example="--map verbatim=Notes")
        for item in map_ or [])
    with saying_a_new_salt(), working(f"importing {file.name}"), Workspace(workspace) as ws:
        if service:
            svc = Service.load(service)
        else:
            try:
                svc = ws.service()
            except InputError:
                svc = Service(name=file.name.split(".")[0])
        report = import_demands(ws, file, service=svc, mapping=mapping, preset=preset,
                                timestamp_format=timestamp_format, replace=replace,
                                max_rejects=max_rejects)
    say_import(report)
