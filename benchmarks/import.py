"""Import speed and peak memory: servicecheck's readers beside PM4Py's, on the same files.

    python benchmarks/import.py [--events 1000000] [--peers .venv-peers/bin/python]
                                [--repeat 3] [--formats csv parquet xes] [--no-real]

Generates the synthetic repairs log once (CSV, Parquet, and XES written here), then runs each
reader in a fresh process so that peak memory (max RSS) is the reader's own. PM4Py runs from
its own environment (benchmarks/requirements-peers.txt); it is never imported here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyarrow.parquet as pq
from _common import DEFAULT_PEERS, SHARED, generated, run

OURS = """
import json, sys, time
from servicecheck import read_log
t = time.perf_counter()
log = read_log(sys.argv[1], timezone="UTC")
seconds = time.perf_counter() - t  # read into a queryable workspace; counting is not reading
n = log.n_events
print(json.dumps({"seconds": seconds, "events": n,
                  "peak_mb": peak_mb()}))
"""
PEER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd, pm4py
path = sys.argv[1]
t = time.perf_counter()
if path.endswith((".xes", ".xes.gz")):
    df = pm4py.read_xes(path, show_progress_bar=False)
else:
    df = pd.read_csv(path) if path.endswith(".csv") else pd.read_parquet(path)
    df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity",
                                timestamp_key="timestamp")
print(json.dumps({"seconds": time.perf_counter() - t, "events": len(df),
                  "peak_mb": peak_mb()}))
"""


def write_xes(parquet: Path, out: Path) -> None:
    """The generated events as XES 1.0, one trace per case, as process-mining tools write it."""
    t = pq.read_table(parquet).sort_by([("case_id", "ascending"), ("timestamp", "ascending")])
    cols = {c: t.column(c).to_pylist() for c in ("case_id", "activity", "timestamp", "resource",
                                                  "team", "priority")}
    with out.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" '
                'xmlns="http://www.xes-standard.org">\n')
        current = None
        for i in range(t.num_rows):
            case = cols["case_id"][i]
            if case != current:
                if current is not None:
                    f.write("\t</trace>\n")
                f.write(f'\t<trace>\n\t\t<string key="concept:name" value={quoteattr(case)}/>\n')
                current = case
            f.write("\t\t<event>\n")
            f.write(f'\t\t\t<string key="concept:name" value={quoteattr(cols["activity"][i])}/>\n')
            stamp = cols["timestamp"][i].isoformat()
            f.write(f'\t\t\t<date key="time:timestamp" value="{stamp}"/>\n')
            for key, col in (("org:resource", "resource"), ("org:group", "team"),
                             ("priority", "priority")):
                v = cols[col][i]
                if v:
                    f.write(f'\t\t\t<string key="{key}" value={quoteattr(v)}/>\n')
            f.write("\t\t</event>\n")
        f.write("\t</trace>\n</log>\n")


def best_of(repeat: int, python: str, code: str, path: Path) -> dict[str, float]:
    """The fastest of ``repeat`` fresh-process runs, with the median of their times: the
    machine is shared, and the median says how typical the best run was."""
    runs = [run(python, code, str(path)) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "median": statistics.median(r["seconds"] for r in runs)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--peers", default=DEFAULT_PEERS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--formats", nargs="+", default=["csv", "parquet", "xes"],
                    choices=["csv", "parquet", "xes"])
    ap.add_argument("--no-real", dest="real", action="store_false",
                    help="skip the real BPIC 2020 XES files from ../shared")
    args = ap.parse_args()

    folder = generated(args.events)
    csv_path, pq_path, xes_path = folder / "events.csv", folder / "events.parquet", \
        folder / "events.xes"
    if not xes_path.exists():
        write_xes(pq_path, xes_path)
    have_peer = Path(args.peers).exists()
    print(f"{'format':8s} {'reader':12s} {'events':>10s} {'best s':>8s} {'median s':>8s} "
          f"{'events/s':>11s} {'peak MB':>8s} {'speed vs PM4Py':>15s}")
    for fmt, path in (("CSV", csv_path), ("Parquet", pq_path), ("XES", xes_path)):
        if fmt.lower() not in args.formats:
            continue
        results = {}
        readers = [("servicecheck", sys.executable, OURS)]
        if have_peer:
            readers.append(("PM4Py", args.peers, PEER))
        for name, python, code in readers:
            results[name] = best_of(args.repeat, python, code, path)
        for name, r in results.items():
            ratio = ""
            if name == "servicecheck" and "PM4Py" in results:
                ratio = f"{results['PM4Py']['seconds'] / r['seconds']:.1f}x faster"
            print(f"{fmt:8s} {name:12s} {int(r['events']):>10,} {r['seconds']:>8.2f} "
                  f"{r['median']:>8.2f} {r['events'] / r['seconds']:>11,.0f} "
                  f"{r['peak_mb']:>8.0f} {ratio:>15s}", flush=True)
    if not have_peer:
        print(f"(PM4Py not measured: no interpreter at {args.peers}; see requirements-peers.txt)")
        return
    originals = SHARED / "data" / "original" / "bpic2020_cleaned"
    if not args.real or not originals.exists():
        return
    # Real XES as a public body publishes it: many attributes per event, gzip, nested shapes.
    print(f"\n{'real XES (BPIC 2020)':34s} {'events':>8s} {'servicecheck s':>14s} "
          f"{'PM4Py s':>8s} {'speed vs PM4Py':>15s}")
    ours_total = peer_total = 0.0
    for path in sorted(originals.glob("*.xes.gz")):
        ours = best_of(args.repeat, sys.executable, OURS, path)
        peer = best_of(args.repeat, args.peers, PEER, path)
        ours_total += ours["seconds"]
        peer_total += peer["seconds"]
        print(f"{path.name:34s} {int(ours['events']):>8,} {ours['seconds']:>14.2f} "
              f"{peer['seconds']:>8.2f} {peer['seconds'] / ours['seconds']:>14.1f}x", flush=True)
    print(f"{'all five':34s} {'':>8s} {ours_total:>14.2f} {peer_total:>8.2f} "
          f"{peer_total / ours_total:>14.1f}x")



if __name__ == "__main__":
    main()
