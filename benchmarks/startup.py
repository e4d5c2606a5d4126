"""Start-up: how long the commands a user meets first take, each in fresh processes.

    python benchmarks/startup.py [--repeat 5] [--only help serve demo report pdf cli]
                                 [--workspace ws.duckdb] [--source]

`--help`; `serve` until it prints its address and until it first answers a request (also with
a workspace, whose confirmed demand the suggestions learn from: `--workspace`); `demo`
(its default 60,000 events); the demo's report, and with `--pdf`; `cli`: a 50k-event log from
the command line, `servicecheck import FILE -w W` then `servicecheck flow -w W`, each a fresh
process, on the generated wide log (400 steps) and BPIC 2020 domestic (issue 20 item 4: the
two together under 2 s; not in the default set), beside `python -c pass` timed in the same
minutes for reference. Each figure is the best and the median of several fresh processes,
wall seconds, with the least CPU seconds (user and system, all threads) and the load average
beside them: on a busy shared machine the CPU time is the nearer to what a quiet one takes.

The package timed is byte-compiled first, as pip does when it installs it: the sessions'
environment sets PYTHONDONTWRITEBYTECODE, under which every fresh process compiled
servicecheck's modules from source again (0.11-0.14 s of CPU for `flow` alone), a cost no
installed copy pays. `--source` times it that way, as the figures before 2 Dec 2026 evening.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from _common import timed

_SCRIPT = Path(sys.executable).parent / "servicecheck"
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "servicecheck.cli"]
AIMS = {"help": 0.5, "serve address": 0.5, "serve answers": 3.0, "serve -w address": 0.5,
        "serve -w answers": 3.0, "demo": 15.0,
        "report": 5.0, "report --pdf": 15.0}
CLI_AIM = 2.0  # import + flow of a 50k-event log, together


def run(*args: str) -> tuple[float, float]:
    return timed([*CLI, *args], timeout=900)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(folder: Path, workspace: Path | None = None
          ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Wall and CPU seconds until `serve` prints its address, and until it answers the sign-in
    page (with a workspace: a copy of it, which serve links to its store)."""
    port = _free_port()
    extra: list[str] = []
    if workspace is not None:
        import shutil

        shutil.copy(workspace, folder / "serve-ws.duckdb")
        extra = ["-w", str(folder / "serve-ws.duckdb")]
    t = time.perf_counter()
    proc = subprocess.Popen([*CLI, "serve", "-d", str(folder / "store.db"), "--port", str(port),
                             *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        printed = time.perf_counter() - t, _cpu(proc.pid)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1).close()
                break
            except OSError:  # not listening yet, or no answer within the second
                if proc.poll() is not None:
                    raise RuntimeError("serve stopped before it answered") from None
                time.sleep(0.02)
        return printed, (time.perf_counter() - t, _cpu(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def import_and_flow(folder: Path, log: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """Wall and CPU seconds of `import` (into a new workspace) and then of `flow`, each a
    fresh process, as a user meets them."""
    ws = folder / f"cli-{log.stem}.duckdb"
    for stale in folder.glob(f"{ws.name}*"):  # the workspace and its write-ahead log
        stale.unlink()
    return run("import", str(log), "-w", str(ws)), run("flow", "-w", str(ws))


def cli_logs() -> list[tuple[str, Path]]:
    """The two 50k-event logs of `flow.py --small`, made once."""
    from flow import small_logs

    return [(name, path) for name, path, _ in small_logs()]


def compile_package() -> Path:
    """Byte-compile the servicecheck the commands will import (the one first on the path),
    into its own __pycache__ folders, as an install does; the folder compiled."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("servicecheck")
    assert spec is not None and spec.origin is not None, "servicecheck is not on the path"
    folder = Path(spec.origin).parent
    compileall.compile_dir(folder, quiet=1)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=["help", "serve", "demo", "report", "pdf"])
    ap.add_argument("--workspace", type=Path, help="also serve with (a copy of) this workspace")
    ap.add_argument("--source", action="store_true",
                    help="time the package from source, not byte-compiled as installed")
    args = ap.parse_args()
    if not args.source:
        print(f"byte-compiled {compile_package()} first, as an install does")
    folder = Path(tempfile.mkdtemp(prefix="startup-"))
    demo = folder / "demo"
    ws = demo / "housing-repairs.duckdb"
    jobs: dict[str, Callable[[], tuple[float, float]]] = {
        "help": lambda: run("--help"),
        "demo": lambda: run("demo", "--out", str(demo)),
        "report": lambda: run("report", "-w", str(ws), "-o", str(folder / "check.html")),
        "report --pdf": lambda: run("report", "-w", str(ws), "-o", str(folder / "check.html"),
                                    "--pdf"),
    }
    print(f"{'command':16s} {'best s':>7s} {'median s':>9s} {'CPU s':>6s} {'aim s':>6s}  "
          "load average")
    results: dict[str, list[tuple[float, float]]] = {}
    wanted = set(args.only)
    if "serve" in wanted:
        served = [serve(folder) for _ in range(args.repeat)]
        results["serve address"] = [a for a, _ in served]
        results["serve answers"] = [b for _, b in served]
        if args.workspace:
            served = [serve(folder, args.workspace) for _ in range(args.repeat)]
            results["serve -w address"] = [a for a, _ in served]
            results["serve -w answers"] = [b for _, b in served]
    if {"report", "pdf"} & wanted and not ws.exists():
        jobs["demo"]()
    for name, job in jobs.items():
        if name.split()[0] in wanted or (name == "report --pdf" and "pdf" in wanted):
            # the demo and the PDF take seconds each: fewer runs
            n = args.repeat if name in ("help", "report") else max(1, args.repeat // 2)
            results[name] = [job() for _ in range(n)]
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        print(f"{name:16s} {min(walls):7.2f} {statistics.median(walls):9.2f} "
              f"{min(c for _, c in runs):6.2f} {AIMS[name]:6.1f}  {os.getloadavg()[0]:.2f}")
    if "cli" in wanted:
        print(f"\n{'log':16s} {'step':13s} {'best s':>7s} {'median s':>9s} {'CPU s':>6s} "
              f"{'aim s':>6s}  load average")
        # the reference, in the same minutes: a Python that starts and does nothing, as the
        # machine's speed for starting processes varies from hour to hour
        runs = [timed([sys.executable, "-c", "pass"], timeout=60) for _ in range(args.repeat)]
        walls = [w for w, _ in runs]
        print(f"{'(reference)':16s} {'python -c pass':13s} {min(walls):7.2f} "
              f"{statistics.median(walls):9.2f} {min(c for _, c in runs):6.2f} {'':6s}  "
              f"{os.getloadavg()[0]:.2f}")
        for log_name, log in cli_logs():
            pairs = [import_and_flow(folder, log) for _ in range(args.repeat)]
            steps = {"import": [i for i, _ in pairs], "flow": [f for _, f in pairs],
                     "import + flow": [(i[0] + f[0], i[1] + f[1]) for i, f in pairs]}
            for step, runs in steps.items():
                walls = [w for w, _ in runs]
                aim = f"{CLI_AIM:6.1f}" if step == "import + flow" else f"{'':6s}"
                print(f"{log_name:16s} {step:13s} {min(walls):7.2f} "
                      f"{statistics.median(walls):9.2f} {min(c for _, c in runs):6.2f} "
                      f"{aim}  {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
