"""Typed bridge from Ibis expressions to the small pandas tables measures return."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:  # Ibis loads on first use, not on import (start-up)
    from ibis.expr.types import Table


def in_utc(df: pd.DataFrame) -> pd.DataFrame:
    """Times as UTC-aware columns whatever the engine: Spark hands back times without their
    zone (the session runs in UTC), DuckDB and PostgreSQL with it."""
    for col in df.columns:
        if pd.api.types.is_datetime64_dtype(df[col]) and not isinstance(
                df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_localize("UTC")
    return df


def to_frame(expr: Table) -> pd.DataFrame:
    """Execute an Ibis table expression into a pandas DataFrame. On DuckDB through Arrow with
    pyarrow's own conversion where it gives Ibis's types (``prepared``): Ibis takes every
    column with a null through Python objects first."""
    from servicecheck.engine import prepared

    if prepared.on_duckdb(expr):
        return prepared.arrow_to_pandas(expr.to_pyarrow(), expr.schema())
    df = expr.to_pandas()
    assert isinstance(df, pd.DataFrame)
    return in_utc(df)


def isin(column: pd.Series | pd.Index, values: Iterable[object]) -> npt.NDArray[np.bool_]:
    """``column.isin(values)`` as an array. For Arrow-backed text pandas makes a pyarrow
    scalar of each value first (half a second of the report's CPU on sets of thousands of
    ids); pyarrow's ``is_in`` takes them as one array. Values that are not text go the
    pandas way."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if getattr(column.dtype, "storage", None) == "pyarrow" and pd.api.types.is_string_dtype(
            column.dtype):
        data = pa.chunked_array(pa.array(column.array))
        try:
            wanted = pa.array(list(values), type=data.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        else:
            return np.asarray(pc.is_in(data, value_set=wanted), dtype=np.bool_)
    return np.asarray(column.isin(list(values)), dtype=np.bool_)
