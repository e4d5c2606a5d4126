"""The summary of many measures drawn: an HTML table with Making Data Count's variation and
assurance icons (accessible SVG, charts.icons), each measure linked to its chart.

Drawn from ``spc.summary_table``'s rows and the charts themselves, the signals worded by
``narrative.signals``; nothing is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

from servicecheck.charts.icons import assurance_icon, variation_icon
from servicecheck.narrative.signals import signal_words
from servicecheck.spc import Chart, summary_table


def _latest(value: float, unit: str) -> str:
    if math.isnan(value):
        return "no value"
    return f"{value:,.1f}{'%' if unit == '%' else ' ' + unit if unit else ''}"


def summary_html(charts: Mapping[str, Chart], caption: str = "",
                 links: Mapping[str, str] | None = None,
                 units: Mapping[str, str] | None = None) -> str:
    """The summary as an HTML table: per measure its latest value (in ``units[name]``), the
    period it belongs to, the variation icon, the assurance icon (empty without a target)
    and its latest signal in words (``narrative.signals``: the rule and the points it marks), each
    measure linked to its chart when ``links`` names where the chart is."""
    table = summary_table(charts)
    body = []
    for (name, c), row in zip(charts.items(), table.to_dict("records"), strict=True):
        href = (links or {}).get(name)
        label = f'<a href="{escape(href)}">{escape(name)}</a>' if href else escape(name)
        body.append(
            f'<tr><th scope="row">{label}</th>'
            f"<td>{escape(_latest(float(row['latest']), (units or {}).get(name, '')))}</td>"
            f"<td>{escape(str(row['latest_label']))}</td>"
            f"<td>{variation_icon(c.variation_icon, c.improvement_direction)}</td>"
            f"<td>{assurance_icon(c.assurance)}</td>"
            f"<td>{escape(signal_words(c, c.signals[-1]) if c.signals else '')}</td></tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "measure", "latest", "when", "variation", "assurance", "latest signal"))
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<table class="summary">{title}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
