"""Bring your data (analysts): a council's own export uploaded, read as the library reads it
(the header under title rows, the sheet), each column's proposed role to confirm or change,
the dates with the file's own examples; then imported through the one import path, with the
rows set aside shown and downloadable, a double refused (or put in place of the earlier
import), and the mapping saved into the service file so the next export needs only the file.

The reading, the proposal, the mapping and the import are servicecheck.io's (``propose``,
``confirm``, ``import_events``, ``save_mapping``), exactly as the command line uses them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from servicecheck.io.dates import ORDERS, Order, read_as
from servicecheck.io.errors import (
    AlreadyImported,
    InputError,
    TooManyRejects,
    WorkspaceUnavailable,
)
from servicecheck.io.propose import CONFIDENT, NAMES, Proposal, confirm, propose
from servicecheck.io.rejects import DEFAULT_MAX_REJECTS
from servicecheck.io.report import ImportReport
from servicecheck.io.sql import check_timezone
from servicecheck.io.tables import sheet_names
from servicecheck.service.model import Service
from servicecheck.store.accounts import Session
from servicecheck.web.context import Context, ctx, named
from servicecheck.web.imports_pages import no_workspace, rejects_download, set_aside
from servicecheck.web.pages import page
from servicecheck.web.problems import unavailable
from servicecheck.web.security import ANALYST, size_words
from servicecheck.web.service_pages import adopt, service_path
from servicecheck.web.upload_services import NEW, keep, services, target
from servicecheck.web.uploads import Upload

router = APIRouter(include_in_schema=False)

# each role as the page names it
ROLE_WORDS = {"case": "Case (the job, claim or request)", "activity": "Activity (what happened)",
              "timestamp": "Time (when it happened)", "start_timestamp": "Start time",
              "team": "Team", "resource": "Who did it",
              "citizen_id": "Citizen's own id (stored only as a pseudonym)",
              "due": "Due date (the target regime's)", "lifecycle": "Start or complete"}
# a case table's date columns are its moments: the roles left are these
CASE_TABLE_ROLES = ("case", "team", "resource", "citizen_id", "due")
REASON_WORDS = {"name": "its name", "values": "its values", "name and values":
                "its name and its values"}
PREVIEW_REJECTS = 20  # rows set aside shown on the page; all of them in the download


def _has_mapping(svc: Service) -> bool:
    """Whether the service file says how its exports read (so the next needs only the file)."""
    return bool(svc.columns or svc.reading.moments)


def _page(request: Request, stage: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    from servicecheck.narrative.quality import SET_ASIDE_WORDS

    c = ctx(request)
    values.setdefault("errors", {})
    for name in ("upload", "saved"):
        values.setdefault(name, None)
    values.setdefault("double", False)
    if stage == "done":  # what the import did, as the command line and Imports say it
        from servicecheck.narrative.words import Voice, say_all

        values["imported"] = " ".join(say_all(values["report"].findings(),
                                                   Voice(on_page=True)))
    return page(request, "upload.html", status_code=status_code, stage=stage,
                has_mapping=_has_mapping(c.service), role_words=ROLE_WORDS,
                reason_words=SET_ASIDE_WORDS, max_bytes=request.app.state.max_upload,
                max_size=size_words(request.app.state.max_upload),
                **values)




def _gone(request: Request) -> HTMLResponse:
    return page(request, "error.html", status_code=404,
                message="That file is no longer kept here: bring it in again.")


def _upload(request: Request, upload_id: str, s: Session) -> Upload | HTMLResponse:
    c = ctx(request)
    if c.workspace is None:
        return no_workspace(request)
    upload = c.uploads.get(upload_id, s.user.name)
    return upload if upload is not None else _gone(request)


async def _receive(request: Request, s: Session) -> Upload | str:
    """The file the form sent, kept (0600); else the one sentence saying what is wrong."""
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return "Choose the file to bring in first."
    try:
        return await run_in_threadpool(ctx(request).uploads.keep, sent.filename, sent.file,
                                       s.user.name)
    except InputError as exc:
        return str(exc)


def said(exc: InputError, upload: Upload) -> str:
    """The sentence with the file named as the analyst knows it, not by where the server
    keeps it."""
    source = exc.source
    if source and source.startswith(str(upload.path)):
        source = upload.name + source[len(str(upload.path)):]
    return str(InputError(exc.problem, source=source, row=exc.row, column=exc.column,
                          fix=exc.fix))


# -- choosing the file ------------------------------------------------------------------------
@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, s: Session = ANALYST) -> HTMLResponse:
    if ctx(request).workspace is None:
        return no_workspace(request)
    return _page(request, "choose")


@router.post("/upload", response_class=HTMLResponse)
async def upload_file(request: Request, s: Session = ANALYST) -> HTMLResponse:
    if ctx(request).workspace is None:
        return no_workspace(request)
    got = await _receive(request, s)
    if isinstance(got, str):
        return _page(request, "choose", status_code=422, errors={"file": got})
    return await _proposed(request, got)


@router.post("/upload/{upload_id}/read", response_class=HTMLResponse)
async def read_again(request: Request, upload_id: str, s: Session = ANALYST) -> HTMLResponse:
    upload = _upload(request, upload_id, s)
    if not isinstance(upload, Upload):
        return upload
    form = await request.form()
    sheet = str(form.get("sheet", "")).strip() or None
    row = str(form.get("header_row", "")).strip()
    if row and not (row.isdigit() and int(row) >= 1):
        return _page(request, "read", status_code=422, upload=upload,
                     sheets=sheet_names(upload.path), sheet=sheet, header_row=row,
                     errors={"header_row": f"'{row}' is not a row number: give the number "
                                           "the spreadsheet shows beside the column names."})
    return await _proposed(request, upload, sheet=sheet, header_row=int(row) if row else None)


async def _proposed(request: Request, upload: Upload, *, sheet: str | None = None,
                    header_row: int | None = None) -> HTMLResponse:
    c = ctx(request)
    try:
        upload.proposal = await run_in_threadpool(propose, upload.path, sheet=sheet,
                                                  header_row=header_row, service=c.service)
    except InputError as exc:
        sheets = sheet_names(upload.path)
        # beside the control that can put it right: the header row named, else the sheet
        # of a workbook with several, else the file itself
        field = ("header_row" if header_row or exc.column == "--header-row" else
                 "sheet" if len(sheets) > 1 else "file")
        return _page(request, "read", status_code=422, upload=upload, sheets=sheets,
                     sheet=sheet, header_row=header_row or "", errors={field: said(exc, upload)})
    return _confirm_page(request, upload, _chosen(c, upload.proposal))


# -- confirming -------------------------------------------------------------------------------
def _roles(p: Proposal) -> tuple[str, ...]:
    return CASE_TABLE_ROLES if p.kind == "case table" else tuple(NAMES)


@dataclass(frozen=True)
class Chosen:
    """What the confirm form holds: role -> column (blank: none), a case table's moments
    (date column -> the step it records), and the dates' order, zone and share as typed."""

    roles: dict[str, str]
    moments: dict[str, str]
    date_order: str
    timezone: str
    max_rejects: str
    service: str  # the key of the service the file is of, or NEW
    new_service: str  # a new service's name as typed


def _chosen(c: Context, p: Proposal, form: FormData | None = None) -> Chosen:
    """What the confirm form shows: the proposal, or what the analyst sent (kept as sent)."""
    if form is None:
        return Chosen(roles={r: g.column for r, g in p.roles.items()},
                      moments={m.column: m.activity for m in p.moments},
                      date_order=p.dates.order if p.dates and p.dates.order in ORDERS
                      else _default_order(c.service),
                      timezone=p.zone.zone if p.zone and p.zone.zone else c.service.timezone,
                      max_rejects=_percent(_current_share(c.service)),
                      service=c.service.key if c.service.name else NEW, new_service="")
    return Chosen(roles={r: str(form.get(f"role.{r}", "")) for r in _roles(p)},
                  moments={m.column: str(form.get(f"activity.{m.column}", "")).strip()
                           or m.activity for m in p.moments
                           if form.get(f"moment.{m.column}") == "yes"},
                  date_order=str(form.get("date_order", "")),
                  timezone=str(form.get("timezone", "")).strip(),
                  max_rejects=str(form.get("max_rejects", "")).strip(),
                  service=str(form.get("service", "")), new_service=str(form.get(
                      "new_service", "")))


def _zone_named(request: Request) -> bool:
    """Whether the service file names its zone (else the zone shown is only the default)."""
    from servicecheck.service.file import read_data

    path = service_path(ctx(request))
    try:
        return path.is_file() and "timezone" in read_data(path)
    except ValueError:  # a file that cannot be read names nothing (the form says why)
        return False


def _default_order(svc: Service) -> str:
    return "month-first" if svc.reading.date_order == "month-first" else "day-first"


def _percent(share: float) -> str:
    return f"{share * 100:g}"


def _day(value: str, order: str) -> str | None:
    """An example as it is read: '3 April 2024' (with the time when it has one)."""
    when = read_as(value, order)
    if when is None:
        return None
    text = f"{when.day} {when:%B %Y}"
    return text + (f", {when:%H:%M}" if (when.hour, when.minute) != (0, 0) else "")


def _confirm_page(request: Request, upload: Upload, chosen: Chosen, *,
                  status_code: int = 200, errors: dict[str, str] | None = None,
                  double: bool = False) -> HTMLResponse:
    p = upload.proposal
    assert p is not None
    examples = p.dates.examples if p.dates else ()
    # how the first written example reads each way, to choose the order by
    either = next((v for v in examples if read_as(v, "iso") is None), None)
    readings = {o: _day(either, o) if either else None for o in ORDERS}
    return _page(request, "confirm", status_code=status_code, upload=upload, p=p,
                 zone_named=_zone_named(request), services=services(ctx(request)), new=NEW,
                 roles=_roles(p), chosen=chosen, errors=errors or {}, double=double,
                 sheets=p.sheets, sheet=p.sheet, header_row=p.header_row or "",
                 why={r: f"from {REASON_WORDS[g.reason]}"
                      + (f", like {', '.join(g.evidence[:2])}" if g.evidence else "")
                      + ("" if g.confidence >= CONFIDENT else "; a guess: check it")
                      for r, g in p.roles.items()},
                 read_examples=[(v, _day(v, p.dates.order)) for v in examples] if p.dates
                 else [], either=either, readings=readings, first_row=(p.header_row or 0) + 1)


@router.post("/upload/{upload_id}/import", response_class=HTMLResponse)
async def import_upload(request: Request, upload_id: str, s: Session = ANALYST
                        ) -> HTMLResponse:
    upload = _upload(request, upload_id, s)
    if not isinstance(upload, Upload):
        return upload
    c = ctx(request)
    form = await request.form()
    replace = form.get("replace") == "yes"  # a double: in place of the earlier import
    p = upload.proposal
    if p is None:  # the next export, refused as a double: replacing is all that is left
        if not replace or upload.service is None or upload.report is not None:
            return _gone(request)
        return await _imported(request, upload, s, replace=True)
    chosen = _chosen(c, p, form)
    errors: dict[str, str] = {}
    zone = chosen.timezone or None
    if zone:
        try:
            check_timezone(zone, source="the time zone")
        except InputError as exc:
            errors["timezone"] = str(exc)
    else:  # never a default applied unseen: the zone counts the service's days and weeks
        errors["timezone"] = ("Give the service's time zone, like Europe/London or "
                              "America/New_York: its days and weeks are counted in it.")
    share = _share(chosen.max_rejects)
    if share is None:
        errors["max_rejects"] = (f"'{chosen.max_rejects}' is not a share: give a percentage "
                                 "from 0 to 100, like 5.")
    order: Order | None = next((o for o in ORDERS if o == chosen.date_order), None)
    chose = target(c, chosen.service, chosen.new_service)
    if isinstance(chose, str):
        errors["service"] = chose
    if not errors:
        try:
            mapping = confirm(p, {r: col or None for r, col in chosen.roles.items()},
                              moments=chosen.moments if p.kind == "case table" else None,
                              date_order=order, service_timezone=zone,
                              max_rejects=None if share == _current_share(c.service)
                              else share)
        except InputError as exc:
            errors["roles"] = said(exc, upload)
    if errors or isinstance(chose, str):
        return _confirm_page(request, upload, chosen, status_code=422, errors=errors)
    upload.mapping = mapping
    # the file goes into the service chosen, never into the first by default
    upload.service = mapping.service(chose.service)
    upload.save_to = None if chose.own else chose.path
    upload.max_rejects = share
    return await _imported(request, upload, s, replace=replace, chosen=chosen)


def _current_share(svc: Service) -> float:
    share = svc.reading.max_rejects
    return DEFAULT_MAX_REJECTS if share is None else share


def _share(text: str) -> float | None:
    try:
        value = float(text or "nan")
    except ValueError:
        return None
    return value / 100 if 0 <= value <= 100 else None  # nan fails both


def _run(c: Context, upload: Upload, replace: bool) -> ImportReport:
    from servicecheck.engine.workspace import Workspace
    from servicecheck.io.eventlog import import_events

    assert c.workspace is not None and upload.service is not None
    with Workspace(c.workspace) as ws:
        return import_events(ws, upload.path, service=upload.service, replace=replace,
                             max_rejects=upload.max_rejects)


async def _imported(request: Request, upload: Upload, s: Session, *, replace: bool = False,
                    chosen: Chosen | None = None) -> HTMLResponse:
    """Import the upload with its service; the page of what it did, or of what stopped it
    (beside the column at fault when there is one)."""
    c = ctx(request)
    try:
        report = await run_in_threadpool(_run, c, upload, replace)
    except InputError as exc:
        errors = {"import": _double(exc) if isinstance(exc, AlreadyImported)
                  else unavailable(exc) if isinstance(exc, WorkspaceUnavailable)
                  else said(exc, upload)}
        if upload.proposal is None or chosen is None:  # the next export: beside its file
            return _page(request, "choose", status_code=422, upload=upload,
                         errors={"next_file": errors["import"]},
                         double=isinstance(exc, AlreadyImported))
        if isinstance(exc, TooManyRejects):
            from servicecheck.findings import Finding, share
            from servicecheck.narrative.words import Voice, say

            errors = {"max_rejects": say(Finding("quality.share_needed", "row", 0, {
                "needed": share(exc.needed)}, names=(exc.problem,)),
                Voice(tz=c.service.timezone, on_page=True))}
        else:
            role = next((r for r, col in chosen.roles.items() if col and col == exc.column),
                        None)
            if role is not None:
                errors = {f"role.{role}": said(exc, upload)}
        return _confirm_page(request, upload, chosen, status_code=422, errors=errors,
                             double=isinstance(exc, AlreadyImported))
    upload.report = report
    # the rows are in the workspace now (with the service they were read with: the
    # dashboards and the report read it there); the app's own service changes only when
    # the mapping is saved into its file
    c.uploads.discard(upload)
    if not c.service.name and upload.save_to is None and upload.service is not None:
        named(c, upload.service)  # the name it was brought in under is the app's own now
    c.store.audit(s.user.name, "import", f"{upload.name}: {report.events} events"
                  + (" (replacing an earlier import)" if replace else ""))
    return _page(request, "done", upload=upload, report=report,
                 path=upload.save_to or service_path(c), **_set_aside(c, report))


def _double(exc: AlreadyImported) -> str:
    """A double, as the import said it (the earlier file's name and time in the service's
    zone, worded in narrative/), as a sentence of its own."""
    return f"{exc.problem[:1].upper()}{exc.problem[1:]}."


# -- after the import -------------------------------------------------------------------------
def _set_aside(c: Context, report: ImportReport) -> dict[str, Any]:
    """The first values the import set aside and how many, as the workspace keeps them (the
    download's rows: with the steps dated after the import)."""
    found = set_aside(c, report.import_id) if report.import_id is not None else None
    table = found[1] if found else report.rejects.table
    return {"rejects": table.slice(0, PREVIEW_REJECTS).to_pylist(), "aside": table.num_rows}


@router.get("/upload/{upload_id}/rejects.csv")
def upload_rejects(request: Request, upload_id: str, s: Session = ANALYST) -> Response:
    upload = _upload(request, upload_id, s)
    if not isinstance(upload, Upload):
        return upload
    if upload.report is None:
        return _gone(request)
    return rejects_download(request, s, upload.report.import_id)


@router.post("/upload/{upload_id}/save", response_class=HTMLResponse)
def save_upload_mapping(request: Request, upload_id: str, s: Session = ANALYST
                        ) -> HTMLResponse:
    from servicecheck.service.files import save_mapping

    upload = _upload(request, upload_id, s)
    if not isinstance(upload, Upload):
        return upload
    if upload.report is None or upload.mapping is None:
        return _gone(request)
    c = ctx(request)
    path = upload.save_to or service_path(c)
    report = upload.report
    values: dict[str, Any] = {"upload": upload, "report": report, "path": path,
                              **_set_aside(c, report)}
    try:
        saved = save_mapping(path, upload.mapping, name=(upload.service or c.service).name)
    except InputError as exc:
        return _page(request, "done", status_code=422, errors={"save": str(exc)}, **values)
    except OSError:
        return _page(request, "done", status_code=500, errors={
            "save": f"{path} could not be written; check the folder may be written to."},
            **values)
    note = adopt(c, saved) if upload.save_to is None else keep(c, saved)
    c.store.audit(s.user.name, "service file saved", f"{path}: the mapping of {upload.name}")
    return _page(request, "done", saved=note, **values)


@router.post("/upload/next", response_class=HTMLResponse)
async def import_next(request: Request, s: Session = ANALYST) -> HTMLResponse:
    """The next month's export with the mapping the service file keeps: only the file."""
    c = ctx(request)
    if c.workspace is None:
        return no_workspace(request)
    if not _has_mapping(c.service):
        return _page(request, "choose", status_code=422, errors={
            "next_file": "The service file keeps no mapping yet: bring a file through the "
                         "steps below and save its mapping first."})
    got = await _receive(request, s)
    if isinstance(got, str):
        return _page(request, "choose", status_code=422, errors={"next_file": got})
    got.service = c.service
    return await _imported(request, got, s)
