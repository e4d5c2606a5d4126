"""A wide log — hundreds of activities, dates without times — through `flow --out` and `report`.

    python benchmarks/wide_log.py [--activities 400] [--cases 1200] [--repeat 2]
                                  [--log PATH ...] [--timeout 600]

Councils' planning, building-control and social-care logs look like this (BPIC 2015's
municipal building permits: 52,217 events, 1,199 cases, 398 activity codes): a spine of common
steps that most cases pass through, hundreds of rare steps sprinkled between them, almost every
case its own variant, and only dates recorded, so most cases hold several events on one day.
The generator makes a log of that shape (seeded, so the same file every time); each command
then runs as a user runs it, in a fresh process, and is timed whole (start-up included).
`--log` runs the same commands on other logs instead; `--real` on two real logs made wide by
naming each step with an attribute (the travel permits' step and organisational unit: 695
steps; hospital billing's step and diagnosis: 1,148), written beside this script, never bundled.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
from pathlib import Path

import numpy as np
from _common import SHARED, WORK, timed

CLI = [sys.executable, "-m", "servicecheck.cli"]


def generate(path: Path, *, activities: int = 400, cases: int = 1200, spine: int = 24,
             seed: int = 1) -> int:
    """Write the wide log as CSV (case_id, activity, timestamp as a date, resource); return the
    number of events. About 42 events a case."""
    rng = np.random.default_rng(seed)
    names = [f"{1 + i * 8 // activities:02d}_{('HOOFD', 'AWB', 'BB', 'DRZ', 'VD')[i % 5]}_"
             f"{10 * (i + 1):04d}" for i in range(activities)]
    spine_steps, rare = names[:spine], names[spine:]
    # rare steps follow Zipf's law: a few dozen are common, most happen a handful of times
    weights = 1.0 / np.arange(1, len(rare) + 1) ** 1.1
    weights /= weights.sum()
    # a few standard routes that many cases share exactly, so the variants have a head
    routes = [[s for s in spine_steps if rng.random() > 0.3] for _ in range(12)]
    route_weights = 1.0 / np.arange(1, len(routes) + 1)
    route_weights /= route_weights.sum()
    start = np.datetime64("2010-10-01")
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["case_id", "activity", "timestamp", "resource"])
        for c in range(cases):
            if rng.random() < 0.15:
                steps = list(routes[rng.choice(len(routes), p=route_weights)])
            else:
                steps = []
                for s in spine_steps:
                    if rng.random() > 0.2:
                        steps.append(s)
                    steps += [rare[i] for i in rng.choice(len(rare), rng.poisson(1.15),
                                                            p=weights)]
            day = start + np.timedelta64(int(rng.integers(0, 4 * 365)), "D")
            for s in steps:
                # most steps happen on the day of the one before: ties abound
                day += np.timedelta64(int(rng.geometric(0.55)) - 1, "D")
                out.writerow([f"{2_000_000 + c}", s, str(day), f"R{rng.integers(1, 40):02d}"])
            rows += len(steps)
    return rows


# a real log, and the attribute whose value joins the activity's name to make it wide
REAL = {"bpic2020_travel_permits.csv.gz": "(case)_OrganizationalEntity",
        "hospital_billing_sample.csv.gz": "diagnosis"}


def real_wide(name: str, attribute: str) -> Path:
    import pandas as pd

    path = WORK / f"wide-{name.split('.')[0]}.csv"
    if not path.exists():
        log = pd.read_csv(SHARED / "data" / name, low_memory=False,
                          usecols=["case_id", "activity", "timestamp", attribute])
        log["activity"] = log["activity"] + " / " + log[attribute].fillna("none").astype(str)
        log.drop(columns=[attribute]).to_csv(path, index=False)
        print(f"{path}: {len(log):,} events, {log['case_id'].nunique():,} cases, "
              f"{log['activity'].nunique():,} activities")
    return path


def measure(log: Path, repeat: int, timeout: float) -> None:
    folder = WORK / f"wide-run-{log.name.split('.')[0]}"
    folder.mkdir(parents=True, exist_ok=True)
    ws = folder / "ws.duckdb"
    ws.unlink(missing_ok=True)
    commands = {
        "import": [*CLI, "import", str(log), "-w", str(ws)],
        "flow --out": [*CLI, "flow", "-w", str(ws), "--out", str(folder / "map")],
        "report": [*CLI, "report", "-w", str(ws), "-o", str(folder / "check.html")],
    }
    for name, args in commands.items():
        runs = [timed(args, timeout) for _ in range(1 if name == "import" else repeat)]
        walls = [w for w, _ in runs]
        print(f"{log.name:40s} {name:12s} wall best {min(walls):6.2f} s, median "
              f"{statistics.median(walls):6.2f} s; CPU best {min(c for _, c in runs):6.2f} s; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--activities", type=int, default=400)
    ap.add_argument("--cases", type=int, default=1200)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--log", type=Path, nargs="*", default=[])
    ap.add_argument("--real", action="store_true")
    args = ap.parse_args()
    logs = args.log + ([real_wide(n, a) for n, a in REAL.items()] if args.real else [])
    if not logs:
        path = WORK / f"wide-{args.activities}x{args.cases}.csv"
        events = generate(path, activities=args.activities, cases=args.cases)
        print(f"{path}: {events:,} events, {args.cases:,} cases, {args.activities} activities")
        logs = [path]
    print(f"load average {os.getloadavg()[0]:.2f}")
    for log in logs:
        measure(log, args.repeat, args.timeout)


if __name__ == "__main__":
    main()
