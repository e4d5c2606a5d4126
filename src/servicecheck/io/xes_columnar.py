"""The fast XES path: XES as process-mining tools write it — one element per line, attributes
self-closing with the key before the value — read without building an XML tree.

Lines are read by Arrow, classified and cut by DuckDB (in parallel), numbered into events
and traces by cumulative sums, and scattered into columns by Arrow ``take``. Anything else
(several elements on a line, nested or list attributes, single quotes, character references,
unbalanced elements) raises ``NotLineShaped`` and the caller uses the full XML parser, which
also names the line of any syntax error. DTDs are refused before either path runs.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KIND_TRACE, KIND_TRACE_END, KIND_EVENT, KIND_EVENT_END, KIND_ATTR, KIND_LOG_END = 1, 2, 3, 4, 5, 6


class NotLineShaped(Exception):
    """The file is valid XES perhaps, but not in the one-element-per-line shape."""


_ATTR_START = " OR ".join(f"starts_with(t, '<{tag} ')" for tag in
                          ("string", "date", "int", "float", "boolean", "id"))
# Two levels so each line's kind is computed once (an alias reused in the same SELECT would be
# expanded and computed again), and only cheap prefix tests, no regular expressions.
_CLASSIFY = f"""
SELECT kind,
  -- another '<' after the first character: more than one element on the line
  strpos(substr(t, 2), '<') > 0
    OR (kind = 5 AND (NOT suffix(rtrim(t, ' ' || chr(9) || chr(13)), '/>')
                      OR strpos(t, 'key="') = 0 OR strpos(t, 'value="') < strpos(t, 'key="')))
    AS odd,
  CASE WHEN kind = 5 THEN split_part(t, '"', 2) END AS key,
  CASE WHEN kind = 5 THEN split_part(t, '"', 4) END AS value
FROM (
  SELECT t,
    CASE
      WHEN {_ATTR_START} THEN 5
      WHEN starts_with(t, '<event>') OR starts_with(t, '<event ') THEN 3
      WHEN starts_with(t, '</event>') THEN 4
      WHEN starts_with(t, '<trace>') OR starts_with(t, '<trace ') THEN 1
      WHEN starts_with(t, '</trace>') THEN 2
      WHEN t = '' OR starts_with(t, '<?xml') OR starts_with(t, '<!--') THEN 0
      WHEN starts_with(t, '</log>') THEN 6
      ELSE 7
    END::TINYINT AS kind
  FROM (SELECT ltrim(line, ' ' || chr(9) || chr(13)) AS t FROM __xes_lines)
)
"""


def read_lines(path: Path) -> pa.Table:
    """The file's lines; small blocks, so that DuckDB scans the batches in parallel."""
    stream = pa.input_stream(str(path), compression="detect")
    return pacsv.read_csv(
        stream,
        read_options=pacsv.ReadOptions(column_names=["line"], block_size=1 << 20),
        parse_options=pacsv.ParseOptions(delimiter="\x1f", quote_char=False,
                                         escape_char=False, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()},
                                             strings_can_be_null=False),
    )


def read_xes_columnar(path: Path) -> pa.Table:
    """The events of a line-shaped XES file as string columns (``case:`` for trace attributes)."""
    try:
        lines = read_lines(path)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotLineShaped(str(exc)) from None
    con = duckdb.connect()
    try:
        con.register("__xes_lines", lines)
        cut = con.execute(_CLASSIFY).to_arrow_table()
    finally:
        con.close()
    kind = cut.column("kind").to_numpy()
    if (kind == 7).any() and _unexpected_elements(kind):
        raise NotLineShaped("an element other than log, trace, event or a plain attribute")
    if pc.any(cut.column("odd")).as_py():
        raise NotLineShaped("several elements on a line, or an attribute that is not simple")

    trace_open = np.cumsum(kind == KIND_TRACE) - np.cumsum(kind == KIND_TRACE_END)
    event_open = np.cumsum(kind == KIND_EVENT) - np.cumsum(kind == KIND_EVENT_END)
    if (trace_open.min(initial=0) < 0 or trace_open.max(initial=0) > 1
            or event_open.min(initial=0) < 0 or event_open.max(initial=0) > 1
            or trace_open[-1] != 0 or event_open[-1] != 0
            or ((kind == KIND_EVENT) & (trace_open != 1)).any()
            or not (kind == KIND_LOG_END).any()):
        raise NotLineShaped("elements are not balanced (the file may be cut short)")
    n_events = int((kind == KIND_EVENT).sum())
    n_traces = int((kind == KIND_TRACE).sum())
    if n_events == 0:
        return pa.table({})
    event_no = np.cumsum(kind == KIND_EVENT) - 1
    trace_no = np.cumsum(kind == KIND_TRACE) - 1
    is_attr = kind == KIND_ATTR
    in_event = is_attr & (event_open == 1) & (kind != KIND_EVENT)
    in_trace = is_attr & (event_open == 0) & (trace_open == 1)

    keys = cut.column("key").combine_chunks()
    values = cut.column("value").combine_chunks()
    if pc.any(pc.match_substring(values.filter(pa.array(is_attr)), "&")).as_py():
        values = _unescape(values)

    columns: dict[str, pa.Array] = {}
    _scatter(columns, keys, values, in_event, event_no, n_events, prefix="")
    trace_cols: dict[str, pa.Array] = {}
    _scatter(trace_cols, keys, values, in_trace, trace_no, n_traces, prefix="case:")
    event_trace = pa.array(trace_no[kind == KIND_EVENT])
    for name, col in trace_cols.items():
        if name not in columns:
            columns[name] = col.take(event_trace)
    return pa.table(columns)


def _scatter(out: dict[str, pa.Array], keys: pa.Array, values: pa.Array, mask: np.ndarray,
             owner: np.ndarray, n: int, prefix: str) -> None:
    """Column per key: the value at its owner's row (the last one when a key repeats)."""
    sel = pa.array(mask)
    k = keys.filter(sel)
    v = values.filter(sel)
    who = owner[mask]
    for key in pc.unique(k).to_pylist():
        hit = pc.equal(k, key).to_numpy(zero_copy_only=False)
        pos = np.full(n, -1, dtype=np.int64)
        pos[who[hit]] = np.flatnonzero(hit)
        out[prefix + _text(key)] = v.take(pa.array(pos, mask=pos < 0))


def _text(key: str) -> str:
    return html.unescape(key) if "&" in key else key


def _unescape(values: pa.Array) -> pa.Array:
    items = values.to_pylist()
    return pa.array([html.unescape(x) if x is not None and "&" in x else x for x in items],
                    type=pa.string())


def _unexpected_elements(kind: np.ndarray) -> bool:
    """Lines of kind 7 outside traces are the log's header (extensions, globals): allowed.
    Inside a trace they are elements this path does not handle."""
    trace_open = np.cumsum(kind == KIND_TRACE) - np.cumsum(kind == KIND_TRACE_END)
    return bool(((kind == 7) & (trace_open > 0)).any())
