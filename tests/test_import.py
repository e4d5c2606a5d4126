"""Importing event logs: column roles, timestamps and order, as a user meets them."""

from __future__ import annotations

from pathlib import Path

from servicecheck import Service, Workspace, import_events


def test_service_team_column_wins_over_a_column_named_team(tmp_path: Path) -> None:
    f = tmp_path / "log.csv"
    f.write_text("case_id,activity,timestamp,team,org:role\nA,Start,2024-01-01 10:00,x,CLERK\n")
    ws = Workspace()
    import_events(ws, f, service=Service.from_dict({"name": "s", "teams": {"column": "org:role"}}))
    assert ws.events().team.execute().tolist() == ["CLERK"]
