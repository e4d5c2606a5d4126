"""Property tests: any input either imports correctly or fails with the clear error."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecheck import InputError, read_log
from servicecheck.io.placeholders import is_placeholder

SETTINGS = settings(max_examples=int(os.environ.get("SC_HYPOTHESIS_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# text a council export might hold: any printable character, commas, quotes, newlines; not a
# value that stands for none ("NULL", "n/a"), which an import reads as missing on purpose
# (tests/test_import_shapes.py): a round trip is of values that mean themselves
cell = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
               min_size=1, max_size=12).map(str.strip).filter(
                   lambda s: bool(s) and not is_placeholder(s))
# before today: a step dated after the import is set aside (tests/test_claims_first_day.py)
when = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2025, 12, 31),
                    timezones=st.just(dt.UTC)).map(lambda d: d.replace(microsecond=0))
rows = st.lists(st.tuples(cell, cell, when), min_size=1, max_size=25)


def _tmp(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_bytes(data)
    return path


@SETTINGS
@given(rows=rows, delimiter=st.sampled_from([",", ";", "\t"]), gz=st.booleans())
def test_csv_round_trip(rows: list[tuple[str, str, dt.datetime]], delimiter: str,
                        gz: bool) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(["case_id", "activity", "timestamp"])
    for case, act, t in rows:
        w.writerow([case, act, t.isoformat()])
    data = buf.getvalue().encode()
    path = _tmp("log.csv.gz" if gz else "log.csv", gzip.compress(data) if gz else data)
    df = read_log(path).to_pandas()
    assert len(df) == len(rows)
    got = sorted(zip(df["case_id"], df["activity"], df["timestamp"], strict=True))
    want = sorted((c, a, t) for c, a, t in rows)
    assert [(c, a) for c, a, _ in got] == [(c, a) for c, a, _ in want]
    assert [t.to_pydatetime() for _, _, t in got] == [t for _, _, t in want]


@SETTINGS
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.csv.gz", "x.tsv",
                                                            "x.xes", "x.xes.gz"]))
def test_any_bytes_import_or_fail_clearly(data: bytes, name: str) -> None:
    path = _tmp(name, data)
    try:
        read_log(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)


def _xes(traces: list[tuple[str, list[tuple[str, dt.datetime]]]], *,
         one_per_line: bool = False) -> str:
    """XES as tools write it: one element per line (the fast path), or packed (the XML parser)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<log xes.version="1.0" '
             'xmlns="http://www.xes-standard.org">']
    for case, events in traces:
        parts += ["<trace>", f'<string key="concept:name" value={_dq(case)}/>']
        for act, t in events:
            parts += ["<event>", f'<string key="concept:name" value={_dq(act)}/>',
                      f'<date key="time:timestamp" value="{t.isoformat()}"/>', "</event>"]
        parts.append("</trace>")
    parts.append("</log>")
    return "\n\t".join(parts) if one_per_line else "".join(parts)


def _dq(text: str) -> str:
    """An attribute value in double quotes, escaped as XES writers escape it."""
    return '"' + escape(text, {'"': "&quot;"}) + '"'


xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                   max_size=10).map(str.strip).filter(lambda s: bool(s) and not is_placeholder(s))
traces = st.lists(st.tuples(xml_text, st.lists(st.tuples(xml_text, when), min_size=1,
                                               max_size=5)), min_size=1, max_size=8,
                  unique_by=lambda t: t[0])


@SETTINGS
@given(traces=traces, one_per_line=st.booleans())
def test_xes_round_trip(traces: list[tuple[str, list[tuple[str, dt.datetime]]]],
                        one_per_line: bool) -> None:
    path = _tmp("log.xes", _xes(traces, one_per_line=one_per_line).encode())
    df = read_log(path).to_pandas()
    want = sorted((c, a, t) for c, evs in traces for a, t in evs)
    got = sorted((c, a, t.to_pydatetime()) for c, a, t in
                 zip(df["case_id"], df["activity"], df["timestamp"], strict=True))
    assert got == want


@SETTINGS
@given(traces=traces, cut=st.integers(min_value=1, max_value=400), junk=st.binary(max_size=8),
       one_per_line=st.booleans())
def test_damaged_xes_fails_clearly(traces: list[tuple[str, list[tuple[str, dt.datetime]]]],
                                   cut: int, junk: bytes, one_per_line: bool) -> None:
    data = _xes(traces, one_per_line=one_per_line).encode()
    damaged = data[: max(len(data) - cut, 1)] + junk
    path = _tmp("log.xes", damaged)
    try:
        read_log(path)
    except InputError as exc:
        assert "\n" not in str(exc)
