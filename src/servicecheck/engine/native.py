"""DuckDB's own functions where Ibis's portable form costs many times more, each with the
portable form beside it: an expression bound to a DuckDB table takes the native one, any
other (PostgreSQL, Spark, an unbound memtable) the portable one, and both give equal results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import ibis
import ibis.expr.datatypes as dt


def _time(t: ibis.Value) -> ibis.Value:
    raise NotImplementedError  # a stub: only its name and arguments are read


def _pair(a: ibis.Value, b: ibis.Value) -> ibis.Value:
    raise NotImplementedError


# DuckDB's built-ins, called by name in the SQL (nothing runs in Python); None: an argument
# of any type passes as it is, never cast (times with a zone or without)
_epoch_us = cast(Callable[[ibis.Value], ibis.Value], ibis.udf.scalar.builtin(
    name="epoch_us", signature=((None,), dt.int64))(_time))  # microseconds since 1970
_hash2 = cast(Callable[[ibis.Value, ibis.Value], ibis.Value], ibis.udf.scalar.builtin(
    name="hash", signature=((None, None), dt.uint64))(_pair))  # one 64-bit hash of both


def on_duckdb(value: ibis.Value) -> bool:
    """Whether the expression reads tables on DuckDB."""
    try:
        return bool(value._find_backend().name == "duckdb")
    except Exception:  # bound to no backend (a memtable alone): the portable form
        return False


def microseconds_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    """Exact microseconds from start to end, as an integer.

    On DuckDB a difference of epoch microseconds: its DATE_DIFF on times with a zone goes
    through the calendar and costs 30 times as much (1.3 s of CPU a million pairs against
    0.04 s). Elsewhere Ibis's delta, which PostgreSQL and Spark compute exactly too."""
    if on_duckdb(start):
        return _epoch_us(end) - _epoch_us(start)
    return end.delta(start, unit="microsecond")


def pair_hashes(a: ibis.Value, b: ibis.Value, modulus: int) -> tuple[ibis.Value, ibis.Value]:
    """Two hashes of the pair (a, b), each in [0, modulus), as independent as the engine's
    hash allows. On DuckDB one 64-bit hash split in two (Ibis's portable hash casts through
    a bit string, and took two of them: 0.4 s of CPU a million events against 0.24 s);
    elsewhere two portable hashes of the pair joined as text both ways."""
    if on_duckdb(a):
        h = _hash2(a, b)
        return (h % modulus).cast("int64"), ((h // 4294967296) % modulus).cast("int64")
    sa, sb = a.cast("string"), b.cast("string")
    return (sa.concat("\x1f", sb).hash() % modulus).abs(), \
        (sb.concat("\x1e", sa).hash() % modulus).abs()
