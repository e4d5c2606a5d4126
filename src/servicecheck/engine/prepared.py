"""Queries compiled once per shape: on a small log the fixed cost of a query is Ibis's.

A measure is an Ibis expression built over a table; building and compiling it costs 20-40 ms
of CPU whatever the size of the data (Ibis validates every node, rewrites the tree, and
sqlglot writes the SQL), and the DuckDB work itself on a 50k-event log is a few ms. The flow
plan runs the same expressions every time over tables that differ only by name (the one
ordered pass, made afresh for each analysis), so on DuckDB each is compiled once per
(builder, arguments, input schema) against a stand-in table of that schema, and the SQL is
reused with the real table's name put in its place, quoted by sqlglot. The expression, and
so the definition of the measure, stays the Ibis one: on PostgreSQL and Spark the same
builders run as plain Ibis, with nothing cached.

``frame`` runs a builder into a pandas table (the same types as ``to_frame``);
``materialised`` makes a temporary table of a builder's result, read by many queries after.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import ibis.expr.operations as ops
import sqlglot as sg
from ibis.expr.types import Table

from servicecheck.engine.frames import in_utc, to_frame

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.expr.datatypes import DataType
    from ibis.expr.schema import Schema

# The stand-in table's name: no measure and no user names a table so
_STAND_IN = "__servicecheck_input__"
_TEMP = ops.Namespace(catalog="temp", database="main")  # where DuckDB keeps temporary tables
_MAX_SHAPES = 256  # builders x arguments x schemas held; the flow plan uses about ten


@dataclass(frozen=True)
class _Compiled:
    pieces: tuple[str, ...]  # the SQL, split where the input's (quoted) name goes
    schema: Schema  # the result's, for the same pandas types Ibis gives

    def sql(self, input_sql: str) -> str:
        return input_sql.join(self.pieces)


_compiled: OrderedDict[Hashable, _Compiled] = OrderedDict()
_lock = threading.Lock()


def _duckdb(table: Table) -> DuckDBBackend | None:
    """The DuckDB backend the table is bound to, or None (another engine, or none)."""
    try:
        con: BaseBackend = table._find_backend()
    except Exception:  # bound to no backend, or to several
        return None
    return cast("DuckDBBackend", con) if con.name == "duckdb" else None


def on_duckdb(table: Table) -> bool:
    """Whether the table is bound to DuckDB (and so to its Arrow results)."""
    return _duckdb(table) is not None


def _quoted(con: DuckDBBackend, name: str) -> str:
    return str(sg.to_identifier(name, quoted=True).sql(dialect=con.dialect))


def _compile(con: DuckDBBackend, build: Callable[..., Table], args: tuple[Hashable, ...],
             schema: Schema, namespace: ops.Namespace) -> _Compiled:
    key = (build, args, schema, namespace)
    with _lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    stand_in = ops.DatabaseTable(name=_STAND_IN, schema=schema, source=con,
                                 namespace=namespace).to_expr()
    expr = build(stand_in, *args)
    # the builder's UDFs and in-memory tables (if any) registered, as an Ibis execute would
    con._run_pre_execute_hooks(expr)
    pieces = tuple(con.compile(expr).split(_quoted(con, _STAND_IN)))
    if len(pieces) < 2:
        raise ValueError(f"{build.__qualname__} does not read the table it is given")
    out = _Compiled(pieces, expr.schema())
    with _lock:
        _compiled[key] = out
        while len(_compiled) > _MAX_SHAPES:
            _compiled.popitem(last=False)
    return out


def _input(con: DuckDBBackend, table: Table) -> tuple[ops.Namespace, str]:
    """The namespace to compile the stand-in under, and what goes in its name's place: a
    table by name is named (quoted), any other expression goes in as a subquery."""
    op = table.op()
    if isinstance(op, ops.DatabaseTable):
        return op.namespace, _quoted(con, op.name)
    con._run_pre_execute_hooks(table)  # its in-memory tables, if any, registered
    return ops.Namespace(), f"({con.compile(table)})"


def _plain(t: DataType) -> bool:
    """A type pyarrow converts to pandas as Ibis does (tests/test_prepared.py: dates and
    lists, for one, it does not)."""
    return bool(t.is_string() or t.is_integer() or t.is_floating() or t.is_boolean()
                or (t.is_timestamp() and t.timezone is not None))


def arrow_to_pandas(arrow: pa.Table, schema: Schema) -> pd.DataFrame:
    """Arrow to pandas with the same types and values as Ibis's DuckDB backend gives (pinned
    Ibis 12.0.0). Where every column is text, a number, a boolean or a time with a zone, of
    the type the schema says, that is pyarrow's own conversion, in C; Ibis takes a column with
    nulls through Python objects and converts each column by type after, which cost more
    than the query on a directly-follows table of 13k rows (48 ms of CPU against 30 ms)."""
    import pandas as pd
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData
    from ibis.formats.pandas import PandasData
    from ibis.formats.pyarrow import PyArrowSchema

    if all(_plain(t) for t in schema.types):
        got = PyArrowSchema.to_ibis(arrow.schema)
        if [t.copy(nullable=True) for t in got.types] == [
                t.copy(nullable=True) for t in schema.types]:
            return in_utc(arrow.to_pandas())
    df = pd.DataFrame({
        name: (col.to_pylist() if pat.is_nested(col.type) or pat.is_dictionary(col.type)
               or col.null_count else col.to_pandas())
        for name, col in zip(arrow.column_names, arrow.columns, strict=True)})
    df = DuckDBPandasData.convert_table(df, schema)
    return in_utc(PandasData.convert_table(df, schema))


def _run(con: DuckDBBackend, build: Callable[..., Table], table: Table,
         args: tuple[Hashable, ...]) -> tuple[pa.Table, Schema]:
    namespace, name = _input(con, table)
    compiled = _compile(con, build, args, table.schema(), namespace)
    return con.con.sql(compiled.sql(name)).to_arrow_table(), compiled.schema


def frame(build: Callable[..., Table], table: Table, *args: Hashable) -> pd.DataFrame:
    """``to_frame(build(table, *args))``: on DuckDB with SQL compiled once per builder,
    arguments and schema of ``table``. ``build`` must be a module's function whose result
    depends on its arguments and the table's columns and types alone, as a measure's does
    (never on the rows: it is called once for every table of that schema)."""
    con = _duckdb(table)
    if con is None:
        return to_frame(build(table, *args))
    return arrow_to_pandas(*_run(con, build, table, args))


def arrow(build: Callable[..., Table], table: Table, *args: Hashable) -> pa.Table:
    """``build(table, *args)`` as an Arrow table, compiled as ``frame`` compiles it: for a
    result read in Python, row by row, where pandas would only be a detour."""
    con = _duckdb(table)
    if con is None:
        return build(table, *args).to_pyarrow()
    return _run(con, build, table, args)[0]


@contextmanager
def materialised(build: Callable[..., Table], source: Table, *args: Hashable
                 ) -> Iterator[Table]:
    """``build(source, *args)`` held in a temporary table while the block runs (dropped
    after), for several queries to read: Ibis's ``cache()``, with the SQL compiled once per
    shape on DuckDB."""
    con = _duckdb(source)
    if con is None:
        with build(source, *args).cache() as held:
            yield held
        return
    namespace, name = _input(con, source)
    compiled = _compile(con, build, args, source.schema(), namespace)
    table = f"servicecheck_plan_{uuid.uuid4().hex}"
    con.con.execute(f"CREATE TEMP TABLE {_quoted(con, table)} AS {compiled.sql(name)}")
    try:
        yield ops.DatabaseTable(name=table, schema=compiled.schema, source=con,
                                namespace=_TEMP).to_expr()
    finally:
        con.con.execute(f"DROP TABLE IF EXISTS temp.main.{_quoted(con, table)}")
