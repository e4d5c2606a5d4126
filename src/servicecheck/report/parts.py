"""What a report section is made of: a title, its words, figures and tables. A leaf module
that every section's builder (sections, regulators) imports, so none imports another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from servicecheck.charts import Figure
from servicecheck.findings import Finding

__all__ = ["Section", "Table"]


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    lead: list[str]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what the section's words say
    blocks: list[str] = field(default_factory=list)  # HTML drawn by charts/, escaped there
