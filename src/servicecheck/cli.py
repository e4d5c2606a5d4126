"""The command line: a thin Typer shell over the library. Errors are one sentence, not a trace."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from servicecheck.io.errors import InputError

# Help as plain text: Typer's Rich help loads a Markdown parser first, a third of the time
# `servicecheck --help` takes (0.52 s of CPU against 0.30 s).
app = typer.Typer(
    help="Study a public service as a system, from the citizen's side.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w",
                                             help="The DuckDB workspace file.")]
# commands that can also read a council's table in place on PostgreSQL
AnalysisWorkspaceOpt = Annotated[Path | None, typer.Option(
    "--workspace", "-w", help="The DuckDB workspace file (or --backend and --table).")]
BackendOpt = Annotated[str | None, typer.Option(
    help="Read a table in place: postgresql://user@host/db, or Spark (spark, "
    "spark:local[4], spark://host:7077, sc://host:15002).")]
TableOpt = Annotated[str | None, typer.Option(
    help="The events table on --backend (on Spark also a Parquet file or folder).")]
OrderOpt = Annotated[str | None, typer.Option(
    help="On --backend: the column ordering events with the same time (an event id).")]
ReplaceOpt = Annotated[bool, typer.Option(
    help="Put this file's rows in place of an earlier import of the same file or content "
    "(without it, a file imported already is refused).")]
ServiceFileOpt = Annotated[Path | None, typer.Option(
    help="On --backend: the service file mapping the table's columns.")]


def _analysis_workspace(workspace: Path | None, backend: str | None, table: str | None,
                        order_column: str | None, service_file: Path | None) -> Any:
    """The workspace to analyse: a DuckDB file, or a table read in place on PostgreSQL."""
    from servicecheck.engine.workspace import Workspace

    if backend:
        from servicecheck.engine.remote import RemoteWorkspace, connect
        from servicecheck.service.model import Service

        if not table or not service_file:
            raise InputError("--backend needs the table and the service file", source="--backend",
                             fix="add --table EVENTS_TABLE --service-file service.toml")
        return RemoteWorkspace(connect(backend), Service.load(service_file), table,
                               order_column=order_column)
    if workspace is None:
        raise InputError("no workspace was given", source="--workspace",
                         fix="give -w ws.duckdb, or --backend URL with --table")
    return Workspace(workspace, read_only=True)


def friendly(fn: F) -> F:
    """Turn an InputError into one clear sentence and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            # one sentence on one line: never wrapped, so it can be read and grepped whole
            # the sentence carries names from the user's data: never read it as markup
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


PERIOD_WORDS = {"D": "D (day)", "W": "W (week)", "M": "M (month)"}


def _check_period(period: str, allowed: str) -> None:
    if period not in allowed:
        choices = " or ".join(PERIOD_WORDS[p] for p in allowed)
        raise InputError(f"'{period}' is not a period", source="--period",
                         fix=f"use {choices}")


def say(text: str) -> None:
    """Print a line of results: plain text (activity names may hold [brackets])."""
    console.print(text, highlight=False, markup=False)


@contextlib.contextmanager
def _working(what: str) -> Iterator[None]:
    """A spinner with the time so far, for work whose size is not known in advance (an
    import, a query over millions of events): on the error stream, gone when done."""
    with Progress(SpinnerColumn(), TextColumn(what), TimeElapsedColumn(), console=err,
                  transient=True) as p:
        p.add_task(what, total=None)
        yield


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,.0f}/{task.total:,.0f} {task.fields[unit]}"),
                    TimeElapsedColumn(), console=err, transient=True)


@app.command()
@friendly
def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the service to.")],
    events: Annotated[int, typer.Option(help="About how many events to generate.")] = 60000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")]
    = 1,
    csv: Annotated[bool, typer.Option(help="Also write CSV copies beside the Parquet.")] = True,
) -> None:
    """Write the synthetic housing-repairs service (events, demands, service file, truth)."""
    from servicecheck.generators.housing_repairs import generate as gen

    with _progress() as p:
        task = p.add_task("generating", total=events, unit="events")
        g = gen(out, events=events, seed=seed, csv=csv,
                progress=lambda n: p.advance(task, n))
    say(f"Wrote {g.events:,} events, {g.demands:,} demands and {g.needs:,} needs "
                  f"to {g.folder}")


@app.command()
@friendly
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


@app.command("import")
@friendly
def import_(
    log: Annotated[Path, typer.Argument(help="The event log: CSV/TSV(.gz), Parquet, Excel, XES.")],
    workspace: WorkspaceOpt,
    service: Annotated[Path | None, typer.Option(help="The service file.")] = None,
    case: Annotated[str | None, typer.Option(help="Column with the case id.")] = None,
    activity: Annotated[str | None, typer.Option(help="Column with the activity.")] = None,
    timestamp: Annotated[str | None, typer.Option(help="Column with the time.")] = None,
    start_timestamp: Annotated[str | None, typer.Option(help="Column with a start time.")]
    = None,
    team: Annotated[str | None, typer.Option(help="Column with the team.")] = None,
    resource: Annotated[str | None, typer.Option(help="Column with the resource.")] = None,
    timezone: Annotated[str | None, typer.Option(
        help="Time zone of times without an offset (default Europe/London).")] = None,
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
    replace: ReplaceOpt = False,
) -> None:
    """Import an event log into a workspace (one transaction: all rows or none)."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.eventlog import import_events
    from servicecheck.service.model import Service

    svc = Service.load(service) if service else None
    stamps = None
    if wide:
        pairs = [p.split("=", 1) for p in wide.split(",")]
        if any(len(p) != 2 or not p[0].strip() or not p[1].strip() for p in pairs):
            raise InputError(f"'{wide}' is not COLUMN=ACTIVITY pairs", source="--wide",
                             fix="write it like 'Created Date=Created,Closed Date=Closed'")
        stamps = {p[0].strip(): p[1].strip() for p in pairs}
    with _working(f"importing {log.name}"), Workspace(workspace) as ws:
        report = import_events(
            ws, log, service=svc,
            columns={"case": case, "activity": activity, "timestamp": timestamp,
                     "start_timestamp": start_timestamp, "team": team, "resource": resource,
                     "citizen_id": citizen_id},
            timezone=timezone, timestamp_format=timestamp_format, delimiter=delimiter,
            wide=stamps, replace=replace,
        )
    say(f"Imported {report.describe()}.")


@app.command("import-demand")
@friendly
def import_demand(
    file: Annotated[Path, typer.Argument(help="Contact records: CSV/TSV(.gz), Parquet, Excel.")],
    workspace: WorkspaceOpt,
    service: Annotated[Path | None, typer.Option(help="The service file.")] = None,
    preset: Annotated[str | None, typer.Option(help="A known export layout: 311.")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="ROLE=COLUMN, e.g. --map verbatim='What they said'.")] = None,
    timestamp_format: Annotated[str | None, typer.Option(help="strptime format of dates.")]
    = None,
    replace: ReplaceOpt = False,
) -> None:
    """Import demand (contacts in the citizen's words): all rows or none."""
    from servicecheck.demand.records import import_demands
    from servicecheck.engine.workspace import Workspace
    from servicecheck.service.model import Service

    mapping: dict[str, str | None] = {}
    for item in map_ or []:
        if "=" not in item:
            raise InputError(f"'{item}' is not ROLE=COLUMN", source="--map",
                             fix="write it like --map verbatim=Notes")
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    with _working(f"importing {file.name}"), Workspace(workspace) as ws:
        if service:
            svc = Service.load(service)
        else:
            try:
                svc = ws.service()
            except InputError:
                svc = Service(name=file.name.split(".")[0])
        report = import_demands(ws, file, service=svc, mapping=mapping, preset=preset,
                                timestamp_format=timestamp_format, replace=replace)
    masked = f"; masked {report.masked:,} personal details" if report.masked else ""
    say(f"Imported {report.events:,} demands from {file}{masked}.")


@app.command()
@friendly
def summary(workspace: WorkspaceOpt,
            service: Annotated[str | None, typer.Option(help="Which service.")] = None) -> None:
    """Print what is in a workspace, in plain words."""
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.summary import summarise
    from servicecheck.narrative.words import say_all, voice_for

    with Workspace(workspace, read_only=True) as ws:
        svc = ws.service(service)
        s = summarise(ws, svc)
    found = s.findings()
    for line in say_all(found, voice_for(svc, found)):
        say(line)


@app.command()
@friendly
def capability(
    workspace: AnalysisWorkspaceOpt = None,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    preset: Annotated[str, typer.Option(help="Rule set: ptd, mdc2023, anhoej, wheeler.")]
    = "ptd",
    out: Annotated[Path | None, typer.Option(help="Folder for the chart files.")] = None,
    period: Annotated[str | None, typer.Option(
        help="Also chart completed needs per period: D, W or M.")] = None,
    stat: Annotated[str, typer.Option(help="Per period: median or mean days.")] = "median",
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """The predictable range of end-to-end time, and its signals, in words."""
    from servicecheck.measures.capability import by_period
    from servicecheck.measures.capability import capability as cap
    from servicecheck.spc import PRESETS

    if preset not in PRESETS:
        raise InputError(f"'{preset}' is not a rule set", source="--preset",
                         fix=f"use one of: {', '.join(PRESETS)}")
    if period:
        _check_period(period, "DWM")
    with _working("measuring end-to-end time"), _analysis_workspace(
            workspace, backend, table, order_column, service_file) as ws:
        svc = ws.service(service)
        c = cap(ws, svc, preset=preset)
    from servicecheck.measures.capability import findings
    from servicecheck.narrative.words import say as word
    from servicecheck.narrative.words import voice_for

    found = findings(c)
    voice = voice_for(svc, found)
    for f in found:
        say(word(f, voice))
    if out:
        from servicecheck.charts.xmr import write_chart

        units = f"{voice.unit.name}s"
        path = write_chart(c.chart.scaled(86400.0 / voice.unit.seconds), out / "capability",
                           title=f"End-to-end {units} per need",
                           y_title=f"{units} from first contact")
        say(f"Chart written to {path}")
    if period:
        view = by_period(c, period, stat, preset=preset,
                         phases=svc.phase_dates or None)
        unit = {"D": "day", "W": "week", "M": "month"}[period]
        from servicecheck.measures.capability import period_findings

        for f in period_findings(view, c):
            say(word(f, voice))
        if out:
            from servicecheck.charts.xmr import write_chart

            write_chart(view.days, out / f"capability-{unit}", x_title=unit,
                        title=f"{stat.capitalize()} end-to-end days per {unit}",
                        y_title="days from first contact")
            write_chart(view.counts, out / f"completed-per-{unit}", x_title=unit,
                        title=f"Needs completed per {unit}", y_title="needs")


@app.command()
@friendly
def flow(
    workspace: AnalysisWorkspaceOpt = None,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
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
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """The longest waits, repeated steps, hand-offs, value and waste, clean and dirty work."""
    from servicecheck.flow.map import flow_map, write_map_html
    from servicecheck.flow.slicing import for_demand_type, where_case
    from servicecheck.flow.words import flow_lines

    if overlay not in ("frequency", "time"):
        raise InputError(f"'{overlay}' is not an overlay", source="--overlay",
                         fix="use frequency or time")
    if steps < 1:
        raise InputError(f"{steps} is not a number of steps to draw", source="--steps",
                         fix="give 1 or more, or --all to draw every step")
    if not 0 < coverage <= 1:
        raise InputError(f"{coverage} is not a share of cases", source="--coverage",
                         fix="give a number above 0 and at most 1, e.g. 0.8")
    with _analysis_workspace(workspace, backend, table, order_column, service_file) as ws:
        svc = ws.service(service)
        events = None
        if where:
            if "=" not in where:
                raise InputError(f"'{where}' is not COLUMN=VALUE", source="--where",
                                 fix="write it like --where priority=P1")
            column, value = where.split("=", 1)
            try:
                events = where_case(ws.events(svc.key), column.strip(), value.strip())
            except KeyError as exc:
                raise InputError(str(exc.args[0]), source="--where",
                                 fix="name a column of the event log") from None
        if demand_type:
            events = for_demand_type(ws, svc, demand_type)
        with _working("reading the flow"):
            lines = flow_lines(ws, svc, top=top, events=events)
        for line in lines:
            say(line)
        if out:
            with _working("drawing the flow map"):
                drawn = flow_map(events if events is not None else ws.events(svc.key),
                                 value_steps=svc.value_steps, overlay=overlay,
                                 coverage=coverage, title=f"{svc.name}: the flow of the work",
                                 max_steps=None if all_ else steps,
                                 max_arrows=None if all_ else 2 * steps)
                out.mkdir(parents=True, exist_ok=True)
                (out / "map.dot").write_text(drawn.dot, encoding="utf-8")
                page = write_map_html(drawn.dot, out / "map.html",
                                      title=f"{svc.name}: flow map")
            say(f"Flow map written to {page}")
            if drawn.simplified:
                say(f"{drawn.note()} --all draws them all; --steps N draws the N commonest.")


@app.command()
@friendly
def demand(
    workspace: AnalysisWorkspaceOpt = None,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    period: Annotated[str, typer.Option(help="Period for the charts: D, W or M.")] = "W",
    out: Annotated[Path | None, typer.Option(help="Folder for the chart files.")] = None,
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """Value and failure demand, types, predictability and one stop, in plain words."""
    from servicecheck.demand.analysis import failure_chart, predictability
    from servicecheck.demand.words import demand_lines

    _check_period(period, "DWM")
    with _analysis_workspace(workspace, backend, table, order_column, service_file) as ws:
        svc = ws.service(service)
        for line in demand_lines(ws, svc, period):
            say(line)
        if out:
            from servicecheck.charts.xmr import write_chart

            unit = {"D": "day", "W": "week", "M": "month"}[period]
            dem = ws.demands(svc.key)
            changes = svc.phase_dates or None
            write_chart(failure_chart(dem, period, phases=changes, tz=svc.timezone),
                        out / "failure-demand", x_title=unit, percent=True,
                        title=f"Failure demand, % of classified contacts per {unit}",
                        y_title="% failure demand")
            for i, t in enumerate(predictability(dem, period, tz=svc.timezone)[:6]):
                write_chart(t.chart, out / f"demand-{i + 1}", x_title=unit,
                            title=f"{t.demand_type} ({t.nature}) per {unit}",
                            y_title="contacts")
            say(f"Charts written to {out}")


@app.command()
@friendly
def classify(
    workspace: WorkspaceOpt,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    confirm: Annotated[Path | None, typer.Option(
        help="A file of confirmed labels (demand_id, nature, failure_kind, demand_type) to "
        "set first, all or none.")] = None,
    review: Annotated[Path | None, typer.Option(
        help="Write unclassified demand with suggestions here, least certain first.")] = None,
    accept_above: Annotated[float | None, typer.Option(
        help="Accept suggestions at least this confident without review (off unless set).")]
    = None,
    embed: Annotated[bool, typer.Option(
        help="Add sentence embeddings (needs the optional [embed] extra).")] = False,
) -> None:
    """Classify demand: confirm labels in bulk, get suggestions that learn from them."""
    from servicecheck.demand import labels
    from servicecheck.engine.workspace import Workspace

    if accept_above is not None:
        labels.check_threshold(accept_above)
    with Workspace(workspace) as ws:
        svc = ws.service(service)
        if confirm:
            n = labels.confirm(ws, svc, confirm)
            say(f"Confirmed labels for {n:,} demands.")
        suggester = labels.train(ws, svc, embed=embed)
        queue = labels.review_queue(ws, svc, suggester)
        say(f"Learned from the confirmed labels; {len(queue):,} demands wait for a "
                      "person to classify them.")
        if review:
            review.parent.mkdir(parents=True, exist_ok=True)
            queue.to_csv(review, index=False)
            say(f"Review queue written to {review} (least certain first).")
        if accept_above is not None:
            n = labels.accept_confident(ws, svc, suggester, accept_above)
            say(f"Accepted {n:,} suggestions at or above {accept_above:.0%} "
                "confidence, as the team chose.")


@app.command()
@friendly
def targets(
    workspace: AnalysisWorkspaceOpt = None,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    period: Annotated[str, typer.Option(help="Period for the comparison: W or M.")] = "M",
    out: Annotated[Path | None, typer.Option(help="Folder for the chart files.")] = None,
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """What the target regime reports beside what citizens live through, and why they differ."""
    from servicecheck.measures.capability import capability, findings
    from servicecheck.measures.targets import findings as target_findings
    from servicecheck.measures.targets import target_view
    from servicecheck.narrative.words import say_all, voice_for

    _check_period(period, "WM")
    with _analysis_workspace(workspace, backend, table, order_column, service_file) as ws:
        svc = ws.service(service)
        view = target_view(ws, svc, freq=period)
        cap = capability(ws, svc)
    for line in say_all(target_findings(view, cap.changes), voice_for(svc, findings(cap))):
        say(line)
    if out:
        from servicecheck.charts.targets import write_target_charts

        for path in write_target_charts(view, out):
            say(f"Chart written to {path}")


@app.command()
@friendly
def costs(
    workspace: AnalysisWorkspaceOpt = None,
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    period: Annotated[str, typer.Option(help="Period for the charts: W or M.")] = "M",
    out: Annotated[Path | None, typer.Option(help="Folder for the chart files.")] = None,
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """What meeting one need costs beside one transaction, what failure demand and waste cost,
    and what a redesign saves, with the assumptions used."""
    from servicecheck.measures.economics import costed, economics, findings
    from servicecheck.narrative.words import say_all, voice_for

    _check_period(period, "WM")
    with _analysis_workspace(workspace, backend, table, order_column, service_file) as ws:
        svc = ws.service(service)
        e = economics(ws, svc, freq=period) if costed(svc) else None
    for line in say_all(findings(e, svc), voice_for(svc)):
        say(line)
    if out and e is not None:
        from servicecheck.report.sections import economics_figures

        for figure in economics_figures(e):
            say(f"Chart written to {figure.write(out)}")


@app.command("joined-up")
@friendly
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
            from servicecheck.charts.joined_up import services_map
            from servicecheck.flow.map import map_figure

            path = map_figure(services_map(cross_matrix(ws, window), service_names(ws)),
                              "Failure demand one service causes in another",
                              "between-services").write(out)
            say(f"Picture written to {path}")


@app.command()
@friendly
def report(
    workspace: AnalysisWorkspaceOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "check.html"),
    service: Annotated[str | None, typer.Option(help="Which service.")] = None,
    assets: Annotated[Path | None, typer.Option(
        help="Also write every chart as SVG (and Vega-Lite JSON) into this folder.")] = None,
    pdf: Annotated[bool, typer.Option(
        help="Also print the report to PDF through headless Chromium.")] = False,
    open_: Annotated[bool, typer.Option("--open", help="Open the report in a browser.")]
    = False,
    backend: BackendOpt = None,
    table: TableOpt = None,
    order_column: OrderOpt = None,
    service_file: ServiceFileOpt = None,
) -> None:
    """The Check report: one self-contained HTML file for the team and its managers."""
    from servicecheck.report import write_report

    with _analysis_workspace(workspace, backend, table, order_column, service_file) as ws:
        result = _with_section_progress(lambda tell: write_report(
            ws, out, service=service, assets=assets, pdf=pdf, progress=tell))
    _say_report(result.path, result.findings)
    if result.assets:
        say(f"{len(result.assets)} charts written to {assets}")
    if result.pdf:
        say(f"PDF: {result.pdf}")
    if open_:
        _open(result.path)


def _section_teller(p: Progress) -> Callable[[str], None]:
    """A bar on ``p`` that names each report section as it is written."""
    from servicecheck.report.build import SECTION_NAMES

    task = p.add_task("writing the report", total=len(SECTION_NAMES), visible=False,
                      unit="sections")

    def tell(name: str) -> None:
        p.update(task, description=f"writing the report: {name}", visible=True,
                 completed=SECTION_NAMES.index(name))

    return tell


def _with_section_progress(work: Callable[[Callable[[str], None]], T]) -> T:
    with _progress() as p:
        return work(_section_teller(p))


def _say_report(path: Path, findings: list[str]) -> None:
    say("Headline findings:")
    for i, finding in enumerate(findings, 1):
        say(f"  {i}. {finding}")
    say(f"Check report: {path} ({path.stat().st_size / 1e6:.1f} MB, works offline)")


def _open(path: Path) -> None:
    import webbrowser

    if not webbrowser.open(path.resolve().as_uri()):
        say(f"No browser could be started here; open {path} yourself.")


@app.command()
@friendly
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path(
        "servicecheck-demo"),
    events: Annotated[int, typer.Option(help="About how many events to generate.")] = 60000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    open_: Annotated[bool, typer.Option("--open", help="Open the report in a browser.")]
    = False,
) -> None:
    """Generate the synthetic housing-repairs service, import it, summarise it and write its
    Check report."""
    from servicecheck.demo import run_demo

    with _progress() as p:
        task = p.add_task("generating", total=events, unit="events")
        result = run_demo(out, events=events, seed=seed, progress=lambda n: p.advance(task, n),
                          report_progress=_section_teller(p))
    for line in result.lines:
        say(line)
    _say_report(result.report, result.findings)
    if open_:
        _open(result.report)


DatabaseOpt = Annotated[str, typer.Option(
    "--database", "-d", help="The store: a SQLite file, or a URL such as "
    "postgresql+psycopg://user@host/db.")]


@app.command()
@friendly
def serve(
    database: DatabaseOpt = "servicecheck.db",
    service: Annotated[Path | None, typer.Option(
        help="The service file (demand types, channels, redaction).")] = None,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="A workspace for the capability, flow and targets "
        "dashboards.")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on; other machines reach it "
                                           "only if you choose so.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark cookies Secure (behind a TLS proxy).")] = False,
    workers: Annotated[int, typer.Option(
        help="Worker processes (PostgreSQL; SQLite takes one writer, so keep 1).")] = 1,
    trusted_proxy: Annotated[str | None, typer.Option(
        help="Addresses of the TLS proxy in front (comma-separated): only it may say who the "
        "client is and that it came over TLS (then HSTS is sent).")] = None,
) -> None:
    """The web app: front-line capture and the live board, on SQLite or PostgreSQL."""
    import os

    # the address first: loading the web app takes seconds, and the person waits for it
    say(f"servicecheck on http://{host}:{port} (store: {database.split('@')[-1]}); "
        "Ctrl+C stops it.")
    import uvicorn

    from servicecheck.web import create_app

    # built here once even with workers: it migrates the store and fails early on bad settings
    web_app = create_app(database, service=service, workspace=workspace,
                         secure_cookies=secure_cookies, trusted_proxies=trusted_proxy)
    # proxy headers are read by the app itself, from the trusted proxy only (uvicorn's own
    # reading would trust 127.0.0.1 whatever the admin said)
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
        return
    os.environ.update({
        "SERVICECHECK_DATABASE": database,
        "SERVICECHECK_SERVICE": str(service.resolve()) if service else "",
        "SERVICECHECK_WORKSPACE": str(workspace.resolve()) if workspace else "",
        "SERVICECHECK_SECURE_COOKIES": "1" if secure_cookies else "",
        "SERVICECHECK_TRUSTED_PROXIES": trusted_proxy or ""})
    uvicorn.run("servicecheck.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning", access_log=False,
                proxy_headers=False)


users_app = typer.Typer(help="People who may sign in to the web app.", no_args_is_help=True,
                        rich_markup_mode=None)
tokens_app = typer.Typer(help="Tokens for council systems that post demand to the API.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


PasswordStdinOpt = Annotated[bool, typer.Option(
    help="Read the password from standard input (for scripts).")]


@users_app.command("add")
@friendly
def users_add(
    name: Annotated[str, typer.Argument(help="The name they sign in with.")],
    role: Annotated[str, typer.Option(help="recorder, analyst or admin.")] = "recorder",
    database: DatabaseOpt = "servicecheck.db",
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Add a person with a role: recorders capture, analysts also see dashboards and export,
    admins also manage people and integrations."""
    from servicecheck.store.accounts import add_user
    from servicecheck.store.passwords import MIN_LENGTH

    password = _read_password(password_stdin, MIN_LENGTH)
    with _store(database) as store:
        add_user(store, name, password, role)
    say(f"Added {name} as {role}.")


def _read_password(from_stdin: bool, min_length: int) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    prompt = f"Password ({min_length} characters or more)"
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@contextlib.contextmanager
def _store(database: str) -> Iterator[Any]:
    from servicecheck.store import open_store

    store = open_store(database)
    try:
        yield store
    finally:
        store.close()


@users_app.command("list")
@friendly
def users_list(database: DatabaseOpt = "servicecheck.db") -> None:
    """Everyone who may sign in, with their role and whether they are disabled."""
    from servicecheck.store.accounts import list_users

    with _store(database) as store:
        _say_each(list_users(store),
                  lambda u: f"{u.name}: {u.role}, {'disabled' if u.disabled else 'active'}",
                  "No users yet: add one with `servicecheck users add NAME --role admin`.")


def _say_each(rows: list[Any], line: Callable[[Any], str], none: str) -> None:
    for row in rows:
        say(line(row))
    if not rows:
        say(none)


@users_app.command("disable")
@friendly
def users_disable(
    name: Annotated[str, typer.Argument(help="The user (a leaver, a lost laptop).")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Stop a user signing in; their open sessions end at once."""
    from servicecheck.store.accounts import set_disabled

    with _store(database) as store:
        set_disabled(store, name, True)
    say(f"Disabled {name}: their sessions have ended.")


@users_app.command("enable")
@friendly
def users_enable(name: Annotated[str, typer.Argument(help="The user.")],
                 database: DatabaseOpt = "servicecheck.db") -> None:
    """Let a disabled user sign in again."""
    from servicecheck.store.accounts import set_disabled

    with _store(database) as store:
        set_disabled(store, name, False)
    say(f"Enabled {name}.")


@users_app.command("reset-password")
@friendly
def users_reset_password(
    name: Annotated[str, typer.Argument(help="The user.")],
    database: DatabaseOpt = "servicecheck.db",
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Set a new password; the user's open sessions end."""
    from servicecheck.store.accounts import reset_password
    from servicecheck.store.passwords import MIN_LENGTH

    password = _read_password(password_stdin, MIN_LENGTH)
    with _store(database) as store:
        reset_password(store, name, password)
    say(f"Set a new password for {name}: their sessions have ended.")


@app.command()
@friendly
def purge(
    days: Annotated[float, typer.Option(
        "--older-than-days", help="Delete captured demand received more than this many days "
        "ago (your retention period).")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Delete captured demand older than the retention period (and old login records)."""
    from servicecheck.store.capture import purge as purge_old

    if not days < float("inf"):  # nan and inf: no retention period at all
        raise InputError(f"'{days}' is not a number of days", source="--older-than-days",
                         fix="give the retention period in days, e.g. 730")
    if days < 1:
        raise InputError(f"{days} days would delete today's demand", source="--older-than-days",
                         fix="give the retention period in days, e.g. 730")
    with _store(database) as store:
        gone = purge_old(store, days)
    say(f"Deleted {gone:,} demands received more than {days:g} days ago.")


@tokens_app.command("add")
@friendly
def tokens_add(
    name: Annotated[str, typer.Argument(help="The integration, e.g. 'repairs-crm'.")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Create a token for one integration; it is printed once and stored only as a hash."""
    from servicecheck.store.accounts import add_token

    with _store(database) as store:
        token = add_token(store, name)
    say(token)
    err.print("Give this token to the integration now: it is not shown again.",
              highlight=False, markup=False)


@tokens_app.command("list")
@friendly
def tokens_list(database: DatabaseOpt = "servicecheck.db") -> None:
    """Every integration's token: when it was made and whether it is revoked."""
    from servicecheck.store.accounts import list_tokens

    with _store(database) as store:
        _say_each(list_tokens(store), lambda t: f"{t.name}: made {t.created_at:%Y-%m-%d}, "
                  f"{'revoked' if t.revoked else 'active'}",
                  "No tokens yet: make one with `servicecheck tokens add NAME`.")


@tokens_app.command("revoke")
@friendly
def tokens_revoke(name: Annotated[str, typer.Argument(help="The integration.")],
                  database: DatabaseOpt = "servicecheck.db") -> None:
    """Revoke an integration's token: refused from its next post on."""
    from servicecheck.store.accounts import revoke_token

    with _store(database) as store:
        revoke_token(store, name)
    say(f"Revoked the token of {name}: it is refused from now on.")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
