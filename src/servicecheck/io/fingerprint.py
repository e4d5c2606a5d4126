"""What identifies a source: its size and a hash of its bytes, read beside the import.

The hash runs in a thread while the import reads and validates the file (hashlib lets go
of the GIL), so it costs next to no wall time; the workspace records it with the rows in one
transaction, which is what makes a re-run after a kill safe: the file is then already there.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    path: str  # resolved, so that --replace finds an earlier import of the same file
    size: int
    sha256: str


class Fingerprinting:
    """The fingerprint of a file, computed in the background; ``result()`` waits for it."""

    def __init__(self, source: Any) -> None:
        self._result: Fingerprint | None = None
        self._thread: threading.Thread | None = None
        if isinstance(source, str | Path) and Path(source).is_file():
            path = Path(source).resolve()
            self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
            self._thread.start()

    def _run(self, path: Path) -> None:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        self._result = Fingerprint(str(path), size, digest.hexdigest())

    def result(self) -> Fingerprint | None:
        """The fingerprint (None for a DataFrame, or a file that vanished while read)."""
        if self._thread is not None:
            self._thread.join()
        return self._result
