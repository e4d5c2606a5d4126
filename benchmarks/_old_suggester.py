"""The previous learner, kept only as a peer for benchmarks/suggest.py (servicecheck's
suggester before the starter corpus), its learning and suggesting only.

Suggestions that learn: nature, failure kind and demand type for verbatims, with confidence.

Classification is a person's judgement (METHOD.md): this only suggests. It learns from the
labels people confirmed, incrementally (hashed features need no vocabulary, so new words need
no refit), and its confidence is calibrated (temperature and offsets) on held-out confirmed
labels. The review queue puts the suggestions it is least sure of first (active learning).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from servicecheck.demand.suggest import _embed, _softmax

HEADS = ("nature", "failure_kind", "demand_type")


def _features() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.pipeline import FeatureUnion

    # words and character fragments (fragments survive typos and word endings), counted
    # without a vocabulary so that learning can go on as new words arrive
    return FeatureUnion([
        ("words", HashingVectorizer(ngram_range=(1, 2), n_features=2**19, norm=None,
                                    alternate_sign=False, lowercase=True)),
        ("chars", HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**19,
                                    norm=None, alternate_sign=False, lowercase=True)),
    ])


EMBED_WEIGHT = 2.0  # sentence embeddings beside the hashed words, on a comparable scale


@dataclass
class Head:
    """One thing to suggest (say, nature) with the labels it may take."""

    name: str
    classes: list[str]
    model: Any = None
    temperature: float = 1.0
    bias: list[float] | None = None
    seen: int = 0

    def scores(self, x: Any) -> np.ndarray:
        z = self.model.decision_function(x)
        if z.ndim == 1:  # two classes: sklearn gives one column of log-odds
            z = np.column_stack([-z / 2, z / 2])
        return np.asarray(z, dtype=float)

    def proba(self, x: Any) -> np.ndarray:
        z = self.scores(x) / self.temperature
        return _softmax(z + np.array(self.bias) if self.bias else z)


@dataclass
class Suggester:
    """Suggests labels for verbatims and learns from the ones people confirm.

    ``embed`` adds sentence embeddings (the optional [embed] extra) to the hashed words.
    """

    heads: dict[str, Head] = field(default_factory=dict)
    embed: bool = False
    idf: Any = None  # TF-IDF weights, fitted on the first confirmed labels and then kept

    @classmethod
    def for_labels(cls, labels: Mapping[str, Sequence[str]], *, embed: bool = False
                   ) -> Suggester:
        """A new suggester for the given label lists (from the service file)."""
        return cls({name: Head(name, sorted(set(vals))) for name, vals in labels.items()
                    if len(set(vals)) >= 2}, embed=embed)

    def features(self, verbatims: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfTransformer

        texts = list(verbatims)
        counts = _features().transform(texts)
        if self.idf is None:
            # the first batch of confirmed labels fixes the IDF weights; later learning keeps
            # them, so models trained incrementally see the same feature space
            self.idf = TfidfTransformer(sublinear_tf=True).fit(counts)
        x = self.idf.transform(counts)
        if not self.embed:
            return x
        return hstack([x, csr_matrix(_embed(texts) * EMBED_WEIGHT)]).tocsr()

    def learn(self, verbatims: Sequence[str], labels: pd.DataFrame, *, epochs: int = 5) -> None:
        """Learn from confirmed labels (a column per head; empty where not labelled).

        Incremental: calling it again with new confirmations refines what it knew.
        """
        from sklearn.linear_model import SGDClassifier

        x_all = self.features(verbatims)
        for name, head in self.heads.items():
            if name not in labels:
                continue
            y = labels[name].to_numpy(dtype=object)
            keep = np.array([v in head.classes for v in y])
            if not keep.any():
                continue
            x, yk = x_all[keep], y[keep].astype(str)
            if head.model is None:
                head.model = SGDClassifier(loss="log_loss", alpha=2e-5, random_state=0)
            rng = np.random.default_rng(head.seen)
            for _ in range(epochs):
                order = rng.permutation(x.shape[0])
                head.model.partial_fit(x[order], yk[order], classes=head.classes)
            head.seen += int(keep.sum())

    def calibrate(self, verbatims: Sequence[str], labels: pd.DataFrame) -> dict[str, float]:
        """Fit each head's calibration on held-out confirmed labels (minimum log loss): a
        temperature and an offset per label (for two labels, Platt scaling). The offsets
        matter when the model errs one way, as it does on repeat calls worded as new ones."""
        from scipy.optimize import minimize

        x_all = self.features(verbatims)
        out = {}
        for name, head in self.heads.items():
            if head.model is None or name not in labels:
                continue
            y = labels[name].to_numpy(dtype=object)
            keep = np.array([v in head.classes for v in y])
            if keep.sum() < 20:
                continue
            z = head.scores(x_all[keep])
            idx = np.array([head.classes.index(v) for v in y[keep]])
            k = z.shape[1]

            def nll(w: np.ndarray, z: np.ndarray = z, idx: np.ndarray = idx) -> float:
                p = _softmax(z / np.exp(w[0]) + w[1:])
                return float(-np.log(p[np.arange(len(idx)), idx] + 1e-12).mean()
                             + 1e-4 * float(np.sum(w[1:] ** 2)))

            fit = minimize(nll, np.zeros(k + 1), method="L-BFGS-B")
            head.temperature = float(np.exp(fit.x[0]))
            head.bias = [float(b) for b in fit.x[1:]]
            out[name] = head.temperature
        return out

    def suggest(self, verbatims: Sequence[str]) -> pd.DataFrame:
        """Per verbatim and head: the suggested label, its confidence, and the margin to the
        runner-up (small margins first in the review queue)."""
        x = self.features(verbatims)
        cols: dict[str, Any] = {}
        for name, head in self.heads.items():
            if head.model is None:
                continue
            p = head.proba(x)
            order = np.argsort(-p, axis=1)
            best = p[np.arange(len(p)), order[:, 0]]
            second = p[np.arange(len(p)), order[:, 1]] if p.shape[1] > 1 else 0.0
            cols[f"{name}"] = np.array(head.classes, dtype=object)[order[:, 0]]
            cols[f"{name}_confidence"] = best
            cols[f"{name}_margin"] = best - second
        return pd.DataFrame(cols)
