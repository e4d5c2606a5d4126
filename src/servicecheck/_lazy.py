"""Names a package loads on their first use (PEP 562): a package whose modules pull in heavy
libraries (Ibis, DuckDB, scikit-learn) still imports at once for what needs only its light
parts."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, where: dict[str, str], namespace: dict[str, Any]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` loading each name of ``where`` (name -> module) on first
    use and keeping it in ``namespace`` (the package's globals) after, and its ``__dir__``
    (the names loaded or not)."""

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return load, names
