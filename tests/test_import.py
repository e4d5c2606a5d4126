"""Importing event logs: column roles, timestamps and order, as a user meets them."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from servicecheck import Service, Workspace, import_events, read_log


def test_service_team_column_wins_over_a_column_named_team(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp,team,org:role\nA,Start,2024-01-01 10:00,x,CLERK\n")
    ws = Workspace()
    import_events(ws, f, service=Service.from_dict({"name": "s", "teams": {"column": "org:role"}}))
    assert ws.events().team.execute().tolist() == ["CLERK"]


# value in the file, --timezone, the UTC instant it must become
TIMESTAMPS = [
    ("2024-07-01T12:00:00+00:00", None, "2024-07-01 12:00:00"),
    ("2024-07-01T12:00:00+0100", None, "2024-07-01 11:00:00"),
    ("2024-07-01T12:00:00Z", None, "2024-07-01 12:00:00"),
    ("2024-07-01T12:00:00.250+02:00", None, "2024-07-01 10:00:00.250"),
    ("2024-07-01 12:00", None, "2024-07-01 11:00:00"),  # naive: Europe/London, summer
    ("2024-01-15 12:00", None, "2024-01-15 12:00:00"),  # naive: Europe/London, winter
    ("2024-07-01 12:00", "UTC", "2024-07-01 12:00:00"),
    ("2024-07-01 12:00", "America/New_York", "2024-07-01 16:00:00"),
    ("25/12/2024 14:03", None, "2024-12-25 14:03:00"),
    ("25/12/2024 14:03:09", None, "2024-12-25 14:03:09"),
    ("01/07/2024 09:00", None, "2024-07-01 08:00:00"),  # day first: 1 July
    ("25/12/2024", None, "2024-12-25 00:00:00"),
    ("2024-12-25", None, "2024-12-25 00:00:00"),
    ("25-12-2024 14:03", None, "2024-12-25 14:03:00"),
    ("25.12.2024", None, "2024-12-25 00:00:00"),
    # Excel's UK short date, a two-digit year: it was read as the year 3 (DuckDB's cast reads
    # slashes year first) or the year 24 (its %Y takes two digits), silently
    ("03/04/24 13:05", None, "2024-04-03 12:05:00"),
    ("25/12/24", None, "2024-12-25 00:00:00"),
    ("1/12/24 09:30", None, "2024-12-01 09:30:00"),
    ("25.12.24 14:03", None, "2024-12-25 14:03:00"),
    # as Python reads it for the page (1969-2068); London kept summer time all 1969
    ("25/12/69", None, "1969-12-24 23:00:00"),
    # UK dates with a 12-hour clock, and day-first seconds after dots
    ("13/04/2024 9:00 AM", None, "2024-04-13 08:00:00"),
    ("25/12/2024 02:03:09 PM", None, "2024-12-25 14:03:09"),
    ("25.12.2024 14:03:09", None, "2024-12-25 14:03:09"),
    ("2024/12/25 14:03", None, "2024-12-25 14:03:00"),  # year first with slashes, still read
]


@pytest.mark.parametrize(("value", "tz", "utc"), TIMESTAMPS, ids=[t[0] + f" {t[1]}"
                                                                  for t in TIMESTAMPS])
def test_timestamp_forms(tmp_path: Path, value: str, tz: str | None, utc: str) -> None:
    f = tmp_path / "log.csv"
    f.write_text(f"case_id,activity,timestamp\nA,Start,{value}\n")
    log = read_log(f, timezone=tz)
    got = log.to_pandas()["timestamp"].iloc[0]
    assert str(got.tz) == "UTC"
    assert got == pd.Timestamp(utc, tz="UTC")


def test_explicit_timestamp_format(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Start,02/28/2023 11:45:00 PM\n")
    log = read_log(f, timestamp_format="%m/%d/%Y %I:%M:%S %p", timezone="America/New_York")
    assert log.to_pandas()["timestamp"].iloc[0] == pd.Timestamp("2023-03-01 04:45", tz="UTC")


ROWS = "A,Réparé,2024-01-01 10:00\nA,Fermé €,2024-01-02 10:00\nB,Start,2024-01-01 09:00\n"


# how the same log is written: bytes, file name
def _variants() -> list[tuple[str, bytes, str]]:
    text = "case_id,activity,timestamp\n" + ROWS
    return [
        ("utf-8", text.encode("utf-8"), "log.csv"),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + text.encode("utf-8"), "log.csv"),
        ("cp1252", text.encode("cp1252"), "log.csv"),
        ("semicolons", text.replace(",", ";").encode(), "log.csv"),
        ("tabs", text.replace(",", "\t").encode(), "log.tsv"),
        ("pipes", text.replace(",", "|").encode(), "log.txt"),
        ("gzip", gzip.compress(text.encode()), "log.csv.gz"),
        ("windows newlines", text.replace("\n", "\r\n").encode(), "log.csv"),
        ("quoted", ('"case_id","activity","timestamp"\n' + "\n".join(
            ",".join(f'"{v}"' for v in r.split(",")) for r in ROWS.strip().split("\n"))
            + "\n").encode(), "log.csv"),
    ]


@pytest.mark.parametrize(("label", "data", "name"), _variants(), ids=[v[0] for v in _variants()])
def test_delimited_variants(tmp_path: Path, label: str, data: bytes, name: str) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    df = read_log(f).to_pandas()
    assert df["case_id"].tolist() == ["A", "A", "B"]
    assert df["activity"].tolist() == ["Réparé", "Fermé €", "Start"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "case:concept:name": ["A", "A", "B"],
        "concept:name": ["Réparé", "Fermé €", "Start"],
        "time:timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 10:00",
                                          "2024-01-01 09:00"], utc=True),
        "org:resource": ["x", "y", None],
    })


def test_pandas_polars_parquet_and_excel_agree(tmp_path: Path) -> None:
    import polars as pl

    frame = _frame()
    pq_path = tmp_path / "log.parquet"
    frame.to_parquet(pq_path)
    xlsx = tmp_path / "log.xlsx"
    _write_xlsx(xlsx, frame)
    results = []
    for source in (frame, pl.from_pandas(frame), pq_path, xlsx):
        tz = "UTC" if source is xlsx else None  # Excel stores wall-clock times
        df = read_log(source, timezone=tz).to_pandas()
        results.append(df[["case_id", "activity", "timestamp", "resource"]])
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0], other, check_dtype=False)


def _write_xlsx(path: Path, frame: pd.DataFrame) -> None:
    """A minimal .xlsx written by hand (no Excel writer is a dependency)."""
    import zipfile
    from xml.sax.saxutils import escape

    header = list(frame.columns)
    rows = [header] + [[("" if pd.isna(v) else
                         (v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else str(v)))
                        for v in r] for r in frame.itertuples(index=False)]
    cells = "".join(
        f'<row r="{i + 1}">' + "".join(
            f'<c r="{chr(65 + j)}{i + 1}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for j, v in enumerate(r) if v != "") + "</row>"
        for i, r in enumerate(rows))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + cells +
             "</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{ns}/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                   'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                   'worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{ns}/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="log" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships '
                   f'xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def test_ties_in_time_keep_file_order(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Second,2024-01-01\nA,First,2024-01-01\n"
                 "A,Third,2024-01-01\n")
    from servicecheck.flow import variants

    log = read_log(f)
    assert log.to_pandas()["activity"].tolist() == ["Second", "First", "Third"]
    assert variants(log.table)["activities"].iloc[0] == ["Second", "First", "Third"]


def test_mapped_columns_and_extra_attributes_kept(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("Order,Status,When,Activity,priority\nW1,Raised,2024-01-01 09:00,x,P1\n")
    log = read_log(f, case="Order", activity="Status", timestamp="When")
    df = log.to_pandas()
    assert df["case_id"].tolist() == ["W1"] and df["activity"].tolist() == ["Raised"]
    assert df["priority"].tolist() == ["P1"]
    assert df["Activity (source)"].tolist() == ["x"]  # kept, renamed: DuckDB names are caseless


def test_eventlog_summary_for_notebooks(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Start,2024-01-01\nB,Start,2024-03-01\n,x,2024-01-02\n")
    log = read_log(f)
    assert (log.n_cases, log.n_events) == (2, 2)
    html = log._repr_html_()
    assert "2 events in 2 cases, between 1 Jan 2024 and 1 Mar 2024" in html
    assert "left out: 1 without a case id" in html


# Values padded with whitespace, and values that are only whitespace, read the same from
# every source: Arrow-held tables are trimmed in Arrow, Parquet read in place by DuckDB.
PADDED = pd.DataFrame({
    "case_id": ["  A ", "A", "\t", "B"],
    "activity": ["Start\t", " Fix é ", "Lost", "  "],
    "timestamp": [" 2024-01-01 10:00 ", "2024-01-02 10:00\t", "2024-01-03 10:00",
                  "2024-01-04 10:00"],
    "team": [" Trades ", "   ", None, "Call centre"],
})


@pytest.mark.parametrize("form", ["csv", "dataframe", "parquet"])
def test_whitespace_is_trimmed_and_blank_is_missing(tmp_path: Path, form: str) -> None:
    source: object = PADDED
    if form == "csv":
        source = tmp_path / "log.csv"
        PADDED.to_csv(source, index=False)
    elif form == "parquet":
        source = tmp_path / "log.parquet"
        PADDED.to_parquet(source)
    log = read_log(source, timezone="UTC")
    got = log.to_pandas()
    assert got["case_id"].tolist() == ["A", "A"]
    assert got["activity"].tolist() == ["Start", "Fix é"]
    assert got["team"].tolist()[0] == "Trades" and pd.isna(got["team"].tolist()[1])
    assert got["timestamp"].tolist() == [pd.Timestamp("2024-01-01 10:00", tz="UTC"),
                                         pd.Timestamp("2024-01-02 10:00", tz="UTC")]
    assert log.report is not None
    assert log.report.dropped == {"without a case id": 1, "without an activity": 1,
                                  "without a timestamp": 0}


XES_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<log xes.version="1.0" xmlns="http://www.xes-standard.org">\n'
            '\t<global scope="event">\n\t\t<string key="concept:name" value="__INVALID__"/>\n'
            '\t</global>\n')
EVENT_A = ('\t\t<event>\n\t\t\t<string key="concept:name" value="Start"/>\n'
           '\t\t\t<date key="time:timestamp" value="2024-01-01T10:00:00+00:00"/>\n'
           '\t\t</event>\n')
EVENT_B = ('\t\t<event>\n\t\t\t<string key="concept:name" value="Fix &amp; close"/>\n'
           '\t\t\t<date key="time:timestamp" value="2024-01-02T10:00:00+00:00"/>\n'
           '\t\t\t<string key="org:resource" value="r1"/>\n\t\t</event>\n')
# a trace's body (between <trace> and its events), and whether the fast columnar path reads
# it (True) or must hand the file to the XML parser (False); both must give the same events
XES_SHAPES = [
    ("plain", '\t\t<string key="concept:name" value="A"/>\n', True),
    ("a key given twice: the last counts", '\t\t<string key="concept:name" value="Z"/>\n'
     '\t\t<string key="concept:name" value="A"/>\n', True),
    ("spaces inside tags", '\t\t<string  key="concept:name"  value="A" />\n', True),
    ("comment line", '\t\t<!-- a note -->\n\t\t<string key="concept:name" value="A"/>\n', True),
    ("comment then attribute", '\t\t<!-- n --><string key="concept:name" value="A"/>\n', False),
    ("two attributes on a line", '\t\t<string key="concept:name" value="A"/>'
     '<string key="x" value="1"/>\n', False),
    ("an attribute with a third property", '\t\t<string key="concept:name" value="A" '
     'x="1"/>\n', False),
    ("value before key", '\t\t<string value="A" key="concept:name"/>\n', False),
    ("single quotes", "\t\t<string key='concept:name' value='A'/>\n", False),
    ("nested list", '\t\t<string key="concept:name" value="A"/>\n\t\t<list key="l">\n'
     '\t\t\t<values><string key="v" value="1"/></values>\n\t\t</list>\n', False),
    ("attribute with children", '\t\t<string key="concept:name" value="A">\n'
     '\t\t\t<string key="note" value="n"/>\n\t\t</string>\n', False),
]


@pytest.mark.parametrize(("body", "columnar"), [s[1:] for s in XES_SHAPES],
                         ids=[s[0] for s in XES_SHAPES])
def test_xes_shapes(tmp_path: Path, body: str, columnar: bool) -> None:
    from servicecheck.io.xes import _read_tree
    from servicecheck.io.xes_columnar import NotLineShaped, read_xes_columnar

    path = tmp_path / "log.xes"
    path.write_text(XES_HEAD + "\t<trace>\n" + body + EVENT_A + EVENT_B + "\t</trace>\n</log>\n")
    if columnar:
        fast, tree = read_xes_columnar(path), _read_tree(path)
        assert fast.to_pydict() == tree.select(fast.column_names).to_pydict()
    else:
        with pytest.raises(NotLineShaped):
            read_xes_columnar(path)
    got = read_log(path).to_pandas()
    assert got["case_id"].tolist() == ["A", "A"]
    assert got["activity"].tolist() == ["Start", "Fix & close"]
    assert got["resource"].tolist()[1] == "r1"


def test_an_import_leaves_arrows_allocator_as_it_was(tmp_path: Path) -> None:
    import pyarrow as pa

    from servicecheck import InputError

    before = pa.default_memory_pool().backend_name
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("case_id,activity,timestamp\nA,Start,2024-01-01 10:00\n")
    bad.write_text("case_id,activity,timestamp\nA,Start,never\n")
    assert read_log(good).n_events == 1
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(InputError, match="not a date and time"):
        read_log(bad)
    assert pa.default_memory_pool().backend_name == before


# one validation pass answers for both time columns: which is named, which row, how many more
BAD_TIMES = [
    ("end time", "2024-01-01 10:00,soon\n2024-01-01 11:00,later\n", "timestamp", 2, "'soon'",
     "and 1 more row"),
    ("start time", "tea time,2024-01-01 10:00\n2024-01-01 11:00,2024-01-01 12:00\n",
     "start", 2, "'tea time'", None),
    ("both: the end time is named first", "x,y\nx,y\nx,y\n", "timestamp", 2, "'y'",
     "and 2 more rows"),
]


@pytest.mark.parametrize(("rows", "column", "row", "value", "more"),
                         [b[1:] for b in BAD_TIMES], ids=[b[0] for b in BAD_TIMES])
def test_unreadable_times_are_named(tmp_path: Path, rows: str, column: str, row: int,
                                    value: str, more: str | None) -> None:
    from servicecheck import InputError, Workspace

    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,start,timestamp\n" +
                 "".join(f"A,Work,{line}\n" for line in rows.splitlines()))
    ws = Workspace()
    with pytest.raises(InputError) as err:
        read_log(f, start_timestamp="start", workspace=ws)
    text = str(err.value)
    assert f"row {row}, column '{column}'" in text and value in text
    assert (more in text) if more else "more" not in text
    assert ws.raw.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_a_small_import_leaves_duckdbs_threads_as_they_were(tmp_path: Path) -> None:
    from servicecheck import Workspace

    ws = Workspace()
    before = ws.raw.execute("SELECT current_setting('threads')").fetchone()
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp\nA,Start,2024-01-01 10:00\n")
    import_events(ws, f)  # one row: inserted on one thread
    assert ws.raw.execute("SELECT current_setting('threads')").fetchone() == before
    assert ws.raw.execute("SELECT count(*) FROM events").fetchone() == (1,)


# (the first export, the next, events the service then holds, what the next import says): a
# council's rolling export overlaps the one before; an event it held already counted twice,
# as a step repeated in the flow (rework that never happened)
HEAD = "case_id,activity,timestamp\n"
OVERLAPS = [
    ("A,Reported,2024-03-01 09:00\nA,Visited,2024-03-04 10:00\n",
     "A,Visited,2024-03-04 10:00\nA,Fixed,2024-03-05 11:00\nB,Reported,2024-03-05 12:00\n",
     4, "Imported 3 rows from next.csv: 2 events kept, in 2 cases; left out: 1 held already "
        "from an earlier import (the same case, step and time)."),
    # the same step at another time is a real repeat, and another case's step its own
    ("A,Visited,2024-03-04 10:00\n", "A,Visited,2024-03-09 10:00\nB,Visited,2024-03-04 10:00\n",
     3, "Imported 2 rows from next.csv: 2 events kept, in 2 cases."),
    # equal events within one file are as the file has them
    ("A,Reported,2024-03-01 09:00\n", "B,Called,2024-03-02 09:00\nB,Called,2024-03-02 09:00\n",
     3, "Imported 2 rows from next.csv: 2 events kept, in 1 case."),
    # every event held already: nothing counted twice
    ("A,Reported,2024-03-01 09:00\nA,Fixed,2024-03-02 09:00\n",
     "A,Fixed,2024-03-02 09:00\nA,Reported,2024-03-01 09:00\n",
     2, "Imported 2 rows from next.csv: 0 events kept; left out: 2 held already from an "
        "earlier import (the same case, step and time)."),
]


@pytest.mark.parametrize(("first", "then", "held", "said"), OVERLAPS,
                         ids=["one held", "repeats", "equal in one file", "all held"])
def test_an_export_overlapping_an_earlier_one_adds_each_event_once(
        tmp_path: Path, first: str, then: str, held: int, said: str) -> None:
    from servicecheck.narrative.words import Voice, say

    (tmp_path / "first.csv").write_text(HEAD + first)
    (tmp_path / "next.csv").write_text(HEAD + then)
    svc = Service(name="Repairs")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "first.csv", service=svc)
        report = import_events(ws, tmp_path / "next.csv", service=svc)
        assert ws.events().count().execute() == held
        assert say(report.findings()[0], Voice()) == said
        assert int(ws.import_log()[-1]["rows_kept"]) == report.events  # the log agrees


# (the file's dates, the order given, what the import says of the order): dates that all read
# either way were read day first with nothing said, so an American export (month first) was
# misread without a word; a date that decides it, or an order given, needs no sentence
ASSUMED = "Every date in “timestamp” reads either way (day and month both 12 or less), so " \
          "they were read day first; if they are written month first, import the file " \
          "again with --replace --date-order month-first."
ORDERS_SAID = [
    (["03/04/2024 10:00", "05/04/2024 11:00"], None, ASSUMED),
    (["03/04/24", "05/06/24"], None, ASSUMED),
    (["03/04/2024 10:00", "13/04/2024 11:00"], None, None),  # 13 decides: day first
    (["03/04/2024 10:00", "05/04/2024 11:00"], "day-first", None),
    (["2024-04-03 10:00", "2024-04-05 11:00"], None, None),
    (["45385.41667", "45387.45833"], None, None),  # Excel's day numbers: no order to choose
]


@pytest.mark.parametrize(("dates", "order", "said"), ORDERS_SAID)
def test_dates_read_in_the_default_order_are_said(tmp_path: Path, dates: list[str],
                                                  order: str | None, said: str | None) -> None:
    from servicecheck.narrative.words import Voice, say_all

    f = tmp_path / "log.csv"
    f.write_text(HEAD + "".join(f"A,Step {i},{d}\n" for i, d in enumerate(dates)))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = import_events(ws, f, date_order=order)  # type: ignore[arg-type]
    words = say_all(report.findings(), Voice())[1:]
    assert words == ([said] if said else [])


# values in every form of the lists, with two-digit and four-digit years, and text near them
STRPTIME_VALUES = [
    "03/04/24 13:05", "03/04/2024 13:05", "03/04/24", "03/04/2024", "3/4/4", "03-04-24",
    "03.04.24 13:05:07", "03.04.2024 13:05:07", "03/04/24 01:05 PM", "03/04/2024 01:05:09 PM",
    "2 Jan 24", "2 Jan 2024", "2 January 24 14:05", "2 January 2024 14:05", "02-Jan-24",
    "02-Jan-2024 14:05:06", "03-JAN-24", "12/25/24 02:15:00 PM", "12/25/2024 02:15:00 PM",
    "2024-01-02 09:00", "13:05", "TBC", "", "03/04/2024 13:05:07.12", "99/99/99",
    "03-04-24 13:05", "3-4-4 13:05", "03-04-2024 13:05:07", "3.4.24",
]


@pytest.mark.parametrize("order", ["day-first", "month-first"])
def test_the_list_read_in_two_parts_reads_as_the_list(order: str) -> None:
    """The two-digit-year forms are tried only on text where such a year can be (a day-first
    import of 300k events spent 2.4 s failing them on four-digit years): each value reads
    as TRY_STRPTIME over the whole list reads it."""
    import duckdb

    from servicecheck.io.dates import FORMATS, _strptime_sql
    from servicecheck.io.sql import literals

    forms = FORMATS[order]  # type: ignore[index]
    assert any("%y" in f for f in forms)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in STRPTIME_VALUES])
    got = con.execute(f"SELECT v, {_strptime_sql('v', forms)}, "
                      f"TRY_STRPTIME(v, [{literals(forms)}]) FROM t").fetchall()
    assert [(v, a) for v, a, _ in got] == [(v, b) for v, _, b in got]
    assert sum(a is not None for _, a, _ in got) >= 15  # most of them read
