"""Rows an export wrote twice (``measures.quality.copies_findings``): counted among the ties
of case, step and time only, and equal to a GROUP BY over every column of every event, on
logs of every shape a copy can take or nearly take; the same counts read in place on
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from ibis.backends import BaseBackend

from servicecheck import Service, Workspace, import_events
from servicecheck.engine.remote import RemoteWorkspace, connect
from servicecheck.findings import Finding
from servicecheck.measures.quality import copies_findings

from .conftest import fresh_postgres_database

HEADER = "case_id,activity,timestamp,team,resource,note\n"
A = "A,Visit,2024-01-01 09:00,Repairs,r1,boiler\n"  # one event; the cases below vary it
B = "B,Visit,2024-01-02 10:00,Repairs,r2,roof\n"
NULLS = "C,Visit,2024-01-03 11:00,,,\n"  # team, resource and note all empty (null)

# (id, rows after the header, copies, cases with a copy)
CASES = [
    ("none", A + B + NULLS, 0, 0),
    ("one row twice", A + A + B, 1, 1),
    ("one row three times", A + A + A, 2, 1),
    ("two cases, one copy each", A + A + B + B, 2, 2),
    ("many", (A * 5) + (B * 3) + (NULLS * 2), 4 + 2 + 1, 3),
    ("nulls alike in every column they are null in", NULLS + NULLS, 1, 1),
    ("differs only in the team", A + A.replace("Repairs", "Voids"), 0, 0),
    ("differs only in the resource", A + A.replace("r1", "r9"), 0, 0),
    ("differs only in an attribute", A + A.replace("boiler", "tap"), 0, 0),
    ("a null against a value", A + A.replace("Repairs", ""), 0, 0),
    ("ties in time that are not copies: another step",
     A + A.replace("Visit", "Inspect"), 0, 0),
    ("ties in time that are not copies: another case", A + A.replace("A,", "Z,", 1), 0, 0),
    ("the same step a minute later", A + A.replace("09:00", "09:01"), 0, 0),
    ("a tie of three, two of them copies",
     A + A + A.replace("r1", "r9"), 1, 1),
]


def _reference(ws: Workspace, key: str) -> tuple[int, int]:
    """The plain form: a GROUP BY over every column but the row number, on every event."""
    cols = [c for c in ws.events(key).columns if c != "event_index"]
    quoted = ", ".join(f'"{c}"' for c in cols)
    copies, cases = ws.raw.execute(
        f"SELECT coalesce(sum(n - 1), 0), count(DISTINCT case_id) FROM (SELECT case_id, "
        f"count(*) AS n FROM events WHERE service = ? GROUP BY {quoted}) WHERE n > 1",
        [key]).fetchone() or (0, 0)
    return int(copies), int(cases)


def _counted(found: list[Finding]) -> tuple[int, int]:
    if not found:
        return 0, 0
    (f,) = found
    assert f.topic == "quality.copies"
    return f.n, int(f.numbers["cases"].value)


@pytest.fixture(scope="module")
def postgres() -> Iterator[BaseBackend]:
    url, drop = fresh_postgres_database()
    con = connect(url)
    yield con
    con.disconnect()
    drop()  # type: ignore[operator]


@pytest.mark.parametrize(("rows", "copies", "cases"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_copies_among_ties_equal_every_column(rows: str, copies: int, cases: int,
                                              postgres: BaseBackend, tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(HEADER + rows)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        import_events(ws, tmp_path / "log.csv", service=Service(name="s"))
        svc = ws.service("s")
        assert _reference(ws, "s") == (copies, cases)
        assert _counted(copies_findings(ws, svc)) == (copies, cases)
        # the same canonical table read in place, its row number as the order column
        name = f"copies_{tmp_path.name.lower().replace('-', '_')}"
        postgres.create_table(name, ws.raw.execute("SELECT * FROM events").to_arrow_table(),
                              overwrite=True)
    remote = RemoteWorkspace(postgres, replace(svc, columns={}), name,
                             order_column="event_index")
    assert _counted(copies_findings(remote, svc)) == (copies, cases)
