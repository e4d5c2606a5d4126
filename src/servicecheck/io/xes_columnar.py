"""The fast XES path: XES as process-mining tools write it — one element per line, attributes
self-closing with the key before the value — read without building an XML tree.

Lines are read by Arrow, cut at their double quotes and known by their first piece (Arrow),
numbered into events and traces by cumulative sums, and scattered into columns by Arrow
``take``. Anything else
(several elements on a line, nested or list attributes, single quotes, character references,
unbalanced elements) raises ``NotLineShaped`` and the caller uses the full XML parser, which
also names the line of any syntax error. DTDs are refused before either path runs.
"""

from __future__ import annotations

import html
import os
import re
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
STRUCTURE = (KIND_TRACE, KIND_TRACE_END, KIND_EVENT, KIND_EVENT_END, KIND_LOG_END)
# Each line is cut at its double quotes (an XML attribute value in double quotes holds none):
# a plain attribute is exactly  <TAG key= | KEY | value= | VALUE | />  in five pieces.
# The first piece, trimmed, names the element; a file has only a few distinct first pieces,
# so each is read by this pattern once in Python rather than once per line by a regular
# expression over the whole file (that was 1.6 s of a 1M-event file's 3 s).
HEAD = re.compile(r"<(?P<tag>/?[a-z]+)(?P<tail>.*)", re.DOTALL)
ATTR_TAIL = re.compile(r"\s+key=")
STRUCTURE_TAIL = re.compile(r"\s*>")


def _cut(chunk: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array, pa.Array]:
    """Per line: the trimmed first piece and the number of pieces; for five-piece lines,
    the key, value and whether the pieces between are exactly ' value=' and '/>'."""
    pieces = pc.split_pattern(chunk, '"', max_splits=4)
    count = pc.list_value_length(pieces)
    head = pc.ascii_trim_whitespace(pc.list_element(pieces, 0))
    five = pieces.filter(pc.equal(count, 5))
    mid, end = pc.list_element(five, 2), pc.list_element(five, 4)
    between = pc.and_(pc.equal(mid, " value="), pc.equal(pc.ascii_trim_whitespace(end), "/>"))
    if not pc.all(between).as_py():  # other spacing: the exact form, by pattern, here only
        between = pc.and_(pc.match_substring_regex(mid, r"^\s+value=$"),
                          pc.match_substring_regex(end, r"^\s*/>\s*$"))
    return head, count, pc.list_element(five, 1), pc.list_element(five, 3), between


def _head_kinds(heads: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct first piece: its kind (0 prolog, comment or blank; 7 any other
    element), and whether it has the one form this reader accepts for that kind."""
    kinds, sound = [], []
    for head in heads:
        m = HEAD.fullmatch(head)
        kind = KIND_OF_TAG.get(m["tag"], 7) if m else 0
        tail = m["tail"] if m else ""
        kinds.append(kind)
        sound.append(bool(ATTR_TAIL.fullmatch(tail)) if kind == KIND_ATTR
                     else bool(STRUCTURE_TAIL.fullmatch(tail)) if kind in STRUCTURE
                     else True)
    return np.array(kinds, dtype=np.int8), np.array(sound, dtype=bool)


def classify(lines: pa.ChunkedArray) -> tuple[np.ndarray, pa.ChunkedArray, pa.ChunkedArray]:
    """Per line its kind; for the attribute lines, in order, their keys and values.
    Raises NotLineShaped for lines this path cannot read."""
    # Arrow's kernels release the GIL: cut the chunks on every core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cuts = list(pool.map(_cut, lines.chunks))
    heads = pa.chunked_array([c[0] for c in cuts], type=pa.string()).combine_chunks()
    encoded = heads.dictionary_encode()
    kind_of, sound_of = _head_kinds(encoded.dictionary.to_pylist())
    codes = encoded.indices.to_numpy()
    kind = kind_of[codes]
    count = np.concatenate([c[1].to_numpy() for c in cuts])
    if not sound_of[codes].all():
        raise NotLineShaped("an element this reader does not read line by line")
    if ((kind == KIND_ATTR) & (count != 5)).any() or ((np.isin(kind, STRUCTURE))
                                                      & (count != 1)).any():
        raise NotLineShaped("an attribute that is not self-closing with key before value")
    # the few other lines (prolog, log header, globals, comments) may not hide a second
    # element: an attribute after a comment would otherwise be lost without a word
    other = (kind == 0) | (kind == 7)
    if other.any():
        most = pc.max(pc.count_substring(lines.filter(pa.array(other)), "<")).as_py()
        if most is not None and most > 1:
            raise NotLineShaped("several elements on one line")
    attr = kind[count == 5] == KIND_ATTR  # which five-piece lines are attributes
    between = np.concatenate([c[4].to_numpy(zero_copy_only=False) for c in cuts])
    if not between[attr].all():
        raise NotLineShaped("an attribute that is not self-closing with key before value")
    pick = pa.array(attr)
    keys = pa.chunked_array([c[2] for c in cuts], type=pa.string()).filter(pick)
    values = pa.chunked_array([c[3] for c in cuts], type=pa.string()).filter(pick)
    return kind, keys, values


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
    # from here on, arrays are over the attribute lines only (keys and values are)
    is_attr = kind == KIND_ATTR
    in_event = (event_open == 1)[is_attr]
    in_trace = ((event_open == 0) & (trace_open == 1))[is_attr]
    event_no, trace_no_attr = event_no[is_attr], trace_no[is_attr]

    if pc.any(pc.match_substring(values, "&")).as_py():
        values = _unescape(values)

    columns: dict[str, pa.Array] = {}
    _scatter(columns, keys, values, in_event, event_no, n_events, prefix="")
    trace_cols: dict[str, pa.Array] = {}
    _scatter(trace_cols, keys, values, in_trace, trace_no_attr, n_traces, prefix="case:")
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
    names = k.dictionary.to_pylist()
    # the lines of each key together, in file order: one sort, not one pass per key (a real
    # log has 169 keys; comparing every line with each of them cost half a second)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(names)))])
    for code, key in enumerate(names):
        lines = order[bounds[code]:bounds[code + 1]]
        pos = np.full(n, -1, dtype=np.int64)
        pos[who[lines]] = lines  # in file order, so the last of a repeated key wins
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
