"""The workspace's imports (analysts): every file brought in, when, and what it did (the
rows read, the events made and kept, what was set aside: in the words the command line uses),
with each import's set-aside rows downloadable as CSV (as stored: redacted, formulas
neutralised), so correcting them needs no terminal once the import page is left. The rows are
the workspace's (``Workspace.import_log``, ``rejects``)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pyarrow as pa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from servicecheck.io.errors import InputError
from servicecheck.io.report import file_name
from servicecheck.io.spreadsheets import safe_frame
from servicecheck.store.accounts import Session
from servicecheck.web.context import Context, ctx
from servicecheck.web.pages import page
from servicecheck.web.security import ANALYST

if TYPE_CHECKING:
    from servicecheck.engine.workspace import Workspace

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Imported:
    """One import as the page lists it."""

    id: int
    service: str
    kind: str
    file: str
    when: str  # on the service's clock
    said: str  # what it did, as the command line and the upload page say it
    set_aside: int  # rows with a value set aside (downloadable)


def _imports(c: Context) -> list[Imported]:
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.quality import import_summary
    from servicecheck.narrative.words import Voice, say

    assert c.workspace is not None
    try:
        ws = Workspace(c.workspace, read_only=True)
    except InputError:
        if not c.workspace.exists():  # nothing brought in yet
            return []
        raise
    with ws:
        log, aside = ws.import_log(), ws.set_aside_rows()
        held = {key: _held(ws, key, c.service.timezone) for key in {r["service"] for r in log}}
    return [Imported(id=r["import_id"], service=held[r["service"]][0], kind=r["kind"],
                     file=file_name(r["source"]),
                     when=_when(r["imported_at"], ZoneInfo(held[r["service"]][1])),
                     said=say(import_summary(r), Voice(tz=held[r["service"]][1], on_page=True)),
                     set_aside=aside.get(r["import_id"], 0))
            for r in reversed(log)]  # the latest first


def _held(ws: Workspace, key: str, zone: str) -> tuple[str, str]:
    """A service as the team named it, and the zone its times are told in (its key and the
    app's zone only when no definition is kept: demand imported on its own)."""
    try:
        svc = ws.service(key)
    except InputError:
        return key, zone
    return svc.name or key, svc.timezone


def _when(at: dt.datetime, zone: ZoneInfo) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    local = at.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, s: Session = ANALYST) -> HTMLResponse:
    c = ctx(request)
    if c.workspace is None:
        return no_workspace(request)
    return page(request, "imports.html", imports=_imports(c))


def no_workspace(request: Request) -> HTMLResponse:
    return page(request, "error.html", status_code=503,
                message="No workspace was given to the server: start it with --workspace to "
                        "bring data in.")


@router.get("/imports/{import_id}/rejects.csv")
def import_rejects(request: Request, import_id: int, s: Session = ANALYST) -> Response:
    return rejects_download(request, s, import_id)


def set_aside(c: Context, import_id: int) -> tuple[str, pa.Table] | None:
    """One import's file and the values it set aside (row, column, value, reason) as the
    workspace keeps them: unreadable values, and the steps dated after the import, which are
    set aside only once the rows are written (None: no such import)."""
    from servicecheck.engine.workspace import Workspace

    if c.workspace is None or not c.workspace.exists():
        return None
    with Workspace(c.workspace, read_only=True) as ws:
        source = next((r["source"] for r in ws.import_log() if r["import_id"] == import_id),
                      None)
        if source is None:
            return None
        table = ws.rejects(import_id=import_id)
    return source, table.select(["row", "column", "value", "reason"])


def rejects_download(request: Request, s: Session, import_id: int | None) -> Response:
    """One import's values set aside, as a CSV: the one download of the Imports page and of
    the upload page after an import (which lacked the steps dated after the import)."""
    c = ctx(request)
    if c.workspace is None:
        return no_workspace(request)
    found = set_aside(c, import_id) if import_id is not None else None
    if found is None:
        return page(request, "error.html", status_code=404, message="There is no such import.")
    source, table = found
    return rejects_csv(request, s, table, file_name(source))


def rejects_csv(request: Request, s: Session, rows: pa.Table, name: str) -> Response:
    """Rows set aside (row, column, value, reason) as the CSV an analyst downloads: the file
    named in each line, the reasons in words, cells a spreadsheet would run made text."""
    from servicecheck.narrative.quality import SET_ASIDE_WORDS

    frame = rows.to_pandas()
    frame.insert(0, "file", name)
    frame["reason"] = frame["reason"].map(lambda why: SET_ASIDE_WORDS.get(why, why))
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False)
    ctx(request).store.audit(s.user.name, "export", f"rows set aside: {len(frame)} rows")
    stem = name.rsplit(".", 1)[0]
    return StreamingResponse(iter([buffer.getvalue()]), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{quote(stem)}-set-aside.csv"'})
