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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from servicecheck.io.errors import InputError
from servicecheck.io.limits import check_columns, check_zip, guarded_stream, limits
from servicecheck.io.pool import import_pool
from servicecheck.io.sql import literal

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
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
    raise InputError(
        f"'{path.suffix or path.name}' is not a format servicecheck reads",
        source=str(path),
        fix="give a CSV/TSV (optionally .gz), Parquet, Excel .xlsx or XES (.xes/.xes.gz) file",
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
                   encoding: str | None = None) -> RawTable:
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
        first_line = next(iter(csv.reader(io.StringIO(text, newline=""), delimiter=delim)), [])
    except csv.Error as exc:
        raise InputError(f"the header row could not be read ({exc})", source=str(path), row=1,
                         fix="check that the first row holds the column names") from None
    names = [c.strip() for c in first_line]
    _check_header(names, path)
    arrow_enc = {"utf-8-sig": "utf8", "utf-8": "utf8"}.get(enc, enc)
    lim = limits()
    # a row must fit in one block, so the block size is the line-length limit; blocks of
    # 1 MiB read the 1M-event CSV no slower than 16 MiB (0.44 s against 0.74 s, busy machine)
    read_opts = pacsv.ReadOptions(encoding=arrow_enc, block_size=lim.line_bytes,
                                  column_names=names, skip_rows=1)
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
    return RawTable(table, str(path), header_rows=1, kind="text")


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


def _check_header(names: list[str], path: Path) -> None:
    check_columns(len(names), str(path))
    if not any(names):
        raise InputError("the first row (the header) is empty", source=str(path), row=1,
                         fix="put the column names in the first row")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise InputError("this column name appears twice in the header", source=str(path),
                             row=1, column=n, fix="rename one of the two columns")
        seen.add(n)
    for i, n in enumerate(names, start=1):
        if not n:
            raise InputError(f"column {i} of the header has no name", source=str(path), row=1,
                             fix="give every column a name in the first row")


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
        schema = pf.schema_arrow
        _check_header(list(schema.names), path)
        if pf.metadata.num_rows == 0:
            raise InputError("the file has no rows", source=str(path),
                             fix="export it again with its events")
        scan = (f"(SELECT * EXCLUDE (file_row_number), file_row_number AS __row "
                f"FROM read_parquet({literal(str(path.resolve()))}, file_row_number = true))")
        return RawTable(schema.empty_table(), str(path), header_rows=0, kind="parquet",
                        scan=scan, rows=pf.metadata.num_rows)
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"the Parquet file could not be read ({exc})", source=str(path),
                         fix="write the file again; it may be cut short or not Parquet") from None
    _check_header(table.column_names, path)
    if table.num_rows == 0:
        raise InputError("the file has no rows", source=str(path),
                         fix="export it again with its events")
    return RawTable(table, str(path), header_rows=0, kind="parquet")


def read_excel(path: Path, sheet: str | int | None = None) -> RawTable:
    from python_calamine import CalamineWorkbook

    check_zip(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        target = sheet if sheet is not None else 0
        ws = (wb.get_sheet_by_index(target) if isinstance(target, int)
              else wb.get_sheet_by_name(target))
        rows: list[list[Any]] = ws.to_python(skip_empty_area=True)
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise InputError(f"the workbook could not be read ({exc})", source=str(path),
                         fix="save it again from Excel as .xlsx") from None
    if not rows:
        raise InputError("the sheet is empty", source=str(path),
                         fix="put a header row and the events on the first sheet")
    names = [str(c).strip() if c not in (None, "") else "" for c in rows[0]]
    _check_header(names, path)
    cols: dict[str, list[str | None]] = {n: [] for n in names}
    for r in rows[1:]:
        for i, n in enumerate(names):
            v = r[i] if i < len(r) else None
            cols[n].append(_excel_text(v))
    table = pa.table({n: pa.array(v, type=pa.string()) for n, v in cols.items()})
    if table.num_rows == 0:
        raise InputError("the sheet has a header but no rows", source=str(path),
                         fix="put the events under the header")
    return RawTable(table, str(path), header_rows=1, kind="excel")


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


def read_table(source: Any, *, delimiter: str | None = None, encoding: str | None = None,
               sheet: str | int | None = None, in_place: bool = False) -> RawTable:
    """Read a path or DataFrame into a RawTable (XES goes through servicecheck.io.xes)."""
    if not isinstance(source, str | Path):
        return read_dataframe(source)
    path = Path(source)
    if not path.exists():
        raise InputError("the file does not exist", source=str(path),
                         fix="check the path and the file name")
    kind = source_kind(path)
    if kind == "text":
        return read_delimited(path, delimiter=delimiter, encoding=encoding)
    if kind == "parquet":
        return read_parquet(path, in_place=in_place)
    if kind == "excel":
        return read_excel(path, sheet)
    from servicecheck.io.xes import read_xes

    return read_xes(path)
