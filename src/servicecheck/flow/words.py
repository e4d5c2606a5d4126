"""The flow in plain words: the sentences of its findings (flow/findings.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ibis.expr.types import Table

from servicecheck.engine.workspace import Reader
from servicecheck.flow.findings import findings
from servicecheck.narrative.words import Voice, say_all
from servicecheck.service.model import Service

if TYPE_CHECKING:
    import pandas as pd


def flow_lines(workspace: Reader, service: Service, top: int = 5,
               events: Table | None = None, voice: Voice | None = None,
               need_table: pd.DataFrame | None = None) -> list[str]:
    """What the flow shows, in sentences; ``events`` may be a slice of the service's events,
    ``need_table`` the service's needs (``measures.needs.needs``) when read already."""
    return say_all(findings(workspace, service, top, events, need_table),
                   voice or Voice(tz=service.timezone))
