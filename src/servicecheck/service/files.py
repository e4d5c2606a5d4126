"""Writing into a team's service file: the mapping they confirmed, as [columns] and [import],
with the file's own comments and every other key kept as the team wrote them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from servicecheck.io.errors import InputError
from servicecheck.io.propose import Mapping
from servicecheck.service.model import Service


def save_mapping(path: str | Path, mapping: Mapping, *, name: str | None = None) -> Service:
    """Write ``mapping`` into the service file at ``path`` (made, named ``name``, if it does
    not exist): [columns] and [import] replaced; for a case table whose file names no end of
    the clock, [clock] end set to the ending moment; a due-date column as [targets]
    due_column. The file is checked against the
    schema before it replaces the old one; the Service read back is returned."""
    p = Path(path)
    if p.exists():
        try:
            doc = tomlkit.parse(p.read_text(encoding="utf-8-sig"))
        except (TOMLKitError, UnicodeDecodeError) as exc:
            raise InputError(f"the service file could not be read ({exc})", source=str(p),
                             fix="correct it, or save the mapping to a new file") from None
    else:
        doc = tomlkit.document()
        doc["name"] = name or p.stem
    current = Service.from_dict(doc.unwrap(), source=str(p))
    updated = mapping.service(current)
    columns = tomlkit.table()
    for role, column in updated.columns.items():
        columns[role] = column
    doc["columns"] = columns
    reading = tomlkit.table()
    for key, value in updated.reading.keys().items():
        reading[key] = value
    doc["import"] = reading
    if mapping.service_timezone:  # confirmed on upload: the service's own, said in its file
        doc["timezone"] = mapping.service_timezone
    if updated.clock.end and not current.clock.end:
        clock = doc.get("clock") or tomlkit.table()
        clock["end"] = list(updated.clock.end)
        doc["clock"] = clock
    t = updated.targets
    if t is not None and t.due_column and (current.targets is None
                                           or current.targets.due_column != t.due_column):
        # a due date per case: the regime's own deadline (a new regime when there was none)
        targets = doc.get("targets") or tomlkit.table()
        if current.targets is None:
            targets["name"] = t.name
            targets["start"] = list(t.start)
            targets["end"] = list(t.end)
        targets["due_column"] = t.due_column
        doc["targets"] = targets
    text = tomlkit.dumps(doc)
    saved = Service.from_dict(tomlkit.parse(text).unwrap(), source=str(p), path=p)
    fd, tmp = tempfile.mkstemp(dir=p.parent or Path("."), prefix=f".{p.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return saved
