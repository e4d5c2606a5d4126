"""The service file as a form (analysts): purpose, the citizen's clock chosen from the log's
own activities (with how many needs each end leaves open), value steps, teams, demand types,
the target regime, redesign dates and costs. Checked by the service-file schema, each problem
beside its field; saved as the same TOML a CLI user edits, and into the workspace, so the next
report uses it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from servicecheck.io.errors import InputError
from servicecheck.service import file as service_file
from servicecheck.service.file import Value
from servicecheck.service.model import Service
from servicecheck.store.accounts import Session
from servicecheck.store.text import character_problem
from servicecheck.web.context import Context, ctx, named
from servicecheck.web.pages import page
from servicecheck.web.security import ANALYST

router = APIRouter(include_in_schema=False)

# the form's fields: dotted service-file keys; lists are one entry per line, maps one
# "key = value" per line
TEXT = ("purpose", "timezone", "redesign_date", "targets.name", "targets.priority_column",
        "targets.default", "costs.currency")
NUMBERS = ("costs.visit_cost", "costs.order_cost", "demand.cost_per_minute")
LINES = ("demand.types", "demand.channels")
CHOICES = ("clock.start", "clock.end", "value_steps", "targets.start", "targets.end")
MAPS = {"targets.timescales": str, "demand.handling_minutes": float}


def service_path(c: Context) -> Path:
    """Where the form saves: the file the server was started with, else one beside the
    workspace, else in the folder the server runs in."""
    if c.service.path is not None:
        return c.service.path
    return (c.workspace.parent if c.workspace else Path.cwd()) / "service.toml"


def _choices(c: Context) -> tuple[pd.DataFrame | None, int]:
    if c.workspace is None:
        return None, 0
    from servicecheck.engine.workspace import Workspace
    from servicecheck.measures.clock_choice import clock_choices

    try:
        with Workspace(c.workspace, read_only=True) as ws:
            if c.service.key not in ws.services():
                return None, 0
            return clock_choices(ws, c.service)
    except InputError:  # busy: the form still works, with the activities typed in
        return None, 0


def _current(c: Context) -> dict[str, Any]:
    path = service_path(c)
    if path.exists():
        return service_file.read_data(path)
    from servicecheck.service.stored import service_to_dict

    return service_to_dict(c.service)


def _field(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data.get(part, {}) if isinstance(data, dict) else {}
    return None if data == {} else data


def _listed(value: Any) -> list[str]:
    """A list key's value (one text may stand for a list of one)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _show(data: dict[str, Any], key: str) -> str:
    """A key's value as its form field shows it."""
    value = _field(data, key)
    if value is None:
        return ""
    if key in LINES:
        return "\n".join(value) if isinstance(value, list) else str(value)
    if key in MAPS:
        return "\n".join(f"{k} = {_plain(v)}" for k, v in value.items()) if isinstance(
            value, dict) else str(value)
    return _plain(value)


def _plain(value: Any) -> str:
    """A number as a person would type it: 30, not 30.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _number(text: str) -> Value:
    """A number typed in, or the text itself, which the schema then refuses by name."""
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def updates_from(form: FormData) -> tuple[dict[str, Value], dict[str, str]]:
    """The service-file keys the form sets (None: removed), and what could not even be read
    as the form asks (a map line without '='), by key."""
    out: dict[str, Value] = {}
    # characters no file should hold (a NUL, a broken character, a control character): the
    # service file is read by every command and page, so they are refused here, by field
    unread: dict[str, str] = {
        str(name): f"{name}: {problem}" for name, value in form.multi_items()
        if isinstance(value, str) and (problem := character_problem(value, multiline=True))}
    for key in TEXT:
        text = str(form.get(key, "")).strip()
        out[key] = text or None
    for key in NUMBERS:
        text = str(form.get(key, "")).strip()
        out[key] = _number(text) if text else None
    for key in LINES:
        lines = [x.strip() for x in str(form.get(key, "")).replace(",", "\n").splitlines()
                 if key == "demand.channels" or x.strip()]
        items = [x for x in lines if x]
        out[key] = items or None
    for key in CHOICES:
        picked = [str(v) for v in form.getlist(key) if str(v).strip()]
        typed = [x.strip() for x in str(form.get(f"{key}.typed", "")).splitlines() if x.strip()]
        out[key] = picked + [t for t in typed if t not in picked]
    out["clock.start_at_first_contact"] = form.get("clock.start_at_first_contact") == "yes"
    for key, kind in MAPS.items():
        entries: dict[str, Any] = {}
        for line in str(form.get(key, "")).splitlines():
            if not line.strip():
                continue
            name, eq, value = line.partition("=")
            if not eq or not name.strip():
                unread[key] = (f"{key}: '{line.strip()}' is not 'name = value'; write one "
                               "per line, like P1 = 24h")
                break
            entries[name.strip().strip('"')] = _number(value.strip()) if kind is float \
                else value.strip().strip('"')
        out[key] = entries or None
    teams = {str(a): str(t).strip() for a, t in zip(form.getlist("team.activity"),
                                                    form.getlist("team.name"), strict=False)
             if str(t).strip()}
    out["teams.activities"] = teams or None
    rows = zip(form.getlist("change.date"), form.getlist("change.what"),
               form.getlist("change.by"), form.getlist("change.rebase"), strict=False)
    changes: list[dict[str, Any]] = [
        {"date": str(d).strip(), "what": str(w).strip(),
         **({"by": str(b).strip()} if str(b).strip() else {}),
         **({"rebase": True} if r == "yes" else {})}
        for d, w, b, r in rows if str(d).strip() or str(w).strip()]
    out["changes"] = changes or None
    # a regime without its clock is no regime: the table goes when nothing of it is left
    if not any(out[k] for k in ("targets.name", "targets.start", "targets.end",
                                "targets.timescales")):
        out = {k: v for k, v in out.items() if not k.startswith("targets.")}
        out["targets"] = None
    return out, unread


def _form(request: Request, c: Context, data: dict[str, Any], *, status_code: int = 200,
          errors: dict[str, str] | None = None, saved: str | None = None) -> HTMLResponse:
    choices, total = _choices(c)
    activities = list(choices["activity"]) if choices is not None else []
    picked = {key: _listed(_field(data, key)) for key in CHOICES}
    changes = list(_field(data, "changes") or [])
    errors = errors or {}

    def problem(field: str) -> str:
        return " ".join(e for k, e in errors.items() if k == field or k.startswith(f"{field}."))

    return page(request, "service.html", status_code=status_code, data=data, problem=problem,
                show=lambda key: _show(data, key), picked=picked, choices=choices, total=total,
                activities=activities, teams=dict(_field(data, "teams.activities") or {}),
                changes=[*changes, {"date": "", "what": "", "by": "", "rebase": False}],
                errors=errors,
                saved=saved, path=service_path(c),
                first_contact=_field(data, "clock.start_at_first_contact") is not False)


def apply(c: Context, updates: dict[str, Value]) -> str:
    """Save the service file with these changes (refused with an InputError if it would not
    be valid), give the app and the workspace the new definition, and say where it went."""
    from servicecheck.service.stored import service_to_dict

    path = service_path(c)
    return adopt(c, service_file.save(path, updates, start=service_to_dict(c.service)))


def adopt(c: Context, svc: Service) -> str:
    """Give the app and the workspace a service just saved to its file (by this form, or
    the mapping of an upload), and say where it went."""
    if c.service.name:
        c.service = c.suggester.service = svc
        c.dashboards.clear()
    else:
        named(c, svc)
    note = f"Saved to {service_path(c)}."
    kept = into_workspace(c, svc)
    if kept is True:
        note += " The workspace has it too: the next report uses it."
    elif kept is False:
        note += (" The workspace is in use just now, so the next import (or saving this "
                 "form again) gives it to the report.")
    return note


def into_workspace(c: Context, svc: Service) -> bool | None:
    """Keep a service's definition in the workspace: whether it could (None: no workspace)."""
    if c.workspace is None:
        return None
    from servicecheck.engine.workspace import Workspace

    try:
        with Workspace(c.workspace) as ws:
            ws.save_service(svc)
        return True
    except InputError:  # in use just now (an import holds it)
        return False


@router.get("/service", response_class=HTMLResponse)
def service_form(request: Request, s: Session = ANALYST) -> HTMLResponse:
    c = ctx(request)
    return _form(request, c, _current(c))


@router.post("/service", response_class=HTMLResponse)
async def save_service(request: Request, s: Session = ANALYST) -> HTMLResponse:
    c = ctx(request)
    path = service_path(c)
    form = await request.form()
    updates, unread = updates_from(form)
    if not c.service.name:  # named here or by the first file brought in, then kept: the
        # name files the data in the workspace (its key), so no form renames a named one
        updates["name"] = " ".join(str(form.get("name", "")).split()) or None
    proposed = service_file.updated(_current(c), updates)
    found = {key: f"{e.problem}; {e.fix}." for key, e in
             service_file.check(proposed, str(path)).items()}
    errors = {**found, **unread}
    if not c.service.name and "name" in errors:  # the form's words, not the file's
        errors["name"] = "Give the service's name, like Housing repairs."
    if errors:
        return _form(request, c, proposed, status_code=422, errors=errors)
    try:
        note = apply(c, updates)
    except OSError:
        return _form(request, c, proposed, status_code=503, errors={
            "file": f"{path} could not be written; check the folder may be written to."})
    c.store.audit(s.user.name, "service file saved", str(path))
    return _form(request, c, service_file.read_data(path), saved=note)
