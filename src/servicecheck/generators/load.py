"""The synthetic repairs service generated and imported in one step (demo, tests, notebooks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from servicecheck.demand.records import DemandImport, import_demands
from servicecheck.engine.workspace import Workspace
from servicecheck.generators.housing_repairs import Generated, generate
from servicecheck.io.eventlog import import_events
from servicecheck.io.report import ImportReport
from servicecheck.service.model import Service


@dataclass(frozen=True)
class LoadedExample:
    generated: Generated
    workspace: Workspace
    service: Service
    events: ImportReport
    demands: DemandImport


def load_repairs(folder: str | Path, *, events: int = 60000, seed: int = 1,
                 workspace: Workspace | None = None, csv: bool = False,
                 progress: Callable[[int], None] | None = None) -> LoadedExample:
    """Generate the repairs service into ``folder`` and import its events and demands into
    ``workspace`` (a new in-memory one by default)."""
    g = generate(folder, events=events, seed=seed, csv=csv, progress=progress)
    svc = Service.load(g.service_file)
    ws = workspace if workspace is not None else Workspace()
    ev = import_events(ws, g.events_parquet, service=svc)
    dem = import_demands(ws, g.demands_parquet, service=svc)
    return LoadedExample(g, ws, svc, ev, dem)
