"""The copies check: rows an export wrote twice (``measures.quality.copies_findings``).

    python benchmarks/copies.py [--events 1000000] [--parquet FILE] [--workspace W] [--twice 1] [--repeat 3]

Imports the generated repairs log (or ``--parquet FILE``, with the ``service.toml`` beside it)
into a workspace in a temporary folder (or into ``--workspace W``, kept; a ``W`` that exists
is read as it is), with ``--twice`` percent of its events written again (a sample, as an
export that wrote rows twice would; the generated log has none), then runs, in
the same process and alternately, the check as the package has it (ties of case, step and
time first, every column only among their rows) and its earlier form (a GROUP BY over every
column of every event), each on the same table; prints the wall and CPU seconds of each run
(CPU: user and system, all of DuckDB's threads), the load average, and that both counted the
same.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import ibis
import pandas as pd
from _common import generated


def every_column(ev: ibis.Table) -> ibis.Table:
    """The earlier form, the peer: every event grouped by every column but the row number."""
    cols = [c for c in ev.columns if c != "event_index"]
    groups = ev.group_by(cols).aggregate(n=ibis._.count()).filter(ibis._.n > 1)
    return groups.aggregate(copies=(groups.n - 1).sum(), cases=groups.case_id.nunique())


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def main() -> None:
    from servicecheck import Service, Workspace, import_events
    from servicecheck.engine import prepared
    from servicecheck.measures.quality import _copies

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--parquet", type=Path, help="an events.parquet with service.toml beside")
    ap.add_argument("--workspace", type=Path, help="where to import, kept (read as it is if it exists)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--twice", type=float, default=1.0,
                    help="percent of the events written again on import (the generated log "
                    "has no copies)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = a.workspace or Path(tmp) / "ws.duckdb"
        if path.exists():
            ws = Workspace(path, read_only=True)
            svc = ws.service()
        else:
            parquet = a.parquet or generated(a.events) / "events.parquet"
            svc = Service.load(parquet.parent / "service.toml")
            ws = Workspace(path)
            t = time.perf_counter()
            import_events(ws, parquet, service=svc)
            print(f"imported {parquet} in {time.perf_counter() - t:.1f} s")
            if a.twice:  # rows an export wrote twice: a sample written again, row numbers new
                ws.raw.execute(
                    "INSERT INTO events SELECT * REPLACE (event_index + (SELECT max("
                    f"event_index) + 1 FROM events) AS event_index) FROM events USING SAMPLE "
                    f"{float(a.twice)}% (bernoulli, 1)")
        with ws:
            ev = ws.events(svc.key)
            rows = ev.count().to_pyarrow().as_py()
            print(f"{rows:,} events; load average {os.getloadavg()}")
            results = {}
            for i in range(a.repeat):
                for name, build in (("ties first", _copies), ("every column", every_column)):
                    w, c = time.perf_counter(), _cpu()
                    got = prepared.frame(build, ev).iloc[0]
                    w, c = time.perf_counter() - w, _cpu() - c
                    results.setdefault(name, []).append((w, c))
                    counted = (0 if pd.isna(got["copies"]) else int(got["copies"]),
                               int(got["cases"]))
                    print(f"run {i + 1} {name:12s} wall {w:6.2f} s CPU {c:6.2f} s "
                          f"copies {counted[0]:,} in {counted[1]:,} cases "
                          f"(load {os.getloadavg()[0]:.1f})", flush=True)
                    results.setdefault(f"{name} counted", []).append(counted)
            assert len(set(results["ties first counted"] + results["every column counted"])) == 1
            for name in ("ties first", "every column"):
                print(f"{name:12s} best wall {min(w for w, _ in results[name]):.2f} s, "
                      f"least CPU {min(c for _, c in results[name]):.2f} s")
            print("both counted the same:", results["ties first counted"][0])


if __name__ == "__main__":
    main()
