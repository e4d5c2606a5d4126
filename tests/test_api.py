"""The public API is what __all__ says: everything servicecheck defines and exposes is listed."""

from __future__ import annotations

import types

import pytest

import servicecheck
from servicecheck import demand, flow, spc


@pytest.mark.parametrize("module", [servicecheck, spc, flow, demand],
                         ids=lambda m: m.__name__)
def test_all_is_exactly_the_public_names(module: types.ModuleType) -> None:
    # dir(), not vars(): the package loads its public names on first use (PEP 562), so a
    # name not yet used is not in vars() but is in dir()
    objects = {n: getattr(module, n) for n in dir(module) if not n.startswith("_")}
    ours = {
        n for n, obj in objects.items()
        if not isinstance(obj, types.ModuleType)
        and getattr(obj, "__module__", "").startswith("servicecheck")
    }
    listed = set(module.__all__) - {"__version__", "PRESETS"}
    assert ours == listed, f"{module.__name__}: defined {ours ^ listed} differ from __all__"
    for name in module.__all__:
        assert hasattr(module, name)


def test_top_level_names() -> None:
    assert {"read_log", "Workspace", "Service", "EventLog", "InputError"} <= set(
        servicecheck.__all__)
