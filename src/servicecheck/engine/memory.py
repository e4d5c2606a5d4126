"""How much memory DuckDB may take, where it spills what does not fit, and what a person is
told when the work does not fit even so."""

from __future__ import annotations

import errno
import functools
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

from servicecheck.io.errors import InputError, OutOfMemoryError

Config = dict[str, str | bool | int | float | list[str]]

# The limit every workspace this process opens takes when its caller gives none: set by the
# command line's `--memory-limit` (before any workspace opens), or by whoever starts the
# process (a server's unit file), so the command line and the web app need no option each.
MEMORY_LIMIT_ENV = "SERVICECHECK_MEMORY_LIMIT"


@functools.lru_cache(maxsize=16)  # asked at every workspace a server opens: once per value
def check_memory_limit(text: str, *, source: str) -> str:
    """An amount of memory DuckDB understands ("2GB", "1500MB", "3GiB"), or one sentence
    naming where it was given. DuckDB itself is the judge: it knows its units."""
    import duckdb

    try:
        duckdb.connect(config={"memory_limit": text}).close()
    except duckdb.Error:
        raise InputError(f"'{text}' is not an amount of memory", source=source,
                         fix="write it like 2GB, 1500MB or 3GiB") from None
    return text


def memory_limit() -> str:
    """The limit a workspace opened without one takes: the environment's, or the default."""
    return os.environ.get(MEMORY_LIMIT_ENV) or default_memory_limit()


def machine_memory() -> int | None:
    """The machine's memory in bytes, where the system says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no such figure on this system
        return None


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def _bytes(limit: str) -> int | None:
    """A limit's bytes as DuckDB reads it (it rounds "2GB" down to 1.8 GiB)."""
    import duckdb

    try:
        with duckdb.connect(config={"memory_limit": limit}) as con:
            row = con.execute("SELECT value FROM duckdb_settings() "
                              "WHERE name = 'memory_limit'").fetchone()
    except duckdb.Error:
        return None
    units = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "bytes": 1}
    amount, _, unit = str(row[0] if row else "").partition(" ")
    try:
        return int(float(amount) * units[unit])
    except (ValueError, KeyError):
        return None


def out_of_memory(exc: BaseException, *, run_again: list[str] | None) -> OutOfMemoryError | None:
    """The sentence for DuckDB running out of the memory it may use, or of the disk it spills
    to; None for any other error. ``run_again`` is the command line's arguments, for the fix
    to give the command again with ``--memory-limit`` in place (None: the web app's report,
    whose fix is to start the server with more). DuckDB's own message is not passed on: it
    names the spill folder and gives its advice in SQL, which a person at the command line
    cannot use. Memory is told by the error's type; a full disk by its number, or by the
    system's own words for that number, which DuckDB's error carries in its place."""
    duckdb = sys.modules.get("duckdb")  # not loaded: the error cannot be DuckDB's
    if duckdb is None:
        return None
    limit = memory_limit()
    if isinstance(exc, duckdb.OutOfMemoryException):
        given = _bytes(limit)
        total = machine_memory()
        # four times the limit, at most a quarter of the machine: what the analysis holds in
        # Python beside DuckDB grows with the data too (the 100M report: 14 GB beside a 3 GiB
        # limit on 24 GiB), so more than that only moves the failure to the kernel
        more = given * 4 if given else 3 * 2**30
        if total:
            more = min(more, total // 4)
        suggested = f"{max(1, int(more / 2**30))}GiB"  # whole GiB, within the cap
        if given and (_bytes(suggested) or 0) < given * 1.5:  # no more worth the trying
            return OutOfMemoryError(
                f"DuckDB ran out of the {_gib(given)} of memory it may use, and this machine "
                f"cannot give it much more ({_gib(total or 0)} in all)", limit=limit,
                suggested=None, fix="analyse a part of the data at a time (a region, a year), "
                "or use a machine with more memory")
        again = shlex.join(["servicecheck", "--memory-limit", suggested,
                            *(["serve"] if run_again is None else _without_limit(run_again))])
        return OutOfMemoryError(
            f"DuckDB ran out of the {_gib(given) if given else limit} of memory it may use",
            limit=limit, suggested=suggested,
            fix=(f"start the server with more, like '{again}'" if run_again is None
                 else f"run it again with more, like '{again}'")
            + (f" (this machine has {_gib(total)})" if total else "")
            + f", or set {MEMORY_LIMIT_ENV}={suggested}")
    # DuckDB's error carries the system's words for the full disk, not its number
    if isinstance(exc, OSError | duckdb.IOException) and (
            getattr(exc, "errno", None) == errno.ENOSPC or os.strerror(errno.ENOSPC) in str(exc)):
        return OutOfMemoryError(
            "the disk ran out of space while DuckDB set work aside on it", limit=limit,
            suggested=None, fix="free space on the disk that holds the workspace (DuckDB sets "
            "work aside beside it), then run it again")
    return None


def _without_limit(args: list[str]) -> list[str]:
    """The arguments without a ``--memory-limit`` given before (the fix gives its own)."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--memory-limit":
            skip = True
        elif not arg.startswith("--memory-limit="):
            kept.append(arg)
    return kept


def default_memory_limit() -> str:
    """DuckDB's memory limit when none is given: an eighth of the machine's memory, at most
    768 MiB, so that DuckDB's buffers and the results Python holds stay within 1.5 GB at the
    peak for a 10M-event log (import and flow analysis: 1.39 GB with 768 MiB, 1.65 GB with
    1 GiB, in about the same time). DuckDB's own default (80% of memory) lets one analysis
    of a large log take the memory of a machine that others share; with a limit, the sorts
    and groupings of a log larger than it spill to disk (10M events: 5.3 GB at the peak
    without one, and no faster)."""
    total = machine_memory()
    if total is None:
        return "768MiB"
    return f"{max(64, min(768, total // 8 // 2**20))}MiB"


# a spill folder whose process has gone is removed once it has been left alone this long:
# a process on another machine sharing the folder (its PID means nothing here) is writing
# within seconds while it spills
STALE_SPILL_SECONDS = 600


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (signal 0 asks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (it runs, as another user)
        return True
    return True


def remove_stale_spills(path: Path, *, now: float | None = None) -> list[Path]:
    """Remove the spill folders beside ``path`` left by read-only openings whose process was
    killed (out of memory, a closed terminal): DuckDB removes its own when it closes, but a
    killed report at 100M events left gigabytes no one would find. Only folders named as
    ``memory_config`` names them, of a process no longer running, untouched for
    ``STALE_SPILL_SECONDS``. Not on Windows, where signal 0 is a console's Ctrl+C."""
    if sys.platform == "win32":
        return []
    import re
    import shutil
    import time

    pattern = re.compile(re.escape(path.name) + r"\.tmp-(\d+)-[0-9a-f]{6}")
    now = time.time() if now is None else now
    removed = []
    try:
        siblings = list(path.parent.iterdir())
    except OSError:
        return []
    for folder in siblings:
        m = pattern.fullmatch(folder.name)
        if m is None or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        try:
            if not folder.is_dir() or now - folder.stat().st_mtime < STALE_SPILL_SECONDS:
                continue
            shutil.rmtree(folder)
        except OSError:  # (another process removed it first, or it is not ours to remove)
            continue
        removed.append(folder)
    return removed


def memory_config(path: Path | None, memory_limit: str | None,
                  temp_directory: str | Path | None, *, read_only: bool = False) -> Config:
    """DuckDB's settings for a workspace at ``path`` (None: in memory): the limit given, or
    the environment's (``SERVICECHECK_MEMORY_LIMIT``), or the default; spilling to
    ``temp_directory``, or beside the file, or for a workspace in memory to a folder of its
    own in the system's temporary directory (DuckDB makes it when it first spills and removes
    it when it closes). A file opened read-only may be open in
    several processes at once (two reports of one workspace), each spilling: each has a
    folder of its own beside the file, since two spilling into one made one of them crash."""
    if not memory_limit and os.environ.get(MEMORY_LIMIT_ENV):
        memory_limit = check_memory_limit(os.environ[MEMORY_LIMIT_ENV], source=MEMORY_LIMIT_ENV)
    config: Config = {"memory_limit": memory_limit or default_memory_limit()}
    if memory_limit:
        # DuckDB's advice for limited memory; every ordered result here says its order
        config["preserve_insertion_order"] = False
    if temp_directory:
        spill = Path(temp_directory)
    elif path is not None:
        if read_only:
            remove_stale_spills(path)
        spill = Path(f"{path}.tmp-{os.getpid()}-{os.urandom(3).hex()}" if read_only
                     else f"{path}.tmp")
    else:  # one folder each: DuckDB's spill files are not named per process
        spill = Path(tempfile.gettempdir()) / f"servicecheck-{os.getpid()}-{os.urandom(6).hex()}"
    config["temp_directory"] = str(spill)
    return config


@functools.cache
def _libc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    import ctypes
    import ctypes.util

    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return cast(Callable[[int], int], trim)


# the peak memory from which release_memory makes a full collection
FULL_COLLECTION_FROM = 1 << 30


def release_memory() -> None:
    """Give back to the machine what a finished step freed but the allocators kept.

    Between the report's sections, pandas' and Arrow's freed blocks stay with glibc's and
    mimalloc's arenas, so each section's peak is added to what the earlier ones held: at 10M
    events the targets section began holding 1.8 GB where 1.4 GB was live (440 MB kept for
    nothing, GBs at 100M, where the kernel stopped the report). A collection and a trim take
    milliseconds; nothing is computed differently. A full collection walks every object
    (0.12 s each in the demo's report, a third of its CPU), so it is made only once the
    process has held a GB at some point; below, only the young objects are collected."""
    import gc

    try:
        import resource
    except ImportError:  # (Windows: no peak to read; the young objects only)
        peak = 0
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB (bytes on macOS)
        peak *= 1 if sys.platform == "darwin" else 1024
    gc.collect(2 if peak >= FULL_COLLECTION_FROM else 1)
    if "pyarrow" in sys.modules:  # (never imported only for this)
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _libc_trim()
    if trim is not None:
        trim(0)
