"""The one kind of error a user meets on bad input: a sentence naming file, row, column and fix."""

from __future__ import annotations


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
