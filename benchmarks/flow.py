"""The full flow analysis from a Parquet log: servicecheck beside PM4Py and hand-written SQL.

    python benchmarks/flow.py [--events 1000000 10000000] [--peers .venv-peers/bin/python]

Each side starts from the same Parquet file in a fresh process and computes the directly-
follows counts and waits, start and end activities, case durations, variants, hand-offs
between teams and rework. The hand-written DuckDB SQL (one query per measure) is the floor
on this machine. Peak memory is each process's own high-water mark.
"""

from __future__ import annotations

import argparse
import sys

from _common import DEFAULT_PEERS, generated, run

OURS = """
import json, os, sys, tempfile, time
from servicecheck import Workspace, read_log
from servicecheck.flow import analyse
ws = None
if len(sys.argv) > 2:  # a workspace file under a memory limit, spilling to disk
    ws = Workspace(os.path.join(tempfile.mkdtemp(), "ws.duckdb"), memory_limit=sys.argv[2])
t = time.perf_counter()
log = read_log(sys.argv[1], timezone="UTC", workspace=ws)
t_import = time.perf_counter() - t
a = analyse(log.table)
print(json.dumps({"seconds": time.perf_counter() - t, "import_s": t_import,
                  "edges": len(a.dfg), "variants": len(a.variants), "peak_mb": peak_mb()}))
"""

SQL = """
import json, sys, time, duckdb
t = time.perf_counter()
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE TABLE ev AS SELECT *, row_number() OVER () AS i FROM read_parquet('{sys.argv[1]}')")
t_import = time.perf_counter() - t
q = {
 "dfg": '''SELECT activity, nxt, count(*), avg(w), median(w), min(w), max(w), quantile_cont(w, 0.9),
           sum(w), stddev_samp(w) FROM (SELECT activity, lead(activity) OVER c AS nxt,
           epoch(lead(timestamp) OVER c) - epoch(timestamp) AS w FROM ev
           WINDOW c AS (PARTITION BY case_id ORDER BY timestamp, i)) WHERE nxt IS NOT NULL
           GROUP BY ALL''',
 "start_end": '''SELECT activity, count(*) FILTER (WHERE f = 1), count(*) FILTER (WHERE l = 1)
           FROM (SELECT activity, row_number() OVER (PARTITION BY case_id ORDER BY timestamp, i) f,
           row_number() OVER (PARTITION BY case_id ORDER BY timestamp DESC, i DESC) l FROM ev)
           GROUP BY ALL''',
 "durations": "SELECT case_id, epoch(max(timestamp)) - epoch(min(timestamp)) FROM ev GROUP BY ALL",
 "variants": '''SELECT v, count(*) FROM (SELECT case_id, string_agg(activity, '|' ORDER BY timestamp, i) v
           FROM ev GROUP BY case_id) GROUP BY v ORDER BY 2 DESC''',
 "handoffs": '''SELECT team, nt, count(*) FROM (SELECT team, lead(team) OVER
           (PARTITION BY case_id ORDER BY timestamp, i) nt FROM ev) WHERE nt <> team GROUP BY ALL''',
 "rework": '''SELECT activity, count(*) FROM (SELECT case_id, activity FROM ev GROUP BY ALL
           HAVING count(*) > 1) GROUP BY ALL''',
}
out = {k: con.execute(v).fetchall() for k, v in q.items()}
print(json.dumps({"seconds": time.perf_counter() - t, "import_s": t_import,
                  "edges": len(out["dfg"]), "variants": len(out["variants"]),
                  "peak_mb": peak_mb()}))
"""

PEER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd, pm4py
t = time.perf_counter()
df = pd.read_parquet(sys.argv[1])
df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity",
                            timestamp_key="timestamp")
t_import = time.perf_counter() - t
dfg, sa, ea = pm4py.discover_dfg(df)
perf = pm4py.discover_performance_dfg(df)
pm4py.get_start_activities(df)
pm4py.get_end_activities(df)
pm4py.get_all_case_durations(df)
v = pm4py.get_variants(df)
pm4py.get_rework_cases_per_activity(df)
pm4py.discover_handover_of_work_network(df, resource_key="team")
print(json.dumps({"seconds": time.perf_counter() - t, "import_s": t_import,
                  "edges": len(dfg), "variants": len(v), "peak_mb": peak_mb()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--peers", default=DEFAULT_PEERS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-peers-above", type=int, default=10_000_000,
                    help="do not run PM4Py on logs larger than this")
    ap.add_argument("--memory-limit", default="800MB",
                    help="also run servicecheck on a workspace file with this DuckDB limit")
    args = ap.parse_args()
    print(f"{'events':>11s} {'tool':14s} {'total s':>8s} {'load s':>7s} {'analysis s':>10s} "
          f"{'peak MB':>8s} {'edges':>6s} {'variants':>9s}  ratio")
    previous: dict[str, float] = {}
    for n in args.events:
        path = str(generated(n) / "events.parquet")
        tools = [("servicecheck", sys.executable, OURS, ()),
                 (f"sc {args.memory_limit}", sys.executable, OURS, (args.memory_limit,)),
                 ("hand SQL", sys.executable, SQL, ())]
        if n <= args.skip_peers_above:
            tools.append(("PM4Py", args.peers, PEER, ()))
        res = {}
        for name, python, code, extra in tools:
            res[name] = min((run(python, code, path, *extra) for _ in range(args.repeat)),
                            key=lambda r: r["seconds"])
        ours = res["servicecheck"]["seconds"]
        for name, r in res.items():
            note = ""
            if name == "servicecheck":
                note = f"{ours / res['hand SQL']['seconds']:.2f}x hand SQL"
                if "PM4Py" in res:
                    note += f", {res['PM4Py']['seconds'] / ours:.1f}x faster than PM4Py"
                if name in previous:
                    note += f", growth {ours / previous[name]:.1f}x"
                previous[name] = ours
            print(f"{n:>11,} {name:14s} {r['seconds']:>8.2f} {r['import_s']:>7.2f} "
                  f"{r['seconds'] - r['import_s']:>10.2f} {r['peak_mb']:>8.0f} "
                  f"{int(r['edges']):>6d} {int(r['variants']):>9,}  {note}", flush=True)


if __name__ == "__main__":
    main()
