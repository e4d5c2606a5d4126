"""The service-file schema is the one definition: the docs' key reference is made from it,
the docs' tables name only its keys, and `servicecheck init`'s template (with every
commented example switched on) is valid against it."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from servicecheck.service.model import SERVICE_KEYS, Service
from servicecheck.service.schema import key_reference
from servicecheck.service.template import service_template

DOCS = Path(__file__).parent.parent / "docs"


def test_the_key_reference_is_made_from_the_schema() -> None:
    page = (DOCS / "reference" / "service-keys.md").read_text(encoding="utf-8")
    assert page == key_reference(), (
        "regenerate it: python -m servicecheck.service.schema > docs/reference/service-keys.md")
    # every key, and only those, has its row
    rows = re.findall(r"^\| `([a-z_.]+)` \|", page, re.M)
    assert rows == [f"{k}.{s}" if s else k for k, subs in SERVICE_KEYS.items()
                    for s in (subs or ("",))]


def test_the_guide_documents_only_keys_the_schema_has() -> None:
    page = (DOCS / "service-file.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+(?:\.[a-z_]+)?)` \|", page, re.M))
    known = {k for k in SERVICE_KEYS} | {f"{k}.{s}" for k, subs in SERVICE_KEYS.items()
                                          for s in subs}
    assert documented - known == set()
    assert len(documented) > 40


def test_the_init_template_loads_with_every_example_switched_on(tmp_path: Path) -> None:
    text = service_template("Repairs")
    # "# key = value" and "# [table]" lines are examples: switch them all on
    switched = re.sub(r"^# (\[[a-z_]+\]|[a-z_]+ = .*)$", r"\1", text, flags=re.M)
    assert switched.count("\n# ") < text.count("\n# ")
    data = tomllib.loads(switched)
    f = tmp_path / "service.toml"
    f.write_text(switched, encoding="utf-8")
    svc = Service.load(f)
    assert svc.name == "Repairs" and svc.targets is not None
    assert svc.targets.timescales_days == {"P1": 1.0, "P2": 7.0, "P3": 28.0}
    assert svc.redesign_date == "2025-01-06"
    # every key the template shows is one the schema defines
    for key, value in data.items():
        assert key in SERVICE_KEYS
        if isinstance(value, dict):
            assert set(value) <= set(SERVICE_KEYS[key]), key


@pytest.mark.parametrize("name", ['Tenants\' "repairs"', "C:\\path\\to", "two\nlines", "é ✓"])
def test_init_writes_a_file_that_loads_whatever_the_name(tmp_path: Path, name: str) -> None:
    f = tmp_path / "service.toml"
    f.write_text(service_template(name), encoding="utf-8")
    assert Service.load(f).name == name


RICH = {"name": "Repairs", "redesign_date": "2025-01-06", "timezone": "Europe/Belfast",
        "clock": {"start": "Reported", "end": ["Fixed"], "start_at_first_contact": False},
        "need": {"link_column": "need_id", "within_days": 12.5},
        "teams": {"column": "team"}, "flow": {"designed_handoffs": 1},
        "demand": {"types": ["Leak"], "redact_names": True, "cost_per_minute": 0.5,
                   "handling_minutes": {"phone": 6}},
        "changes": [{"date": "2025-03-03", "what": "Scripts removed", "rebase": True},
                    {"date": "2025-01-01", "what": "New form", "by": "Team"}],
        "targets": {"start": ["Raised"], "end": ["Closed"], "priority_column": "priority",
                    "timescales": {"P1": "24h", "P2": "10wd"}, "default": "5wd",
                    "calendar": "scotland", "closures": ["2025-12-29"], "preset": "tsm-rp02",
                    "emergency": ["P1"], "steps": {"investigated": ["Inspection"]},
                    "pause": ["No access"]},
        "costs": {"visit_cost": 28, "activity_minutes": {"Fix": 40}},
        "system_conditions": [{"name": "Targets", "kind": "measures", "causes": ["Closed"]}]}


def test_the_workspace_keeps_every_key_of_the_service() -> None:
    """What a workspace stores of a service reads back as the same service."""
    from servicecheck.service.stored import service_to_dict

    svc = Service.from_dict(RICH)
    assert Service.from_dict(service_to_dict(svc)) == svc
    assert svc.targets is not None and svc.targets.timescales_working_days == {"P2": 10}
    assert [c.date for c in svc.changes] == ["2025-01-01", "2025-03-03"]


def _stored_services() -> list[tuple[str, Service]]:
    """Every service file this repository knows, the richest one above, and the plainest."""
    files = sorted(Path(__file__).parent.parent.glob("examples/*/service.toml"))
    out = [(f.parent.name, Service.load(f)) for f in files]
    out += [("rich", Service.from_dict(RICH)), ("name only", Service.from_dict({"name": "x"})),
            ("template", Service.from_dict(tomllib.loads(service_template("Repairs")))),
            ("import and costs", Service.from_dict({
                "name": "Fines", "import": {"sheet": "Log", "header_row": 2,
                                            "moments": {"Paid on": "Paid"},
                                            "date_order": "month-first",
                                            "timezone": "Europe/Dublin", "max_rejects": 0.1},
                "costs": {"currency": "€", "order_cost": 12.5,
                          "team_cost_per_minute": {"Back office": 0.6},
                          "activity_cost": {"Post": 0.9}},
                "targets": {"start": ["Raised"], "end": ["Closed"], "default": 28,
                            "timescales": {"P1": 1.5}, "due_column": "due",
                            "due_format": "%d/%m/%Y"}}))]
    assert len(files) >= 4  # the examples are found: the test reads them
    return out


@pytest.mark.parametrize(("name", "svc"), _stored_services(), ids=lambda x: str(x)[:20])
def test_a_stored_service_reads_back_without_the_schema(name: str, svc: Service) -> None:
    """A workspace reads its stored service back key for key (``service_from_dict``), not
    through the schema: the same service as the schema makes of the same dict, field by
    field and type by type (a tuple stays a tuple, a float a float)."""
    import json

    from servicecheck.service.stored import service_from_dict, service_to_dict

    stored = json.loads(json.dumps(service_to_dict(svc)))
    mine, schemas = service_from_dict(stored), Service.from_dict(stored)
    assert mine == schemas == dataclasses.replace(svc, path=None), name
    assert repr(mine) == repr(schemas)  # the same types: 6.0, not 6; (), not []


def test_a_service_stored_before_its_newer_keys_reads_back_with_their_defaults() -> None:
    """A workspace written before a key existed never stored it: reading it back gives the
    model's default, as the schema does."""
    import json

    from servicecheck.service.stored import service_from_dict, service_to_dict

    stored = json.loads(json.dumps(service_to_dict(Service.from_dict(RICH))))
    for key in ("calendar", "closures", "emergency", "pause", "steps", "name", "unit"):
        del stored["targets"][key]
    stored["costs"] = {"visit_cost": 28.0}
    del stored["demand"]["redact_names"]
    assert service_from_dict(stored) == Service.from_dict(stored)
