"""Suggestions while a demand is typed: learned from what people have classified (the
workspace's confirmed labels and the captures so far), relearned in the background as captures
arrive. A suggestion is shown, never stored as a label: people choose."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

from servicecheck.demand.labels import fit_suggester
from servicecheck.demand.suggest import Suggester
from servicecheck.service.model import Service

MIN_LABELS = 10
RELEARN_EVERY = 25  # new labelled captures before learning again


@dataclass(frozen=True)
class Suggestion:
    nature: str
    confidence: float
    demand_type: str | None


class LiveSuggester:
    def __init__(self, service: Service, history: pd.DataFrame | None = None) -> None:
        """``history``: confirmed demand from the workspace (verbatim, nature, demand_type,
        failure_kind), learned from together with the captures."""
        self.service = service
        self.history = history if history is not None else pd.DataFrame(
            columns=["verbatim", "nature", "demand_type", "failure_kind"])
        self._model: Suggester | None = None
        self._learned_from = 0
        self._busy = threading.Lock()  # one learning at a time

    @property
    def ready(self) -> bool:
        return self._model is not None

    def due(self, labelled: int) -> bool:
        """Whether ``labelled`` classified captures call for learning (again)."""
        if self._model is None:
            return labelled + len(self.history) >= MIN_LABELS
        return labelled - self._learned_from >= RELEARN_EVERY

    def maybe_learn(self, captured: pd.DataFrame, *, wait: bool = False) -> None:
        """Learn again when enough new labelled captures have arrived: in a thread, so a
        person typing never waits for it (``wait``: here and now, after any learning under
        way)."""
        labelled = captured[captured["nature"].isin(["value", "failure"])]
        if wait:
            with self._busy:
                if self.due(len(labelled)):
                    self._learn(labelled)
            return
        if not self.due(len(labelled)) or not self._busy.acquire(blocking=False):
            return

        def work() -> None:
            try:
                self._learn(labelled)
            finally:
                self._busy.release()

        threading.Thread(target=work, daemon=True).start()

    def _learn(self, labelled: pd.DataFrame) -> None:
        cols = ["verbatim", "nature", "demand_type", "failure_kind"]
        data = pd.concat([self.history[cols], labelled[cols]], ignore_index=True)
        data = data[data["nature"].isin(["value", "failure"])]
        if len(data) < MIN_LABELS or data["nature"].nunique() < 2:
            return
        svc = self.service
        self._model = fit_suggester(data.reset_index(drop=True), {
            "nature": ["failure", "value"],
            "demand_type": sorted(set(svc.demand_types)
                                  | set(data["demand_type"].dropna().astype(str))),
        })
        self._learned_from = len(labelled)

    def suggest(self, verbatim: str) -> Suggestion | None:
        model = self._model
        if model is None or not verbatim.strip():
            return None
        row = model.suggest([verbatim]).iloc[0]
        return Suggestion(str(row["nature"]), float(row["nature_confidence"]),
                          str(row["demand_type"]) if "demand_type" in row else None)
