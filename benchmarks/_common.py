"""What the benchmark scripts share: running one measurement in a fresh process."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".data"
DEFAULT_PEERS = str(HERE.parent / ".venv-peers" / "bin" / "python")
SHARED = Path(os.environ.get("SERVICECHECK_SHARED", HERE.parent.parent / "shared"))

# Linux keeps ru_maxrss across exec, so a child would report its parent's peak: read the
# process's own high-water mark instead.
PEAK = '''
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
'''


def run(python: str, code: str, *args: str, timeout: int = 3600) -> dict[str, float]:
    """Run code (which prints one JSON line last) in a fresh interpreter; return that JSON."""
    out = subprocess.run([python, "-c", PEAK + code, *args], capture_output=True, text=True,
                         timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{python} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def generated(events: int) -> Path:
    """The synthetic repairs log of about ``events`` events (made once, then reused)."""
    from servicecheck.generators.housing_repairs import generate

    folder = WORK / f"repairs-{events}"
    if not (folder / "events.parquet").exists():
        print(f"generating about {events:,} events ...", flush=True)
        generate(folder, events=events, seed=1, csv=events <= 2_000_000)
    return folder


def copies(events: int, times: int) -> Path:
    """``times`` copies of the generated log of ``events`` events, one after another in one
    Parquet file, each copy's ids (case, need, citizen, property) suffixed so its cases are
    its own: a log of ``events * times`` events made in a minute or two by DuckDB, where the
    generator takes about 19 minutes for 100M on a quiet machine (and hours on a busy one).
    Each copy keeps its file order, so ties in time keep theirs."""
    import shutil

    import duckdb

    base = generated(events)
    folder = WORK / f"repairs-{events}x{times}"
    target = folder / "events.parquet"
    if target.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(base / "service.toml", folder / "service.toml")
    source = str(base / "events.parquet")
    con = duckdb.connect(config={"memory_limit": "2GB", "temp_directory": str(folder / "tmp")})
    cols = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                      [source]).fetchall()]
    ids = {"case_id", "need_id", "citizen_ref", "property_ref"}

    def copy(k: int) -> str:
        names = ", ".join(f'"{c}" || \'~{k}\' AS "{c}"' if c in ids and k else f'"{c}"'
                          for c in cols)
        return f"SELECT {names} FROM read_parquet('{source}')"

    print(f"writing {times} copies of the {events:,}-event log ...", flush=True)
    partial = folder / "events.partial.parquet"
    con.execute(f"COPY ({' UNION ALL '.join(copy(k) for k in range(times))}) TO "
                f"'{partial}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    partial.rename(target)
    shutil.rmtree(folder / "tmp", ignore_errors=True)
    return folder


def timed(args: list[str], timeout: float) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of one fresh process: on a
    shared machine the CPU time says what the wall time would be on a quiet one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "120"})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
