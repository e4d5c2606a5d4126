"""The fast XES path: XES as process-mining tools write it — one element per line, attributes
self-closing with the key before the value — read without building an XML tree.

Lines are read by Arrow, classified and cut by one regular expression (Arrow), numbered into events
and traces by cumulative sums, and scattered into columns by Arrow ``take``. Anything else
(several elements on a line, nested or list attributes, single quotes, character references,
unbalanced elements) raises ``NotLineShaped`` and the caller uses the full XML parser, which
also names the line of any syntax error. DTDs are refused before either path runs.
"""

from __future__ import annotations

import html
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KIND_TRACE, KIND_TRACE_END, KIND_EVENT, KIND_EVENT_END, KIND_ATTR, KIND_LOG_END = 1, 2, 3, 4, 5, 6


class NotLineShaped(Exception):
    """The file is valid XES perhaps, but not in the one-element-per-line shape."""


ATTR_TAGS = ("string", "date", "int", "float", "boolean", "id")
KIND_OF_TAG = {"trace": KIND_TRACE, "/trace": KIND_TRACE_END, "event": KIND_EVENT,
               "/event": KIND_EVENT_END, "/log": KIND_LOG_END,
               **{t: KIND_ATTR for t in ATTR_TAGS}}
# One pass of one anchored pattern over every line: the element's tag, and for a plain
# attribute (key before value, self-closing) its key and value.
LINE = (r'^\s*<(?P<tag>/?[a-z]+)'
        r'(?:\s+key="(?P<key>[^"]*)"\s+value="(?P<value>[^"]*)"\s*/>)?')


def _cut(chunk: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, bool]:
    parts = pc.extract_regex(chunk, LINE)
    several = pc.any(pc.greater(pc.count_substring(chunk, "<"), 1)).as_py()
    return parts.field("tag"), parts.field("key"), parts.field("value"), bool(several)


def classify(lines: pa.ChunkedArray) -> tuple[np.ndarray, pa.ChunkedArray, pa.ChunkedArray]:
    """Per line: its kind (0 blank, prolog or comment; 7 any other element) and, for plain
    attributes, key and value. Raises NotLineShaped for lines this path cannot read."""
    # Arrow's kernels release the GIL: cut the chunks on every core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cuts = list(pool.map(_cut, lines.chunks))
    if any(c[3] for c in cuts):
        raise NotLineShaped("several elements on one line")
    tag = pa.chunked_array([c[0] for c in cuts], type=pa.string())
    key = pa.chunked_array([c[1] for c in cuts], type=pa.string())
    value = pa.chunked_array([c[2] for c in cuts], type=pa.string())
    enc = tag.combine_chunks().dictionary_encode()
    table = np.array([KIND_OF_TAG.get(t, 7) for t in enc.dictionary.to_pylist()] + [0],
                     dtype=np.int8)
    idx = enc.indices.fill_null(len(enc.dictionary)).to_numpy()  # no tag (prolog): kind 0
    kind = table[idx]
    plain = key.is_valid().to_numpy()
    if ((kind == KIND_ATTR) & ~plain).any():
        raise NotLineShaped("an attribute that is not self-closing with key before value")
    return kind, key, value


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
    kind, keys, values = classify(lines.column("line"))
    # one cumulative sum per quantity: +1 at an opening element, -1 at its closing one
    trace_open = np.cumsum(_delta(kind, KIND_TRACE, KIND_TRACE_END))
    event_open = np.cumsum(_delta(kind, KIND_EVENT, KIND_EVENT_END))
    if (trace_open.min(initial=0) < 0 or trace_open.max(initial=0) > 1
            or event_open.min(initial=0) < 0 or event_open.max(initial=0) > 1
            or trace_open[-1] != 0 or event_open[-1] != 0
            or ((kind == KIND_EVENT) & (trace_open != 1)).any()
            or ((kind == 7) & (trace_open > 0)).any()
            or not (kind == KIND_LOG_END).any()):
        raise NotLineShaped("elements are not balanced, or unknown ones stand in a trace")
    n_events = int((kind == KIND_EVENT).sum())
    n_traces = int((kind == KIND_TRACE).sum())
    if n_events == 0:
        return pa.table({})
    event_no = np.cumsum(kind == KIND_EVENT, dtype=np.int64) - 1
    trace_no = np.cumsum(kind == KIND_TRACE, dtype=np.int64) - 1
    is_attr = kind == KIND_ATTR
    in_event = is_attr & (event_open == 1) & (kind != KIND_EVENT)
    in_trace = is_attr & (event_open == 0) & (trace_open == 1)

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


def _scatter(out: dict[str, pa.Array], keys: pa.ChunkedArray, values: pa.ChunkedArray,
             mask: np.ndarray, owner: np.ndarray, n: int, prefix: str) -> None:
    """Column per key: the value at its owner's row (the last one when a key repeats)."""
    sel = pa.array(mask)
    # one contiguous array each: take() on many chunks costs several times more
    k = keys.filter(sel).combine_chunks().dictionary_encode()
    v = values.filter(sel).combine_chunks()
    who = owner[mask]
    codes = k.indices.to_numpy(zero_copy_only=False)
    for code, key in enumerate(k.dictionary.to_pylist()):
        hit = codes == code
        pos = np.full(n, -1, dtype=np.int64)
        pos[who[hit]] = np.flatnonzero(hit)
        out[prefix + _text(key)] = v.take(pa.array(pos, mask=pos < 0))


def _text(key: str) -> str:
    return html.unescape(key) if "&" in key else key


def _unescape(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values with entity references decoded (rare in practice; done in Python)."""
    items = values.to_pylist()
    return pa.chunked_array([pa.array([html.unescape(x) if x is not None and "&" in x else x
                                       for x in items], type=pa.string())])


def _delta(kind: np.ndarray, opening: int, closing: int) -> np.ndarray:
    d = np.zeros(kind.shape[0], dtype=np.int32)
    d[kind == opening] = 1
    d[kind == closing] = -1
    return d
