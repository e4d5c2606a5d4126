"""The Check report: one self-contained HTML file a team takes to its managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicecheck._lazy import lazy_names as _lazy_names

if TYPE_CHECKING:
    from servicecheck.report.build import Report, build_sections, headline_findings, write_report

__all__ = ["Report", "build_sections", "headline_findings", "write_report"]
# loaded on first use: the web app's pages read only report.templates
_LAZY = dict.fromkeys(__all__, "servicecheck.report.build")

__getattr__, __dir__ = _lazy_names(__name__, _LAZY, globals())
