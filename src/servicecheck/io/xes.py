"""A streaming XES reader: one trace in memory at a time, no DTDs, no entities, no network.

Trace attributes become ``case:<key>`` columns and event attributes keep their keys, as
PM4Py names them, so the usual column names (``case:concept:name``, ``concept:name``,
``time:timestamp``, ``org:resource``) are recognised without mapping.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from servicecheck.io.errors import InputError
from servicecheck.io.limits import check_columns, guarded_file, limits
from servicecheck.io.xes_columnar import NotLineShaped, UndefinedEntity, read_xes_columnar

_ATTR_TAGS = {"string", "date", "int", "float", "boolean", "id"}
_PROLOG_BYTES = 256 * 1024


_LOCAL_CACHE: dict[object, str] = {}


def _local(tag: object) -> str:
    """The tag without its namespace; a log has a handful of distinct tags, so cache them."""
    name = _LOCAL_CACHE.get(tag)
    if name is None:
        name = _LOCAL_CACHE[tag] = str(tag).rsplit("}", 1)[-1]
    return name


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _open_guarded(path: Path) -> Any:
    """The file's bytes for the XML parser, read within the limits (size, NUL bytes)."""
    return guarded_file(path, limits())


def _refuse_dtd(path: Path) -> None:
    """A DTD or entity declaration can only stand before the root element: look there."""
    try:
        with _open(path) as f:
            head = f.read(_PROLOG_BYTES)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(f"the gzip data are damaged or cut short ({exc})", source=str(path),
                         fix="copy or export the file again, complete") from None
    if not head.strip():
        raise InputError("the file is empty", source=str(path),
                         fix="export the event log again")
    root = head.find(b"<log")
    prolog = head if root < 0 else head[:root]
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        line = prolog[: prolog.upper().find(b"<!")].count(b"\n") + 1
        raise InputError(
            "the XES file declares a DTD or entities, which servicecheck refuses for safety",
            source=str(path), row=line,
            fix="remove the <!DOCTYPE ...> block and export the log again",
        )
    if root < 0 and b"<" not in head[:200]:
        raise InputError("the file is not XML", source=str(path),
                         fix="give an XES event log (.xes or .xes.gz)")


def _dtd_error(path: Path, line: int | None) -> InputError:
    return InputError(
        "the XES file declares a DTD or entities, which servicecheck refuses for safety",
        source=str(path), row=line,
        fix="remove the <!DOCTYPE ...> block and export the log again",
    )


def read_xes(path: Path) -> pa.Table:
    """The events of an XES file as one table (servicecheck.io.tables makes it a RawTable)."""
    _refuse_dtd(path)
    try:
        table = read_xes_columnar(path)
    except UndefinedEntity as exc:
        raise InputError(f"a value uses an entity XML does not define ('{exc}'), which only "
                         "a DTD could declare and servicecheck refuses for safety",
                         source=str(path), fix="export the log again without entities "
                         "(&amp; &lt; &gt; &quot; &apos; are fine)") from None
    except NotLineShaped:
        table = _read_tree(path)  # any other shape, and damaged files, get the XML parser
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(f"the file could not be read to the end ({exc})", source=str(path),
                         fix="copy or export the file again, complete") from None
    check_columns(table.num_columns, str(path))
    if table.num_rows == 0:
        raise InputError("the XES file has no events", source=str(path),
                         fix="check that the export contains traces with events")
    return table


def _read_tree(path: Path) -> pa.Table:
    # loaded here, not with the module: only files that are not line-shaped need the parser
    from lxml import etree

    rows: list[dict[str, str | None]] = []
    keys: dict[str, None] = {}  # every attribute key seen, in first-seen order
    deepest = limits().xes_depth
    depth = 0

    try:
        with _open_guarded(path) as f:
            parser = etree.iterparse(
                f, events=("start", "end"), resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=True, remove_comments=True,
            )
            for what, el in parser:
                if what == "start":
                    depth += 1
                    if depth == 1 and (el.getroottree().docinfo.doctype
                                       or el.getroottree().docinfo.internalDTD is not None):
                        raise _dtd_error(path, None)
                    if depth > deepest:
                        raise InputError(
                            f"the XML nests elements more than {deepest} deep, as no event "
                            "log does", source=str(path), row=el.sourceline,
                            fix="export the log again, or raise SERVICECHECK_MAX_XES_DEPTH")
                    continue
                depth -= 1
                if _local(el.tag) != "trace":
                    continue
                case_attrs: dict[str, str | None] = {}
                events: list[dict[str, str | None]] = []
                for child in el:
                    name = _local(child.tag)
                    if name in _ATTR_TAGS:
                        case_attrs["case:" + child.get("key", "")] = child.get("value")
                    elif name == "event":
                        ev: dict[str, str | None] = {}
                        for c in child:
                            if _local(c.tag) in _ATTR_TAGS:
                                a = c.attrib
                                ev[a.get("key", "")] = a.get("value")
                        events.append(ev)
                for ev in events:
                    ev.update(case_attrs)
                    keys.update(dict.fromkeys(ev))
                    rows.append(ev)
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or None  # lxml says 0 when it has no line
        raise InputError(f"the XML is not well formed ({exc.msg})", source=str(path), row=line,
                         fix="export the log again; the file may be cut short or damaged") from None
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(f"the file could not be read to the end ({exc})", source=str(path),
                         fix="copy or export the file again, complete") from None
    schema = pa.schema([(k, pa.string()) for k in keys])
    return pa.Table.from_pylist(rows, schema=schema)
