"""What every command shares: its options (each defined once), where an analysis reads its
data from, errors as one sentence, and how results and progress are printed.

Nothing here loads a heavy library at import time: `servicecheck --help` must stay quick
(tests/test_startup.py), so the engine and the measures are imported inside the functions.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from servicecheck.engine.workspace import Reader
    from servicecheck.narrative.voice import Voice
    from servicecheck.service.model import Service

console = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# -- options shared by several commands --------------------------------------------------------
WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w",
                                             help="The DuckDB workspace file.")]
ServiceOpt = Annotated[str | None, typer.Option(help="Which service.")]
ServiceFileOpt = Annotated[Path | None, typer.Option("--service", help="The service file.")]
ChartsOpt = Annotated[Path | None, typer.Option("--out", help="Folder for the chart files.")]
EventsOpt = Annotated[int, typer.Option(help="About how many events to generate.")]
OpenOpt = Annotated[bool, typer.Option("--open", help="Open the report in a browser.")]
ReplaceOpt = Annotated[bool, typer.Option(
    help="Put this file's rows in place of an earlier import of the same file or content "
    "(without it, a file imported already is refused).")]
MaxRejectsOpt = Annotated[float | None, typer.Option(
    help="Share of rows an import may set aside as unreadable before it stops "
    "(default 0.05; 0 stops at the first).")]
DatabaseOpt = Annotated[str, typer.Option(
    "--database", "-d", help="The store: a SQLite file, or a URL such as "
    "postgresql+psycopg://user@host/db.")]
PasswordStdinOpt = Annotated[bool, typer.Option(
    help="Read the password from standard input (for scripts).")]

# The analyses read a DuckDB workspace or a council's table in place: five options that
# `reads_in_place` adds to a command, first the workspace and last the other four.
AnalysisWorkspaceOpt = Annotated[Path | None, typer.Option(
    "--workspace", "-w", help="The DuckDB workspace file (or --backend and --table).")]
BackendOpt = Annotated[str | None, typer.Option(
    help="Read a table in place: postgresql://user@host/db, or Spark (spark, "
    "spark:local[4], spark://host:7077, sc://host:15002).")]
TableOpt = Annotated[str | None, typer.Option(
    help="The events table on --backend (on Spark also a Parquet file or folder).")]
OrderOpt = Annotated[str | None, typer.Option(
    help="On --backend: the column ordering events with the same time (an event id).")]
InPlaceServiceFileOpt = Annotated[Path | None, typer.Option(
    help="On --backend: the service file mapping the table's columns.")]


@dataclass(frozen=True)
class Source:
    """Where an analysis reads: a DuckDB workspace file, or a table read in place on
    PostgreSQL or Spark (with the service file that maps its columns)."""

    workspace: Path | None
    backend: str | None = None
    table: str | None = None
    order_column: str | None = None
    service_file: Path | None = None

    @contextlib.contextmanager
    def open(self) -> Iterator[Reader]:
        from servicecheck.engine.workspace import Workspace

        if self.backend:
            from servicecheck.engine.remote import RemoteWorkspace, connect
            from servicecheck.service.model import Service

            if not self.table or not self.service_file:
                raise InputError("--backend needs the table and the service file",
                                 source="--backend",
                                 fix="add --table EVENTS_TABLE --service-file service.toml")
            with RemoteWorkspace(connect(self.backend), Service.load(self.service_file),
                                 self.table, order_column=self.order_column) as remote:
                yield remote
            return
        if self.workspace is None:
            raise InputError("no workspace was given", source="--workspace",
                             fix="give -w ws.duckdb, or --backend URL with --table")
        with Workspace(self.workspace, read_only=True) as ws, ws.reading_small_on_one_thread():
            yield ws


_IN_PLACE = [("backend", BackendOpt), ("table", TableOpt), ("order_column", OrderOpt),
             ("service_file", InPlaceServiceFileOpt)]


def reads_in_place(fn: F) -> F:
    """Give a command taking ``source: Source`` the options naming it: ``--workspace`` in
    the place of ``source`` and the in-place options (``--backend``, ``--table``,
    ``--order-column``, ``--service-file``) after its own, as Typer reads them from the
    signature."""
    own = inspect.signature(fn, eval_str=True)

    def option(name: str, kind: Any) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                 annotation=kind)

    params = [option("workspace", AnalysisWorkspaceOpt) if p.name == "source"
              else p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
              for p in own.parameters.values()]
    params += [option(name, kind) for name, kind in _IN_PLACE]

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        source = Source(kwargs.pop("workspace"),
                        *(kwargs.pop(name) for name, _ in _IN_PLACE))
        return fn(source=source, **kwargs)

    wrapper.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # Typer must see the new signature, not the wrapped one
    return wrapper  # type: ignore[return-value]


def friendly(fn: F) -> F:
    """Turn an InputError, or the engine running out of memory or disk, into one clear
    sentence and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            fail(exc)
        except Exception as exc:
            from servicecheck.engine.memory import out_of_memory

            said = out_of_memory(exc, run_again=sys.argv[1:])
            if said is None:
                raise
            fail(said)

    return wrapper  # type: ignore[return-value]


def fail(exc: InputError) -> NoReturn:
    """Print the error's sentence and stop with exit code 2."""
    # one sentence on one line: never wrapped, so it can be read and grepped whole
    # the sentence carries names from the user's data: never read it as markup
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2) from None


PERIOD_WORDS = {"D": "D (day)", "W": "W (week)", "M": "M (month)"}


def check_period(period: str, allowed: str) -> None:
    if period not in allowed:
        choices = " or ".join(PERIOD_WORDS[p] for p in allowed)
        raise InputError(f"'{period}' is not a period", source="--period",
                         fix=f"use {choices}")


def key_value(item: str, *, option: str, form: str, example: str, shown: str | None = None,
              both: bool = False) -> tuple[str, str]:
    """``KEY=VALUE`` as its two stripped halves (``--where``, ``--map``, each of ``--wide``'s
    pairs); ``both``: neither half may be empty. The error quotes ``shown`` (the whole
    option's text) or the item."""
    key, sep, value = item.partition("=")
    if not sep or (both and not (key.strip() and value.strip())):
        raise InputError(f"'{shown or item}' is not {form}", source=option,
                         fix=f"write it like {example}")
    return key.strip(), value.strip()


def say(text: str) -> None:
    """Print a line of results: plain text (activity names may hold [brackets])."""
    console.print(text, highlight=False, markup=False)


def say_each(rows: list[Any], line: Callable[[Any], str], none: str) -> None:
    for row in rows:
        say(line(row))
    if not rows:
        say(none)


@contextlib.contextmanager
def working(what: str) -> Iterator[None]:
    """A spinner with the time so far, for work whose size is not known in advance (an
    import, a query over millions of events): on the error stream, gone when done."""
    with Progress(SpinnerColumn(), TextColumn(what), TimeElapsedColumn(), console=err,
                  transient=True) as p:
        p.add_task(what, total=None)
        yield


@contextlib.contextmanager
def saying_a_new_salt() -> Iterator[None]:
    """An import of citizens' identifiers makes the salt of their references on first use,
    outside the workspace on purpose (io/pseudonym.py), and logs where: said here, on the
    command's own output, once the import is done (instead of on stderr)."""
    from servicecheck.io.pseudonym import LOG

    kept = _Kept()
    LOG.addHandler(kept)  # found first: the record is not also printed on stderr
    try:
        yield
    finally:
        LOG.removeHandler(kept)
    for record in kept.records:
        say(record.getMessage())


class _Kept(logging.Handler):
    """Keeps what is logged, to say it on the command's output."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,.0f}/{task.total:,.0f} {task.fields[unit]}"),
                    TimeElapsedColumn(), console=err, transient=True)


def report_voice(ws: Reader, svc: Service, need_table: pd.DataFrame | None = None) -> Voice:
    """The voice the Check report speaks this service in (times in the unit that fits what
    its needs take now), so that the terminal's words for a finding are the report's.
    ``need_table``: the service's needs, when the command has them already. Only the median
    of the needs met now is read: the capability chart (its limits, signals, labels, and the
    steps dated after their import) is not made for it."""
    from servicecheck.findings import seconds
    from servicecheck.measures.capability import current_days
    from servicecheck.measures.needs import needs
    from servicecheck.narrative.voice import voice_at

    days = current_days(need_table if need_table is not None else needs(ws, svc), svc)
    return voice_at(svc, seconds(float(days.median())).value if len(days) else None)
