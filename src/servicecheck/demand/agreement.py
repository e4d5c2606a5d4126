"""Agreement between two people classifying the same demand blind: Cohen's kappa.

A team's classification is only as good as its agreement. A second person classifies a sample
of captured demand seeing only the citizen's words; kappa says how much more the two agree
than two people choosing at random with the same habits would (Cohen 1960):

    kappa = (p_o - p_e) / (1 - p_e),  p_o the share agreed, p_e = sum over categories of the
    product of the two people's shares for it.

Landis and Koch's (1977) words for its bands are the usual reading. Pure: sequences in,
a value object and a finding out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from servicecheck.findings import Finding, count, ratio, share

# Landis & Koch (1977): the upper bound of each band and its word
BANDS = ((0.0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"),
         (0.8, "substantial"), (1.0, "almost perfect"))
# fewer pairs than this and a kappa moves by a band with one disagreement: said, not read
FEW_PAIRS = 30


@dataclass(frozen=True)
class Agreement:
    n: int                      # demands classified by both
    agreed: int                 # of them, classified alike
    expected: float | None      # the share two people with these habits agree by chance
    kappa: float | None         # None: no pairs, or chance agreement is certain (one category)

    @property
    def observed(self) -> float | None:
        return self.agreed / self.n if self.n else None

    @property
    def band(self) -> str | None:
        if self.kappa is None:
            return None
        return next(word for top, word in BANDS if self.kappa <= top)


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> Agreement:
    """Cohen's kappa for two people's labels of the same items, in the same order."""
    if len(first) != len(second):
        raise ValueError("the two classifications must be of the same demands")
    n = len(first)
    if n == 0:
        return Agreement(0, 0, None, None)
    agreed = sum(a == b for a, b in zip(first, second, strict=True))
    a, b = Counter(first), Counter(second)
    expected = sum(a[k] * b[k] for k in a.keys() | b.keys()) / (n * n)
    if expected >= 1.0:  # both used one and the same category throughout: kappa undefined
        return Agreement(n, agreed, expected, None)
    return Agreement(n, agreed, expected, (agreed / n - expected) / (1.0 - expected))


def agreement_finding(a: Agreement, what: str) -> Finding:
    """What the blind classification found, for ``what`` (e.g. "value or failure")."""
    if a.n == 0:
        return Finding("demand.agreement", "demand", 0, applies=False, why_not="no_pairs",
                       names=(what,))
    numbers = {"agreed": count(a.agreed), "observed": share(a.agreed / a.n)}
    if a.kappa is None:
        return Finding("demand.agreement", "demand", a.n, numbers, applies=False,
                       why_not="one_category", names=(what,))
    band = a.band or ""
    return Finding("demand.agreement", "demand", a.n, {**numbers, "kappa": ratio(a.kappa)},
                   names=(what, band),
                   flags=frozenset({"few"}) if a.n < FEW_PAIRS else frozenset())
