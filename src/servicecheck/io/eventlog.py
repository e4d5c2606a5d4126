"""Reading event logs into a workspace, and the EventLog a notebook user holds."""

from __future__ import annotations

import html
from dataclasses import dataclass
from dataclasses import replace as replaced
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servicecheck.engine.workspace import Workspace
from servicecheck.io.dates import Order, check_order
from servicecheck.io.errors import InputError
from servicecheck.io.events import canonical_events
from servicecheck.io.fingerprint import Fingerprinting
from servicecheck.io.propose import NAMES, Mapping, confirm, ending, propose_table
from servicecheck.io.rejects import DEFAULT_MAX_REJECTS, check_max_rejects
from servicecheck.io.report import ImportReport
from servicecheck.io.roles import resolve_columns
from servicecheck.io.sql import check_format, check_timezone
from servicecheck.io.tables import RawTable, read_table
from servicecheck.io.wide import ACTIVITY, TIMESTAMP, widen
from servicecheck.service.model import DEFAULT_ZONE, Service

if TYPE_CHECKING:  # an import never loads Ibis (start-up of the command)
    import datetime as dt

    import pandas as pd
    from ibis.expr.types import Table


@dataclass
class EventLog:
    """Events of one service in a workspace: counts, period, and the Ibis table."""

    workspace: Workspace
    service: str
    report: ImportReport | None = None

    @property
    def table(self) -> Table:
        return self.workspace.events(self.service)

    @property
    def n_events(self) -> int:
        return int(self.table.count().execute())

    @property
    def n_cases(self) -> int:
        return int(self.table.case_id.nunique().execute())

    @property
    def period(self) -> tuple[dt.datetime, dt.datetime]:
        t = self.table
        row = t.aggregate(first=t.timestamp.min(), last=t.timestamp.max()).execute()
        return row["first"].iloc[0].to_pydatetime(), row["last"].iloc[0].to_pydatetime()

    def to_pandas(self) -> pd.DataFrame:
        from servicecheck.engine.frames import to_frame

        t = self.table
        return to_frame(t.order_by([t.case_id, t.timestamp, t.event_index]))

    def _repr_html_(self) -> str:
        """The log in a notebook: what it holds, its period in the service's zone, and what
        its import did, in the narrative's words."""
        import pandas as pd

        from servicecheck.io.report import held_finding
        from servicecheck.narrative.words import Voice, say_all

        first, last = self.period
        voice = Voice(tz=self.workspace.service(self.service).timezone)
        found = [held_finding(self.n_events, self.n_cases, pd.Timestamp(first),
                              pd.Timestamp(last)), *(self.report.findings() if self.report
                                                     else [])]
        held, *imported = say_all(found, voice)
        said = "".join(f"<br>{html.escape(s)}" for s in imported)
        return (f"<div><strong>{html.escape(self.service)}</strong>: {html.escape(held)}"
                f"{said}</div>")

    def __repr__(self) -> str:
        return f"EventLog(service={self.service!r}, events={self.n_events}, cases={self.n_cases})"


def import_events(
    workspace: Workspace,
    source: Any,
    *,
    service: Service | None = None,
    columns: dict[str, str | None] | None = None,
    timezone: str | None = None,
    timestamp_format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    wide: dict[str, str] | None = None,
    date_order: Order | None = None,
    max_rejects: float | None = None,
    replace: bool = False,
    in_place: bool = False,
) -> ImportReport:
    """Read a source and append its events to the workspace in one transaction.

    ``wide`` reads a case table (a row per case): it maps each date column to the activity
    it records, e.g. {"Created Date": "Created", "Closed Date": "Closed"}; without it, a
    file whose columns name no activity but a case per row and several dates is recognised
    as a case table. The service file's [import] table gives the sheet, header row, moments,
    date order, zone and share of rows to set aside; the arguments win over it. A file
    whose content the workspace holds already is refused, unless ``replace``: then its rows
    take the place of the earlier import's (of the same content, or of the same file).
    ``in_place``: a Parquet file whose times carry their zone, imported into a workspace in
    memory that holds no events yet, is read where it lies (a view of the file) when no row
    needs changing; the file must then stay where it is while the workspace is used.
    """
    svc = _zone_kept(workspace, service or Service(name=_default_name(source)), timezone)
    how = svc.reading
    timezone = timezone or how.timezone
    if timezone:
        check_timezone(timezone, source="--timezone")
        # the workspace remembers the zone the times were read in, so that the report says
        # it (it said the service's zone, Europe/London, of a log read as Australia/Sydney)
        svc = replaced(svc, reading=replaced(how, timezone=timezone))
        if (svc.path is None or not svc.zone_named) and svc.timezone == DEFAULT_ZONE:
            # no service file says where the service is: it is where its times were written,
            # so its days, weeks and dates are told there (a log read as Australia/Sydney had
            # its dates told in London)
            svc = replaced(svc, timezone=timezone)
    if timestamp_format:
        check_format(timestamp_format, source="--timestamp-format")
    order = check_order(date_order, source="--date-order") if date_order else (
        check_order(how.date_order, source="[import] date_order") if how.date_order else None)
    share = check_max_rejects(max_rejects if max_rejects is not None else
                              how.max_rejects if how.max_rejects is not None
                              else DEFAULT_MAX_REJECTS)
    fingerprint = Fingerprinting(source)
    stamps = wide or dict(how.moments) or None
    raw = read_table(source, delimiter=delimiter, encoding=encoding,
                     sheet=sheet if sheet is not None else how.sheet,
                     header_row=header_row or how.header_row, in_place=not stamps)
    # the service file names columns in [columns], and also as [teams] column and [need]
    # link_column: all of them are configuration, resolved together (explicit flags still win)
    configured = dict(svc.columns)
    if svc.team_column:
        configured.setdefault("team", svc.team_column)
    if svc.need.link_column:
        configured.setdefault("need", svc.need.link_column)
    names = [str(c) for c in raw.table.column_names]
    recognised: Mapping | None = None
    if not stamps:
        try:
            mapping = resolve_columns(names, columns, configured, raw.source)
        except InputError as missing:
            recognised = _recognise(raw, columns, configured, missing)
            if recognised.kind == "case table":
                stamps = dict(recognised.moments)
                raw = read_table(source, delimiter=delimiter, encoding=encoding, sheet=raw.sheet,
                                 header_row=raw.header_rows or None) if raw.scan else raw
            else:
                # a role left unset (the command line passes every flag, None when not
                # given) keeps the column proposed for it
                named = {r: c for r, c in (columns or {}).items() if c}
                mapping = resolve_columns(names, {**recognised.columns, **named},
                                          configured, raw.source)
            svc = recognised.service(svc)
    records = raw.num_rows
    if stamps:
        if recognised is None:
            # a case table named by the team: unless the service says where the clock stops,
            # it stops at the ending moment, so a row with that date blank is open, not met
            svc = Mapping(kind="case table", columns={}, moments=stamps,
                          end=ending(stamps)).service(svc)
        raw = widen(raw, stamps)
        given = {**(columns or {}), **(recognised.columns if recognised else {})}
        given = {r: c for r, c in given.items() if r not in ("activity", "timestamp", "due")}
        mapping = resolve_columns([str(c) for c in raw.table.column_names],
                                  {**given, "activity": ACTIVITY, "timestamp": TIMESTAMP},
                                  configured, raw.source)
    first = workspace.next_index("events")
    # the source and its time zone live on a connection of this import's own
    with workspace.session() as con:
        prepared = canonical_events(
            raw,
            con,
            service_key=svc.key,
            columns=mapping,
            timezone=timezone or svc.timezone,
            timestamp_format=timestamp_format,
            activity_teams=svc.activity_teams,
            first_index=first,
            date_order=order,
            max_rejects=share,
            records=records,
        )
        prepared.report.recognised = recognised
        prepared.report.moments = dict(stamps or {})
        prepared.report.records = records
        workspace.append_select("events", prepared.sql, prepared.report, svc, "events",
                                con=con, first_index=first, fingerprint=fingerprint.result(),
                                replace=replace, finish=prepared.finish,
                                in_place=prepared.in_place if in_place else None)
    return prepared.report


def _zone_kept(workspace: Workspace, svc: Service, timezone: str | None) -> Service:
    """The service with the zone the workspace already holds for it, when neither this
    import nor a service file names one: a second import without --timezone read its times
    in London and told the service's dates there, after the first had said Australia/Sydney."""
    if (timezone or svc.reading.timezone or svc.timezone != DEFAULT_ZONE
            or (svc.path is not None and svc.zone_named)):
        return svc
    try:
        held = workspace.service(svc.key)
    except InputError:
        return svc  # a service new to the workspace: the default it is
    return replaced(svc, timezone=held.timezone,
                    reading=replaced(svc.reading, timezone=held.reading.timezone))


def mapping_used(report: ImportReport) -> Mapping:
    """The mapping an import read its file with, to save into the service file."""
    columns = {r: c for r, c in report.mapping.items() if c not in (ACTIVITY, TIMESTAMP)}
    if report.recognised is not None:
        columns = {**report.recognised.columns, **columns}
    return Mapping(kind="case table" if report.moments else "event log", columns=columns,
                   moments=dict(report.moments), end=ending(report.moments),
                   sheet=report.sheet, header_row=report.header_row,
                   date_order=check_order(report.date_order, source="import")
                   if report.date_order else None)


def _recognise(raw: RawTable, columns: dict[str, str | None] | None,
               configured: dict[str, str], missing: InputError) -> Mapping:
    """The mapping proposed for a file whose columns have none of the usual names, when
    the proposal is sure of every role it needs (else the missing role's sentence)."""
    proposal = propose_table(raw)
    given = {**configured, **{r: c for r, c in (columns or {}).items() if c}}
    edits = {r: c for r, c in given.items() if r in NAMES and c in proposal.columns}
    if not proposal.complete:
        raise missing
    return confirm(proposal, edits)


def read_log(
    source: Any,
    *,
    service: Service | str | Path | None = None,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start_timestamp: str | None = None,
    team: str | None = None,
    resource: str | None = None,
    timezone: str | None = None,
    timestamp_format: str | None = None,
    workspace: Workspace | None = None,
    wide: dict[str, str] | None = None,
) -> EventLog:
    """Read an event log (CSV/TSV, Parquet, Excel, XES or a DataFrame) into an EventLog.

    Without ``workspace`` the events live in an in-memory DuckDB database; for logs larger
    than memory pass ``Workspace("file.duckdb", memory_limit="2GB")``. There, a Parquet file
    whose times carry their zone and whose rows need no change is read in place, as
    DuckDB's and Ibis's ``read_parquet`` do: nothing is copied, each query reads the file,
    and the file must stay unchanged while the log is used (pass a workspace for a copy).
    """
    svc = Service.load(service) if isinstance(service, str | Path) else service
    ws = workspace or Workspace()
    report = import_events(
        ws,
        source,
        service=svc,
        columns={"case": case, "activity": activity, "timestamp": timestamp,
                 "start_timestamp": start_timestamp, "team": team, "resource": resource},
        timezone=timezone,
        timestamp_format=timestamp_format,
        wide=wide,
        in_place=workspace is None,
    )
    return EventLog(ws, report.service, report)


def _default_name(source: Any) -> str:
    if isinstance(source, str | Path):
        name = Path(source).name
        for suffix in (".gz", ".csv", ".tsv", ".txt", ".xes", ".parquet", ".xlsx", ".json"):
            name = name.removesuffix(suffix)
        return name or "service"
    return "service"
