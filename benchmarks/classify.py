"""Suggestion quality and speed: accuracy, macro-F1 and calibration on held-out verbatims.

    python benchmarks/classify.py [--events 200000]

Two tasks: the synthetic repairs service (learn from 80% of contacts, calibrated by
cross-validation over them, test on 20%: split by time, across the redesign, and at
random), and NYC 311 (descriptor -> complaint type, 80/20 in file order), a real typology of
113 types.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import SHARED
from sklearn.metrics import f1_score

from servicecheck.demand.suggest import Suggester, expected_calibration_error

EMBED = False


def evaluate(name: str, verbatims: list[str], labels: pd.DataFrame, heads: list[str]) -> None:
    n = len(verbatims)
    b = int(n * 0.8)
    s = Suggester.for_labels({h: sorted(labels[h].dropna().astype(str).unique())
                              for h in heads}, embed=EMBED)
    t = time.perf_counter()
    # learned from the first 80% (calibrated by cross-validation over them) beside the
    # starter corpus, tested on the last 20%
    s.fit(labels.iloc[:b].assign(verbatim=verbatims[:b]))
    learn_s = time.perf_counter() - t
    test_v, test_y = verbatims[b:], labels.iloc[b:]
    t = time.perf_counter()
    sug = s.suggest(test_v)
    rate = len(test_v) / (time.perf_counter() - t)
    for h in heads:
        y = test_y[h].to_numpy(dtype=object)
        mask = np.array([v is not None and v == v for v in y])
        pred = sug[h].to_numpy()[mask]
        truth = y[mask].astype(str)
        acc = float((pred == truth).mean())
        f1 = float(f1_score(truth, pred, average="macro"))
        ece = expected_calibration_error(sug[f"{h}_confidence"].to_numpy()[mask],
                                         pred == truth)
        print(f"{name:12s} {h:13s} {len(verbatims[:b]):>8,} {int(mask.sum()):>7,} "
              f"{acc:>8.3f} {f1:>8.3f} {ece:>6.3f} {rate:>11,.0f} {learn_s:>7.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--embed", action="store_true",
                    help="add sentence embeddings (the optional [embed] extra)")
    args = ap.parse_args()
    global EMBED
    EMBED = args.embed
    from _common import WORK

    from servicecheck.generators.housing_repairs import generate

    print(f"{'task':12s} {'head':13s} {'trained':>8s} {'tested':>7s} {'accuracy':>8s} "
          f"{'macroF1':>8s} {'ECE':>6s} {'suggest/s':>11s} {'learn s':>7s}")
    folder = WORK / f"classify-{args.events}"
    if not (folder / "demands.parquet").exists():
        generate(folder, events=args.events, seed=11, csv=False)
    d = pd.read_parquet(folder / "demands.parquet").sort_values("received_at")
    heads = ["nature", "failure_kind", "demand_type"]
    # by time: the test contacts come after the redesign, when failure demand is rarer
    evaluate("repairs/time", d["verbatim"].tolist(), d.reset_index(drop=True), heads)
    shuffled = d.sample(frac=1, random_state=0).reset_index(drop=True)
    evaluate("repairs/rand", shuffled["verbatim"].tolist(), shuffled, heads)
    nyc = pd.read_csv(SHARED / "data" / "nyc311_2023-02-28_sample.csv", usecols=["Descriptor",
                                                                        "Complaint Type"])
    nyc = nyc.dropna().reset_index(drop=True)
    evaluate("nyc311", nyc["Descriptor"].tolist(),
             pd.DataFrame({"demand_type": nyc["Complaint Type"]}), ["demand_type"])


if __name__ == "__main__":
    main()
