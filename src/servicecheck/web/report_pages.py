"""The Check report from the browser (analysts): start it, watch its progress, download the
HTML and the PDF. The work is in web/reports.py; the report itself is servicecheck.report's."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from servicecheck.store.accounts import Session
from servicecheck.web.context import ctx
from servicecheck.web.pages import nothing_yet, page, partial
from servicecheck.web.reports import AT_ONCE, Busy
from servicecheck.web.security import ANALYST

router = APIRouter(include_in_schema=False)
MEDIA = {"html": "text/html", "pdf": "application/pdf"}


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, s: Session = ANALYST) -> HTMLResponse:
    from servicecheck.web.upload_services import services

    c = ctx(request)
    jobs = list(reversed(c.reports.jobs.values()))
    # every service the workspace holds: a file brought in as a new service had no report
    return page(request, "report.html", job=jobs[0] if jobs else None, services=services(c),
                nothing=c.workspace is not None and not c.workspace.exists())


@router.post("/report", response_class=HTMLResponse)
def start_report(request: Request, s: Session = ANALYST,
                 service: str = Form("")) -> HTMLResponse:
    from servicecheck.web.upload_services import services

    c = ctx(request)
    if c.workspace is None:
        return page(request, "error.html", status_code=503,
                    message="No workspace was given to the server: start it with --workspace "
                            "to make the Check report.")
    if (empty := nothing_yet(request)) is not None:
        return empty
    try:
        held = services(c)
        job = c.reports.start(c.workspace, service if service in held else c.service.key,
                              s.user.name)
    except Busy:
        response = page(request, "error.html", status_code=429,
                        message=f"{AT_ONCE} reports are being made just now, the most the "
                                "server makes at once: try again in a minute.")
        response.headers["Retry-After"] = "60"
        return response
    c.store.audit(s.user.name, "report", f"report {job.id} started")
    template = "_report_status.html" if partial(request) else "report.html"
    return page(request, template, job=job, services=held)


@router.get("/report/{job_id}/status", response_class=HTMLResponse)
def report_status(request: Request, job_id: str, s: Session = ANALYST) -> HTMLResponse:
    job = ctx(request).reports.jobs.get(job_id)
    if job is None:
        return page(request, "error.html", status_code=404,
                    message="That report is no longer kept: make it again.")
    return page(request, "_report_status.html", job=job)


@router.get("/report/{job_id}/check.{kind}")
def report_file(request: Request, job_id: str, kind: str, s: Session = ANALYST) -> Response:
    c = ctx(request)
    job = c.reports.jobs.get(job_id)
    path = job.files.get(kind) if job is not None else None
    if job is None or path is None:
        return page(request, "error.html", status_code=404,
                    message="That report is no longer kept, or not made yet: make it again.")
    c.store.audit(s.user.name, "report downloaded", f"report {job_id} as {kind}")
    name = f"{quote(job.service or c.service.key)}-check.{kind}"
    return FileResponse(path, media_type=MEDIA[kind], filename=name,
                        content_disposition_type="attachment")
