"""Typed bridge from Ibis expressions to the small pandas tables measures return."""

from __future__ import annotations

from typing import Any

import pandas as pd


def to_frame(expr: Any) -> pd.DataFrame:
    """Execute an Ibis table expression into a pandas DataFrame."""
    df = expr.to_pandas()
    assert isinstance(df, pd.DataFrame)
    return df
