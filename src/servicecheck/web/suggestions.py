"""Suggestions while a demand is typed: from the first day, the starter model (learned from
the corpus the project keeps); then learned again from what people have classified (the
workspace's confirmed labels and the captures so far), in the background as captures arrive.
A suggestion is shown, never stored as a label: people choose. Below its confidence
threshold a head says nothing ("not sure"), rather than guess."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from servicecheck.service.model import Service

if TYPE_CHECKING:
    from servicecheck.demand.suggest import Suggester

LOG = logging.getLogger("servicecheck.web")
RELEARN_EVERY = 25  # new labelled captures before learning again
COLUMNS = ["verbatim", "nature", "demand_type", "failure_kind"]


@dataclass(frozen=True)
class Suggestion:
    """What is shown for one verbatim: the nature with its confidence, or ``None`` when not
    sure; a failure kind and a demand type only where those heads are shown."""

    nature: str | None
    confidence: float
    failure_kind: str | None = None
    demand_type: str | None = None

    @property
    def trust(self) -> str:
        """The confidence in words: how often suggestions as confident were right."""
        from servicecheck.findings import Finding, share
        from servicecheck.narrative.words import Voice, say

        return say(Finding("demand.suggestion", "suggestion", 1,
                           {"confidence": share(self.confidence)}), Voice())


class LiveSuggester:
    def __init__(self, service: Service, history: pd.DataFrame | None = None) -> None:
        """``history``: confirmed demand from the workspace (verbatim, nature, demand_type,
        failure_kind), learned from together with the captures."""
        self.service = service
        self.history = history if history is not None else pd.DataFrame(columns=COLUMNS)
        self._model: Suggester | None = None
        self._learned_from = 0
        self._busy = threading.Lock()  # one learning at a time
        self.started = threading.Event()  # set once the first learning has run

    def start(self, history: Callable[[], pd.DataFrame | None],
              captured: Callable[[], pd.DataFrame]) -> threading.Thread:
        """The first learning, in a thread: the workspace's confirmed demand and the captures
        so far. Reading and learning from a large workspace took half a minute, and the
        server answers (and people capture, with no suggestion yet) meanwhile."""

        def work() -> None:
            try:
                with self._busy:
                    found = history()
                    if found is not None:
                        self.history = found
                    labelled = captured()
                    self._learn(labelled[labelled["nature"].isin(["value", "failure"])])
            except Exception as exc:
                LOG.warning("suggestions were not learned at start (%s)", type(exc).__name__)
            finally:
                self.started.set()

        # not a daemon: one stopped at exit inside DuckDB aborts the process; stopping the
        # server waits for the first learning instead (seconds on most workspaces)
        thread = threading.Thread(target=work, name="first-learning")
        thread.start()
        return thread

    @property
    def ready(self) -> bool:
        return self._model is not None

    def due(self, labelled: int) -> bool:
        """Whether ``labelled`` classified captures call for learning (again)."""
        return self._model is None or labelled - self._learned_from >= RELEARN_EVERY

    def maybe_learn(self, captured: pd.DataFrame, *, wait: bool = False) -> None:
        """Learn (again) when due: in a thread, so a person typing never waits for it
        (``wait``: here and now, after any learning under way)."""
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
        from servicecheck.demand.labels import fit_suggester  # the learner: loaded when used

        data = pd.concat([self.history[COLUMNS], labelled[COLUMNS]], ignore_index=True)
        data = data[data["nature"].isin(["value", "failure"])].reset_index(drop=True)
        svc = self.service
        self._model = fit_suggester(data, {
            "nature": ["failure", "value"],
            "failure_kind": list(svc.failure_kinds),
            "demand_type": sorted(set(svc.demand_types)
                                  | set(data["demand_type"].dropna().astype(str))),
        })
        self._learned_from = len(labelled)

    def suggest(self, verbatim: str) -> Suggestion | None:
        model = self._model
        if model is None or not verbatim.strip():
            return None
        row = model.suggest([verbatim]).iloc[0]

        def shown(head: str) -> str | None:
            return str(row[head]) if head in row and bool(row[f"{head}_shown"]) else None

        return Suggestion(shown("nature"), float(row["nature_confidence"]),
                          shown("failure_kind"), shown("demand_type"))
