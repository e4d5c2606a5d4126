"""Ibis's SQL compilers loaded one at a time, as each engine is first used.

Ibis 12's ``ibis.backends.sql.compilers`` package imports the compilers of all twenty engines
it supports (and sqlglot's dialects for each) as soon as one backend loads: on every command
that reads a workspace, 0.2-0.3 s of CPU spent on BigQuery, Snowflake, Oracle and the rest
(measured at load 13: ``import ibis.backends.duckdb`` 0.97-1.18 s, 0.73-0.90 s with this).
``install()`` puts a finder first on ``sys.meta_path`` that hands Ibis the same package with
its names loaded on first use (PEP 562): ``DuckDBCompiler`` loads the ``duckdb`` submodule
alone, ``PostgresCompiler`` the ``postgres`` one. A name it cannot place runs the package's
own code, loading every compiler as Ibis would, so a later Ibis that names things otherwise
is slower, never wrong.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

PACKAGE = "ibis.backends.sql.compilers"


class _LazyCompilers(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != PACKAGE:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if real is None or real.submodule_search_locations is None:
            return None
        spec = ModuleSpec(fullname, self, origin=real.origin, is_package=True)
        spec.submodule_search_locations = real.submodule_search_locations
        spec.has_location = True
        self._real = real
        return spec

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        real = self._real

        def load(name: str) -> object:
            if name.startswith("__"):
                raise AttributeError(name)
            for sub in (name, name.removesuffix("Compiler").lower()):
                try:
                    found = importlib.import_module(f"{PACKAGE}.{sub}")
                except ModuleNotFoundError:
                    continue
                value = found if sub == name else getattr(found, name, None)
                if value is not None:
                    setattr(module, name, value)
                    return value
            # not a name of the usual form: the package's own code, every compiler loaded
            assert real.loader is not None
            del module.__getattr__
            real.loader.exec_module(module)
            return getattr(module, name)

        module.__getattr__ = load  # type: ignore[method-assign]


def install() -> None:
    """Load Ibis's compilers one by one from now on (no effect once Ibis has loaded them)."""
    if PACKAGE not in sys.modules and not any(
            isinstance(f, _LazyCompilers) for f in sys.meta_path):
        sys.meta_path.insert(0, _LazyCompilers())
