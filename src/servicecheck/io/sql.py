"""Every name and value that reaches SQL goes through here: quoted by DuckDB's rule, or
bound by the connection. SQL is never built by pasting user text (a column, a channel, a time
zone, a format) between quotes by hand.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Sequence

import duckdb

from servicecheck.io.errors import InputError


# DuckDB's quoting (standard SQL's): a name between double quotes, a text between single
# quotes, the quote itself doubled inside; nothing else is special (a backslash is a
# backslash). The same text sqlglot writes for DuckDB (tests/test_sql_values.py), without
# loading sqlglot: 0.1-0.2 s of CPU on every import, in a command that needs no other SQL
# dialect.
def ident(name: str) -> str:
    """A quoted DuckDB identifier: any column name, quotes and all, names one column."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A DuckDB string literal holding exactly ``value``."""
    return "'" + value.replace("'", "''") + "'"


Value = str | int | float | dt.datetime | None


def value_literal(value: Value) -> str:
    """A DuckDB literal of ``value``, of the type DuckDB gives the value bound as a
    parameter: text quoted, a number as Python writes it, a time with its zone."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value!r}::DOUBLE" if math.isfinite(value) else f"{literal(str(value))}::DOUBLE"
    if isinstance(value, dt.datetime):
        kind = "TIMESTAMP" if value.tzinfo is None else "TIMESTAMPTZ"
        return f"{literal(value.isoformat())}::{kind}"
    if isinstance(value, str):
        return literal(value)
    raise TypeError(f"no DuckDB literal for {type(value).__name__}")


def bound(sql: str, values: Sequence[Value]) -> str:
    """``sql`` with each ``?`` replaced by its value's literal: what ``con.execute(sql,
    values)`` runs, without DuckDB's conversion of Python values. That conversion (duckdb
    1.5, ``GetPythonObjectType``) asks first whether each value is pandas's ``NaT``, which
    imports pandas: 0.6 s of CPU at load 14 in a command that needs no pandas at all (an
    import). ``sql`` is ours, never the user's, and holds no quoted text, so every ``?`` in
    it is a parameter."""
    pieces = sql.split("?")
    if "'" in sql or len(pieces) != len(values) + 1:
        raise ValueError(f"{len(values)} values for {len(pieces) - 1} parameters: {sql}")
    out = [pieces[0]]
    for v, piece in zip(values, pieces[1:], strict=True):
        out += [value_literal(v), piece]
    return "".join(out)


def literals(values: tuple[str, ...] | list[str]) -> str:
    """A comma-separated list of string literals (for IN and list values)."""
    return ", ".join(literal(v) for v in values)


def known_zone(zone: str) -> bool:
    """Whether ``zone`` is in ``zoneinfo.available_timezones()`` but for 'localtime' (the
    machine's own zone, which differs between machines), found by opening its one file:
    listing them all opens some 600 files, 0.03 s of CPU on a quiet machine and 0.5 s on a
    busy one, on every import. The same answer for every name (tests/test_sql_values.py)."""
    # available_timezones() leaves out these and the posix/ and right/ copies
    if zone in ("localtime", "posixrules") or zone.startswith(("posix/", "right/")):
        return False
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # none, a folder, no TZif
        return False
    return True


def check_timezone(zone: str, *, source: str, key: str | None = None) -> str:
    """The zone, if the IANA database knows it; else one sentence naming where it came from:
    an option (``source="--timezone"``) or a service file and its key."""
    if not known_zone(zone):
        raise InputError(f"'{zone}' is not a time zone in the IANA database", source=source,
                         column=key, fix="give a name like Europe/London or UTC")
    return zone


def set_timezone(con: duckdb.DuckDBPyConnection, zone: str, *, source: str) -> None:
    """Read naive times in ``zone`` on this connection: checked first, then bound."""
    con.execute(bound("SET TimeZone = ?", [check_timezone(zone, source=source)]))


def check_format(fmt: str, *, source: str) -> str:
    """A strptime format DuckDB understands, or one sentence naming the option."""
    try:
        duckdb.connect().execute("SELECT TRY_STRPTIME('', ?)", [fmt])
    except duckdb.Error as exc:
        # "Invalid Input Error: Failed to parse format specifier %Q: Unrecognized format..."
        parts = str(exc).split(": ")
        reason = (parts[2] if len(parts) > 2 else parts[-1]).strip().lower()
        raise InputError(f"'{fmt}' is not a date format servicecheck understands ({reason})",
                         source=source, fix="write it with strptime codes, e.g. "
                         "'%d/%m/%Y %H:%M' (%d day, %m month, %Y year, %H hour, %M minute)"
                         ) from None
    return fmt
