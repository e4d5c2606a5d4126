"""Many measures at once: one row per chart with its latest value, limits and last signal."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import numpy as np
import pandas as pd

from servicecheck.spc._chart import Chart

VARIATION_WORDS = {
    "common_cause": "common cause only",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: higher",
    "special_cause_neutral_low": "special cause: lower",
}
ASSURANCE_WORDS = {
    "consistent_pass": "will consistently meet the target",
    "consistent_fail": "will consistently miss the target",
    "inconsistent": "will sometimes meet and sometimes miss the target",
}


def summary_table(charts: Mapping[str, Chart]) -> pd.DataFrame:
    """One row per named chart: latest value, centre, the latest point's limits (they vary
    per point on p′ and u′ charts), variation, assurance where a target was given, signal.

    No targets of its own and no colours: the table says what each measure predictably does
    (``summary_table(...).to_csv(path)`` for a spreadsheet; ``summary_html`` draws icons).
    """
    rows = []
    for name, c in charts.items():
        last_signal = c.signals[-1] if c.signals else None
        rows.append({
            "measure": name,
            "rule_set": c.rule_set,
            "points": c.n,
            "latest": float(c.values[-1]) if c.n else float("nan"),
            "latest_label": c.labels[-1] if c.n else "",
            "centre": float(c.cl[-1]) if c.n else float("nan"),
            "lower": _opt(c.lcl[-1]) if c.n else None,
            "upper": _opt(c.ucl[-1]) if c.n else None,
            "variation": VARIATION_WORDS.get(c.variation_icon, c.variation_icon),
            "assurance": ASSURANCE_WORDS.get(c.assurance or "", ""),
            "stable": c.stable,
            # the latest signal as its rule code and the labels of its first and last points
            # (servicecheck.narrative.signals words it)
            "last_signal": last_signal.rule if last_signal else "",
            "last_signal_from": c.labels[last_signal.points[0] - 1] if last_signal else "",
            "last_signal_to": c.labels[last_signal.points[-1] - 1] if last_signal else "",
        })
    return pd.DataFrame(rows)


def summary_html(charts: Mapping[str, Chart], links: Mapping[str, str] | None = None) -> str:
    """The summary as an HTML table with Making Data Count's icons (accessible SVG), each
    measure linked to its chart when ``links`` names where the chart is."""
    from servicecheck.charts.icons import assurance_icon, variation_icon
    from servicecheck.narrative.signals import signal_words

    table = summary_table(charts)
    body = []
    for (name, c), row in zip(charts.items(), table.itertuples(), strict=True):
        href = (links or {}).get(name)
        label = f'<a href="{escape(href)}">{escape(name)}</a>' if href else escape(name)
        body.append(
            f"<tr><th scope=\"row\">{label}</th><td>{row.latest:.4g}</td>"
            f"<td>{escape(str(row.latest_label))}</td>"
            f"<td>{variation_icon(c.variation_icon, c.improvement_direction)}</td>"
            f"<td>{assurance_icon(c.assurance)}</td>"
            f"<td>{escape(signal_words(c, c.signals[-1]) if c.signals else '')}</td></tr>")
    head = ("<tr><th scope=\"col\">measure</th><th scope=\"col\">latest</th>"
            "<th scope=\"col\">when</th><th scope=\"col\">variation</th>"
            "<th scope=\"col\">assurance</th><th scope=\"col\">latest signal</th></tr>")
    return (f'<table class="summary"><thead>{head}</thead><tbody>{"".join(body)}</tbody>'
            "</table>")


def _opt(v: float) -> float | None:
    return None if np.isnan(v) else float(v)
