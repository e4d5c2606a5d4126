"""What citizens ask for: value and failure demand, types, predictability, one stop, per need.

Pure functions over the demands table (and the needs table for per-need figures). Periods
with no demand count as zero: no demand is a count, not a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ibis.expr.types import Table

from servicecheck import periods, spc
from servicecheck._frames import to_frame

# a share of fewer classified contacts than this is shown, marked, and never tested or led with
MIN_CONTACTS = 30


def _frame(demands: Table) -> pd.DataFrame:
    return to_frame(demands.select("received_at", "channel", "demand_type", "nature",
                                   "failure_kind", "first_point_resolved", "case_id"))


def failure_share(demands: Table, by: str | None = None) -> pd.DataFrame:
    """Demand, failure demand and the failure share, overall or by a column (type, channel).

    Demand not yet classified (nature 'unknown') is counted apart and left out of the share.
    """
    d = _frame(demands)
    key = by or "all"
    if d.empty:  # no demand yet: zero of everything overall, and no share to speak of
        rows = [{key: "all demand", "demand": 0, "value": 0, "failure": 0, "unknown": 0,
                 "failure_share": float("nan")}] if by is None else []
        return pd.DataFrame(rows, columns=[key, "demand", "value", "failure", "unknown",
                                           "failure_share"])
    if by is None:
        d[key] = "all demand"
    g = d.groupby(key, dropna=False)
    out = pd.DataFrame({
        "demand": g.size(),
        "value": g["nature"].apply(lambda s: int((s == "value").sum())),
        "failure": g["nature"].apply(lambda s: int((s == "failure").sum())),
        "unknown": g["nature"].apply(lambda s: int((s == "unknown").sum())),
    }).reset_index()
    classified = out["value"] + out["failure"]
    out["failure_share"] = out["failure"] / classified.where(classified > 0)
    return out.sort_values("demand", ascending=False).reset_index(drop=True)


def per_period(demands: Table, freq: str = "W", tz: str = "UTC") -> pd.DataFrame:
    """Per period in ``tz``: demand, value, failure and the failure share; empty periods are
    zero."""
    periods.kind(freq)
    d = _frame(demands).set_index("received_at").sort_index()
    nature = d["nature"]
    out = pd.DataFrame({
        "demand": periods.resample(nature, freq, tz).size(),
        "value": periods.resample(nature == "value", freq, tz).sum(),
        "failure": periods.resample(nature == "failure", freq, tz).sum(),
    })
    classified = out["value"] + out["failure"]
    out["failure_share"] = out["failure"] / classified.where(classified > 0)
    out.index.name = "period"
    out = out.reset_index()
    out["label"] = periods.labels(out["period"], freq)
    return out


def phase_points(starts: pd.Series, dates: list[str] | None, tz: str = "UTC"
                 ) -> list[int] | None:
    """1-based points where a known change in the system (a date: midnight in ``tz``, where
    the periods start) starts new limits."""
    pts = sorted({int((starts < pd.Timestamp(d, tz=tz)).sum()) + 1 for d in dates or []})
    pts = [p for p in pts if 1 < p <= len(starts)]
    return pts or None


def _data_end(demands: Table) -> pd.Timestamp | None:
    end = demands.received_at.max().execute()
    return None if end is None or pd.isna(end) else pd.Timestamp(end)


def failure_chart(demands: Table, freq: str = "W", preset: str = "ptd",
                  phases: list[str] | None = None, tz: str = "UTC") -> spc.Chart:
    """The failure share per period on a process behaviour chart (periods with demand);
    ``phases`` are dates of known changes, where limits are recalculated. The last period,
    when the demand data end within it, is partial: drawn, left out of the limits and rules.
    A period of fewer than MIN_CONTACTS classified contacts is drawn but never read as a
    signal on its own."""
    from dataclasses import replace

    t = per_period(demands, freq, tz)
    t = t[t["failure_share"].notna()].reset_index(drop=True)
    chart = periods.period_chart((100 * t["failure_share"]).to_numpy(dtype=float),
                                 list(t["period"]), freq, data_end=_data_end(demands),
                                 preset=preset, improvement_direction="decrease",
                                 phases=phase_points(t["period"], phases, tz))
    untested = set((t.index[(t["value"] + t["failure"]) < MIN_CONTACTS] + 1).tolist())
    kept = tuple(s for s in chart.signals if not set(s.points) <= untested)
    return replace(chart, signals=kept)


def pareto(demands: Table) -> pd.DataFrame:
    """Demand types, commonest first, value and failure apart, with the cumulative share."""
    d = _frame(demands)
    d["demand_type"] = d["demand_type"].fillna("(no type)")
    t = d.pivot_table(index="demand_type", columns="nature", values="channel",
                      aggfunc="size", fill_value=0)
    for col in ("value", "failure", "unknown"):
        if col not in t.columns:
            t[col] = 0
    t["demand"] = t[["value", "failure", "unknown"]].sum(axis=1)
    t = t.sort_values(["demand"], ascending=False)
    t["cumulative_share"] = t["demand"].cumsum() / t["demand"].sum()
    out = t[["demand", "value", "failure", "unknown", "cumulative_share"]].reset_index()
    out.columns.name = None
    return out


@dataclass(frozen=True)
class TypePredictability:
    demand_type: str
    nature: str
    per_period_mean: float
    chart: spc.Chart

    @property
    def predictable(self) -> bool:
        return self.chart.stable


def predictability(demands: Table, freq: str = "W", preset: str = "ptd",
                   min_total: int = 20, tz: str = "UTC") -> list[TypePredictability]:
    """Counts of each demand type per period on XmR charts (empty periods are zero)."""
    d = _frame(demands).set_index("received_at").sort_index()
    if d.empty:
        return []
    index = periods.resample(pd.Series(1, index=d.index), freq, tz).size().index
    end = d.index.max()
    out = []
    for (dtype, nature), grp in d.groupby(["demand_type", "nature"]):
        if len(grp) < min_total:
            continue
        counts = periods.resample(grp["channel"], freq, tz).size()
        counts = counts.reindex(index, fill_value=0)
        chart = periods.period_chart(counts.to_numpy(dtype=float), list(counts.index), freq,
                                     data_end=end, preset=preset)
        # the mean of the complete periods: a partial last week would pull it down
        out.append(TypePredictability(str(dtype), str(nature), float(chart.values.mean()),
                                      chart))
    out.sort(key=lambda t: -t.per_period_mean)
    return out


def predictable_value_demand(items: list[TypePredictability], top: int = 5
                             ) -> list[TypePredictability]:
    """High-frequency value demand that arrives predictably: what a redesign serves first."""
    return [t for t in items if t.nature == "value" and t.predictable][:top]


def one_stop(demands: Table) -> float:
    """Share of value demand resolved at the first point of contact (where it was recorded)."""
    d = _frame(demands)
    v = d[(d["nature"] == "value") & d["first_point_resolved"].notna()]
    return float(v["first_point_resolved"].astype(bool).mean()) if len(v) else float("nan")


def yearly_failure_cost(demands: Table, minutes_by_channel: dict[str, float],
                        cost_per_minute: float) -> tuple[float, float]:
    """(failure contacts a year, their handling cost a year) from the period the data cover."""
    d = _frame(demands)
    if d.empty:
        return 0.0, 0.0
    span_days = max((d["received_at"].max() - d["received_at"].min()).total_seconds() / 86400,
                    1.0)
    f = d[d["nature"] == "failure"]
    minutes = f["channel"].map(lambda c: minutes_by_channel.get(str(c), 0.0)).sum()
    per_year = 365.25 / span_days
    return len(f) * per_year, float(minutes) * cost_per_minute * per_year


def link_to_needs(demands: pd.DataFrame, need_table: pd.DataFrame,
                  within_days: float) -> pd.DataFrame:
    """Demands with the need they belong to: their own case reference, else the same citizen's
    need that was open (first contact to met, plus ``within_days``) when they called."""
    d = demands.copy()
    d["need_id"] = d["case_id"]
    loose = d["need_id"].isna() & d["citizen_ref"].notna()
    if loose.any() and len(need_table):
        n = need_table[["need_id", "citizen_ref", "first_contact", "met_at"]].dropna(
            subset=["citizen_ref"]).copy()
        end = n["met_at"].fillna(pd.Timestamp.max.tz_localize("UTC"))
        n["until"] = end.where(n["met_at"].isna(),
                               n["met_at"] + pd.Timedelta(days=within_days))
        cand = d[loose].reset_index().merge(n, on="citizen_ref", suffixes=("", "_need"))
        cand = cand[(cand["received_at"] >= cand["first_contact"])
                    & (cand["received_at"] <= cand["until"])]
        # the most recently begun need the citizen had when they called
        cand = cand.sort_values("first_contact").groupby("index").tail(1)
        d.loc[cand["index"], "need_id"] = cand["need_id_need"].to_numpy()
    return d


def failure_per_need(linked: pd.DataFrame) -> pd.DataFrame:
    """Per need: contacts and failure demands (chasers, repeats, complaints) it caused."""
    d = linked[linked["need_id"].notna()]
    # one vectorised sum: a Python function per need took 13 s of the demo's 66 s report
    failures = (d["nature"] == "failure").groupby(d["need_id"]).sum().astype("int64")
    return pd.DataFrame({
        "contacts": d.groupby("need_id").size(),
        "failure_demands": failures,
    }).reset_index()
