"""The fast XES path: XES as process-mining tools write it — one element per line, attributes
self-closing with the key before the value — read without building an XML tree.

Arrow reads the lines and cuts each at ``value="``: an attribute line becomes its head
(``<string key="concept:name" ``) and its tail (``Repair reported"/>``). A file has few
distinct heads, so each is read once in Python (element, key) and every line gets its kind
and key by a table lookup; only the values are copied out of the lines. Events and traces
are numbered by cumulative sums and the values scattered into columns by Arrow ``take``.
Anything else (several elements on a line, nested or list attributes, single quotes,
unbalanced elements) raises ``NotLineShaped`` and the caller uses the full XML parser,
which also names the line of any syntax error. DTDs are refused before either path runs.
"""

from __future__ import annotations

import html
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from servicecheck.io.limits import guarded_stream, limits
from servicecheck.io.pool import import_pool

KIND_TRACE, KIND_TRACE_END, KIND_EVENT, KIND_EVENT_END, KIND_ATTR, KIND_LOG_END = 1, 2, 3, 4, 5, 6
KIND_OTHER = 7  # any other element (global, extension, classifier, the log itself, a list)


class NotLineShaped(Exception):
    """The file is valid XES perhaps, but not in the one-element-per-line shape."""


class UndefinedEntity(Exception):
    """A value refers to an entity XML does not define: one a DTD would have to declare."""


ATTR_TAGS = ("string", "date", "int", "float", "boolean", "id")
KIND_OF_TAG = {"trace": KIND_TRACE, "/trace": KIND_TRACE_END, "event": KIND_EVENT,
               "/event": KIND_EVENT_END, "/log": KIND_LOG_END,
               **{t: KIND_ATTR for t in ATTR_TAGS}}
STRUCTURE = (KIND_TRACE, KIND_TRACE_END, KIND_EVENT, KIND_EVENT_END, KIND_LOG_END)
CUT = 'value="'
XML_REFERENCE = r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);"
ANY_HEAD = re.compile(r"\s*<(?P<tag>/?[a-z]+)")
ATTR_HEAD = re.compile(r'\s*<[a-z]+\s+key="(?P<key>[^"]*)"\s+')  # then value="...
STRUCTURE_HEAD = re.compile(r"\s*</?[a-z]+\s*>\s*")
TAIL = r'^(?P<value>[^"]*)"\s*/>\s*$'  # an attribute's tail, when not exactly VALUE"/>
# per kind, what it adds to the open traces and open events
TRACE_DELTA = np.array([0, 1, -1, 0, 0, 0, 0, 0], dtype=np.int8)
EVENT_DELTA = np.array([0, 0, 0, 1, -1, 0, 0, 0], dtype=np.int8)


@dataclass
class _Chunk:
    """One block of lines, cut: the heads (dictionary-encoded), the number of pieces per line,
    and for the lines cut in two, their positions and values (null where not VALUE"/>)."""

    heads: pa.DictionaryArray
    pieces: np.ndarray
    two: np.ndarray
    values: pa.Array
    ampersand: bool


def _cut(chunk: pa.Array) -> _Chunk:
    pool = import_pool()  # the buffers a whole file's lines are cut into
    pieces = pc.split_pattern(chunk, CUT, max_splits=1, memory_pool=pool)
    count = pc.list_value_length(pieces).to_numpy()
    heads = pc.list_element(pieces, 0, memory_pool=pool).dictionary_encode()
    two = np.flatnonzero(count == 2)
    tails = pc.take(pieces.values, pa.array(pieces.offsets.to_numpy()[two] + 1),
                    memory_pool=pool)
    exact = (pc.all(pc.ends_with(tails, '"/>')).as_py() is not False
             and pc.all(pc.equal(pc.find_substring(tails, '"'),
                                 pc.subtract(pc.binary_length(tails), 3))).as_py() is not False)
    values = (pc.utf8_slice_codeunits(tails, 0, -3, memory_pool=pool) if exact
              # struct_field, unlike .field(), leaves a line that does not match null
              else pc.struct_field(pc.extract_regex(tails, TAIL, memory_pool=pool), "value"))
    ampersand = bool(pc.any(pc.match_substring(values, "&")).as_py())
    return _Chunk(heads, count, two, values, ampersand)


class _Heads:
    """What each distinct head is: its kind, its key's number, and whether it has the one
    form this reader accepts for that kind. Read once per head, kept for the whole file."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._key_no: dict[str, int] = {}
        self._seen: dict[str, tuple[int, int, bool]] = {}

    def tables(self, heads: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = [self._read(h) for h in heads]
        return (np.array([r[0] for r in rows], dtype=np.int8),
                np.array([r[1] for r in rows], dtype=np.int32),
                np.array([r[2] for r in rows], dtype=bool))

    def _read(self, head: str) -> tuple[int, int, bool]:
        if head not in self._seen:
            m = ANY_HEAD.match(head)
            kind = KIND_OF_TAG.get(m["tag"], KIND_OTHER) if m else 0
            key_no, sound = -1, True
            if kind == KIND_ATTR:
                a = ATTR_HEAD.fullmatch(head)
                sound = a is not None
                if a is not None:
                    key = html.unescape(a["key"]) if "&" in a["key"] else a["key"]
                    key_no = self._key_no.setdefault(key, len(self.keys))
                    if key_no == len(self.keys):
                        self.keys.append(key)
            elif kind in STRUCTURE:
                sound = STRUCTURE_HEAD.fullmatch(head) is not None
            self._seen[head] = (kind, key_no, sound)
        return self._seen[head]


def classify(lines: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, pa.ChunkedArray,
                                                list[str]]:
    """Per line its kind and key number (-1 where not an attribute); the attribute lines'
    values in order; the key names. Raises NotLineShaped for lines this path cannot read."""
    # Arrow's kernels release the GIL: cut the chunks on every core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        chunks = list(pool.map(_cut, lines.chunks))
    heads = _Heads()
    kinds, key_nos, values = [], [], []
    for c in chunks:
        kind_of, key_of, sound_of = heads.tables(c.heads.dictionary.to_pylist())
        codes = c.heads.indices.to_numpy()
        if not sound_of[codes].all():
            raise NotLineShaped("an element this reader does not read line by line")
        kind = kind_of[codes]
        attr = kind == KIND_ATTR
        if (attr & (c.pieces != 2)).any() or (np.isin(kind, STRUCTURE) & (c.pieces != 1)).any():
            raise NotLineShaped("an attribute that is not self-closing with key before value")
        chosen = c.values.filter(pa.array(attr[c.two]))
        if chosen.null_count:
            raise NotLineShaped("an attribute that is not self-closing with key before value")
        kinds.append(kind)
        key_nos.append(key_of[codes])
        values.append(chosen)
    kind = np.concatenate(kinds)
    # the few other lines (prolog, log header, globals, comments) may not hide a second
    # element: an attribute after a comment would otherwise be lost without a word
    other = (kind == 0) | (kind == KIND_OTHER)
    if other.any():
        rest = lines.filter(pa.array(other))
        most = pc.max(pc.count_substring(rest, "<")).as_py()
        if most is not None and most > 1:
            raise NotLineShaped("several elements on one line")
        # a DTD, wherever it stands: the XML parser then finds and refuses it by its line
        if pc.any(pc.match_substring(rest, "<!DOCTYPE")).as_py() or \
                pc.any(pc.match_substring(rest, "<!ENTITY")).as_py():
            raise NotLineShaped("a DTD or entity declaration")
    found = pa.chunked_array(values, type=pa.string())
    if any(c.ampersand for c in chunks):
        # XML knows five entities and character references; any other is an entity this
        # file would need a DTD for: the XML parser refuses it with its line
        rest = pc.replace_substring_regex(found, XML_REFERENCE, "")
        odd = rest.filter(pc.match_substring(rest, "&"))
        if len(odd):
            raise UndefinedEntity(str(odd[0]))
        found = _unescape(found)
    return kind, np.concatenate(key_nos), found, heads.keys


def read_lines(path: Path) -> pa.Table:
    """The file's lines, in blocks that the cutting shares among the cores."""
    stream = guarded_stream(path, limits())
    return pacsv.read_csv(
        stream,
        read_options=pacsv.ReadOptions(column_names=["line"], block_size=1 << 20),
        parse_options=pacsv.ParseOptions(delimiter="\x1f", quote_char=False,
                                         escape_char=False, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()},
                                             strings_can_be_null=False),
        memory_pool=import_pool(),
    )


def read_xes_columnar(path: Path) -> pa.Table:
    """The events of a line-shaped XES file as string columns (``case:`` for trace attributes)."""
    try:
        lines = read_lines(path)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotLineShaped(str(exc)) from None
    kind, key_no, values, keys = classify(lines.column("line"))
    # 32-bit counters: a file of 2**31 lines would not fit in memory as lines anyway; fresh
    # 64-bit arrays cost more in first-touched pages than in arithmetic
    trace_open = np.cumsum(TRACE_DELTA[kind], dtype=np.int32)
    event_open = np.cumsum(EVENT_DELTA[kind], dtype=np.int32)
    if (trace_open.min(initial=0) < 0 or trace_open.max(initial=0) > 1
            or event_open.min(initial=0) < 0 or event_open.max(initial=0) > 1
            or trace_open[-1] != 0 or event_open[-1] != 0
            or ((kind == KIND_EVENT) & (trace_open != 1)).any()
            or ((kind == KIND_OTHER) & (trace_open > 0)).any()
            or not (kind == KIND_LOG_END).any()):
        raise NotLineShaped("elements are not balanced, or unknown ones stand in a trace")
    is_event = kind == KIND_EVENT
    n_events = int(is_event.sum())
    if n_events == 0:
        return pa.table({})
    event_no = np.cumsum(is_event, dtype=np.int32)
    event_no -= 1
    trace_no = np.cumsum(kind == KIND_TRACE, dtype=np.int32)
    trace_no -= 1
    n_traces = int(trace_no[-1]) + 1
    # from here on, arrays are over the attribute lines only (as the values are)
    is_attr = kind == KIND_ATTR
    in_event = (event_open == 1)[is_attr]
    in_trace = ((event_open == 0) & (trace_open == 1))[is_attr]
    key_no = key_no[is_attr]

    values = values.combine_chunks(memory_pool=import_pool())
    columns: dict[str, pa.Array] = {}
    _scatter(columns, keys, key_no, values, in_event, event_no[is_attr], n_events, prefix="")
    trace_cols: dict[str, pa.Array] = {}
    _scatter(trace_cols, keys, key_no, values, in_trace, trace_no[is_attr], n_traces,
             prefix="case:")
    event_trace = pa.array(trace_no[is_event])
    for name, col in trace_cols.items():
        if name not in columns:
            columns[name] = col.take(event_trace)
    return pa.table(columns)


def _scatter(out: dict[str, pa.Array], keys: list[str], key_no: np.ndarray,
             values: pa.Array, mask: np.ndarray, owner: np.ndarray, n: int,
             prefix: str) -> None:
    """Column per key: the value at its owner's row (the last one when a key repeats).
    ``values`` is one contiguous array: take() on many chunks costs several times more."""
    chosen = np.flatnonzero(mask)
    who = owner[chosen]
    codes = key_no[chosen]
    # the lines of each key together, in file order: one sort, not one pass per key (a real
    # log has 169 keys; comparing every line with each of them cost half a second)
    # (numpy's stable sort is a radix sort on 16-bit integers: four times faster here)
    order = np.argsort(codes.astype(np.int16) if len(keys) < 2**15 else codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))])
    for code, key in enumerate(keys):
        lines = order[bounds[code]:bounds[code + 1]]
        if lines.size == 0:
            continue
        pos = np.full(n, -1, dtype=np.int64)
        pos[who[lines]] = chosen[lines]  # in file order, so the last of a repeated key wins
        out[prefix + key] = pc.take(values, pa.array(pos, mask=pos < 0),
                                    memory_pool=import_pool())


def _unescape(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values with entity references decoded (rare in practice; done in Python)."""
    items = values.to_pylist()
    return pa.chunked_array([pa.array([html.unescape(x) if x is not None and "&" in x else x
                                       for x in items], type=pa.string())])
