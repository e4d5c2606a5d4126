"""Limits on what an import reads, so that a damaged or hostile file is refused with one
sentence instead of filling the memory: decompressed size, the compression ratio of a gzip
file, line length, column count and XES nesting. Defaults fit a national service's export;
each can be raised with an environment variable (see docs/first-check.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from servicecheck.io.errors import InputError

GIB = 1 << 30
MIB = 1 << 20
ENV = {
    "decompressed_bytes": "SERVICECHECK_MAX_DECOMPRESSED_BYTES",
    "gzip_ratio": "SERVICECHECK_MAX_GZIP_RATIO",
    "line_bytes": "SERVICECHECK_MAX_LINE_BYTES",
    "columns": "SERVICECHECK_MAX_COLUMNS",
    "xes_depth": "SERVICECHECK_MAX_XES_DEPTH",
}
# a gzip file must have inflated this much before its ratio is judged: small files of one
# repeated value compress far better than any real export
RATIO_AFTER = 64 * MIB


@dataclass(frozen=True)
class Limits:
    decompressed_bytes: int = 20 * GIB
    gzip_ratio: int = 200  # real CSV and XES exports compress 5 to 30 times
    line_bytes: int = MIB  # also Arrow's block size: a row must fit in one block
    columns: int = 2000
    xes_depth: int = 64


def limits() -> Limits:
    """The limits in force: the defaults, or what the environment sets."""
    given: dict[str, int] = {}
    for field, var in ENV.items():
        text = os.environ.get(var)
        if text is None:
            continue
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise InputError(f"'{text}' is not a limit", source=var,
                             fix="give a whole number above 0, or unset it for the default")
        given[field] = value
    return Limits(**given)


class _Guarded:
    """A byte stream that counts what it hands Arrow: past the decompressed-size limit, or
    past the ratio a gzip bomb has, or at a NUL byte, it stops the read with a sentence."""

    def __init__(self, inner: Any, path: Path, lim: Limits, *, compressed: bool,
                 refuse_nul: bool) -> None:
        self.inner = inner
        self.path = path
        self.lim = lim
        self.packed = path.stat().st_size if compressed else 0
        self.refuse_nul = refuse_nul
        self.seen = 0
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data: bytes = self.inner.read(n)
        if self.refuse_nul and b"\x00" in data:
            at = self.seen + data.index(b"\x00")
            raise InputError("the file holds a NUL byte, which no text export has",
                             source=str(self.path), row=_line_of(self.path, at),
                             fix="export the log again; the file may be damaged or binary")
        self.seen += len(data)
        if self.packed:
            check_unpacked(self.path, self.seen, self.packed, self.lim)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True
        self.inner.close()

    def __enter__(self) -> _Guarded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def guarded_file(path: Path, lim: Limits, *, refuse_nul: bool = True) -> _Guarded:
    """The file's bytes (decompressed when .gz), read within the limits: a file object."""
    inner = pa.input_stream(str(path), compression="detect")
    return _Guarded(inner, path, lim, compressed=path.name.lower().endswith(".gz"),
                    refuse_nul=refuse_nul)


def guarded_stream(path: Path, lim: Limits, *, refuse_nul: bool = True) -> pa.NativeFile:
    """The same as an Arrow stream."""
    return pa.PythonFile(guarded_file(path, lim, refuse_nul=refuse_nul), mode="r")


def _line_of(path: Path, offset: int) -> int:
    """The line a byte offset falls on (only on the error path: it reads the file again)."""
    lines, left = 1, offset
    with pa.input_stream(str(path), compression="detect") as f:
        while left > 0:
            chunk = f.read(min(left, MIB))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def _size(n: int) -> str:
    return f"{n / GIB:g} GiB" if n >= GIB else f"{n / MIB:g} MiB" if n >= MIB else f"{n:,} bytes"


def check_columns(count: int, source: str, lim: Limits | None = None) -> None:
    cap = (lim or limits()).columns
    if count > cap:
        raise InputError(f"the file has {count:,} columns, more than the limit of {cap:,}",
                         source=source, fix=f"export only the columns the log needs, or raise "
                         f"{ENV['columns']}")


def check_zip(path: Path, lim: Limits | None = None) -> None:
    """An .xlsx is a zip: its members' stated sizes are checked before anything unpacks
    (a zip member cannot inflate past its stated size without failing its CRC)."""
    import zipfile

    if not zipfile.is_zipfile(path):
        return  # an old binary .xls, read as it is
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    check_unpacked(path, unpacked, max(path.stat().st_size, 1), lim or limits())


def check_parquet(path: Path, metadata: Any, lim: Limits | None = None) -> None:
    """A Parquet file's pages unpack to the sizes its footer states: summed and checked
    before a page is read (a small file of one repeated value can unpack to gigabytes)."""
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    check_unpacked(path, unpacked, max(path.stat().st_size, 1), lim or limits())


def check_unpacked(path: Path, unpacked: int, packed: int, lim: Limits) -> None:
    """A compressed file unpacked this far: within the size limit, and not a bomb."""
    if unpacked > lim.decompressed_bytes:
        raise InputError(f"the file unpacks to more than {_size(lim.decompressed_bytes)}, "
                         "the limit", source=str(path),
                         fix=f"split the export, or raise {ENV['decompressed_bytes']}")
    if unpacked > RATIO_AFTER and unpacked > lim.gzip_ratio * packed:
        raise InputError(f"the file unpacks to more than {lim.gzip_ratio} times its size, "
                         "as no real export does (a compression bomb)", source=str(path),
                         fix=f"check where it came from; if it is real, raise "
                         f"{ENV['gzip_ratio']}")
