"""Import speed by the form the dates are written in: ISO 8601, day-first numbers (a UK
council's 01/03/2024 09:15) and the month by name ("2 Mar 2024 09:15", "02-Mar-2024").

    python benchmarks/date_forms.py [--events 300000] [--repeat 3]

Each form is a CSV of the same events (written here once), imported by a fresh process into
a workspace in memory; the best of ``--repeat`` runs is printed per form. A form the import
refuses prints its sentence instead of a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from _common import WORK, run

FORMS = {"iso": "%Y-%m-%d %H:%M", "day-first": "%d/%m/%Y %H:%M",
         "month by name": "%-d %b %Y %H:%M", "day-Mon-year": "%d-%b-%Y"}
CODE = """
import json, sys, time
from servicecheck import InputError, Workspace, import_events
t = time.perf_counter()
try:
    report = import_events(Workspace(), sys.argv[1], timezone="UTC")
    print(json.dumps({"seconds": time.perf_counter() - t, "events": report.events}))
except InputError as e:
    print(json.dumps({"seconds": -1, "events": 0, "error": str(e)[:160]}))
"""


def written(form: str, events: int) -> Path:
    path = WORK / f"date-forms-{events}-{form.replace(' ', '-')}.csv"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    start, fmt = dt.datetime(2024, 1, 2, 8, 0), FORMS[form]
    with path.open("w", encoding="utf-8") as f:
        f.write("case_id,activity,timestamp\n")
        for i in range(events):
            when = start + dt.timedelta(seconds=61 * i)  # 300k events: 7 months of 2024
            f.write(f"C{i // 4},{('Logged', 'Visited', 'Fixed', 'Closed')[i % 4]},"
                    f"{when.strftime(fmt)}\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for form in FORMS:
        path = written(form, args.events)
        runs = [run(sys.executable, CODE, str(path)) for _ in range(args.repeat)]
        best = min(r["seconds"] for r in runs)
        said = runs[0].get("error") or f"{best:.2f} s, {int(runs[0]['events']):,} events"
        print(f"{form:>15}: {said}")


if __name__ == "__main__":
    main()
