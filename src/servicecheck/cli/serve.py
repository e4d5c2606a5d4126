"""The web app, served."""

from __future__ import annotations

import functools
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from servicecheck.cli.common import DatabaseOpt, say
from servicecheck.io.errors import InputError


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
    open_: Annotated[bool, typer.Option(
        "--open", help="Open the web app in your browser once it answers.")] = False,
) -> None:
    """The web app: front-line capture and the live board, on SQLite or PostgreSQL."""

    from servicecheck.web.launch import answering

    # the address first: loading the web app takes seconds, and the person waits for it
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{local}:{port}"
    # another program on the port would be the page --open shows, and the one people sign in
    # to: refused before anything starts
    if answering(local, port):
        raise InputError(f"another program answers on port {port} already", source="--port",
                         fix="choose another port with --port, or stop that program")
    say(f"servicecheck on {url} (store: {database.split('@')[-1]}); Ctrl+C stops it.")
    import secrets

    import uvicorn

    from servicecheck.store.accounts import has_users
    from servicecheck.web import create_app

    # built here once even with workers: it migrates the store and fails early on bad settings
    setup_key = secrets.token_urlsafe(24)
    web_app = create_app(database, service=service, workspace=workspace,
                         secure_cookies=secure_cookies, trusted_proxies=trusted_proxy,
                         setup_key=setup_key)
    first = url + "/"
    if not has_users(web_app.state.ctx.store):
        # a first run: whoever started the app makes the first admin in the browser
        first = f"{url}/setup?key={setup_key}"
        say("Nobody can sign in yet: make the first admin at")
        print(first, flush=True)  # on a line of its own, never wrapped: to click or copy
    if open_:
        from servicecheck.web.launch import open_when_answering

        open_when_answering(first, host, port)
    # proxy headers are read by the app itself, from the trusted proxy only (uvicorn's own
    # reading would trust 127.0.0.1 whatever the admin said)
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
        return
    # several workers: uvicorn starts each from an import string, so the settings travel in
    # the environment of a child uvicorn of their own (this process's stays as it was)
    settings = {
        "SERVICECHECK_DATABASE": database,
        "SERVICECHECK_SERVICE": str(service.resolve()) if service else "",
        "SERVICECHECK_WORKSPACE": str(workspace.resolve()) if workspace else "",
        "SERVICECHECK_SECURE_COOKIES": "1" if secure_cookies else "",
        "SERVICECHECK_TRUSTED_PROXIES": trusted_proxy or "",
        "SERVICECHECK_SETUP_KEY": setup_key}
    subprocess.run([sys.executable, "-m", "uvicorn", "servicecheck.web.app:app_from_environment",
                    "--factory", "--workers", str(workers), "--host", host, "--port", str(port),
                    "--log-level", "warning", "--no-access-log", "--no-proxy-headers"],
                   env={**os.environ, **settings}, check=False)


@functools.wraps(serve)
def open_app(**options: Any) -> None:
    serve(**{**options, "open_": True})


# `servicecheck open` is `serve --open`: the same options, the browser opened once it answers
open_app.__doc__ = "The web app, opened in your browser once it answers (serve --open)."
_SIGNATURE = inspect.signature(serve, eval_str=True)
open_app.__signature__ = _SIGNATURE.replace(  # type: ignore[attr-defined]
    parameters=[p for p in _SIGNATURE.parameters.values() if p.name != "open_"])
