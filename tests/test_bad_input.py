"""Bad input: one sentence naming file, row and column and the fix; the workspace unchanged.

One case per file in tests/bad_inputs/; the CLI gives the same sentence and exit code 2.
"""

from __future__ import annotations

import gzip
import io
import zipfile
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
    # a repeated name no role uses, over times written with a T: the first row is still the
    # header (the second was taken for it, and the case 'not found among A, Start, ...')
    ("duplicated_unmapped_column.csv", {}, 1, "Notes", "appears twice"),
    ("bad_timestamp.csv", {}, 4, "timestamp", "'not a date' is not a date and time"),
    ("empty.csv", {}, None, None, "the file is empty"),
    ("header_only.csv", {}, None, None, "has a header but no rows"),
    ("wrong_format.docx", {}, None, None, "is not a format servicecheck reads"),
    ("wrong_format.json", {}, None, None, "the file is not JSON"),
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


# -- the corpus: every importer, service-file key and CLI option ---------------------------
# Each case is refused with exit code 2 and one sentence holding the words given, no
# traceback, and the workspace file byte-for-byte as it was.

runner = CliRunner()
EVENTS = "case_id,activity,timestamp,priority\nA,Reported,2024-01-01 09:00,P1\n" \
    "A,Fixed,2024-01-03 10:00,P1\nB,Reported,2024-01-02 09:00,P2\n"
DEMANDS = "received_at,channel,verbatim\n2024-01-01 09:00,phone,my boiler is broken\n"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a log, contact records and a workspace holding both."""
    d = tmp_path_factory.mktemp("corpus")
    (d / "ok.csv").write_text(EVENTS, encoding="utf-8")
    (d / "demand.csv").write_text(DEMANDS, encoding="utf-8")
    ws = str(d / "ws.duckdb")
    assert runner.invoke(app, ["import", str(d / "ok.csv"), "-w", ws]).exit_code == 0
    assert runner.invoke(app, ["import-demand", str(d / "demand.csv"), "-w", ws]).exit_code == 0
    return d


def _refused(home: Path, args: list[str], words: str) -> None:
    ws = home / "ws.duckdb"
    before = ws.read_bytes()
    args = [a.replace("{home}", str(home)) for a in args]
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert words in lines[0], lines[0]
    assert ws.read_bytes() == before


def _service_cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    numbers = ["need.within_days", "demand.link_within_days", "demand.cost_per_minute",
               "costs.visit_cost", "costs.order_cost", "flow.designed_handoffs"]
    for key in numbers:
        table, leaf = key.split(".")
        for value, words in (('"thirty"', "must be"), ("nan", "must be"), ("inf", "must be"),
                             ("-5", "= -5 is out of range"), ("1e308", ""),
                             ("true", "must be")):
            cases.append((f"[{table}]\n{leaf} = {value}", f"{key} {words}".strip()))
    texts = ["purpose", "targets.name", "targets.unit", "targets.priority_column",
             "targets.due_column", "costs.currency", "need.link_column", "teams.column",
             "columns.case", "columns.activity", "columns.timestamp", "columns.team",
             "columns.citizen_id", "system_conditions.name"]
    for key in texts:
        for value in ("5", "true"):
            if key.startswith("system_conditions"):
                cases.append((f"[[system_conditions]]\nname = {value}",
                              "system_conditions.name must be text"))
            elif "." in key:
                table, leaf = key.split(".")
                cases.append((f"[{table}]\n{leaf} = {value}", f"{key} must be text"))
            else:
                cases.append((f"{key} = {value}", f"{key} must be text"))
    lists = ["value_steps", "clock.start", "clock.end", "need.match_columns",
             "need.visit_activities", "demand.types", "demand.channels",
             "demand.failure_kinds", "targets.start", "targets.end"]
    for key in lists:
        for value in ("5", "[1, 2]"):
            if "." in key:
                table, leaf = key.split(".")
                cases.append((f"[{table}]\n{leaf} = {value}", key))
            else:
                cases.append((f"{key} = {value}", key))
    for key in ("clock.start_at_first_contact", "demand.redact"):
        table, leaf = key.split(".")
        for value in ('"yes"', "1"):
            cases.append((f"[{table}]\n{leaf} = {value}", f"{key} must be true or false"))
    tables = [("demand", "handling_minutes"), ("costs", "activity_minutes"),
              ("costs", "activity_cost"), ("costs", "team_cost_per_minute")]
    for table, leaf in tables:
        cases.append((f"[{table}]\n{leaf} = 5", f"{table}.{leaf} must be a table"))
        cases.append((f'[{table}]\n{leaf} = {{ a = "six" }}',
                      f"{table}.{leaf}.a must be a number, not 'six'"))
        cases.append((f"[{table}]\n{leaf} = {{ a = -1 }}", f"{table}.{leaf}.a = -1 is out"))
    cases += [
        ('[teams]\nactivities = { a = 5 }', "teams.activities.a must be text"),
        ('redesign_date = "next tuesday"', "'next tuesday' is not a date"),
        ('redesign_date = "2025-13-01"', "'2025-13-01' is not a date"),
        ("redesign_date = 5", "redesign_date"),
        ('''timezone = "UTC'; DROP TABLE demands; SELECT '1"''', "is not a time zone"),
        ('timezone = "Mars/Olympus_Mons"', "'Mars/Olympus_Mons' is not a time zone"),
        ('timezone = ""', "'' is not a time zone"),
        ("timezone = 0", "timezone"),
        ('[targets]\ntimescales = { P1 = "soon" }', "'soon' is not a duration"),
        ('[targets]\ntimescales = { P1 = "-1d" }', "'-1d' is not a duration"),
        ("[targets]\ntimescales = { P1 = 0 }", "'0' is not a duration between"),
        ("[targets]\ntimescales = { P1 = 1e308 }", "is not a duration between"),
        ('[targets]\ndefault = "forever"', "'forever' is not a duration"),
        ('[targets]\ndue_format = "%Q"', "'%Q' is not a date format"),
        ("[targets]\ndue_format = 5", "targets.due_format"),
        ('name = ""', "name must not be empty"),
        ("name = 5", "name must be text"),
        ('purpose = "x"', "the key 'name' is missing"),
        ("clock = 5", "clock must be a table"),
        ("need = [1]", "need must be a table"),
        ('system_conditions = "x"', "system_conditions must be a list"),
        ('value_step = ["Fix"]', "did you mean 'value_steps'"),
        ("time_zone = 'UTC'", "did you mean 'timezone'"),
        ('[clock]\nstrat = ["x"]', "did you mean 'start'"),
        ("[need]\nwithin_day = 3", "did you mean 'within_days'"),
        ("[demand]\nchanels = []", "did you mean 'channels'"),
        ("[costs]\nhandling_minutes = {}", "go under [demand]"),
        ('[targets]\ntimescale = {}', "did you mean 'timescales'"),
        ('[[system_conditions]]\ncause = ["y"]', "did you mean 'causes'"),
        ("[columns]\ncase_id = 'x'", "'columns.case_id' is not a service-file key"),
        ("[bogus]\nx = 1", "'bogus' is not a service-file key"),
        ('name = "x', "not valid TOML"),
        ("[need\n", "not valid TOML"),
        ("name = 'R'\nname = 'S'", "not valid TOML"),
    ]
    return cases


SERVICE_CASES = _service_cases()


@pytest.mark.parametrize(("body", "words"), SERVICE_CASES,
                         ids=[f"{i}:{c[0][:30]}" for i, c in enumerate(SERVICE_CASES)])
def test_service_file_mistakes_are_one_sentence(home: Path, body: str, words: str) -> None:
    f = home / "service.toml"
    text = body if body.startswith("name") or "'name' is missing" in words \
        else f'name = "Repairs"\n{body}'
    f.write_text(text + "\n", encoding="utf-8")
    _refused(home, ["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--service", str(f)],
             words)
    assert "service.toml" in runner.invoke(app, ["import", str(home / "ok.csv"), "-w",
                                                 str(home / "ws.duckdb"), "--service",
                                                 str(f)]).output


def test_a_binary_service_file_is_one_sentence(home: Path) -> None:
    f = home / "binary.toml"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    _refused(home, ["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--service", str(f)],
             "it is not UTF-8 text")


OPTION_CASES: list[tuple[list[str], str]] = [
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timezone",
      "UTC'; DROP TABLE demands; SELECT '1"], "is not a time zone in the IANA database"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timezone", "Mars/Base"],
     "--timezone: 'Mars/Base' is not a time zone"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timezone", "localtime"],
     "is not a time zone"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timestamp-format", "%Q"],
     "--timestamp-format: '%Q' is not a date format"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timestamp-format", "%"],
     "is not a date format"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timestamp-format", "%Y'"],
     "is not a date and time servicecheck understands"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--delimiter", ";;"],
     "--delimiter: ';;' is not a delimiter"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--delimiter", '"'],
     "is not a delimiter"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--case", 'a"b'],
     "the mapping names a column 'a\"b'"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--case", "x'); DROP TABLE events; --"],
     "that is not in the file"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--activity", "Status"],
     "'Status' for the activity"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--timestamp", "When"],
     "'When' for the timestamp"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--team", "Team"], "for the team"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--resource", "Who"],
     "for the resource"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--start-timestamp", "Begun"],
     "for the start_timestamp"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--citizen-id", "NI"],
     "for the citizen_id"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--wide", "nonsense"],
     "is not COLUMN=ACTIVITY pairs"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--wide", "Closed=Closed"],
     "the case table has no column 'Closed'"),
    (["import", "{home}/missing.csv", "-w", "{home}/ws.duckdb"], "the file does not exist"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--service", "{home}/none.toml"],
     "the service file does not exist"),
    (["import", "{home}/ok.csv", "-w", "{home}/ws.duckdb"],
     "this file's content was imported already"),
    (["import-demand", "{home}/demand.csv", "-w", "{home}/ws.duckdb"],
     "this file's content was imported already"),
    (["import-demand", "{home}/ok.csv", "-w", "{home}/ws.duckdb", "--preset", "bogus"],
     "--preset: 'bogus' is not a known export layout"),
    (["import-demand", "{home}/demand.csv", "-w", "{home}/ws.duckdb", "--map", "verbatim"],
     "'verbatim' is not ROLE=COLUMN"),
    (["import-demand", "{home}/demand.csv", "-w", "{home}/ws.duckdb", "--map", "verbatm=x"],
     "'verbatm' is not a demand column role"),
    (["import-demand", "{home}/demand.csv", "-w", "{home}/ws.duckdb", "--map",
      "verbatim=What'they\"said"], "that is not in the file"),
    (["import-demand", "{home}/demand.csv", "-w", "{home}/ws.duckdb", "--timestamp-format",
      "%Q"], "is not a date format"),
    (["capability", "-w", "{home}/ws.duckdb", "--preset", "bogus"],
     "--preset: 'bogus' is not a rule set"),
    (["capability", "-w", "{home}/ws.duckdb", "--period", "Q"], "'Q' is not a period"),
    (["flow", "-w", "{home}/ws.duckdb", "--where", "priority"], "is not COLUMN=VALUE"),
    (["flow", "-w", "{home}/ws.duckdb", "--where", "colour=red"], "no column 'colour'"),
    (["flow", "-w", "{home}/ws.duckdb", "--overlay", "colour"], "is not an overlay"),
    (["flow", "-w", "{home}/ws.duckdb", "--coverage", "nan"], "is not a share of cases"),
    (["flow", "-w", "{home}/ws.duckdb", "--coverage", "0"], "is not a share of cases"),
    (["flow", "-w", "{home}/ws.duckdb", "--coverage", "1.5"], "is not a share of cases"),
    (["targets", "-w", "{home}/ws.duckdb", "--period", "D"], "'D' is not a period"),
    (["costs", "-w", "{home}/ws.duckdb", "--period", "fortnight"], "is not a period"),
    (["demand", "-w", "{home}/ws.duckdb", "--period", "Y"], "'Y' is not a period"),
    (["summary", "-w", "{home}/ws.duckdb", "--service", "bins"], "no service 'bins'"),
    (["summary", "-w", "{home}/nothing.duckdb"], "the workspace does not exist"),
    (["classify", "-w", "{home}/ws.duckdb", "--accept-above", "2"],
     "is not a confidence threshold"),
    (["classify", "-w", "{home}/ws.duckdb", "--accept-above", "nan"],
     "is not a confidence threshold"),
    (["purge", "--older-than-days", "nan", "-d", "{home}/store.db"], "'nan' is not a number"),
    (["purge", "--older-than-days", "inf", "-d", "{home}/store.db"], "'inf' is not a number"),
    (["purge", "--older-than-days", "0", "-d", "{home}/store.db"], "would delete today's"),
    (["report", "--backend", "postgresql://x@127.0.0.1:1/none"], "needs the table"),
    (["init", "{home}/ok.csv"], "the file exists already"),
]


@pytest.mark.parametrize(("args", "words"), OPTION_CASES,
                         ids=[f"{i}:{' '.join(c[0][:1] + c[0][3:5])}"
                              for i, c in enumerate(OPTION_CASES)])
def test_bad_options_are_one_sentence(home: Path, args: list[str], words: str) -> None:
    _refused(home, args, words)


# files every importer may meet; limits lowered through the environment where needed
def _late_nul() -> bytes:
    return (EVENTS + "C,Reported,2024-01-01 09:00,P1\n" * 5000).encode() + \
        b"D,Rep\x00orted,2024-01-01 09:00,P1\n"


def _bomb() -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as f:
        f.write(b"case_id,activity,timestamp\n")
        f.write(b"A,x,2024-01-01 09:00\n" * 4_000_000)
    return out.getvalue()


def _xlsx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (100 << 20))
    return out.getvalue()


XES_EVENT = ('<trace><string key="concept:name" value="A"/><event>'
             '<string key="concept:name" value="x"/>'
             '<date key="time:timestamp" value="2024-01-01T00:00:00"/></event></trace>')
FILE_CASES: list[tuple[str, bytes, dict[str, str], str]] = [
    ("late_nul.csv", _late_nul(), {}, "row 5005: the file holds a NUL byte"),
    ("bomb.csv.gz", _bomb(), {"SERVICECHECK_MAX_GZIP_RATIO": "50"}, "a compression bomb"),
    ("big.csv.gz", _bomb(), {"SERVICECHECK_MAX_DECOMPRESSED_BYTES": "1000000"},
     "unpacks to more than"),
    # a row may straddle one block boundary, so at twice the limit it is always refused
    ("long_line.csv", (EVENTS + "C," + "x" * 9000 + ",2024-01-01,P1\n").encode(),
     {"SERVICECHECK_MAX_LINE_BYTES": "4096"}, "a row is longer than 4,096 bytes"),
    ("wide.csv", (",".join(f"c{i}" for i in range(30)) + "\n" + "1," * 29 + "1\n").encode(),
     {"SERVICECHECK_MAX_COLUMNS": "20"}, "30 columns, more than the limit of 20"),
    ("limit.csv", EVENTS.encode(), {"SERVICECHECK_MAX_COLUMNS": "many"},
     "SERVICECHECK_MAX_COLUMNS: 'many' is not a limit"),
    ("mixed.csv", b"case_id,activity,timestamp\nA,x,2024-01-05 09:00\nA,y,06/01/2024 10:00\n",
     {}, "ISO 8601 ('2024-01-05 09:00' in row 2) and day-first ('06/01/2024 10:00' in row 3)"),
    ("late_dtd.xes", ('<?xml version="1.0"?>\n<!-- ' + "c" * 300_000 + ' -->\n'
                      '<!DOCTYPE log [\n<!ENTITY e "boom">\n]>\n<log>\n' + XES_EVENT
                      + "\n</log>\n").encode(), {}, "declares a DTD or entities"),
    ("deep.xes", ('<?xml version="1.0"?>\n<log>' + "<a>" * 100 + "</a>" * 100 + XES_EVENT
                  + "</log>\n").encode(), {}, "nests elements more than 64 deep"),
    ("nul.xes", ('<?xml version="1.0"?>\n<log>\n' + XES_EVENT.replace('"x"', '"x\x00"')
                 + "\n</log>\n").encode(), {}, "row 3: the file holds a NUL byte"),
    ("wide.xes", ('<?xml version="1.0"?>\n<log>\n' + XES_EVENT.replace(
        "<event>", "<event>" + "".join(f'<string key="k{i}" value="v"/>' for i in range(30)))
        + "\n</log>\n").encode(), {"SERVICECHECK_MAX_COLUMNS": "20"}, "more than the limit"),
    ("entity_ref.xes", ('<?xml version="1.0"?>\n<log>\n' + XES_EVENT.replace(
        '"x"', '"x &xxe; y"').replace("><", ">\n<") + "\n</log>\n").encode(), {},
     "a value uses an entity XML does not define ('x &xxe; y')"),
    ("bomb.xlsx", _xlsx_bomb(), {}, "a compression bomb"),
    ("big.xlsx", _xlsx_bomb(), {"SERVICECHECK_MAX_DECOMPRESSED_BYTES": "1000"},
     "unpacks to more than 1,000 bytes, the limit"),
    ("quote.csv", b'case_id,activity,timestamp\nA,"open quote,2024-01-01\n' + b"x" * 9000,
     {"SERVICECHECK_MAX_LINE_BYTES": "4096"}, "a row is longer than"),
]


@pytest.mark.parametrize(("name", "data", "env", "words"), FILE_CASES,
                         ids=[c[0] for c in FILE_CASES])
def test_bad_files_are_one_sentence(home: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                    data: bytes, env: dict[str, str], words: str) -> None:
    (home / name).write_bytes(data)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    _refused(home, ["import", f"{{home}}/{name}", "-w", "{home}/ws.duckdb"], words)


DEMAND_FILE_CASES: list[tuple[str, bytes, str]] = [
    ("dmix.csv", b"received_at,channel,verbatim\n2024-01-05 09:00,phone,a\n"
     b"06/01/2024 10:00,phone,b\n", "ISO 8601 ('2024-01-05 09:00' in row 2) and day-first"),
    ("dnul.csv", (DEMANDS + "2024-01-01 09:00,phone,ok\n" * 3000).encode()
     + b"2024-01-01 09:00,phone,n\x00ul\n", "row 3003: the file holds a NUL byte"),
    ("dquote.csv", b"received_at,channel,verbatim\n2024-01-05 09:00,citizen's portal,a\n",
     "channel the service file does not list ('citizen's portal')"),
    ("dwide.csv", (",".join(f"c{i}" for i in range(2001)) + "\n").encode(),
     "2,001 columns, more than the limit of 2,000"),
    ("dempty.csv", b"", "the file is empty"),
]


@pytest.mark.parametrize(("name", "data", "words"), DEMAND_FILE_CASES,
                         ids=[c[0] for c in DEMAND_FILE_CASES])
def test_bad_demand_files_are_one_sentence(home: Path, name: str, data: bytes,
                                           words: str) -> None:
    (home / name).write_bytes(data)
    _refused(home, ["import-demand", f"{{home}}/{name}", "-w", "{home}/ws.duckdb"], words)


def test_the_corpus_is_large() -> None:
    n = (len(SERVICE_CASES) + len(OPTION_CASES) + len(FILE_CASES) + len(EVENT_CASES)
         + len(DEMAND_CASES) + len(DEMAND_FILE_CASES) + 1)
    assert n >= 150, n
