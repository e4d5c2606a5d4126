"""A service's key: every letter of its name kept (transliterated, never dropped), and a
workspace or store written under the key the former rule gave still finds its service."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecheck import Service, Workspace, import_events

# (name, key, the key the former rule gave it: None where the two agree)
KEYS = [
    ("Housing repairs", "housing-repairs", None),
    ("Vorgänge Bauamt", "vorgange-bauamt", "vorg-nge-bauamt"),
    ("Straße & Grün", "strasse-grun", "stra-e-gr-n"),
    ("Café Crème", "cafe-creme", "caf-cr-me"),
    ("Ærø Kommune", "aero-kommune", "r-kommune"),
    ("Łódź licences", "lodz-licences", "d-licences"),
    ("Œuvres sociales", "oeuvres-sociales", "uvres-sociales"),
    ("Ñandú", "nandu", "and"),
    ("Δήμος Αθηναίων", "δημος-αθηναιων", "service"),
    ("  ", "service", None),
    ("repairs_2024 (P1)", "repairs-2024-p1", None),
]


@pytest.mark.parametrize(("name", "key", "former"), KEYS)
def test_a_key_keeps_every_letter(name: str, key: str, former: str | None) -> None:
    svc = Service(name=name)
    assert (svc.key, svc.former_key) == (key, former)
    # as many letters as the name has, each written as a letter
    letters = [c for c in name if c.isalpha()]
    assert sum(c.isalpha() for c in svc.key) >= len(letters)


LOG = "case_id,activity,timestamp\nA,Antrag,2024-01-02 10:00\nA,Bescheid,2024-01-09 10:00\n"


def _old_workspace(tmp_path: Path) -> Path:
    """A workspace as the former rule wrote it: every table names the service 'vorg-nge-bauamt'."""
    path = tmp_path / "ws.duckdb"
    log = tmp_path / "vorgaenge.csv"
    log.write_text(LOG)
    with Workspace(path) as ws:
        import_events(ws, log, service=Service(name="Vorgänge Bauamt"))
        for table in ("events", "services", "imports"):
            ws.raw.execute(f"UPDATE {table} SET service = 'vorg-nge-bauamt'")
    return path


def test_a_workspace_under_the_former_key_still_finds_its_service(tmp_path: Path) -> None:
    path = _old_workspace(tmp_path)
    # read-only, nothing moved: the service and its rows are found by the new key
    with Workspace(path, read_only=True) as ws:
        svc = ws.service()
        assert svc.key == "vorgange-bauamt"
        assert ws.events(svc.key).count().execute() == 2
        assert ws.service("vorgange-bauamt").name == ws.service("vorg-nge-bauamt").name
    # opened to write: every table's rows are filed under the key, in one go
    with Workspace(path) as ws:
        assert ws.services() == ["vorgange-bauamt"]
        assert [r["service"] for r in ws.import_log()] == ["vorgange-bauamt"]
        # a team's script that names the former key still finds the service
        assert ws.service("vorg-nge-bauamt").key == "vorgange-bauamt"
        # the next import lands beside the first, as one service
        later = tmp_path / "later.csv"
        later.write_text(LOG.replace("A,", "B,"))
        import_events(ws, later, service=Service(name="Vorgänge Bauamt"))
        assert ws.services() == ["vorgange-bauamt"]
        assert ws.events("vorgange-bauamt").count().execute() == 4


def test_demand_captured_under_the_former_key_is_read_as_the_services(tmp_path: Path) -> None:
    """The web app's store keeps captures under the key of the day they were made: the
    workspace reads those under the former key as its service's, and the app, on start,
    files them under the key."""
    import datetime as dt

    from servicecheck.engine.captured import link_capture
    from servicecheck.store import open_store
    from servicecheck.store.capture import Capture, demand_frame, store_demand
    from servicecheck.web.app import create_app

    url = f"sqlite:///{tmp_path / 'web.db'}"
    svc = Service(name="Vorgänge Bauamt")
    store = open_store(url)
    store_demand(store, Service(name="vorg-nge-bauamt"), Capture(
        verbatim="Wann kommt mein Bescheid?", channel="phone", nature="failure",
        received_at=dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)), recorded_by="r",
        source="form")
    store.close()
    path = _old_workspace(tmp_path)
    with Workspace(path) as ws:
        link_capture(ws, svc, url)
    with Workspace(path, read_only=True) as ws:
        got = ws.demands(svc.key).to_pandas()
        assert list(got["verbatim"]) == ["Wann kommt mein Bescheid?"]
        assert list(got["service"]) == ["vorgange-bauamt"]
    create_app(url, service=svc)
    store = open_store(url)
    assert list(demand_frame(store, svc)["verbatim"]) == ["Wann kommt mein Bescheid?"]
    store.close()
