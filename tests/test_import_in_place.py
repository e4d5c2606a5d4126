"""``read_log`` of a Parquet file without a workspace reads the file where it lies (a view)
when the import would write its rows unchanged; otherwise it writes them as any import does.
Either way the log holds the same events, counts and analysis as the same file imported into
a workspace file: each case here is a log read both ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from servicecheck import Workspace, import_events, read_log
from servicecheck.flow import analyse

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
# case, activity, hours after T0, team, priority (a column of the file's own)
Row = tuple[str | None, str | None, int | None, str | None, str]
CLEAN: list[Row] = [
    ("A", "Reported", 0, "Call centre", "P1"), ("A", "Visited", 3, "Repairs", "P1"),
    ("A", "Fixed", 5, "Repairs", "P1"), ("B", "Reported", 1, "Call centre", "P2"),
    ("B", "Fixed", 30, "Repairs", "P2"), (" C ", "Reported", 2, "Call centre ", "P2"),
    ("C", "Fixed", 2, "Repairs", "P2"),  # a tie in time: the file's order decides
]
FUTURE = 24 * 365 * 100  # hours: a time a century after T0 is after the import

# name: rows, zone of the times (None: naive), read in place?
CASES: dict[str, tuple[list[Row], str | None, bool]] = {
    "clean, times with their zone": (CLEAN, "UTC", True),
    "clean, times in another zone": (CLEAN, "Europe/London", True),
    "naive times: read in the import's zone, so written": (CLEAN, None, False),
    "a row without a case": ([*CLEAN, (None, "Fixed", 4, "Repairs", "P1")], "UTC", False),
    "a blank activity": ([*CLEAN, ("B", "  ", 4, "Repairs", "P1")], "UTC", False),
    "a placeholder team": ([*CLEAN, ("B", "Visited", 4, "n/a", "P1")], "UTC", False),
    "a time after the import": ([*CLEAN, ("B", "Closed", FUTURE, "Repairs", "P1")], "UTC",
                                False),
}


def _write(path: Path, rows: list[Row], zone: str | None) -> Path:
    times = [None if h is None else T0 + dt.timedelta(hours=h) for _, _, h, _, _ in rows]
    if zone is None:
        stamps = pa.array([t and t.replace(tzinfo=None) for t in times], pa.timestamp("us"))
    else:
        stamps = pa.array(times, pa.timestamp("us", tz=zone))
    pq.write_table(pa.table({
        "case_id": [r[0] for r in rows], "activity": [r[1] for r in rows], "timestamp": stamps,
        "team": [r[3] for r in rows], "priority": [r[4] for r in rows]}), path)
    return path


def _in_place(ws: Workspace) -> bool:
    got = ws.raw.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'events' "
                         "AND NOT internal").fetchone()
    return bool(got and got[0])


def _held(ws: Workspace) -> pd.DataFrame:
    return ws.raw.execute(
        "SELECT * EXCLUDE (service) FROM events ORDER BY event_index").fetch_arrow_table(
    ).to_pandas()


def _recorded(ws: Workspace) -> tuple[object, ...] | None:
    return ws.raw.execute("SELECT rows_read, rows_kept, first_index, end_index, dropped, "
                          "placeholders, set_aside FROM imports").fetchone()


@pytest.mark.parametrize("name", list(CASES))
def test_read_in_place_or_written_the_log_is_the_same(tmp_path: Path, name: str) -> None:
    rows, zone, expected = CASES[name]
    path = _write(tmp_path / "log.parquet", rows, zone)
    log = read_log(path, timezone="Europe/London")
    assert _in_place(log.workspace) is expected
    with Workspace(tmp_path / "ws.duckdb") as copy:
        report = import_events(copy, path, timezone="Europe/London")
        assert not _in_place(copy)
        pd.testing.assert_frame_equal(_held(log.workspace), _held(copy))
        assert log.report is not None
        for field in ("events", "cases", "dropped", "placeholders", "after_import"):
            assert getattr(log.report, field) == getattr(report, field), field
        assert (log.n_events, log.n_cases, log.period) == (
            report.events, report.cases, (log.period[0], log.period[1]))
        ours, theirs = analyse(log.table), analyse(copy.events())
        for part in ("dfg", "case_durations", "variants", "handoffs"):
            pd.testing.assert_frame_equal(getattr(ours, part), getattr(theirs, part))
        assert _recorded(log.workspace) == _recorded(copy)


def test_a_second_import_writes_the_first_read_in_place_beside_it(tmp_path: Path) -> None:
    first = _write(tmp_path / "first.parquet", CLEAN, "UTC")
    second = _write(tmp_path / "second.parquet",
                    [("D", "Reported", 40, "Call centre", "P3"), ("D", "Fixed", 41, "Repairs",
                                                                   "P3")], "UTC")
    log = read_log(first)
    assert _in_place(log.workspace)
    report = import_events(log.workspace, second)
    assert not _in_place(log.workspace)
    events = _held(log.workspace)
    assert len(events) == len(CLEAN) + 2
    assert log.n_events == len(CLEAN)  # the log's own service: the second is another
    assert sorted(set(events.case_id)) == ["A", "B", "C", "D"]
    assert report.events == 2 and events.event_index.is_unique
    assert events.priority.tolist() == [r[4] for r in CLEAN] + ["P3", "P3"]


def test_a_file_read_again_is_refused_as_any_import_is(tmp_path: Path) -> None:
    from servicecheck.io.errors import AlreadyImported

    path = _write(tmp_path / "log.parquet", CLEAN, "UTC")
    log = read_log(path)
    with pytest.raises(AlreadyImported):
        import_events(log.workspace, path)
    assert _in_place(log.workspace) and log.n_events == len(CLEAN)
