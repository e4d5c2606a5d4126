"""The command line: a thin Typer shell over the library. Errors are one sentence, not a trace.

The commands live by what they do (``importing``, ``check``, ``demand``, ``report``, ``serve``,
``admin``); the options several share, and where an analysis reads, are in ``common``. Each
is registered here, in the order ``servicecheck --help`` lists them.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from servicecheck.cli import admin, check, demand, importing, report, serve
from servicecheck.cli.common import friendly

__all__ = ["app", "main"]

# Help as plain text: Typer's Rich help loads a Markdown parser first, a third of the time
# `servicecheck --help` takes (0.52 s of CPU against 0.30 s).
app = typer.Typer(
    help="Study a public service as a system, from the citizen's side.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
users_app = typer.Typer(help="People who may sign in to the web app.", no_args_is_help=True,
                        rich_markup_mode=None)
tokens_app = typer.Typer(help="Tokens for council systems that post demand to the API.",
                         no_args_is_help=True, rich_markup_mode=None)

COMMANDS: list[tuple[typer.Typer, str, Callable[..., None]]] = [
    (app, "generate", importing.generate),
    (app, "init", importing.init),
    (app, "propose", importing.propose),
    (app, "import", importing.import_log),
    (app, "import-demand", importing.import_demand),
    (app, "rejects", importing.rejects),
    (app, "summary", check.summary),
    (app, "capability", check.capability),
    (app, "flow", check.flow),
    (app, "demand", demand.demand),
    (app, "classify", demand.classify),
    (app, "targets", check.targets),
    (app, "costs", check.costs),
    (app, "joined-up", check.joined_up),
    (app, "report", report.report),
    (app, "demo", report.demo),
    (app, "serve", serve.serve),
    (app, "open", serve.open_app),
    (app, "purge", admin.purge),
    (users_app, "add", admin.users_add),
    (users_app, "list", admin.users_list),
    (users_app, "disable", admin.users_disable),
    (users_app, "enable", admin.users_enable),
    (users_app, "reset-password", admin.users_reset_password),
    (tokens_app, "add", admin.tokens_add),
    (tokens_app, "list", admin.tokens_list),
    (tokens_app, "revoke", admin.tokens_revoke),
]


def options(memory_limit: Annotated[str | None, typer.Option(
        help="How much memory DuckDB may use, like 4GB (default: an eighth of the machine's, "
        "at most 768MiB; or SERVICECHECK_MEMORY_LIMIT). Give it before the command.")] = None
            ) -> None:
    """Study a public service as a system, from the citizen's side."""
    if memory_limit is not None:
        from servicecheck.engine.memory import MEMORY_LIMIT_ENV, check_memory_limit

        # every workspace this process opens takes it (engine.memory.memory_config)
        os.environ[MEMORY_LIMIT_ENV] = check_memory_limit(memory_limit, source="--memory-limit")


app.callback()(friendly(options))
for group, name, command in COMMANDS:
    group.command(name)(friendly(command))
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


# Python's collector looks for cycles every 700 new objects, walking the young ones each time
# and everything twice in a while; a command makes most of its objects loading its libraries
# (pandas, Ibis, sqlglot: modules, classes and functions that live as long as the process).
# `flow` on a 56k-event log collected 350 times, two of them every object, 0.15-0.16 s of
# its 1.2-1.4 s of CPU; the demo's report 0.24-0.31 s. Every 10,000 new objects, the middle
# generation every 50 of those: 0.04-0.06 s and 0.07 s (benchmarks/RESULTS.md, 3 Dec 2026).
# Cycles are still collected; the web app (`serve`) starts here too.
GC_THRESHOLDS = (10_000, 50, 10)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
