"""Names a package loads on their first use (PEP 562): a package whose modules pull in heavy
libraries (Ibis, DuckDB, scikit-learn) still imports at once for what needs only its light
parts."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, where: dict[str, str], namespace: dict[str, Any]
               ) -> Callable[[str], Any]:
    """A module ``__getattr__`` loading each name of ``where`` (name -> module) on first use
    and keeping it in ``namespace`` (the package's globals) after."""

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    return load
