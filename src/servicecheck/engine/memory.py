"""How much memory DuckDB may take, and where it spills what does not fit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

Config = dict[str, str | bool | int | float | list[str]]


def default_memory_limit() -> str:
    """DuckDB's memory limit when none is given: an eighth of the machine's memory, at most
    768 MiB, so that DuckDB's buffers and the results Python holds stay within 1.5 GB at the
    peak for a 10M-event log (import and flow analysis: 1.39 GB with 768 MiB, 1.65 GB with
    1 GiB, in about the same time). DuckDB's own default (80% of memory) lets one analysis
    of a large log take the memory of a machine that others share; with a limit, the sorts
    and groupings of a log larger than it spill to disk (10M events: 5.3 GB at the peak
    without one, and no faster)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no such figure on this system
        return "768MiB"
    return f"{max(64, min(768, total // 8 // 2**20))}MiB"


def memory_config(path: Path | None, memory_limit: str | None,
                  temp_directory: str | Path | None, *, read_only: bool = False) -> Config:
    """DuckDB's settings for a workspace at ``path`` (None: in memory): the limit given, or
    the default; spilling to ``temp_directory``, or beside the file, or for a workspace in
    memory to a folder of its own in the system's temporary directory (DuckDB makes it when
    it first spills and removes it when it closes). A file opened read-only may be open in
    several processes at once (two reports of one workspace), each spilling: each has a
    folder of its own beside the file, since two spilling into one made one of them crash."""
    config: Config = {"memory_limit": memory_limit or default_memory_limit()}
    if memory_limit:
        # DuckDB's advice for limited memory; every ordered result here says its order
        config["preserve_insertion_order"] = False
    if temp_directory:
        spill = Path(temp_directory)
    elif path is not None:
        spill = Path(f"{path}.tmp-{os.getpid()}-{os.urandom(3).hex()}" if read_only
                     else f"{path}.tmp")
    else:  # one folder each: DuckDB's spill files are not named per process
        spill = Path(tempfile.gettempdir()) / f"servicecheck-{os.getpid()}-{os.urandom(6).hex()}"
    config["temp_directory"] = str(spill)
    return config
