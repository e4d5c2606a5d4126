"""Demand imports set rows aside as event imports do: each row that cannot be a demand goes
into the workspace's rejects table with its column, value and reason, is counted in Data
quality and written by 'servicecheck rejects'; the import stops, with one sentence and the
workspace unchanged, only above the share it may set aside."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck import InputError, Service, Workspace
from servicecheck.cli import app
from servicecheck.demand import import_demands
from servicecheck.io.rejects import REASONS
from servicecheck.measures.quality import rejects_findings
from servicecheck.narrative.voice import Voice
from servicecheck.narrative.words import say

COLUMNS = ["received_at", "closed_at", "channel", "verbatim", "demand_type", "nature",
           "failure_kind", "case_id", "recorded_by"]
GOOD = {"received_at": "2024-01-01 09:00", "closed_at": "", "channel": "phone",
        "verbatim": "my boiler is broken", "demand_type": "Heating", "nature": "value",
        "failure_kind": "", "case_id": "R1", "recorded_by": "ann"}
GOOD_ROWS = 50  # one bad row in 51 is 2%: set aside, not stopped
LONG = "x" * 10_001

# the bad row's fields (changed from GOOD), then what is set aside: (column, reason, value)
# for each value; an empty list means the row is kept (the last item: a check on the demand)
CASES: list[tuple[str, dict[str, str], list[tuple[str, str, str | None]]]] = [
    ("tbc date", {"received_at": "TBC"}, [("received_at", "unreadable time", "TBC")]),
    ("day 32", {"received_at": "32/13/2024"},
     [("received_at", "unreadable time", "32/13/2024")]),
    ("words for a date", {"received_at": "yesterday"},
     [("received_at", "unreadable time", "yesterday")]),
    ("n/a date", {"received_at": "n/a"}, [("received_at", "unreadable time", "n/a")]),
    ("blank date", {"received_at": ""}, [("received_at", "missing value", None)]),
    ("spaces for a date", {"received_at": "   "}, [("received_at", "missing value", "   ")]),
    ("closed soon", {"closed_at": "soon"}, [("closed_at", "unreadable time", "soon")]),
    ("closed n/a is open", {"closed_at": "n/a"}, []),
    ("closed dash is open", {"closed_at": "-"}, []),
    ("blank words", {"verbatim": ""}, [("verbatim", "missing value", None)]),
    ("n/a words", {"verbatim": "n/a"}, [("verbatim", "placeholder", "n/a")]),
    ("TBC words", {"verbatim": "TBC"}, [("verbatim", "placeholder", "TBC")]),
    ("dash words", {"verbatim": " - "}, [("verbatim", "placeholder", " - ")]),
    ("EMPTY words", {"verbatim": "EMPTY"}, [("verbatim", "placeholder", "EMPTY")]),
    ("long words", {"verbatim": LONG}, [("verbatim", "too long", "x" * 100 + "…")]),
    ("blank channel", {"channel": ""}, [("channel", "missing value", None)]),
    ("unknown channel", {"channel": "pigeon"}, [("channel", "unknown channel", "pigeon")]),
    ("quoted channel", {"channel": "citizen's portal"},
     [("channel", "unknown channel", "citizen's portal")]),
    ("channel in capitals", {"channel": "Phone"}, []),
    ("long channel", {"channel": "c" * 41},
     [("channel", "too long", "c" * 41 + "…"), ("channel", "unknown channel", "c" * 41)]),
    ("bad nature", {"nature": "valeu"}, [("nature", "unknown nature", "valeu")]),
    ("n/a nature", {"nature": "n/a"}, []),
    ("nature in capitals", {"nature": "FAILURE"}, []),
    ("long type", {"demand_type": "t" * 201}, [("demand_type", "too long", "t" * 100 + "…")]),
    ("n/a type", {"demand_type": "n/a"}, []),
    ("long kind", {"nature": "failure", "failure_kind": "k" * 201},
     [("failure_kind", "too long", "k" * 100 + "…")]),
    ("long case", {"case_id": "c" * 201}, [("case_id", "too long", "c" * 100 + "…")]),
    ("long recorder", {"recorded_by": "r" * 81}, [("recorded_by", "too long", "r" * 81 + "…")]),
    ("two problems", {"received_at": "TBC", "verbatim": "n/a"},
     [("received_at", "unreadable time", "TBC"), ("verbatim", "placeholder", "n/a")]),
]


def _write(path: Path, bad: dict[str, str], good: int = GOOD_ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        for i in range(good):
            w.writerow({**GOOD, "case_id": f"R{i}"})
        w.writerow({**GOOD, **bad})
    return path


@pytest.mark.parametrize(("name", "bad", "aside"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_row_is_set_aside_with_its_reason(tmp_path: Path, name: str, bad: dict[str, str],
                                                aside: list[tuple[str, str, str | None]]
                                                ) -> None:
    svc = Service(name="repairs")
    ws = Workspace(tmp_path / "ws.duckdb")
    report = import_demands(ws, _write(tmp_path / "d.csv", bad), service=svc)
    kept = GOOD_ROWS + (0 if aside else 1)
    assert report.events == kept == ws.demands().count().execute()
    rejects = ws.rejects().to_pylist()
    got = [(r["column"], r["reason"], r["value"]) for r in rejects]
    assert sorted(got, key=lambda t: t[:2]) == sorted(aside, key=lambda t: t[:2])
    assert all(r["row"] == GOOD_ROWS + 2 and r["source"].endswith("d.csv") for r in rejects)
    assert report.rejects.rows == (1 if aside else 0)
    findings = rejects_findings(ws, svc)
    if not aside:
        assert findings == []
        last = ws.demands().order_by("demand_index").to_pandas().iloc[-1]
        assert last["channel"] == "phone" and last["nature"] in ("value", "failure", "unknown")
        # "n/a" is no type, and no closing date: the demand is open
        assert last["demand_type"] == ("Heating" if name != "n/a type" else None) or (
            name == "n/a type" and pd.isna(last["demand_type"]))
        assert pd.isna(last["closed_at"])
        return
    (f,) = findings
    assert f.n == len(aside) and set(f.names) == {why for _, why, _ in aside}
    sentence = say(f, Voice())
    assert "set aside on import" in sentence and "too long" not in sentence


def test_every_reason_has_words() -> None:
    from servicecheck.narrative.quality import SET_ASIDE_WORDS

    assert set(SET_ASIDE_WORDS) == set(REASONS)


def test_the_words_set_aside_are_redacted(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws.duckdb")
    words = "ring me on 07700 900123 about the damp " + "x" * 10_000
    import_demands(ws, _write(tmp_path / "d.csv", {"verbatim": words}),
                   service=Service(name="repairs"))
    (value,) = ws.rejects().column("value").to_pylist()
    assert "07700" not in value and "900123" not in value and value.endswith("…")
    assert len(value) < 200


@pytest.mark.parametrize(("bad_rows", "share", "stops"), [
    (3, None, True),  # 3 of 53 is 5.7%: above the 5% default
    (2, None, False),  # 2 of 52 is 3.8%
    (1, 0.0, True),  # 0: the first bad row stops it
    (3, 0.06, False),
])
def test_above_the_share_the_import_stops_with_one_sentence(
        tmp_path: Path, bad_rows: int, share: float | None, stops: bool) -> None:
    path = tmp_path / "d.csv"
    _write(path, {"channel": "pigeon"})
    with path.open("a", encoding="utf-8") as f:
        for _ in range(bad_rows - 1):
            f.write("2024-01-02 09:00,,fax,it leaks,,,,,\n")
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.close()
    before = (tmp_path / "ws.duckdb").read_bytes()
    ws = Workspace(tmp_path / "ws.duckdb")
    if not stops:
        report = import_demands(ws, path, service=Service(name="r"), max_rejects=share)
        assert report.rejects.rows == bad_rows and report.events == GOOD_ROWS
        return
    with pytest.raises(InputError) as info:
        import_demands(ws, path, service=Service(name="r"), max_rejects=share)
    message = str(info.value)
    assert f"row {GOOD_ROWS + 2}" in message and "column 'channel'" in message
    assert "has a channel the service file does not list ('pigeon')" in message
    assert "\n" not in message
    if share is None:
        assert f"so {bad_rows} of the {GOOD_ROWS + bad_rows} rows" in message
        assert "--max-rejects 0.06" in message
    assert ws.demands().count().execute() == 0 and ws.rejects().num_rows == 0
    ws.close()
    assert (tmp_path / "ws.duckdb").read_bytes() == before


def test_the_service_files_share_applies(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", {"channel": "pigeon"}, good=3)  # 25% unreadable
    svc = Service.from_dict({"name": "r", "import": {"max_rejects": 0.3}}, source="test")
    report = import_demands(Workspace(), path, service=svc)
    assert report.rejects.rows == 1 and report.events == 3


def test_the_command_line_says_what_was_set_aside_and_writes_it(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = str(tmp_path / "ws.duckdb")
    path = _write(tmp_path / "d.csv", {"verbatim": "n/a"})
    result = runner.invoke(app, ["import-demand", str(path), "-w", ws])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (f"Imported {GOOD_ROWS + 1} rows of demand from d.csv: {GOOD_ROWS} demands kept; "
            "1 value set aside with its row, not imported: 1 with a value that stands for none "
            "(like n/a) in place of the citizen's words.") in said
    out = tmp_path / "rejects.csv"
    result = runner.invoke(app, ["rejects", "-w", ws, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in rows] == [
        (str(GOOD_ROWS + 2), "verbatim", "n/a", "placeholder")]
    # too many: one sentence, exit code 2
    many = _write(tmp_path / "m.csv", {"verbatim": "n/a"}, good=2)
    result = runner.invoke(app, ["import-demand", str(many), "-w", ws, "--max-rejects", "0.1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1
    assert "stands for none where the citizen's words should be" in " ".join(
        result.output.split())
