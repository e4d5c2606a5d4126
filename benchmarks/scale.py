"""Growth with size on DuckDB: 1M, 10M and 100M events of the synthetic repairs service,
analysed out of core (a workspace file under a memory limit, spilling to disk).

    python benchmarks/scale.py [--events 1000000 10000000 100000000] [--memory-limit 2GB]
                               [--spark 1000000 10000000] [--keep DIR]

Each size runs in a fresh process: import the Parquet log into a workspace file, then the
citizen's-clock needs (capability) and the whole flow analysis. Prints each phase as it ends
(progress), wall time, peak memory (VmHWM) and the growth ratio against the previous size.
Aim: linear growth; 100M within 15x the 10M time. ``--copies`` makes 100M as ten copies of
the 10M log (its ids suffixed per copy) instead of generating it. With --spark, the same needs and flow
analysis on Spark local[2] reading the Parquet file in place (peak memory there is the
driver's Python process; the JVM's is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from _common import PEAK, copies, generated

RUN = """
import json, os, sys, tempfile, time
from servicecheck import Service, Workspace, import_events
from servicecheck.measures.needs import needs
from servicecheck.flow import analyse
folder, limit, kept = sys.argv[1], sys.argv[2], sys.argv[3]
svc = Service.load(os.path.join(folder, "service.toml"))
path = kept if kept != "-" else os.path.join(tempfile.mkdtemp(dir=os.environ.get("SCALE_TMP")),
                                             "ws.duckdb")
again = os.path.exists(path)  # a kept workspace, imported before: analysed, not imported
out = {}
t0 = time.perf_counter()
with Workspace(path, memory_limit=limit) as ws:
    if not again:
        import_events(ws, os.path.join(folder, "events.parquet"), service=svc)
    out["import_s"] = time.perf_counter() - t0
    print("  imported", round(out["import_s"], 1), "s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    n = needs(ws, svc)
    out["needs_s"] = time.perf_counter() - t
    out["needs"] = len(n)
    print("  needs", round(out["needs_s"], 1), "s", file=sys.stderr, flush=True)
    del n
    t = time.perf_counter()
    a = analyse(ws.events(svc.key))
    out["flow_s"] = time.perf_counter() - t
    out["variants"] = len(a.variants)
    print("  flow", round(out["flow_s"], 1), "s", file=sys.stderr, flush=True)
out["total_s"] = time.perf_counter() - t0
out["peak_mb"] = peak_mb()
print(json.dumps(out))
"""


SPARK = """
import json, os, sys, time
from servicecheck import Service
from servicecheck.measures.needs import needs
from servicecheck.flow import analyse
from servicecheck.engine.remote import RemoteWorkspace, connect
folder = sys.argv[1]
svc = Service.load(os.path.join(folder, "service.toml"))
t0 = time.perf_counter()
con = connect("spark:local[2]")
out = {"start_s": time.perf_counter() - t0}
t = time.perf_counter()
ws = RemoteWorkspace(con, svc, os.path.join(folder, "events.parquet"))
n = needs(ws, svc)
out["needs_s"] = time.perf_counter() - t
print("  needs", round(out["needs_s"], 1), "s", file=sys.stderr, flush=True)
t = time.perf_counter()
a = analyse(ws.events())
out["flow_s"] = time.perf_counter() - t
print("  flow", round(out["flow_s"], 1), "s", file=sys.stderr, flush=True)
out["total_s"] = out["needs_s"] + out["flow_s"]
out["peak_mb"] = peak_mb()
print(json.dumps(out))
"""


def measure(code: str, args: list[str], label: str) -> dict[str, float]:
    """Run one size in a fresh process; its progress goes to stderr, its figures to stdout."""
    print(f"{label} running ...", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, "-c", PEAK + code, *args],
                          stdout=subprocess.PIPE, text=True, timeout=6 * 3600)
    if done.returncode != 0:
        raise SystemExit(f"{label} failed")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(engine: str, sizes: list[int], code: str, extra: list[str],
          columns: list[tuple[str, str]], copied: bool = False, keep: str | None = None
          ) -> None:
    """One engine's rows: the named columns, then growth against the previous size."""
    print(f"{'events':>12} " + " ".join(f"{h:>8}" for h, _ in columns) + f" {'growth':>7}")
    previous = None
    for n in sizes:
        folder = (copies(n // 10, 10) if copied and n >= 100_000_000 else generated(n))
        kept = ([os.path.join(keep, f"ws-{n}.duckdb")] if keep else ["-"]) if code == RUN else []
        r = measure(code, [str(folder), *extra, *kept], f"{n:,} events on {engine}")
        growth = f"{r['total_s'] / previous:.1f}x" if previous else "-"
        print(f"{n:>12,} " + " ".join(f"{r[k]:>8.{0 if k == 'peak_mb' else 1}f}"
                                     for _, k in columns) + f" {growth:>7}", flush=True)
        previous = r["total_s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, nargs="*", default=[1_000_000, 10_000_000,
                                                               100_000_000])
    ap.add_argument("--memory-limit", default="2GB")
    ap.add_argument("--spark", type=int, nargs="*", default=[],
                    help="sizes to run on Spark local[2] too, e.g. 1000000 10000000")
    ap.add_argument("--copies", action="store_true",
                    help="make 100M (and more) as ten copies of the tenth-size log, in a "
                    "minute or two, instead of generating it (about 19 minutes quiet)")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep each size's workspace file in DIR (ws-N.duckdb); one kept "
                    "there already is analysed without importing again (its import s is 0)")
    a = ap.parse_args()
    timings = [("needs s", "needs_s"), ("flow s", "flow_s"), ("total s", "total_s"),
               ("peak MB", "peak_mb")]
    print(f"DuckDB out of core, memory limit {a.memory_limit}, workspace file on disk")
    table("DuckDB", a.events, RUN, [a.memory_limit], [("import s", "import_s"), *timings],
          copied=a.copies, keep=a.keep)
    if a.spark:
        print("Spark local[2], Parquet read in place (session start not counted)")
        table("Spark", a.spark, SPARK, [], timings)


if __name__ == "__main__":
    main()
