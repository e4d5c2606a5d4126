"""Tables written for people to open in a spreadsheet, made safe to open (CSV injection).

A cell that starts with = + - @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (=HYPERLINK(...) can send a sheet's data away, DDE can run
programs). Citizens' words, demand types and case references come from outside, so every
text cell of every column that starts so gets a single quote in front, OWASP's rule: the
spreadsheet shows the text as it was typed, and runs nothing. Numbers and dates are left
alone (a negative number is a number, not a formula)."""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(neutralise)
    safe: pd.DataFrame = out.rename(columns=neutralise)
    return safe
