"""Dates in the forms exports write them: ISO 8601, day-first (UK), month-first (US, as NYC
311 writes them), and Excel's serial day numbers. One definition of the forms, used by the
import's SQL and by the proposal that shows a team which order its file uses.

A column is read in one order. Which one is decided from the whole column: a day above 12 in
first place says day-first, in second place month-first; a column with both (or with ISO and
either) is two exports pasted together, reported with a row of each, never guessed row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyarrow as pa
import pyarrow.compute as pc

from servicecheck.io.errors import InputError
from servicecheck.io.sql import literal, literals

if TYPE_CHECKING:
    import duckdb

Order = Literal["day-first", "month-first"]
ORDERS: tuple[Order, ...] = ("day-first", "month-first")
# Forms a UK council export uses; ISO 8601 (with or without offset) is tried first.
_DAY_FIRST = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)
# The month by name ("2 Jan 2024", "02-Jan-2024", "2 January 2024 14:05"): one reading in
# either order, so they are in both; after the numeric forms, which most values match first
_NAMED_MONTH = (
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y %H:%M:%S",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
    "%d-%b-%Y",
)
# Forms a US export uses (NYC 311: 02/28/2023 11:31:22 PM).
_MONTH_FIRST = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y",
)


def _two_digit_years_first(forms: tuple[str, ...]) -> tuple[str, ...]:
    """Each form with a two-digit year (Excel's UK short date, 03/04/24) before all the
    four-digit ones: DuckDB's %Y takes '24' as the year 24, so '03/04/24 13:05' was 3 April
    of the year 24 (and its %y never matches a four-digit year, so the order is safe)."""
    return (*(f.replace("%Y", "%y") for f in forms), *forms)


NAMED_MONTH = _two_digit_years_first(_NAMED_MONTH)
DAY_FIRST = (*_two_digit_years_first(_DAY_FIRST), *NAMED_MONTH)
MONTH_FIRST = (*_two_digit_years_first(_MONTH_FIRST), *NAMED_MONTH)
FORMATS: dict[Order, tuple[str, ...]] = {"day-first": DAY_FIRST, "month-first": MONTH_FIRST}
ORDER_WORDS = {"iso": "ISO 8601", "day-first": "day-first", "month-first": "month-first",
               "month-name": "the month by name"}
# Excel counts days from 30 December 1899; five digits cover 1927 to 2173
EXCEL_EPOCH = "1899-12-30"
SERIAL_PATTERN = r"^\d{5}(\.\d+)?$"
# text that starts as ISO 8601 does: a four-digit year, then a hyphen (or a slash)
YEAR_FIRST_GLOB = "[0-9][0-9][0-9][0-9][-/]*"
# the serials a service's dates plausibly fall in: 1 January 1990 to 31 December 2099 (a
# column of numbers outside them is counts, money or references, not dates)
PLAUSIBLE_SERIALS = (32874.0, 73051.0)

# What a timestamp column's values say about their order (the proposal's pure reading).
_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
_ISO = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
_SERIAL = re.compile(r"^\s*\d{5}(\.\d+)?\s*$")
# a date with its month by name (the import's SQL tests text already trimmed with it)
NAMED_PATTERN = (r"(?i)^\d{1,2}[ \-](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                 r"[ \-]\d{2,4}\b")
_NAMED = re.compile(NAMED_PATTERN.replace("^", "^\\s*", 1))

Form = Literal["iso", "day-first", "month-first", "either", "month-name", "excel-serial",
               "unreadable"]


def form_of(value: str) -> Form:
    """Which form one written date has; 'either' when its day and month are both 12 or less."""
    if _ISO.match(value):
        return "iso"
    if _SERIAL.match(value):
        return "excel-serial"
    if _NAMED.match(value):
        return "month-name"  # reads one way in either order: says nothing of the order
    m = _NUMERIC.match(value)
    if not m:
        return "unreadable"
    first, second = int(m.group(1)), int(m.group(2))
    if first > 12 and second <= 12:
        return "day-first"
    if second > 12 and first <= 12:
        return "month-first"
    if first <= 12 and second <= 12:
        return "either"
    return "unreadable"


@dataclass(frozen=True)
class DateOrder:
    """How a column writes its dates, with the file's own examples.

    ``order`` is what the column is read as; ``evidence`` the value (and its row) that
    decided it, None when every date could be read either way (then the service's order, or
    day-first, is used and ``ambiguous`` is true). ``mixed`` holds one example (form, row,
    value) of each of two forms when the column mixes them: a problem to report."""

    order: Literal["iso", "day-first", "month-first", "month-name", "excel-serial"]
    examples: tuple[str, ...]
    evidence: tuple[int, str] | None
    ambiguous: bool
    mixed: tuple[tuple[str, int, str], ...] = ()
    unreadable: tuple[tuple[int, str], ...] = ()


def date_order(values: Iterable[tuple[int, str]], default: Order = "day-first") -> DateOrder:
    """The order of a column of written dates, given as (row, value) pairs (a pure reading)."""
    first: dict[Form, tuple[int, str]] = {}
    examples: list[str] = []
    unreadable: list[tuple[int, str]] = []
    for row, value in values:
        form = form_of(value)
        if form == "unreadable":
            unreadable.append((row, value))
            continue
        first.setdefault(form, (row, value))
        if len(examples) < 3 and value not in examples:
            examples.append(value)
    # a bare day number (Excel's) reads one way only: it never makes a column ambiguous
    decided = [f for f in ("iso", "day-first", "month-first") if f in first]
    mixed: tuple[tuple[str, int, str], ...] = ()
    if len(decided) > 1:
        a, b = decided[:2]
        mixed = ((a, *first[a]), (b, *first[b]))
    elif "either" in first and "iso" in first:
        mixed = (("iso", *first["iso"]), (default, *first["either"]))
    # a column of months by name alone reads one way: said so, not as either order
    named = "month-name" in first and "either" not in first
    order = decided[0] if decided else "excel-serial" if first.keys() == {"excel-serial"} \
        else "month-name" if named else default
    return DateOrder(order=order,
                     examples=tuple(examples), evidence=first.get(order),
                     ambiguous=not decided and "either" in first, mixed=mixed,
                     unreadable=tuple(unreadable[:5]))


def read_as(value: str, order: str) -> dt.datetime | None:
    """The date and time a written value stands for when read in ``order`` (iso, day-first,
    month-first or excel-serial), in Python: what a team is shown as the file's example
    ("03/04/2024" read day-first is 3 April 2024). None when it does not read so."""
    text = value.strip()
    if order == "excel-serial" or (_SERIAL.match(text) and order != "iso"):
        try:
            return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(text))
        except (ValueError, OverflowError):
            return None
    if order == "iso" or _ISO.match(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    formats = {"day-first": DAY_FIRST, "month-first": MONTH_FIRST,
               "month-name": NAMED_MONTH}.get(order, ())
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


# -- a date column and a time column ------------------------------------------------------
# Council exports often split the moment in two: "Date Logged" holds 01/03/2024 and "Time
# Logged" 09:15. Read alone, the date put every step at midnight; read together they are
# one instant, written as the date, a space and the time, which the forms above all read.
DATE_ONLY = (r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
             r"|\d{1,2}[ \-][A-Za-z]{3,9}[ \-]\d{2,4})$")
TIME_ONLY = r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s?[AaPp][Mm])?$"
# the words that say a column holds a date or a time, not which moment it is
_STAMP_WORDS = frozenset({"date", "time", "datetime", "dt", "tm"})


def _words(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()
    return tuple(w for w in re.split(r"[^a-z0-9]+", spaced) if w)


def _stem(name: str) -> tuple[str, ...]:
    """A column's name without the words saying date or time: 'Date Logged' and 'Time
    Logged' (or 'LoggedDate' and 'LoggedTime', 'Date' and 'Time') share a stem."""
    return tuple(w for w in _words(name) if w not in _STAMP_WORDS)


def _all_match(column: pa.ChunkedArray, pattern: str) -> bool:
    """Every filled value of a text column matches ``pattern`` (and one at least is
    filled)."""
    filled = column.drop_null()
    return len(filled) > 0 and bool(pc.all(pc.match_substring_regex(filled, pattern)).as_py())


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def time_of_day_column(table: pa.Table, date_column: str, taken: Iterable[str]
                       ) -> str | None:
    """The column holding the times of day of a column of dates alone: of the same stem,
    not mapped to a role (``taken``), every filled value a time with no date. None when
    the dates carry their times (the first value is looked at before the whole column)."""
    if date_column not in table.column_names or not _is_text(table.schema.field(
            date_column).type):
        return None
    dates = table.column(date_column).drop_null()
    if not len(dates) or not re.match(DATE_ONLY, str(dates[0].as_py()).strip()):
        return None
    stem, busy = _stem(date_column), set(taken)
    for name in table.column_names:
        if (name != date_column and name not in busy and _stem(name) == stem
                and any(w in _STAMP_WORDS for w in _words(name))
                and _is_text(table.schema.field(name).type)
                and _all_match(table.column(name), TIME_ONLY)
                and _all_match(table.column(date_column), DATE_ONLY)):
            return str(name)
    return None


def with_time_of_day(table: pa.Table, date_column: str, time_column: str) -> pa.Table:
    """The table with each date followed by its time of day (a date whose time is blank
    stays a date: midnight, as it was written)."""
    dates, times = table.column(date_column), table.column(time_column)
    joined = pc.if_else(pc.is_null(times), dates,
                        pc.binary_join_element_wise(dates, times, " "))
    return table.set_column(table.column_names.index(date_column), date_column, joined)


# -- SQL (DuckDB) ------------------------------------------------------------------------------
# What Arrow's ascii_trim_whitespace removes, for DuckDB's TRIM (which removes only spaces
# unless told): a tab left on a timestamp read in place from Parquet made it unreadable.
ASCII_WHITESPACE = "chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def _trimmed_where_needed(expr: str, trimmed: str) -> str:
    """``trimmed`` (an expression of TRIM(expr)) for values starting or ending at or below a
    space, ``expr`` itself for the rest. TRIM with a set of characters is four times slower
    than testing the first and last byte, and almost no value needs it (measured: 0.028 s
    against 0.11 s per million values; a plain TRIM cost 58% more instructions in a whole
    import, ``right(expr, 1)`` for the last character 6% more than ``expr[-1]``)."""
    return (f"CASE WHEN ascii({expr}) <= 32 OR ascii({expr}[-1]) <= 32 "
            f"THEN {trimmed} ELSE {expr} END")


def trim_sql(expr: str) -> str:
    """DuckDB: ``expr`` without leading or trailing ASCII whitespace."""
    return _trimmed_where_needed(expr, f"TRIM({expr}, {ASCII_WHITESPACE})")


def text_sql(expr: str) -> str:
    """DuckDB: ``expr`` trimmed, with a blank value as missing. Only a value that needs
    trimming can be blank (the empty one starts with byte 0 by ``ascii``), so the test for
    blank is made on those alone (3% of an import's instructions when made on every value)."""
    return _trimmed_where_needed(expr, f"NULLIF(TRIM({expr}, {ASCII_WHITESPACE}), '')")


def filled_sql(expr: str) -> str:
    """DuckDB: whether ``expr`` holds a value that is not blank, as ``text_sql(expr) IS NOT
    NULL`` says, but testing the first character before trimming: nearly every value
    starts with one above a space, and a filter written with the whole trim computed it
    again for every row beside the SELECT's own (10% of an import of typed times)."""
    return f"({expr} IS NOT NULL AND (ascii({expr}) > 32 OR {text_sql(expr)} IS NOT NULL))"


def serial_sql(text: str) -> str:
    """DuckDB: an Excel serial day number (45351.5) as a naive timestamp, else NULL."""
    return (f"CASE WHEN regexp_full_match({text}, {literal(SERIAL_PATTERN)}) THEN "
            f"TIMESTAMP {literal(EXCEL_EPOCH)} + to_microseconds(CAST(round("
            f"TRY_CAST({text} AS DOUBLE) * 86400000000) AS BIGINT)) END")


def timestamp_sql(q: str, arrow_type: pa.DataType, fmt: str | None, *,
                  trimmed: bool = False, order: Order = "day-first", serial: bool = False
                  ) -> str:
    """A DuckDB expression turning the quoted column ``q`` into TIMESTAMPTZ (naive = the
    connection's zone): typed values cast, text as ISO 8601 then in ``order`` (or in ``fmt``
    alone), and, for a workbook (``serial``), a bare day number as Excel's date."""
    t = q if trimmed else trim_sql(q)
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return f"CAST({q} AS TIMESTAMPTZ)"
    if not (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)):
        return f"TRY_CAST(CAST({q} AS VARCHAR) AS TIMESTAMPTZ)"
    if fmt:
        return f"CAST(TRY_STRPTIME({t}, {literal(fmt)}) AS TIMESTAMPTZ)"
    return f"COALESCE({_iso_cast(t)}, {local_sql(t, order, serial)})"


# where a two-digit year can be: after a separator (a hyphen first: inside brackets
# elsewhere it makes a range), at the end or before a space ('03/04/24',
# '03-JAN-24 13:05', '2 Jan 24'); every %y form of the lists has it so (one digit too: a
# %y that reads '4' must not be left to a %Y that reads it as the year 4)
TWO_DIGIT_YEAR_GLOBS = tuple(f"*[-/. ]{d}{end}" for d in ("[0-9]", "[0-9][0-9]")
                             for end in ("", " *"))


def _strptime_sql(t: str, forms: tuple[str, ...]) -> str:
    """DuckDB: trimmed text ``t`` read by the first of ``forms`` that reads it, as
    TRY_STRPTIME over the list gives it, the two-digit-year forms tried only on text that
    has a year where one can be (``TWO_DIGIT_YEAR_GLOBS``).

    The list puts each two-digit-year form first (``_two_digit_years_first``), and every
    value of the usual four-digit year then failed each of those before its own form: a
    day-first import of 300k events took 3.4 s against 1.0 s. Text the GLOBs pass over no
    %y form reads, so the four-digit forms alone give the list's answer there; elsewhere the
    whole list is tried, as before (``tests/test_import.py`` checks it form by form)."""
    four = tuple(f for f in forms if "%y" not in f)
    if len(four) == len(forms):
        return f"TRY_STRPTIME({t}, [{literals(forms)}])"
    maybe = " OR ".join(f"{t} GLOB {literal(g)}" for g in TWO_DIGIT_YEAR_GLOBS)
    return (f"CASE WHEN {maybe} THEN TRY_STRPTIME({t}, [{literals(forms)}]) "
            f"ELSE TRY_STRPTIME({t}, [{literals(four)}]) END")


def local_sql(t: str, order: Order, serial: bool = False) -> str:
    """DuckDB: trimmed text ``t`` read in ``order`` (and as Excel's day number when
    ``serial``), as TIMESTAMPTZ; NULL where it does not read so."""
    forms = [f"CAST({_strptime_sql(t, FORMATS[order])} AS TIMESTAMPTZ)"]
    if serial:
        forms.append(f"CAST({serial_sql(t)} AS TIMESTAMPTZ)")
    return forms[0] if len(forms) == 1 else f"COALESCE({', '.join(forms)})"


# a time written with its own offset from UTC: ISO 8601's Z or +01:00 (or +0100, +01) after
# the time of day; a date alone ("2024-01-05") ends in digits that are no offset
OFFSET_PATTERN = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def naive_by_type(arrow_type: pa.DataType) -> bool | None:
    """Whether a typed time column is read without a zone of its own (a Parquet TIMESTAMPTZ
    carries its zone; a date or a naive timestamp does not); None for text, which only its
    values tell (``no_offset_sql``)."""
    if pa.types.is_timestamp(arrow_type):
        return arrow_type.tz is None
    return None if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) \
        else True


def no_offset_sql(text: str) -> str:
    """DuckDB: true where the trimmed text ``text`` is a time written with no offset of its
    own, so read in the zone the import was told."""
    return f"({text} IS NOT NULL AND NOT regexp_matches({text}, {literal(OFFSET_PATTERN)}))"


def reads_naive(con: duckdb.DuckDBPyConnection, relation: str, arrow_type: pa.DataType,
                text: str) -> bool:
    """Whether an import reads any time of a column without a zone of its own: by its type,
    else by its values on ``relation``, the scan stopping at the first with no offset."""
    typed = naive_by_type(arrow_type)
    if typed is not None:
        return typed
    got = con.execute(f"SELECT EXISTS (SELECT 1 FROM {relation} WHERE "
                      f"{no_offset_sql(text)})").fetchone()
    return bool(got and got[0])


def iso_sql(q: str, trimmed: bool = False) -> str:
    """DuckDB: the column read as ISO 8601 only (NULL where it is another form)."""
    return _iso_cast(q if trimmed else trim_sql(q))


def _iso_cast(t: str) -> str:
    """DuckDB: trimmed text ``t`` cast as ISO 8601, only where it starts with a four-digit
    year: the cast also reads slashes year first, so '03/04/24 13:05' (3 April 2024, day
    first) was the year 3, and '25/12/24' the year 25, before the day-first forms were
    tried. GLOB is the cheapest exact test measured (0.02 s per million values beside the
    cast's 0.04 s; a regular expression 0.10 s, comparing characters 0.06 s)."""
    return (f"CASE WHEN {t} GLOB {literal(YEAR_FIRST_GLOB)} "
            f"THEN TRY_CAST({t} AS TIMESTAMPTZ) END")


def two_forms(source: str, column: str, first: tuple[str, int], second: tuple[str, int],
              forms: tuple[str, str] = ("iso", "day-first")) -> InputError:
    """A time column in two forms: two exports pasted together, to be reported with a row
    of each, not guessed at row by row (is 03/04 March or April?)."""
    a, b = (ORDER_WORDS.get(f, f) for f in forms)
    return InputError(
        f"the times are in two forms, {a} ('{first[0]}' in row {first[1]}) and "
        f"{b} ('{second[0]}' in row {second[1]}), so rows may not mean the same "
        "date", source=source, column=column,
        fix="export the column in one form, or give --timestamp-format for the one "
        "the whole column uses")


def check_order(order: str, *, source: str) -> Order:
    if order not in ORDERS:
        raise InputError(f"'{order}' is not a date order", source=source,
                         fix="give day-first (25/12/2024) or month-first (12/25/2024)")
    return order
