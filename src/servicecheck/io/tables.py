"""Read any supported source into an Arrow table, without interpreting its columns yet.

Delimited text is read as strings (so that a bad timestamp can be reported by its row);
Parquet, Excel and DataFrames keep their types. XES has its own streaming reader.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from servicecheck.io.errors import InputError
from servicecheck.io.header import (
    SCAN_ROWS,
    choose_sheet,
    filled,
    find_header,
    header_at,
    spread_merges,
)
from servicecheck.io.limits import (
    check_columns,
    check_parquet,
    check_zip,
    guarded_file,
    guarded_stream,
    limits,
)
from servicecheck.io.pool import import_pool
from servicecheck.io.sql import literal

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
JSON_SUFFIXES = (".json", ".json.gz")
XES_SUFFIXES = (".xes", ".xes.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawTable:
    """A source read into Arrow, with what a person needs to find a row in the original.

    A source DuckDB reads in place (Parquet) has ``scan`` set: a table expression yielding
    its columns and ``__row`` (the file's row order); ``table`` then holds the schema only.
    """

    table: pa.Table
    source: str
    header_rows: int  # rows before the first record (1 for a delimited file with a header)
    kind: str
    scan: str | None = None
    rows: int | None = None
    rows_per_record: int = 1  # a case table widened into events has several per source row
    stamp_columns: tuple[str, ...] = ()  # a widened case table: the date column of each
    sheet: str | None = None  # the workbook's sheet read
    # a workbook's columns whose every filled cell the sheet types as a number (a date whose
    # format was lost is one: its serial day number, whatever the header's language)
    number_columns: tuple[str, ...] = ()

    @property
    def num_rows(self) -> int:
        return self.rows if self.rows is not None else int(self.table.num_rows)


def source_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(XES_SUFFIXES):
        return "xes"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(EXCEL_SUFFIXES):
        return "excel"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    raise InputError(
        f"'{path.suffix or path.name}' is not a format servicecheck reads",
        source=str(path),
        fix="give a CSV/TSV (optionally .gz), Parquet, Excel .xlsx, XES (.xes/.xes.gz) or "
        "Open311 JSON file",
    )


def _head_bytes(path: Path) -> bytes:
    """The first bytes of the file, decompressed when it is gzip."""
    with path.open("rb") as raw:
        magic = raw.read(2)
    try:
        if magic == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                return f.read(SNIFF_BYTES)
        with path.open("rb") as f:
            return f.read(SNIFF_BYTES)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(
            f"the gzip data are damaged or cut short ({exc})",
            source=str(path),
            fix="copy or export the file again, complete",
        ) from None


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, the usual Windows export."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # a multi-byte character may be cut at the end of the sample: ignore the last 3 bytes
        head[: max(len(head) - 3, 0)].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        # five byte values are unassigned in cp1252; Latin-1 reads any byte
        return "latin-1"


def detect_delimiter(text: str, path: Path) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if path.name.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_delimited(path: Path, *, delimiter: str | None = None,
                   encoding: str | None = None, header_row: int | None = None) -> RawTable:
    """Delimited text as strings; the header found under any title rows (or the row named)."""
    head = _head_bytes(path)
    if not head.strip():
        raise InputError("the file is empty", source=str(path),
                         fix="export the log again with a header row and at least one event")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("the file holds NUL bytes, so it is not delimited text",
                         source=str(path),
                         fix="export the log again as CSV, or give the Parquet, Excel or XES file")
    enc = encoding or detect_encoding(head)
    text = head.decode(enc, errors="replace")
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1 or delimiter in "\"\r\n":
            raise InputError(f"'{delimiter}' is not a delimiter", source="--delimiter",
                             fix="give one character, such as , or ; or | (or \\t for a tab)")
    if text.lstrip().startswith("<?xml") or text.lstrip().startswith("<log"):
        raise InputError("the file holds XML, not delimited text", source=str(path),
                         fix="rename it to .xes (or .xes.gz) if it is an XES event log")
    delim = delimiter or detect_delimiter(text, path)
    try:
        records, lines = _first_records(text, delim)
    except csv.Error as exc:
        raise InputError(f"the header row could not be read ({exc})", source=str(path), row=1,
                         fix="check that the first row holds the column names") from None
    found = (header_at(records, header_row, str(path)) if header_row
             else find_header(records))
    names = list(found.names)
    _check_header(names, path, row=lines[found.index] if lines else 1)
    skip = lines[found.index] if lines else 1
    arrow_enc = {"utf-8-sig": "utf8", "utf-8": "utf8"}.get(enc, enc)
    lim = limits()
    # a row must fit in one block, so the block size is the line-length limit; blocks of
    # 1 MiB read the 1M-event CSV no slower than 16 MiB (0.44 s against 0.74 s, busy machine)
    read_opts = pacsv.ReadOptions(encoding=arrow_enc, block_size=lim.line_bytes,
                                  column_names=names, skip_rows=skip)
    parse_opts = pacsv.ParseOptions(delimiter=delim, newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in names},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    try:
        stream = guarded_stream(path, lim, refuse_nul=not enc.startswith("utf-16"))
        table = pacsv.read_csv(stream, read_options=read_opts, parse_options=parse_opts,
                               memory_pool=import_pool(),
                               convert_options=convert)
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):
            raise InputError(f"a row is longer than {lim.line_bytes:,} bytes, the limit",
                             source=str(path), fix="check that the file is a delimited log "
                             "(a quote left open makes one row of the rest), or raise "
                             "SERVICECHECK_MAX_LINE_BYTES") from None
        raise _arrow_error(exc, path) from None
    except UnicodeDecodeError:
        raise InputError(f"the file is not text in the {enc} encoding it appears to use",
                         source=str(path),
                         fix="save it as UTF-8 CSV, or give the right --encoding") from None
    except (OSError, EOFError) as exc:
        raise InputError(
            f"the file could not be read to the end ({exc})",
            source=str(path),
            fix="copy or export the file again, complete",
        ) from None
    if table.num_rows == 0:
        raise InputError("the file has a header but no rows", source=str(path),
                         fix="export the log again with its events")
    return RawTable(table, str(path), header_rows=skip, kind="text")


def _first_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records of delimited text, and the line each ends on (a line break in a
    quoted value makes a record longer than a line)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    lines: list[int] = []
    for record in reader:
        records.append(record)
        lines.append(reader.line_num)
        if len(records) >= SCAN_ROWS:
            break
    return records, lines


def _arrow_error(exc: Exception, path: Path) -> InputError:
    msg = str(exc)
    row = None
    if "Expected" in msg and "columns" in msg:
        # Arrow says e.g. "CSV parse error: Expected 4 columns, got 3: a,b,c"
        problem = msg.split(":", 1)[-1].strip().split(":")[0]
        return InputError(
            f"a row has the wrong number of fields ({problem})",
            source=str(path),
            row=row,
            fix="check the delimiter and quoting of that row, or pass --delimiter",
        )
    return InputError(f"the file could not be parsed ({msg.splitlines()[0]})",
                      source=str(path), fix="check that it is delimited text with a header row")


def _check_header(names: list[str], path: Path, row: int = 1) -> None:
    check_columns(len(names), str(path))
    if not any(names):
        raise InputError("the header row is empty", source=str(path), row=row,
                         fix="put the column names in one row above the records")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise InputError("this column name appears twice in the header", source=str(path),
                             row=row, column=n, fix="rename one of the two columns")
        seen.add(n)
    for i, n in enumerate(names, start=1):
        if not n:
            raise InputError(f"column {i} of the header has no name", source=str(path),
                             row=row, fix="give every column a name in the header row, or "
                             "name the header row with --header-row")


def read_parquet(path: Path, *, in_place: bool = False) -> RawTable:
    """Parquet as Arrow, or (``in_place``) its schema and a DuckDB scan of the file itself:
    DuckDB reads Parquet in parallel and nothing is copied into Python first."""
    import pyarrow.parquet as pq

    if in_place:
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"the Parquet file could not be read ({exc})", source=str(path),
                             fix="write the file again; it may be cut short or not Parquet"
                             ) from None
        check_parquet(path, pf.metadata)
        schema = pf.schema_arrow
        _check_header(list(schema.names), path)
        if pf.metadata.num_rows == 0:
            raise InputError("the file has no rows", source=str(path),
                             fix="export it again with its events")
        scan = (f"(SELECT * EXCLUDE (file_row_number), file_row_number AS __row "
                f"FROM read_parquet({literal(str(path.resolve()))}, file_row_number = true))")
        # no rows, only the columns (Schema.empty_table would load pandas: 0.6 s of CPU)
        return RawTable(pa.Table.from_batches([], schema=schema), str(path), header_rows=0,
                        kind="parquet", scan=scan, rows=pf.metadata.num_rows)
    try:
        check_parquet(path, pq.ParquetFile(path).metadata)
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"the Parquet file could not be read ({exc})", source=str(path),
                         fix="write the file again; it may be cut short or not Parquet") from None
    _check_header(table.column_names, path)
    if table.num_rows == 0:
        raise InputError("the file has no rows", source=str(path),
                         fix="export it again with its events")
    return RawTable(table, str(path), header_rows=0, kind="parquet")


def read_excel(path: Path, sheet: str | int | None = None, *,
               header_row: int | None = None) -> RawTable:
    """A workbook's table: the sheet that looks like one (or the one named), its header
    found under any title rows and merged group headings (or the row named)."""
    from python_calamine import CalamineWorkbook

    check_zip(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        if sheet is None:
            sheets = [(n, _sheet_rows(wb.get_sheet_by_name(n))[0]) for n in names]
            chosen: str | int = choose_sheet(sheets, str(path)) or 0
        elif isinstance(sheet, int) or sheet in names:
            chosen = sheet
        else:
            raise InputError(f"the workbook has no sheet '{sheet}'", source=str(path),
                             fix=f"choose one of: {', '.join(names)}")
        ws = (wb.get_sheet_by_index(chosen) if isinstance(chosen, int)
              else wb.get_sheet_by_name(chosen))
        rows, merges = _sheet_rows(ws)
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise InputError(f"the workbook could not be read ({exc})", source=str(path),
                         fix="save it again from Excel as .xlsx") from None
    sheet_name = str(ws.name)
    if not any(any(filled(v) for v in r) for r in rows):
        raise InputError("the sheet is empty", source=f"{path}, sheet '{sheet_name}'",
                         fix="put a header row and the records on the sheet, or choose "
                         "another with --sheet")
    rows = spread_merges(rows, merges)
    found = header_at(rows, header_row, str(path)) if header_row else find_header(rows)
    body = rows[found.index + 1:]
    # columns with neither a name nor a value are a sheet's formatted margin, not data
    keep = [i for i, n in enumerate(found.names)
            if n or any(i < len(r) and filled(r[i]) for r in body)]
    names_kept = [found.names[i] for i in keep]
    _check_header(names_kept, path, row=found.index + 1)
    cols: dict[str, list[str | None]] = {n: [] for n in names_kept}
    last = max((j for j, r in enumerate(body) if any(filled(v) for v in r)), default=-1)
    for r in body[:last + 1]:
        for i, n in zip(keep, names_kept, strict=True):
            cols[n].append(_excel_text(r[i] if i < len(r) else None))
    table = pa.table({n: pa.array(v, type=pa.string()) for n, v in cols.items()})
    if table.num_rows == 0:
        raise InputError("the sheet has a header but no rows", source=str(path),
                         fix="put the records under the header")
    numbers = tuple(n for i, n in zip(keep, names_kept, strict=True)
                    if _numbers_only(r[i] if i < len(r) else None for r in body[:last + 1]))
    return RawTable(table, str(path), header_rows=found.index + 1, kind="excel",
                    sheet=sheet_name, number_columns=numbers)


def _numbers_only(cells: Iterable[Any]) -> bool:
    """Whether every filled cell is typed as a number (True and False are not), and one is."""
    seen = False
    for v in cells:
        if v is None or v == "":
            continue
        if isinstance(v, bool) or not isinstance(v, int | float):
            return False
        seen = True
    return seen


def sheet_names(path: Path) -> tuple[str, ...]:
    """A workbook's sheets, in order (none for any other file, or a workbook that cannot be
    read: reading it then says why)."""
    if not path.name.lower().endswith(EXCEL_SUFFIXES):
        return ()
    from python_calamine import CalamineWorkbook

    try:
        check_zip(path)
        return tuple(str(n) for n in CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # calamine's own error types; read_excel names the problem
        return ()


def _sheet_rows(ws: Any) -> tuple[list[list[Any]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A sheet's rows from A1 (so a row's number is the one Excel shows) and its merges."""
    rows: list[list[Any]] = ws.to_python(skip_empty_area=False)
    merges = [((int(a[0]), int(a[1])), (int(b[0]), int(b[1])))
              for a, b in (ws.merged_cell_ranges or [])]
    return rows, merges


def _excel_text(v: Any) -> str | None:
    import datetime as dt

    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_dataframe(df: Any) -> RawTable:
    mod = type(df).__module__
    if mod.startswith("polars"):
        table = df.to_arrow()
    elif mod.startswith("pandas"):
        table = pa.Table.from_pandas(df, preserve_index=False)
    elif isinstance(df, pa.Table):
        table = df
    else:
        raise InputError(f"a {type(df).__name__} is not a table servicecheck reads",
                         source="DataFrame",
                         fix="pass a pandas or polars DataFrame, or a file path")
    _check_header([str(c) for c in table.column_names], Path("DataFrame"))
    if table.num_rows == 0:
        raise InputError("the DataFrame has no rows", source="DataFrame",
                         fix="pass a DataFrame with events")
    return RawTable(table, "DataFrame", header_rows=0, kind="dataframe")


def read_json(path: Path) -> RawTable:
    """Service requests as JSON: an array of records, one per request (Open311 GeoReport v2's
    requests.json, or any export of that shape), every value read as text."""
    import json

    lim = limits()
    try:
        with guarded_file(path, lim) as f:
            data = json.loads(f.read(lim.decompressed_bytes + 1))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"the file is not JSON ({exc})", source=str(path),
                         fix="give the requests as a JSON array of records, or the file as "
                         "CSV") from None
    if isinstance(data, dict):  # {"requests": [...]}: the one list inside
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else data
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError("the JSON is not a list of records", source=str(path),
                         fix="give an array of objects, one per request, as Open311 "
                         "GeoReport v2 writes them")
    names: dict[str, None] = {}
    for record in data:
        names.update(dict.fromkeys(str(k) for k in record))
    check_columns(len(names), str(path), lim)
    if not data:
        raise InputError("the file holds no records", source=str(path),
                         fix="export it again with its requests")
    columns = {n: pa.array([_json_text(r.get(n)) for r in data], type=pa.string())
               for n in names}
    if names.keys() >= OPEN311_CLOSING and "closed_datetime" not in names:
        # Open311 GeoReport v2 has no closing time: a closed request's updated_datetime is
        # when it closed; an open one's is only its latest change (so it is not a moment)
        closed = [r.get("updated_datetime") if str(r.get("status", "")).lower() == "closed"
                  else None for r in data]
        columns["closed_datetime"] = pa.array([_json_text(v) for v in closed], pa.string())
    return RawTable(pa.table(columns), str(path), header_rows=0, kind="json")


OPEN311_CLOSING = {"requested_datetime", "updated_datetime", "status"}


def _json_text(value: Any) -> str | None:
    import json

    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def read_table(source: Any, *, delimiter: str | None = None, encoding: str | None = None,
               sheet: str | int | None = None, header_row: int | None = None,
               in_place: bool = False) -> RawTable:
    """Read a path or DataFrame into a RawTable (XES goes through servicecheck.io.xes)."""
    if not isinstance(source, str | Path):
        return read_dataframe(source)
    path = Path(source)
    if not path.exists():
        raise InputError("the file does not exist", source=str(path),
                         fix="check the path and the file name")
    kind = source_kind(path)
    if kind == "text":
        return read_delimited(path, delimiter=delimiter, encoding=encoding,
                              header_row=header_row)
    if kind == "parquet":
        return read_parquet(path, in_place=in_place)
    if kind == "excel":
        return read_excel(path, sheet, header_row=header_row)
    if kind == "json":
        return read_json(path)
    from servicecheck.io.xes import read_xes

    return RawTable(read_xes(path), str(path), header_rows=0, kind="xes")
