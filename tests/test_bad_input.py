"""Bad input: one sentence naming file, row and column and the fix; the workspace unchanged.

One case per file in tests/bad_inputs/; the CLI gives the same sentence and exit code 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicecheck import InputError, Service, Workspace, import_events
from servicecheck.cli import app
from servicecheck.demand import import_demands

BAD = Path(__file__).parent / "bad_inputs"

# file, mapping, what the sentence must say (row, column, words)
EVENT_CASES = [
    ("missing_timestamp_column.csv", {}, None, None, "no column for the timestamp"),
    ("duplicated_column.csv", {}, 1, "activity", "appears twice"),
    ("bad_timestamp.csv", {}, 4, "timestamp", "'not a date' is not a date and time"),
    ("empty.csv", {}, None, None, "the file is empty"),
    ("header_only.csv", {}, None, None, "has a header but no rows"),
    ("wrong_format.json", {}, None, None, "is not a format servicecheck reads"),
    ("truncated.csv.gz", {}, None, None, "cut short"),
    ("truncated.parquet", {}, None, None, "the Parquet file could not be read"),
    ("bad_timestamp.parquet", {}, 2, "timestamp", "'not a time' is not a date and time"),
    ("entity.xes", {}, 2, None, "declares a DTD or entities"),
    ("not_well_formed.xes", {}, None, None, "not well formed"),
    ("unmapped_columns.csv", {"case": "Order", "activity": "Status", "timestamp": "Whenn"},
     None, "Whenn", "not in the file"),
]
DEMAND_CASES = [
    ("demand_empty_verbatim.csv", 3, "verbatim", "empty verbatim"),
    ("demand_unknown_channel.csv", 2, "channel", "'pigeon'"),
    ("demand_bad_date.csv", 2, "received_at", "'yesterday'"),
]


def _workspace_with_one_import(tmp_path: Path) -> tuple[Workspace, int]:
    ws = Workspace(tmp_path / "ws.duckdb")
    ok = tmp_path / "ok.csv"
    ok.write_text("case_id,activity,timestamp\nZ,Start,2024-01-01 09:00\n")
    import_events(ws, ok)
    return ws, ws.events().count().execute()


@pytest.mark.parametrize(("name", "mapping", "row", "column", "words"), EVENT_CASES,
                         ids=[c[0] for c in EVENT_CASES])
def test_bad_event_log(tmp_path: Path, name: str, mapping: dict[str, str], row: int | None,
                       column: str | None, words: str) -> None:
    ws, before = _workspace_with_one_import(tmp_path)
    with pytest.raises(InputError) as info:
        import_events(ws, BAD / name, columns=dict(mapping))  # type: ignore[arg-type]
    err = info.value
    message = str(err)
    assert words in message
    assert name in message
    assert message.count(".") >= 1 and "\n" not in message
    if row is not None:
        assert err.row == row and f"row {row}" in message
    if column is not None:
        assert err.column == column and f"column '{column}'" in message
    assert ws.events().count().execute() == before
    assert len(ws.import_log()) == 1
    assert ws.raw.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)


@pytest.mark.parametrize(("name", "row", "column", "words"), DEMAND_CASES,
                         ids=[c[0] for c in DEMAND_CASES])
def test_bad_demand_file(tmp_path: Path, name: str, row: int, column: str, words: str) -> None:
    ws = Workspace(tmp_path / "ws.duckdb")
    with pytest.raises(InputError) as info:
        import_demands(ws, BAD / name, service=Service(name="repairs"))
    assert words in str(info.value)
    assert info.value.row == row
    assert info.value.column == column
    assert ws.demands().count().execute() == 0


def test_cli_says_one_sentence_and_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(BAD / "bad_timestamp.csv"),
                                      "--workspace", str(tmp_path / "ws.duckdb")])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, lines  # one sentence, on one line however long the path
    assert "row 4" in lines[0] and "column 'timestamp'" in lines[0]
    assert "Traceback" not in result.output


def test_service_file_mistakes_are_named(tmp_path: Path) -> None:
    f = tmp_path / "service.toml"
    f.write_text('name = "Repairs"\n[targets]\ntimescales = { P1 = "soon" }\n')
    with pytest.raises(InputError, match=r"targets\.timescales\.P1.*'soon' is not a duration"):
        Service.load(f)
    f.write_text('name = "Repairs"\nvalue_step = ["Fix"]\n')
    with pytest.raises(InputError, match="'value_step' is not a service-file key"):
        Service.load(f)
    # a misspelt key inside a table is named too, not silently ignored
    f.write_text('name = "Repairs"\n[clock]\nstrat = ["Reported"]\n')
    with pytest.raises(InputError, match=r"'clock\.strat' is not a service-file key.*start, end"):
        Service.load(f)
    f.write_text('name = "Repairs"\n[[system_conditions]]\nname = "x"\ncause = ["y"]\n')
    with pytest.raises(InputError, match=r"'system_conditions\.cause' is not a service-file"):
        Service.load(f)
    f.write_text('purpose = "x"\n')
    with pytest.raises(InputError, match="the key 'name' is missing"):
        Service.load(f)
    f.write_text('name = "Repairs\n')
    with pytest.raises(InputError, match="not valid TOML"):
        Service.load(f)



def test_unknown_demand_role_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'verbatm' is not a demand column role"):
        import_demands(Workspace(), BAD / "demand_bad_date.csv", service=Service(name="s"),
                       mapping={"verbatm": "verbatim"})
