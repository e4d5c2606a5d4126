"""Suggestions on a team's first days: held-out council verbatims, a few confirmed labels.

    python benchmarks/suggest.py [--repeats 3] [--counts 0,10,25,50]

For each of the six services of benchmarks/data/heldout_verbatims.csv (written for the
project, apart from the starter corpus and from the generator's verbatims), ``n`` verbatims
are drawn at random as the team's confirmed labels and the rest are the test; repeated with
other draws. Peers side by side on the same draws:

- old: the previous learner (benchmarks/_old_suggester.py: hashed TF-IDF, SGD, calibrated
  only from 100 labels), from the team's labels alone, as the web app used it;
- new: servicecheck's suggester, the starter corpus beside the team's labels;
- new, corpus without the service: the same with the service's own part of the corpus left
  out (a service the corpus does not cover);
- new, own labels only: the same learner without the corpus;
- MiniLM + LR (and with the corpus): all-MiniLM-L6-v2 sentence embeddings and a plain
  logistic regression, when benchmarks/suggest_embed.py has written the embeddings (it needs
  torch and the packaged model, in a separate venv).

Printed: value/failure accuracy over every test verbatim, its ECE, how often nature is shown
(not "not sure") and how often right when shown; failure kind and demand type: how often
shown and how often right when shown; then the latency of one suggestion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import WORK  # noqa: E402
from _old_suggester import Suggester as OldSuggester  # noqa: E402

from servicecheck.demand.suggest import (  # noqa: E402
    Suggester,
    expected_calibration_error,
    starter_corpus,
)
from servicecheck.service.schema import DEFAULT_FAILURE_KINDS  # noqa: E402

HELD_OUT = HERE / "data" / "heldout_verbatims.csv"
EMBEDDINGS = WORK / "suggest-minilm.npz"


def load_held_out() -> pd.DataFrame:
    out = pd.read_csv(HELD_OUT, dtype=str, keep_default_na=False)
    return out.replace({"": None})


def labels_for(service_rows: pd.DataFrame) -> dict[str, list[str]]:
    return {"nature": ["failure", "value"], "failure_kind": list(DEFAULT_FAILURE_KINDS),
            "demand_type": sorted(service_rows["demand_type"].dropna().unique())}


def new_peer(corpus: pd.DataFrame | None):  # type: ignore[no-untyped-def]
    def run(own: pd.DataFrame, test: pd.DataFrame, labels: dict[str, list[str]]
            ) -> pd.DataFrame | None:
        if corpus is not None and corpus.empty and len(own) == 0:
            return None
        s = Suggester.for_labels(labels).fit(own, starter=corpus)
        return s.suggest(test["verbatim"].tolist())
    return run


def old_peer(own: pd.DataFrame, test: pd.DataFrame, labels: dict[str, list[str]]
             ) -> pd.DataFrame | None:
    if len(own) < 10 or own["nature"].nunique() < 2:
        return None  # the web app waited for ten labels
    s = OldSuggester.for_labels(labels)
    s.learn(own["verbatim"].tolist(), own)  # under 100 labels it never calibrated
    out = s.suggest(test["verbatim"].tolist())
    for h in ("nature", "failure_kind", "demand_type"):
        if h in out:
            out[f"{h}_shown"] = True  # it showed every suggestion it had
    if "failure_kind" in out:
        out["failure_kind_shown"] &= out["nature"] == "failure"
    return out


def minilm_peer(emb: dict[str, np.ndarray], with_corpus: bool):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    corpus = starter_corpus()

    def run(own: pd.DataFrame, test: pd.DataFrame, labels: dict[str, list[str]]
            ) -> pd.DataFrame | None:
        xs = [emb["held"][own.index.to_numpy()]]
        frames = [own]
        if with_corpus:
            xs.append(emb["corpus"])
            frames.append(corpus)
        x = np.vstack(xs)
        data = pd.concat(frames, ignore_index=True)
        xt = emb["held"][test.index.to_numpy()]
        cols: dict[str, object] = {}
        for h, classes in labels.items():
            y = data[h].to_numpy(dtype=object)
            if h == "failure_kind":
                y = np.where(data["nature"].to_numpy() == "failure", y, None)
            keep = np.array([v in classes for v in y], dtype=bool)
            if len(set(y[keep])) < 2:
                continue
            m = LogisticRegression(max_iter=1000).fit(x[keep], y[keep].astype(str))
            p = m.predict_proba(xt)
            cols[h] = m.classes_[p.argmax(1)]
            cols[f"{h}_confidence"] = p.max(1)
            cols[f"{h}_shown"] = np.ones(len(xt), dtype=bool)
        if "nature" not in cols:
            return None
        out = pd.DataFrame(cols)
        if "failure_kind" in out:
            out["failure_kind_shown"] &= out["nature"] == "failure"
        return out
    return run


def score(sug: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    truth = {h: test[h].to_numpy(dtype=object) for h in ("nature", "failure_kind",
                                                          "demand_type")}
    right = sug["nature"].to_numpy() == truth["nature"]
    out = {"accuracy": float(right.mean()),
           "ece": expected_calibration_error(sug["nature_confidence"].to_numpy(), right),
           "shown": float(sug["nature_shown"].mean()),
           "right when shown": float(right[sug["nature_shown"]].mean())
           if sug["nature_shown"].any() else float("nan")}
    failures = truth["nature"] == "failure"
    for h, base in (("failure_kind", failures), ("demand_type", np.ones(len(test), bool))):
        if h not in sug:
            out[f"{h} shown"], out[f"{h} right"] = 0.0, float("nan")
            continue
        shown = sug[f"{h}_shown"].to_numpy(dtype=bool)
        ok = sug[h].to_numpy() == truth[h]
        out[f"{h} shown"] = float(shown[base].mean())
        out[f"{h} right"] = float(ok[shown].mean()) if shown.any() else float("nan")
    return out


def latency(held: pd.DataFrame) -> None:
    rows = held[held["service"] == "repairs"]
    own, test = rows.iloc[:50], rows.iloc[50:]
    labels = labels_for(rows)
    new = Suggester.for_labels(labels).fit(own)
    old = OldSuggester.for_labels(labels)
    old.learn(own["verbatim"].tolist(), own)
    for name, model in (("new", new), ("old", old)):
        times, cpu = [], []
        for v in test["verbatim"].tolist() * 3:
            t, c = time.perf_counter(), time.process_time()
            model.suggest([v])
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        q = np.quantile(np.array(times) * 1000, [0.5, 0.99])
        print(f"latency of one suggestion, {name}: median {q[0]:.1f} ms, p99 {q[1]:.1f} ms "
              f"(CPU median {1000 * float(np.median(cpu)):.1f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--counts", default="0,10,25,50")
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    held = load_held_out()
    corpus = starter_corpus()
    peers = {"old": old_peer, "new": new_peer(None), "new, own labels only":
             new_peer(corpus.iloc[:0])}
    if EMBEDDINGS.exists():
        z = np.load(EMBEDDINGS)
        emb = {"held": z["held"], "corpus": z["corpus"]}
        peers["MiniLM + LR"] = minilm_peer(emb, with_corpus=False)
        peers["MiniLM + LR, corpus"] = minilm_peer(emb, with_corpus=True)
    t0, cpu0 = time.perf_counter(), time.process_time()
    results: dict[tuple[str, int], list[dict[str, float]]] = defaultdict(list)
    per_service: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for service in sorted(held["service"].unique()):
        rows = held[held["service"] == service]
        labels = labels_for(rows)
        service_peers = dict(peers)
        service_peers["new, corpus without the service"] = new_peer(
            corpus[corpus["service"] != service].reset_index(drop=True))
        for n in counts:
            for r in range(args.repeats):
                order = rows.sample(frac=1, random_state=1000 * r + n)
                own, test = order.iloc[:n], order.iloc[n:]
                for name, peer in service_peers.items():
                    sug = peer(own, test, labels)
                    if sug is None:
                        continue
                    s = score(sug, test)
                    results[(name, n)].append(s)
                    per_service[(name, service, n)].append(s["accuracy"])
        print(f"... {service} done, {time.perf_counter() - t0:.0f} s", flush=True)
    keys = ["accuracy", "ece", "shown", "right when shown", "failure_kind shown",
            "failure_kind right", "demand_type shown", "demand_type right"]
    print("| learner | labels | value/failure right | ECE | nature shown | right when shown "
          "| kind shown | kind right | type shown | type right |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (name, n), rs in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        vals = [np.nanmean([r[k] for r in rs]) if not all(np.isnan(r[k]) for r in rs)
                else float("nan") for k in keys]
        cells = ["–" if np.isnan(v) else f"{v:.3f}" for v in vals]
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")
    print("\nvalue/failure right per service (mean of draws)")
    services = sorted(held["service"].unique())
    print("| learner | labels | " + " | ".join(services) + " |")
    for (name, n) in sorted(results, key=lambda k: (k[1], k[0])):
        cells = [f"{statistics.mean(per_service[(name, s, n)]):.2f}"
                 if per_service.get((name, s, n)) else "–" for s in services]
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")
    latency(held)
    print(f"\nwall {time.perf_counter() - t0:.0f} s, CPU {time.process_time() - cpu0:.0f} s, "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
