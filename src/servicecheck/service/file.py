"""Changing a service file in place: the same TOML a CLI user edits, with its comments, order
and every key the change does not touch kept (tomlkit), and nothing written unless the whole
result passes the schema."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError
from tomlkit.items import AoT, Item

from servicecheck.io.errors import InputError
from servicecheck.service.model import Service
from servicecheck.service.schema import ServiceKeys, sentence

# what an update sets a key to; None removes the key (and a table left empty by it)
Value = str | float | int | bool | list[Any] | dict[str, Any] | None


def read_data(path: Path) -> dict[str, Any]:
    """The file's contents as plain data (nothing when the file is not there yet)."""
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8-sig"))


def updated(data: Mapping[str, Any], updates: Mapping[str, Value]) -> dict[str, Any]:
    """``data`` with each dotted key of ``updates`` set (or removed, for None)."""
    out = copy.deepcopy(dict(data))
    for key, value in updates.items():
        *tables, leaf = key.split(".")
        where = out
        for name in tables:
            where = where.setdefault(name, {})
        if value is None:
            where.pop(leaf, None)
        else:
            where[leaf] = value
        _drop_empty(out, tables)
    return out


def _drop_empty(root: Any, tables: list[str]) -> None:
    for depth in range(len(tables), 0, -1):
        *up, name = tables[:depth]
        where = root
        for part in up:
            where = where[part]
        if where.get(name) == {}:
            del where[name]


def check(data: Mapping[str, Any], source: str) -> dict[str, InputError]:
    """Every mistake in the data, by dotted key ("targets.timescales.P1", "changes.date"),
    each the sentence the schema's validation gives (empty when it is a valid service file):
    a form shows each beside its field."""
    try:
        ServiceKeys.model_validate(dict(data))
    except ValidationError as exc:
        found: dict[str, InputError] = {}
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
            found.setdefault(key, sentence(error, source))
        return found
    return {}


def save(path: Path, updates: Mapping[str, Value], *,
         start: Mapping[str, Any] | None = None) -> Service:
    """Apply ``updates`` to the service file at ``path`` and return the service it now
    defines; a file not there yet starts from ``start`` (the service as the app knows it).
    Refused with the first mistake, the file untouched, when the result would not be a valid
    service file."""
    text = path.read_text(encoding="utf-8-sig") if path.exists() else \
        tomlkit.dumps(_without_none(dict(start or {})))
    result = updated(tomllib.loads(text), updates)
    found = check(result, str(path))
    if found:
        raise next(iter(found.values()))
    doc = tomlkit.parse(text)
    for key, value in updates.items():
        *tables, leaf = key.split(".")
        where: Any = doc
        for name in tables:
            if name not in where:
                where[name] = tomlkit.table()
            where = where[name]
        if value is None:
            if leaf in where:
                del where[leaf]
        elif isinstance(where.get(leaf), AoT) and isinstance(value, list):
            _tables_in_place(where[leaf], value)
        else:
            where[leaf] = _item(value, leaf)
        _drop_empty(doc, tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return Service.load(path)


def _tables_in_place(tables: AoT, entries: list[dict[str, Any]]) -> None:
    """An array of tables ([[changes]]) set entry by entry where it stands, so the comments
    among them stay."""
    for i, entry in enumerate(entries):
        if i >= len(tables):
            tables.append(tomlkit.table())
        table = tables[i]
        for key in [k for k in table if k not in entry]:
            del table[key]
        table.update(entry)
    while len(tables) > len(entries):
        tables.remove(tables[-1])


def _without_none(value: Any) -> Any:
    """TOML has no null: a key without a value is left out."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def _item(value: Any, key: str) -> Item:
    """A value as TOML writes it: a map as an inline table ({ P1 = "24h" }), a list of maps
    as an array of tables ([[changes]])."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        tables = tomlkit.aot()
        for entry in value:
            t = tomlkit.table()
            t.update(entry)
            tables.append(t)
        return tables
    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update(value)
        return inline
    item: Item = tomlkit.item(value)
    return item

