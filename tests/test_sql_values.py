"""Values written into SQL as literals (``io.sql.bound``) are the values DuckDB binds: the
same value and the same type, for every kind the import writes, quotes and all."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest

from servicecheck.io.sql import Value, bound, ident, literal, value_literal

VALUES: list[Value] = [
    None, "", "plain", "it's", "two '' quotes", "back\\slash", "\\'", "line\nbreak", "?",
    "é ☃ 𝄞", '{"json": ["a", 1]}', "C:\\data\\log.csv", 0, -5, 2**31, -(2**40), 2**62,
    1.5, -0.25, 1e300, 5e-324, math.inf, -math.inf, math.nan, True, False,
    dt.datetime(2026, 12, 2, 17, 0, 0, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2024, 2, 29, 23, 59, 59),
]


TEXTS = ["", "plain", "it's", "''", 'a"b', '""', "back\\slash", "\\'", '\\"', "line\nbreak",
         "tab\there", "\r", "?", "$$", "$1", "--", "/* c */", "é ☃ 𝄞", "SELECT 1; DROP TABLE t",
         "case:concept:name", " padded ", "{}"]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    return c


def _same(a: object, b: object) -> bool:
    return (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
            ) or (a == b and type(a) is type(b))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_literal_is_the_bound_value(con: duckdb.DuckDBPyConnection, value: Value) -> None:
    as_literal = con.execute(f"SELECT {value_literal(value)} AS v, typeof(v)").fetchone()
    as_bound = con.execute("SELECT ? AS v, typeof(v)", [value]).fetchone()
    assert as_literal is not None and as_bound is not None
    assert _same(as_literal[0], as_bound[0]), (as_literal, as_bound)
    assert as_literal[1] == as_bound[1]


def test_bound_puts_each_value_in_its_place(con: duckdb.DuckDBPyConnection) -> None:
    sql = bound("SELECT ? AS a, ? AS b, ? AS c", ["it's", 7, None])
    assert con.execute(sql).fetchone() == ("it's", 7, None)


@pytest.mark.parametrize(("sql", "values"), [
    ("SELECT ?, ?", [1]),  # too few values
    ("SELECT ?", [1, 2]),  # too many
    ("SELECT '?' AS q, ?", [1]),  # quoted text: its ? would be taken for a parameter
])
def test_bound_refuses_what_it_cannot_place(sql: str, values: list[Value]) -> None:
    with pytest.raises(ValueError, match="parameters"):
        bound(sql, values)


def test_bound_takes_no_other_kind() -> None:
    with pytest.raises(TypeError, match="no DuckDB literal for bytes"):
        value_literal(b"x")  # type: ignore[arg-type]


def _zone_names() -> list[str]:
    """Every name the IANA database lists, every file under the zone folders (tables,
    folders and copies among them), and names a user might slip on."""
    import os
    import zoneinfo

    names = set(zoneinfo.available_timezones())
    for root in zoneinfo.TZPATH:
        for folder, _, files in os.walk(root):
            names |= {os.path.relpath(os.path.join(folder, f), root) for f in files}
            names.add(os.path.relpath(folder, root))
    names |= {"", " ", "Europe", "Europe/", "Europe/London ", "europe/london", "Europe//London",
              "./Europe/London", "Europe/../Europe/London", "/usr/share/zoneinfo/UTC",
              "../zoneinfo/UTC", "Mars/Olympus", "posix/Europe/London", "right/UTC",
              "posixrules", "localtime", "zone.tab", "Europe/London\x00", "GMT+0"}
    return sorted(names)


def test_a_zone_is_known_as_the_iana_list_knows_it() -> None:
    """``known_zone`` opens one zone's file rather than listing some 600: the same answer as
    ``available_timezones()`` (less 'localtime') for every name there is, and for slips."""
    import zoneinfo

    from servicecheck.io.sql import known_zone

    listed = zoneinfo.available_timezones() - {"localtime"}
    names = _zone_names()
    assert len(listed) > 300 and len(names) > len(listed)  # the database is there to compare
    assert [z for z in names if known_zone(z) != (z in listed)] == []


@pytest.mark.parametrize("text", TEXTS, ids=repr)
def test_a_quoted_name_and_text_are_read_back_exactly(con: duckdb.DuckDBPyConnection,
                                                      text: str) -> None:
    """``ident`` and ``literal`` quote by DuckDB's own rule, as sqlglot wrote them for DuckDB
    before (the same text), and DuckDB reads back the very name and text."""
    import sqlglot.expressions as exp

    assert ident(text) == exp.to_identifier(text, quoted=True).sql("duckdb")
    assert literal(text) == exp.Literal.string(text).sql("duckdb")
    assert con.execute(f"SELECT {literal(text)}").fetchone() == (text,)
    if text:  # DuckDB names no column with nothing
        cur = con.execute(f"SELECT 1 AS {ident(text)}")
        assert [d[0] for d in cur.description] == [text]
