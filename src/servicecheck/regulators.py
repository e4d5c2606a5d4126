"""Regulators' figures, computed as a landlord reports them, beside the citizen's clock.

``tsm-rp02``: the Regulator of Social Housing's Tenant Satisfaction Measure RP02 (England,
reported since April 2023): the share of **emergency** and of **non-emergency** responsive
repairs completed within the landlord's own target timescale, over the repairs completed in
the reporting year (1 April to 31 March). A repair is one order on the regime's clock
(``[targets] start`` to ``end``), its timescale is the landlord's for its priority
(``[targets] timescales``, which may be working days), and the priorities the landlord
calls emergencies are ``[targets] emergency``. Beside each figure: the needs those repairs
belong to that were met in the same year, and the median end-to-end time citizens waited.

The figure is the regime's, never a judgement of the service (METHOD.md): it is shown beside
the citizen's time so that a team sees both clocks for the same repairs and year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from servicecheck.service import Service
    from servicecheck.targets import TargetView

PRESETS = ("tsm-rp02",)
YEAR_STARTS = 4  # the regulator's reporting year starts on 1 April


def reporting_year(ts: pd.Series, tz: str) -> pd.Series:
    """'2024/25' for a time from 1 April 2024 to 31 March 2025, in the service's zone."""
    local = ts.dt.tz_convert(tz) if ts.dt.tz is not None else ts
    first = local.dt.year - (local.dt.month < YEAR_STARTS).astype(int)
    year: pd.Series = first.astype(str) + "/" + ((first + 1) % 100).astype(str).str.zfill(2)
    return year


def tsm_rp02(view: TargetView, service: Service) -> pd.DataFrame:
    """RP02 per reporting year and category, with the citizen's end-to-end time beside it.

    Columns: ``year``, ``category`` (emergency, non-emergency), ``completed`` (repairs
    completed in the year with a timescale), ``within`` (of those, completed within it),
    ``share`` (within / completed: the figure a landlord reports), ``no_timescale``
    (completed repairs whose priority has no timescale: not in the figure), ``needs_met``
    and ``median_days`` (the needs of those repairs met in the same year, and their median
    end-to-end days on the citizen's clock), ``partial`` (the data do not cover the whole
    year: the figure is not the year's)."""
    t = service.targets
    if t is None:
        raise ValueError("the service file states no target regime; add a [targets] table")
    tz = service.timezone
    o = view.orders[view.orders["closed"]].copy()
    emergency = set(t.emergency)
    o["category"] = ["emergency" if str(p) in emergency else "non-emergency"
                     for p in o["priority"]]
    o["year"] = reporting_year(o["regime_end"], tz)
    m = view.mechanisms[~view.mechanisms["open"]][["need_id", "met_at", "end_to_end_days"]]
    m = m.assign(met_year=reporting_year(m["met_at"], tz))
    # what the data cover: a year they do not cover whole gives a partial figure
    first = view.orders["regime_start"].min()
    last = pd.concat([view.orders["regime_start"], view.orders["regime_end"]]).max()
    rows = []
    for (year, category), g in o.groupby(["year", "category"], sort=True):
        judged = g["within_target"].dropna()
        needs = m[m["need_id"].isin(set(g["need_id"])) & (m["met_year"] == year)]
        begins = pd.Timestamp(f"{str(year)[:4]}-04-01", tz=tz)
        ends = begins + pd.DateOffset(years=1)
        rows.append({
            "year": year, "category": category,
            "completed": len(judged), "within": int(judged.sum()),
            "share": float(judged.mean()) if len(judged) else float("nan"),
            "no_timescale": int(g["within_target"].isna().sum()),
            "needs_met": len(needs),
            "median_days": float(needs["end_to_end_days"].median()) if len(needs)
            else float("nan"),
            "partial": bool(first > begins or last < ends - pd.Timedelta(days=1)),
        })
    return pd.DataFrame(rows, columns=["year", "category", "completed", "within", "share",
                                       "no_timescale", "needs_met", "median_days", "partial"])
