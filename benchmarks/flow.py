"""The full flow analysis from a Parquet log: servicecheck beside PM4Py and hand-written SQL.

    python benchmarks/flow.py [--events 1000000 10000000] [--peers .venv-peers/bin/python]
    python benchmarks/flow.py --small [--warm 5]      # the 50k-event logs, warm

Each side starts from the same Parquet file in a fresh process (servicecheck's `read_log`
without a workspace reads a clean Parquet file in place, a view of it, as `import_events`
into a workspace does not) and computes the directly-
follows counts and waits (count, mean, median, min, max, p90, sum, sd), start and end
activities, case durations, variants, hand-offs and rework. Each side loads its libraries
before its clock starts (PM4Py's `import pm4py`, servicecheck's Ibis DuckDB backend). The
hand-written DuckDB SQL is the floor on this machine: one ordered pass into a temporary table,
each measure one query on it (variants by the same sums of hashes, then one case's steps each). Beside wall seconds: the process's CPU seconds (all threads),
the nearer figure to a quiet machine's time when the machine is shared, and the load average.
Peak memory is each process's own high-water mark.

`--small`: the generated wide log (400 activities, 1,200 cases, 51k events, dates only; see
wide_log.py) and the real BPIC 2020 domestic declarations (56k events), where a fixed cost per
query weighs: each side loads once, then runs its whole analysis `--warm` times in the same
process, and the best run counts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from _common import DEFAULT_PEERS, SHARED, WORK, generated, run

OURS = """
import json, os, sys, tempfile, time
import ibis.backends.duckdb, pyarrow.dataset  # loaded before the clock, as PM4Py is
from servicecheck import Workspace, read_log
from servicecheck.flow import analyse
path, holder, warm, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ws = None
if limit != "-":  # a workspace file under this memory limit, spilling beside it
    ws = Workspace(os.path.join(tempfile.mkdtemp(), "ws.duckdb"), memory_limit=limit)
t, c = time.perf_counter(), time.process_time()
log = read_log(path, timezone="UTC", workspace=ws)
t_import = time.perf_counter() - t
best = None
for _ in range(warm):
    t1, c1 = time.perf_counter(), time.process_time()
    a = analyse(log.table, handoffs_by=holder)
    run = (time.perf_counter() - t1, time.process_time() - c1)
    best = run if best is None or run[0] < best[0] else best
print(json.dumps({"seconds": t_import + best[0], "import_s": t_import,
                  "cpu_s": time.process_time() - c if warm == 1 else best[1],
                  "edges": len(a.dfg), "variants": len(a.variants), "peak_mb": peak_mb()}))
"""

SQL = """
import json, sys, time, duckdb
path, holder, warm = sys.argv[1], sys.argv[2], int(sys.argv[3])
t, c = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE TABLE ev AS SELECT case_id, activity, timestamp, {holder} AS holder, "
            f"row_number() OVER () AS i FROM read_parquet('{path}')")
t_import = time.perf_counter() - t
ORDERED = '''CREATE OR REPLACE TEMP TABLE o AS SELECT case_id, activity, timestamp, holder,
  row_number() OVER c - 1 AS pos, lead(activity) OVER c AS nxt,
  epoch_us(lead(timestamp) OVER c) - epoch_us(timestamp) AS us, lead(holder) OVER c AS nh,
  first_value(timestamp) OVER c AS first FROM ev
  WINDOW c AS (PARTITION BY case_id ORDER BY timestamp, i)'''
q = {
 "dfg": '''SELECT activity, nxt, count(*), avg(w), median(w), min(w), max(w),
           quantile_cont(w, 0.9), sum(w), stddev_samp(w)
           FROM (SELECT activity, nxt, us / 1e6 AS w FROM o WHERE nxt IS NOT NULL) GROUP BY ALL''',
 "start_end": '''SELECT activity, count(*) FILTER (WHERE pos = 0), count(*) FILTER (WHERE nxt IS NULL)
           FROM o GROUP BY ALL''',
 "durations": '''SELECT case_id, first, timestamp, pos + 1, (epoch_us(timestamp) - epoch_us(first)) / 1e6
           FROM o WHERE nxt IS NULL''',
 "variants": '''CREATE OR REPLACE TEMP TABLE v AS SELECT count(*) n, min(case_id) example FROM
           (SELECT case_id, sum(hash(activity, pos) % 2147483647) f1,
           sum(hash(pos, activity) % 2147483647) f2, count(*) steps FROM o GROUP BY case_id)
           GROUP BY f1, f2, steps''',
 "variant steps": '''SELECT v.n, o.case_id, o.pos, o.activity FROM o JOIN v ON o.case_id = v.example
           ORDER BY o.case_id, o.pos''',
 "handoffs": "SELECT holder, nh, count(*) FROM o WHERE nh <> holder GROUP BY ALL",
 "rework": '''SELECT activity, count(*), count(*) FILTER (WHERE n > 1), sum(n - 1)
           FROM (SELECT case_id, activity, count(*) n FROM o GROUP BY ALL) GROUP BY ALL''',
}
best = None
for _ in range(warm):
    t1, c1 = time.perf_counter(), time.process_time()
    con.execute(ORDERED)
    out = {k: con.execute(v).to_arrow_table() for k, v in q.items()}
    out["variants"] = con.execute("SELECT * FROM v").to_arrow_table()
    run = (time.perf_counter() - t1, time.process_time() - c1)
    best = run if best is None or run[0] < best[0] else best
print(json.dumps({"seconds": t_import + best[0], "import_s": t_import,
                  "cpu_s": time.process_time() - c if warm == 1 else best[1],
                  "edges": len(out["dfg"]), "variants": len(out["variants"]),
                  "peak_mb": peak_mb()}))
"""

PEER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd, pm4py
path, holder, warm = sys.argv[1], sys.argv[2], int(sys.argv[3])
t, c = time.perf_counter(), time.process_time()
df = pd.read_parquet(path)
df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity",
                            timestamp_key="timestamp")
t_import = time.perf_counter() - t
best = None
for _ in range(warm):
    t1, c1 = time.perf_counter(), time.process_time()
    dfg, sa, ea = pm4py.discover_dfg(df)
    perf = pm4py.discover_performance_dfg(df)
    pm4py.get_start_activities(df)
    pm4py.get_end_activities(df)
    pm4py.get_all_case_durations(df)
    v = pm4py.get_variants(df)
    pm4py.get_rework_cases_per_activity(df)
    pm4py.discover_handover_of_work_network(df, resource_key=holder)
    run = (time.perf_counter() - t1, time.process_time() - c1)
    best = run if best is None or run[0] < best[0] else best
print(json.dumps({"seconds": t_import + best[0], "import_s": t_import,
                  "cpu_s": time.process_time() - c if warm == 1 else best[1],
                  "edges": len(dfg), "variants": len(v), "peak_mb": peak_mb()}))
"""


def small_logs() -> list[tuple[str, Path, str]]:
    """The 50k-event logs as Parquet (made once): the generated wide log and a real one."""
    import pandas as pd
    from wide_log import generate

    out = []
    wide = WORK / "wide-400x1200.parquet"
    if not wide.exists():
        csv = WORK / "wide-400x1200.csv"
        generate(csv)
        df = pd.read_csv(csv, dtype={"case_id": str})
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
        df.to_parquet(wide, index=False)
    out.append(("wide 400 steps", wide, "resource"))
    real = WORK / "domestic-declarations.parquet"
    if not real.exists():
        df = pd.read_csv(SHARED / "data" / "bpic2020_domestic_declarations.csv.gz",
                         dtype={"case_id": str})
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
        df[["case_id", "activity", "timestamp", "org:role"]].rename(
            columns={"org:role": "team"}).to_parquet(real, index=False)
    out.append(("BPIC20 domestic", real, "team"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--small", action="store_true", help="the 50k-event logs, warm")
    ap.add_argument("--warm", type=int, default=5, help="analyses per process with --small")
    ap.add_argument("--peers", default=DEFAULT_PEERS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-peers-above", type=int, default=10_000_000,
                    help="do not run PM4Py on logs larger than this")
    ap.add_argument("--memory-limit", default="",
                    help="also run servicecheck on a workspace file with this DuckDB limit")
    args = ap.parse_args()
    if args.small:
        logs = small_logs()
        warm = args.warm
    else:
        logs = [(f"{n:,}", generated(n) / "events.parquet", "team") for n in args.events]
        warm = 1
    print(f"{'log':>16s} {'tool':14s} {'total s':>8s} {'load s':>7s} {'analysis s':>10s} "
          f"{'CPU s':>6s} {'peak MB':>8s} {'edges':>6s} {'variants':>9s} {'load avg':>8s}  ratio")
    for label, path, holder in logs:
        tools = [("servicecheck", sys.executable, OURS, ("-",)),
                 ("hand SQL", sys.executable, SQL, ())]
        if args.memory_limit:
            tools.insert(1, (f"sc {args.memory_limit}", sys.executable, OURS,
                             (args.memory_limit,)))
        if args.small or int(label.replace(",", "")) <= args.skip_peers_above:
            tools.append(("PM4Py", args.peers, PEER, ()))
        res = {}
        for name, python, code, extra in tools:
            res[name] = min((run(python, code, str(path), holder, str(warm), *extra)
                             for _ in range(args.repeat)), key=lambda r: r["seconds"])
            res[name]["load_avg"] = os.getloadavg()[0]
        # small logs: the analysis alone (each side's load is done once); large: the whole
        key = "analysis" if args.small else "seconds"

        def figure(r: dict[str, float], key: str = key) -> float:
            return r["seconds"] - r["import_s"] if key == "analysis" else r["seconds"]

        ours = figure(res["servicecheck"])
        for name, r in res.items():
            note = ""
            if name == "servicecheck":
                note = f"{ours / figure(res['hand SQL']):.2f}x hand SQL"
                if "PM4Py" in res:
                    note += f", {figure(res['PM4Py']) / ours:.1f}x faster than PM4Py"
                    note += f" (CPU {res['PM4Py']['cpu_s'] / r['cpu_s']:.1f}x)"
            print(f"{label:>16s} {name:14s} {r['seconds']:>8.2f} {r['import_s']:>7.2f} "
                  f"{r['seconds'] - r['import_s']:>10.3f} {r['cpu_s']:>6.2f} "
                  f"{r['peak_mb']:>8.0f} {int(r['edges']):>6d} {int(r['variants']):>9,} "
                  f"{r['load_avg']:>8.1f}  {note}", flush=True)


if __name__ == "__main__":
    main()
