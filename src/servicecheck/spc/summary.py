"""Many measures at once: one row per chart with its latest value, limits and last signal."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from servicecheck.spc._chart import Chart

VARIATION_WORDS = {
    "common_cause": "common cause only",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: higher",
    "special_cause_neutral_low": "special cause: lower",
}


def summary_table(charts: Mapping[str, Chart]) -> pd.DataFrame:
    """One row per named chart: latest value, centre, limits (latest phase), variation, signal.

    No targets and no colours: the table says what each measure predictably does.
    """
    rows = []
    for name, c in charts.items():
        lim = c.limits[-1] if c.limits else None
        last_signal = c.signals[-1] if c.signals else None
        rows.append({
            "measure": name,
            "rule_set": c.rule_set,
            "points": c.n,
            "latest": float(c.values[-1]) if c.n else float("nan"),
            "latest_label": c.labels[-1] if c.n else "",
            "centre": lim.centre if lim else float("nan"),
            "lower": lim.lower if lim else None,
            "upper": lim.upper if lim else None,
            "variation": VARIATION_WORDS.get(c.variation_icon, c.variation_icon),
            "stable": c.stable,
            "last_signal": last_signal.reason if last_signal else "",
        })
    return pd.DataFrame(rows)
