"""How a file would be read, in words (``servicecheck propose``): its table, each column's
proposed role and why, a case table's moments and the dates' order, from the findings of
``io.propose.findings``."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders


@renders("propose.table")
def _table(f: Finding, voice: Voice) -> str:
    """``names``: the file's name, its kind ("case table" or "event log") and its sheet ("" in
    a file of one table); ``header_row`` where the column names are under title rows."""
    name, kind, sheet = f.names
    where = (f", sheet '{sheet}'" if sheet else "") + (
        f", column names in row {g.number(f.q('header_row'))}" if f.has("header_row") else "")
    what = "a case table" if kind == "case table" else "an event log"
    return f"{name}{where}: {what} of {g.counted(f.n, f.noun)}."


@renders("propose.role")
def _role(f: Finding, voice: Voice) -> str:
    """One column's proposed role: ``names`` the role, the column, why (its name, its values
    or both) and up to two of its values; a guess when its confidence is low."""
    role, column, reason, *examples = f.names
    sure = "; a guess" if "guess" in f.flags else ""
    return f"  {role}: '{column}' (from its {reason}, like {', '.join(examples)}{sure})"


@renders("propose.moments")
def _moments(f: Finding, voice: Voice) -> str:
    """A case table's date columns and the activity each records (``names``: the moment that
    ends the citizen's clock, or "", then column and activity in turn)."""
    end, *pairs = f.names
    said = " → ".join(f"'{column}' as {activity}"
                      for column, activity in zip(pairs[::2], pairs[1::2], strict=True))
    return f"  moments: {said}" + (f"; a case is done at {end}" if end else "")


@renders("propose.dates")
def _dates(f: Finding, voice: Voice) -> str:
    """How the dates are read (``names``: the order, then the value that decided it, where
    one did, at row ``row``)."""
    order, *value = f.names
    decided = (f" (row {g.number(f.q('row'))}: '{value[0]}')" if value
               else " (every date reads either way: check it)")
    return f"  dates: {order}{decided}"


@renders("propose.time_of_day")
def _time_of_day(f: Finding, voice: Voice) -> str:
    """A timestamp column of dates alone and the column of its times of day (``names``), read
    by the import as one instant."""
    dates, times = f.names[:2]
    return f"  times of day: '{times}', read with the dates in '{dates}'"
