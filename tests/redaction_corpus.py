"""The redaction corpus (tests/data/redaction_corpus.txt) and how redaction is scored on it:
shared by tests/test_redact.py, which asserts the aims, and benchmarks/redaction.py, which
writes the figures to benchmarks/RESULTS.md.

A detail counts as found when a mask of its kind covers exactly its characters; a mask counts
as right when it is exactly a marked detail of its kind. So a number masked but for its last
four digits is a miss and a wrong mask, not half a success.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from servicecheck.demand.redact import LABELS, find

CORPUS = Path(__file__).parent / "data" / "redaction_corpus.txt"
MARK = re.compile(r"\{(" + "|".join(LABELS) + r"):([^{}]+)\}")
# the aims the issue sets, on every kind the product promises
AIM_RECALL = 0.98
AIM_PRECISION = 0.98


@dataclass(frozen=True)
class Item:
    line: int
    text: str
    details: tuple[tuple[int, int, str], ...]  # (start, end, kind) in text

    def expected(self, *, names: bool) -> str:
        """The text as it should be stored."""
        out, at = [], 0
        for start, end, kind in self.details:
            if kind == "name" and not names:
                continue
            out += [self.text[at:start], LABELS[kind]]
            at = end
        return "".join([*out, self.text[at:]])


def items(path: Path = CORPUS) -> list[Item]:
    """The corpus: one item a line; '#' starts a comment line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        text, details, at = [], [], 0
        length = 0
        for m in MARK.finditer(line):
            plain = line[at:m.start()]
            text.append(plain)
            length += len(plain)
            details.append((length, length + len(m.group(2)), m.group(1)))
            text.append(m.group(2))
            length += len(m.group(2))
            at = m.end()
        text.append(line[at:])
        out.append(Item(n, "".join(text), tuple(details)))
    return out


@dataclass
class Score:
    expected: int = 0  # details marked in the corpus
    found: int = 0  # masks made
    right: int = 0  # masks exactly on a marked detail of their kind
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


def score(corpus: list[Item], *, names: bool = True) -> dict[str, Score]:
    """Recall and precision per kind, and over all kinds under 'all'."""
    scores = {kind: Score() for kind in [*LABELS, "all"]}
    for item in corpus:
        want = {d for d in item.details if names or d[2] != "name"}
        got = {(d.start, d.end, d.kind) for d in find(item.text, names=names)}
        for start, end, kind in want:
            scores[kind].expected += 1
            if (start, end, kind) not in got:
                scores[kind].misses.append(f"line {item.line}: missed {kind} "
                                           f"{item.text[start:end]!r} in {item.text!r}")
        for start, end, kind in got:
            scores[kind].found += 1
            if (start, end, kind) in want:
                scores[kind].right += 1
            else:
                scores[kind].misses.append(f"line {item.line}: wrongly masked {kind} "
                                           f"{item.text[start:end]!r} in {item.text!r}")
    for kind in LABELS:
        total = scores["all"]
        total.expected += scores[kind].expected
        total.found += scores[kind].found
        total.right += scores[kind].right
        total.misses += scores[kind].misses
    return scores
