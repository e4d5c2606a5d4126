"""A minimal .xlsx writer for tests (no Excel writer is a dependency): several sheets, text
and number cells (a number is how Excel keeps a date whose format was lost), merged cells."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

ATTRIBUTE = {'"': "&quot;"}  # a sheet's name is an attribute's value: its quotes escaped too

NS = "http://schemas.openxmlformats.org"
Cell = str | int | float | None


def _col(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _cell(ref: str, v: Cell) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[Cell]], merges: Sequence[str] = ()) -> str:
    cells = "".join(
        f'<row r="{i + 1}">' + "".join(_cell(f"{_col(j)}{i + 1}", v)
                                      for j, v in enumerate(r) if v not in (None, ""))
        + "</row>" for i, r in enumerate(rows))
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(
        f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>") if merges else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}/spreadsheetml/'
            f'2006/main"><sheetData>{cells}</sheetData>{merged}</worksheet>')


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Cell]]],
               merges: dict[str, Sequence[str]] | None = None) -> Path:
    """Write ``sheets`` (name -> rows) to ``path``; ``merges`` names ranges like 'A1:A2'."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(names)))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{NS}/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                   f'sheet.main+xml"/>{overrides}</Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{NS}/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        listed = "".join(f'<sheet name="{escape(n, ATTRIBUTE)}" sheetId="{i + 1}" '
                         f'r:id="rId{i + 1}"/>'
                         for i, n in enumerate(names))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{NS}/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships"><sheets>{listed}</sheets></workbook>')
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}'
            '.xml"/>' for i in range(len(names)))
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships '
                   f'xmlns="{NS}/package/2006/relationships">{rels}</Relationships>')
        for i, n in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                       sheet_xml(sheets[n], (merges or {}).get(n, ())))
    return path
