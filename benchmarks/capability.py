"""End-to-end times of every need on the citizen's clock: servicecheck beside one hand-written
DuckDB query doing the same, on the same workspace file.

    python benchmarks/capability.py [--events 10000000]

The workspace (events and demands of the synthetic repairs service) is built once and reused.
Both sides must give the same needs, open flags and days; the script checks that.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import WORK, generated, run

OURS = """
import json, sys, time
from servicecheck import Workspace
from servicecheck.measures.needs import needs
ws = Workspace(sys.argv[1], read_only=True)
svc = ws.service()
t = time.perf_counter()
n = needs(ws, svc)
s = time.perf_counter() - t
done = n[~n["open"]]
print(json.dumps({"seconds": s, "needs": len(n), "open": int(n["open"].sum()),
                  "days_sum": float(done["end_to_end_days"].sum()), "peak_mb": peak_mb()}))
"""

SQL = """
import json, sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET TimeZone = 'UTC'")
t = time.perf_counter()
row = con.execute('''
WITH ev AS (SELECT coalesce(need_id, case_id) AS need, case_id, activity, timestamp FROM events),
per_case AS (SELECT need, case_id, min(timestamp) AS case_first FROM ev GROUP BY ALL),
last_case AS (SELECT need, arg_max(case_id, (case_first, case_id)) AS last_case
              FROM per_case GROUP BY need),
agg AS (SELECT need, min(timestamp) AS first_event,
               min(timestamp) FILTER (WHERE activity = 'Repair reported') AS first_start,
               max(timestamp) FILTER (WHERE activity = 'Repair completed') AS met_at
        FROM ev GROUP BY need),
met AS (SELECT ev.need, bool_or(ev.activity = 'Repair completed') AS last_met
        FROM ev JOIN last_case ON ev.need = last_case.need AND ev.case_id = last_case.last_case
        GROUP BY ev.need),
dem AS (SELECT case_id AS need, min(received_at) AS first_demand FROM demands
        WHERE case_id IS NOT NULL GROUP BY ALL),
needs AS (SELECT agg.need, least(coalesce(first_start, first_event), first_demand) AS first_contact,
                 CASE WHEN last_met THEN met_at END AS met_at
          FROM agg LEFT JOIN met USING (need) LEFT JOIN dem USING (need))
SELECT need, first_contact, met_at, met_at IS NULL AS open,
       (epoch(met_at) - epoch(first_contact)) / 86400 AS end_to_end_days FROM needs
''').df()  # the same per-need table servicecheck returns, as pandas
s = time.perf_counter() - t
print(json.dumps({"seconds": s, "needs": len(row), "open": int(row["open"].sum()),
                  "days_sum": float(row["end_to_end_days"].sum()), "peak_mb": peak_mb()}))
"""


def workspace_for(events: int) -> Path:
    path = WORK / f"repairs-{events}.duckdb"
    if path.exists():
        return path
    folder = generated(events)
    from servicecheck import Service, Workspace, import_events
    from servicecheck.demand import import_demands

    print("building the workspace ...", flush=True)
    svc = Service.load(folder / "service.toml")
    with Workspace(path) as ws:
        import_events(ws, folder / "events.parquet", service=svc)
        import_demands(ws, folder / "demands.parquet", service=svc)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    ws = str(workspace_for(args.events))
    res = {}
    for name, code in (("servicecheck", OURS), ("hand SQL", SQL)):
        res[name] = min((run(sys.executable, code, ws) for _ in range(args.repeat)),
                        key=lambda r: r["seconds"])
    a, b = res["servicecheck"], res["hand SQL"]
    same = (a["needs"] == b["needs"] and a["open"] == b["open"]
            and abs(a["days_sum"] - b["days_sum"]) < 1e-6 * max(abs(b["days_sum"]), 1))
    print(f"{'tool':14s} {'needs':>10s} {'open':>7s} {'seconds':>8s} {'peak MB':>8s}")
    for name, r in res.items():
        print(f"{name:14s} {int(r['needs']):>10,} {int(r['open']):>7,} {r['seconds']:>8.2f} "
              f"{r['peak_mb']:>8.0f}")
    print(f"servicecheck / hand SQL: {a['seconds'] / b['seconds']:.2f}x; "
          f"same needs and days: {same}")



if __name__ == "__main__":
    main()
