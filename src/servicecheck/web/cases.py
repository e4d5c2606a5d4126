"""Case references a capture may name: the cases (and needs) of the attached workspace's log,
read once per change of the workspace file, so a mistyped reference is caught at the counter
rather than found unjoined in the report."""

from __future__ import annotations

import threading
from pathlib import Path

from servicecheck.io.errors import InputError


class CaseIndex:
    """The references of one service's cases in a workspace file, reloaded when it changes."""

    def __init__(self, workspace: Path, service: str) -> None:
        self.workspace = workspace
        self.service = service
        self._refs: frozenset[str] = frozenset()
        self._mtime: float | None = None
        self._lock = threading.Lock()

    def known(self, ref: str) -> bool:
        """Whether ``ref`` is a case or need of the service. A workspace that cannot be read
        just now (an import holds it) checks nothing: a demand is never refused for that."""
        refs = self._load()
        return refs is None or ref in refs

    def _load(self) -> frozenset[str] | None:
        from servicecheck.engine.workspace import Workspace

        try:
            mtime = self.workspace.stat().st_mtime
        except OSError:
            return None
        with self._lock:
            if mtime != self._mtime:
                try:
                    with Workspace(self.workspace, read_only=True) as ws:
                        ev = ws.events(self.service)
                        refs = ev.select(ev.case_id, ev.need_id).distinct().to_pyarrow()
                        self._refs = frozenset(refs["case_id"].to_pylist()) | frozenset(
                            r for r in refs["need_id"].to_pylist() if r is not None)
                except (InputError, OSError):  # InputError: an import holds the file
                    return None
                self._mtime = mtime
            return self._refs if self._refs else None  # an empty log checks nothing
