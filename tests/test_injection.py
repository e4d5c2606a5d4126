"""SQL injection through every option and service-file key that reaches SQL: a time zone, the
case, activity and time column names, channel names, demand types, the service's name,
--where, --timestamp-format, sheet names, and table and column names of a PostgreSQL table
read in place. Each case is accepted as the plain text it is, or refused with one sentence;
every table is intact afterwards (a canary table the payloads aim at keeps its row, and no
table loses a row). And the package builds no SQL by pasting text between quotes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from servicecheck.cli import app

from .xlsx import write_xlsx

runner = CliRunner()
DROP = "'); DROP TABLE canary; --"
# a payload for each way SQL quotes: string literals, identifiers, and none
PAYLOADS = [f"x{DROP}", 'x"); DROP TABLE canary; --', "x; DROP TABLE canary; --",
            "x' OR '1'='1", "x`; DROP TABLE canary"]
EVENTS_HEAD = "case_id,activity,timestamp,priority\n"
TABLES = ("events", "demands", "imports", "services", "canary")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with events, demand and a canary table the payloads try to drop."""
    d = tmp_path_factory.mktemp("injection")
    (d / "ok.csv").write_text(EVENTS_HEAD + "A,Reported,2024-01-01 09:00,P1\n"
                              "A,Fixed,2024-01-03 10:00,P1\n", encoding="utf-8")
    (d / "demand.csv").write_text("received_at,channel,verbatim\n"
                                  "2024-01-01 09:00,phone,my boiler is broken\n",
                                  encoding="utf-8")
    ws = str(d / "ws.duckdb")
    assert runner.invoke(app, ["import", str(d / "ok.csv"), "-w", ws]).exit_code == 0
    assert runner.invoke(app, ["import-demand", str(d / "demand.csv"), "-w", ws]).exit_code == 0
    with duckdb.connect(ws) as con:
        con.execute("CREATE TABLE canary (x INTEGER)")
        con.execute("INSERT INTO canary VALUES (1)")
    return d


def _counts(ws: Path) -> dict[str, int]:
    with duckdb.connect(str(ws), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                 .fetchall()}
        assert set(TABLES) <= names, names
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in TABLES}


def _cases(home: Path) -> list[tuple[str, list[str], str | None]]:
    """(name, arguments, words of the refusal; None: accepted; "": either)."""
    ws = str(home / "ws.duckdb")
    cases: list[tuple[str, list[str], str | None]] = []
    for i, p in enumerate(PAYLOADS):
        # column names: a file whose own header holds the payload, mapped by flag and by file
        name = f"cols{i}.csv"
        head = [f"case {p}", f"activity {p}", f"time {p}", f"priority {p}"]
        quoted = ",".join('"' + h.replace('"', '""') + '"' for h in head)
        (home / name).write_text(f"{quoted}\nB{i},Reported,2024-02-0{i + 1} 09:00,{p}\n"
                                 f"B{i},Fixed,2024-02-0{i + 2} 09:00,{p}\n", encoding="utf-8")
        cases.append((f"column flags {i}", ["import", str(home / name), "-w", ws, "--case",
                                            head[0], "--activity", head[1], "--timestamp",
                                            head[2], "--team", head[3]], None))
        toml = home / f"columns{i}.toml"
        toml.write_text(f'name = "Repairs"\n[columns]\ncase = {_toml(head[0])}\n'
                        f"activity = {_toml(head[1])}\ntimestamp = {_toml(head[2])}\n",
                        encoding="utf-8")
        cases.append((f"column keys {i}", ["import", str(home / name), "-w", ws, "--service",
                                           str(toml)], None))
        cases.append((f"unknown column {i}", ["import", str(home / "ok.csv"), "-w", ws,
                                              "--activity", p], "that is not in the file"))
        # a time zone, by option and by key
        cases.append((f"zone option {i}", ["import", str(home / "ok.csv"), "-w", ws,
                                           "--timezone", p], "is not a time zone"))
        zone = home / f"zone{i}.toml"
        zone.write_text(f'name = "Repairs"\ntimezone = {_toml(p)}\n', encoding="utf-8")
        cases.append((f"zone key {i}", ["import", str(home / "ok.csv"), "-w", ws, "--service",
                                        str(zone)], "is not a time zone"))
        # channel names, demand types and the service's name: values of the service file
        svc = home / f"demand{i}.toml"
        svc.write_text(f"name = {_toml('Repairs ' + p)}\n[demand]\nchannels = "
                       f"[{_toml(p)}, \"phone\"]\ntypes = [{_toml(p)}]\n", encoding="utf-8")
        rows = home / f"demand{i}.csv"
        rows.write_text("received_at,channel,verbatim,demand_type\n" + ",".join(
            ['2024-01-05 09:00', _csv(p), _csv("words " + p), _csv(p)]) + "\n",
            encoding="utf-8")
        cases.append((f"channel and type {i}", ["import-demand", str(rows), "-w", ws,
                                                "--service", str(svc)], None))
        cases.append((f"demand map {i}", ["import-demand", str(rows), "-w", ws, "--map",
                                          f"verbatim={p}"], "that is not in the file"))
        # a strptime format with the payload in it: the times do not read, one sentence
        cases.append((f"format {i}", ["import", str(home / "ok.csv"), "-w", ws,
                                      "--timestamp-format", f"%Y-%m-%d %H:%M{p}"],
                      "is not a date and time servicecheck understands"))
        # --where: a column named by the payload, and a value that is the payload
        cases.append((f"where column {i}", ["flow", "-w", ws, "--service", "ok", "--where",
                                            f"{p}=1"], "no column"))
        # no case has it: the flow of no cases is a sentence, or an empty map
        cases.append((f"where value {i}", ["flow", "-w", ws, "--service", "ok", "--where",
                                           f"priority={p}"], ""))
        # a workbook's sheet: named by the option, and a sheet whose own name is the payload
        book = home / f"book{i}.xlsx"
        sheet = ("s " + p.replace("--", "").replace(";", ""))[:31]
        write_xlsx(book, {sheet: [["case_id", "activity", "timestamp"],
                                  [f"S{i}", "Reported", "2024-03-01 09:00"]]})
        cases.append((f"sheet option {i}", ["import", str(book), "-w", ws, "--sheet", p],
                      "no sheet"))
        cases.append((f"sheet name {i}", ["import", str(book), "-w", ws, "--sheet", sheet],
                      None))
    return cases


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_every_option_and_key_that_reaches_sql_leaves_every_table_intact(home: Path) -> None:
    ws = home / "ws.duckdb"
    cases = _cases(home)
    assert len(cases) >= 60
    for name, args, refused in cases:
        before = _counts(ws)
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            name, result.output)
        if refused is None:
            assert result.exit_code == 0, (name, result.output)
        elif refused == "":
            assert result.exit_code in (0, 2), (name, result.output)
        else:
            assert result.exit_code == 2 and refused in result.output, (name, result.output)
        after = _counts(ws)
        assert after["canary"] == 1, name
        assert all(after[t] >= before[t] for t in TABLES), (name, before, after)
    # what was accepted was kept as the text it is
    with duckdb.connect(str(ws), read_only=True) as con:
        channels = {r[0] for r in con.execute("SELECT DISTINCT channel FROM demands").fetchall()}
        kinds = {r[0] for r in con.execute("SELECT DISTINCT team FROM events").fetchall()}
    assert {p.lower() for p in PAYLOADS} <= channels
    assert set(PAYLOADS) <= kinds


def test_a_postgresql_table_read_in_place_is_left_intact(tmp_path: Path) -> None:
    import psycopg

    from .conftest import fresh_postgres_database

    url, drop = fresh_postgres_database()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, autocommit=True) as con:
            con.execute("CREATE TABLE events (case_id text, activity text, timestamp "
                        "timestamptz)")
            con.execute("INSERT INTO events VALUES ('A', 'Reported', '2024-01-01 09:00Z'), "
                        "('A', 'Fixed', '2024-01-02 09:00Z')")
            con.execute("CREATE TABLE canary (x integer)")
            con.execute("INSERT INTO canary VALUES (1)")
        service = tmp_path / "service.toml"
        cases: list[tuple[list[str], str]] = []
        for p in PAYLOADS:
            cases.append((["--table", f"events{p}"], "there is no table"))
            cases.append((["--table", p], "there is no table"))
        for p in PAYLOADS:
            for key in ("case", "activity", "timestamp"):
                cases.append((["--table", "events", "--columns", f"{key}={p}"], "no column"))
        for args, words in cases:
            body = 'name = "Repairs"\n'
            extra = list(args)
            if "--columns" in extra:
                at = extra.index("--columns")
                key, _, value = extra[at + 1].partition("=")
                body += f"[columns]\n{key} = {_toml(value)}\n"
                del extra[at:at + 2]
            service.write_text(body, encoding="utf-8")
            result = runner.invoke(app, ["capability", "--backend", url, *extra,
                                         "--service-file", str(service)])
            assert result.exit_code == 2 and words in result.output, (args, result.output)
            assert "Traceback" not in result.output
        with psycopg.connect(plain) as con:
            assert con.execute("SELECT count(*) FROM canary").fetchone() == (1,)
            assert con.execute("SELECT count(*) FROM events").fetchone() == (2,)
    finally:
        drop()  # type: ignore[operator]


# -- no SQL from text: the package's own source ------------------------------------------
SRC = Path(__file__).parents[1] / "src" / "servicecheck"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|ATTACH|PRAGMA|COPY)\b|"
                 r"\bSET\s+\w+\s*=")


def sql_pasted(source: str) -> list[str]:
    """Where the code builds SQL by pasting values as text: a value put between quotes in an
    f-string (by hand, or with !r), %-formatting or str.format of SQL, a raw_sql call, or
    SQLAlchemy's text() over anything but a constant. Values must go through
    servicecheck.io.sql's ident/literal or be bound parameters."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if not SQL.search(text):
                continue
            parts = node.values
            for i, part in enumerate(parts):
                if not isinstance(part, ast.FormattedValue):
                    continue
                if part.conversion == ord("r"):
                    found.append(f"line {node.lineno}: a value as its repr() in SQL")
                before = parts[i - 1] if i else None
                after = parts[i + 1] if i + 1 < len(parts) else None
                if (isinstance(before, ast.Constant) and isinstance(after, ast.Constant)
                        and str(before.value)[-1:] in ("'", '"')
                        and str(after.value)[:1] == str(before.value)[-1:]):
                    found.append(f"line {node.lineno}: a value pasted between quotes in SQL")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and \
                isinstance(node.left, ast.Constant) and SQL.search(str(node.left.value)):
            found.append(f"line {node.lineno}: SQL built with %")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "format" and isinstance(node.func.value, ast.Constant) and \
                    SQL.search(str(node.func.value.value)):
                found.append(f"line {node.lineno}: SQL built with str.format")
            elif node.func.attr == "raw_sql":
                found.append(f"line {node.lineno}: raw_sql")
            elif node.func.attr == "text" and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id in ("sa", "sqlalchemy") and not (
                        node.args and isinstance(node.args[0], ast.Constant)):
                found.append(f"line {node.lineno}: sqlalchemy.text over built text")
    return found


@pytest.mark.parametrize(("code", "found"), [
    ("con.execute(f\"SET TimeZone = '{tz}'\")", "between quotes"),
    ("con.execute(f'SELECT * FROM t WHERE a = \"{a}\"')", "between quotes"),
    ("con.execute(f\"SELECT * FROM t WHERE a = {a!r}\")", "repr()"),
    ("con.execute(\"SELECT * FROM t WHERE a = '%s'\" % a)", "with %"),
    ("con.execute(\"DELETE FROM t WHERE a = '{}'\".format(a))", "str.format"),
    ("ibis_con.raw_sql(q)", "raw_sql"),
    ("conn.execute(sa.text(f\"SELECT {a}\"))", "sqlalchemy.text"),
    ("con.execute(f\"SELECT {ident(c)} FROM t WHERE a = ?\", [a])", None),
    ("con.execute(f\"SELECT * FROM t WHERE a = {literal(a)}\")", None),
    ("say(f\"'{name}' is not a column\")", None),
])
def test_the_check_finds_sql_built_from_text(code: str, found: str | None) -> None:
    got = sql_pasted(code)
    assert (found in got[0]) if found else not got, got


def test_the_package_builds_no_sql_from_text() -> None:
    problems = [f"{path.relative_to(SRC)} {p}" for path in sorted(SRC.rglob("*.py"))
                for p in sql_pasted(path.read_text(encoding="utf-8"))]
    assert problems == []
