"""Many measures at once: one row per chart with its latest value, limits and last signal."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from servicecheck.spc._chart import Chart

COLUMNS = ("measure", "rule_set", "points", "latest", "latest_label", "centre", "lower", "upper",
           "variation", "direction", "assurance", "stable", "last_signal", "last_signal_from",
           "last_signal_to")


def summary_table(charts: Mapping[str, Chart]) -> pd.DataFrame:
    """One row per named chart: latest value, centre, the latest point's limits (they vary
    per point on p′ and u′ charts), variation, assurance where a target was given, signal.

    No targets of its own and no colours: the table says what each measure predictably does.
    Variation and assurance are the icons' codes (``common_cause``, ``consistent_pass``),
    never words: ``narrative.signals.summary_words`` words them for a spreadsheet, and
    ``charts.summary.summary_html`` draws the icons.
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
            "variation": c.variation_icon,
            "direction": c.improvement_direction,  # which side of a special cause is better
            "assurance": c.assurance or "",
            "stable": c.stable,
            # the latest signal as its rule code and the labels of its first and last points
            # (servicecheck.narrative.signals words it)
            "last_signal": last_signal.rule if last_signal else "",
            "last_signal_from": c.labels[last_signal.points[0] - 1] if last_signal else "",
            "last_signal_to": c.labels[last_signal.points[-1] - 1] if last_signal else "",
        })
    # named even with no chart at all (a service with no demand and no regime): its header
    # is the table, and what reads its columns finds them
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _opt(v: float) -> float | None:
    return None if np.isnan(v) else float(v)
