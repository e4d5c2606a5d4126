"""An import whose times are typed writes first and counts after (``deferred``); one whose
times are text validates first. Both must keep, leave out and count the same rows: each case
here is one log written twice, as CSV (times as text) and as Parquet (times typed), and the
two imports must agree on every count and every event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from servicecheck import InputError, Workspace, import_events

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
# case, activity, hours after T0, team, resource
Row = tuple[str | None, str | None, int | None, str | None, str | None]

CLEAN: list[Row] = [("A", "Reported", 0, "Call centre", "Ann"), ("A", "Fixed", 5, "Repairs", "Bo"),
                    ("B", "Reported", 1, "Call centre", "Ann"), ("B", "Fixed", 30, "Repairs", "Cy")]

CASES: dict[str, tuple[list[Row], dict[str, int], dict[str, dict[str, int]]]] = {
    # name: rows, dropped, placeholders
    "clean": (CLEAN, {}, {}),
    "a row without a case": ([*CLEAN, (None, "Fixed", 3, "Repairs", "Bo")],
                             {"without a case id": 1}, {}),
    "a blank case": ([*CLEAN, ("  ", "Fixed", 3, "Repairs", "Bo")], {"without a case id": 1}, {}),
    "a row without an activity": ([*CLEAN, ("A", None, 3, "Repairs", "Bo")],
                                  {"without an activity": 1}, {}),
    "a row without a time": ([*CLEAN, ("B", "Visited", None, "Repairs", "Bo")],
                             {"without a timestamp": 1}, {}),
    "a placeholder activity": ([*CLEAN, ("A", "n/a", 3, "Repairs", "Bo")],
                               {"without an activity": 1}, {"activity": {"n/a": 1}}),
    "a placeholder team and resource": (
        [*CLEAN, ("C", "Reported", 2, "EMPTY", "-"), ("C", "Fixed", 4, "Repairs", "-")],
        {}, {"team": {"EMPTY": 1}, "resource": {"-": 2}}),
    # a placeholder only in a row left out still counts, as it does when validated first
    "a placeholder only where the case is missing": (
        [*CLEAN, (None, "Fixed", 3, "unknown", "Bo")],
        {"without a case id": 1}, {"team": {"unknown": 1}}),
    "a placeholder activity and no time": ([*CLEAN, ("A", "TBC", None, "Repairs", "Bo")],
                                           {"without an activity": 1}, {"activity": {"TBC": 1}}),
    "padded values": ([(" A ", "Reported ", 0, " Call centre", "Ann"),
                       ("A", "Fixed", 5, "Repairs ", "Bo")], {}, {}),
    # the cheap tests before trimming (first and last character) must miss none of these
    "an empty case and a tab-only activity": ([*CLEAN, ("", "Fixed", 3, "Repairs", "Bo"),
                                               ("B", "\t", 4, "Repairs", "Bo")],
                                              {"without a case id": 1,
                                               "without an activity": 1}, {}),
    "a case of a control character, kept as it is": (
        [*CLEAN, ("\x01", "Fixed", 3, "Repairs", "Bo")], {}, {}),
    "values ending in a vertical tab or a form feed": (
        [("A\x0b", "Reported\x0c", 0, "Call centre\r", "Ann\n"),
         ("A", "Fixed", 5, "Repairs", "Bo")], {}, {}),
}


def _write(folder: Path, rows: list[Row]) -> tuple[Path, Path]:
    times = [None if h is None else T0 + dt.timedelta(hours=h) for _, _, h, _, _ in rows]
    cols = {"case_id": [r[0] for r in rows], "activity": [r[1] for r in rows],
            "team": [r[3] for r in rows], "resource": [r[4] for r in rows]}
    typed = pa.table({**cols, "timestamp": pa.array(times, pa.timestamp("us", tz="UTC"))})
    pq.write_table(typed, folder / "log.parquet")
    text = pa.table({**cols, "timestamp": pa.array(
        [None if t is None else t.strftime("%Y-%m-%d %H:%M:%S") for t in times], pa.string())})
    pacsv.write_csv(text, folder / "log.csv")
    return folder / "log.csv", folder / "log.parquet"


def _events(ws: Workspace) -> list[tuple[object, ...]]:
    return sorted(ws.raw.execute(
        "SELECT case_id, activity, timestamp, team, resource FROM events").fetchall(),
        key=repr)


@pytest.mark.parametrize("name", list(CASES))
def test_typed_and_text_times_keep_and_count_the_same(tmp_path: Path, name: str) -> None:
    rows, dropped, placeholders = CASES[name]
    csv, parquet = _write(tmp_path, rows)
    got = {}
    for path in (csv, parquet):
        with Workspace() as ws:
            report = import_events(ws, path, timezone="UTC")
            got[path.suffix] = (report.events, report.cases, report.dropped,
                                report.placeholders, _events(ws), ws.import_log()[0]["rows_kept"])
    assert got[".parquet"] == got[".csv"]
    events, cases, dropped_got, placeholders_got, stored, kept = got[".parquet"]
    expected_dropped = {"without a case id": 0, "without an activity": 0,
                        "without a timestamp": 0, **dropped}
    assert dropped_got == expected_dropped
    assert placeholders_got == placeholders
    assert events == kept == len(stored) == len(rows) - sum(dropped.values())
    assert cases == len({r[0] for r in stored})
    # placeholders are missing values, never a team called "EMPTY"
    assert not any(v in ("EMPTY", "-", "unknown", "n/a", "TBC") for r in stored for v in r)


def test_a_typed_log_with_no_usable_row_is_refused_and_nothing_lands(tmp_path: Path) -> None:
    _, parquet = _write(tmp_path, [("A", "n/a", 0, "Repairs", "Bo"), (None, "Fixed", 1, "R", "B")])
    with Workspace() as ws:
        with pytest.raises(InputError, match="no row has a case id"):
            import_events(ws, parquet, timezone="UTC")
        assert ws.raw.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert ws.import_log() == []


# (value, what the import keeps of it): trimmed of ASCII blanks only, blank as missing
TEXTS: list[tuple[str | None, str | None]] = [
    (None, None), ("", None), (" ", None), ("\t\n\x0b\x0c\r ", None), ("a", "a"),
    (" a ", "a"), ("a\t", "a"), ("\x01", "\x01"), ("\x01 ", "\x01"), ("  é  ", "é"),
    ("é", "é"), ("\u00a0a", "\u00a0a"), ("a b", "a b"), ("\x0c", None),
]


@pytest.mark.parametrize(("value", "kept"), TEXTS)
def test_the_cheap_blank_tests_agree_with_trimming_every_value(
        value: str | None, kept: str | None) -> None:
    import duckdb

    from servicecheck.io.dates import ASCII_WHITESPACE, filled_sql, text_sql

    con = duckdb.connect()
    got = con.execute(f"SELECT {text_sql('x')}, {filled_sql('x')}, "
                      f"NULLIF(TRIM(x, {ASCII_WHITESPACE}), '') FROM (SELECT ?::VARCHAR AS x)",
                      [value]).fetchone()
    assert got == (kept, kept is not None, kept)
