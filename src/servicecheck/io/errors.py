"""The one kind of error a user meets on bad input: a sentence naming file, row, column and fix."""

from __future__ import annotations

import datetime as dt


class InputError(ValueError):
    """Bad input, described in one sentence a person can act on.

    ``row`` is the line number a person sees when opening the file (the header is row 1 for
    delimited files), or the 1-based record number for other formats.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str,
    ) -> None:
        # messages passed through from parsers can hold line breaks: one sentence, one line
        problem = " ".join(problem.split())
        self.problem = problem
        self.source = source
        self.row = row
        self.column = column
        self.fix = fix
        where = []
        if source:
            where.append(source)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {problem}; {fix}" if prefix else f"{problem}; {fix}"
        text = text.rstrip(".") + "."
        super().__init__(text)


class AlreadyImported(InputError):
    """A source whose content the workspace holds already (the same fingerprint): importing
    it again would count every row twice. Its own type, so that a page can offer to replace
    the earlier import without reading the sentence: ``earlier`` is the file imported then,
    ``when`` the moment (aware), ``kept`` its rows kept."""

    def __init__(self, problem: str, *, earlier: str, when: dt.datetime, kept: int,
                 source: str | None = None, fix: str) -> None:
        super().__init__(problem, source=source, fix=fix)
        self.earlier = earlier
        self.when = when
        self.kept = kept


class TooManyRejects(InputError):
    """More of a source's rows could not be read than an import may set aside. ``needed`` is
    the share that would let the import set them all aside."""

    def __init__(self, problem: str, *, needed: float, source: str | None = None,
                 row: int | None = None, column: str | None = None, fix: str) -> None:
        super().__init__(problem, source=source, row=row, column=column, fix=fix)
        self.needed = needed


class WorkspaceUnavailable(InputError):
    """The workspace file could not be opened: ``held`` when another process holds its lock
    (an import or a report running from the command line), and ``detail`` the database's own
    message (with the file's path and the other process's id: for the server's log and the
    command line, never for a page)."""

    def __init__(self, problem: str, *, detail: str, held: bool, source: str | None = None,
                 fix: str) -> None:
        super().__init__(problem, source=source, fix=fix)
        self.detail = detail
        self.held = held


class OutOfMemoryError(InputError):
    """The work needed more memory than the engine may use (``limit``, as DuckDB reads it), or
    more disk than there was to spill to: not bad input, but a sentence a person can act on
    all the same. ``suggested`` is the larger limit the fix names (None for a full disk)."""

    def __init__(self, problem: str, *, limit: str, suggested: str | None, fix: str) -> None:
        super().__init__(problem, fix=fix)
        self.limit = limit
        self.suggested = suggested
