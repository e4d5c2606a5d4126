"""Demand in plain words: the sentences of its findings (demand/findings.py)."""

from __future__ import annotations

import pandas as pd

from servicecheck.demand.findings import findings
from servicecheck.engine.workspace import Reader
from servicecheck.narrative.words import Voice, say_all
from servicecheck.service.model import Service


def demand_lines(workspace: Reader, service: Service, freq: str = "W",
                 need_table: pd.DataFrame | None = None, voice: Voice | None = None
                 ) -> list[str]:
    return say_all(findings(workspace, service, freq, need_table),
                   voice or Voice(tz=service.timezone, currency=service.costs.currency))
