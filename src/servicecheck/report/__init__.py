"""The Check report: one self-contained HTML file a team takes to its managers."""

from servicecheck.report.build import Report, build_sections, headline_findings, write_report

__all__ = ["Report", "build_sections", "headline_findings", "write_report"]
