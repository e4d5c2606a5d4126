"""What citizens ask for: value and failure demand, types, predictability, one stop, per need.

Pure functions over the demands table (and the needs table for per-need figures). Periods
with no demand count as zero: no demand is a count, not a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.expr.types import Table

from servicecheck import spc
from servicecheck.engine.durations import DAY_S, seconds_between
from servicecheck.engine.frames import to_frame
from servicecheck.findings import NO_TYPE
from servicecheck.measures import periods

# a share of fewer classified contacts than this is shown, marked, and never tested or led with
MIN_CONTACTS = 30


def _frame(demands: Table) -> pd.DataFrame:
    return to_frame(demands.select("received_at", "channel", "demand_type", "nature",
                                   "failure_kind", "first_point_resolved", "case_id"))


def _natures(d: Table) -> dict[str, ibis.Value]:
    """Demand, and how much of it is value, failure and not yet classified."""
    return {"demand": d.count(), "value": d.count(where=d.nature == "value"),
            "failure": d.count(where=d.nature == "failure"),
            "unknown": d.count(where=d.nature == "unknown")}


def _share(out: pd.DataFrame) -> pd.Series:
    classified = out["value"] + out["failure"]
    share: pd.Series = out["failure"] / classified.where(classified > 0)
    return share


def failure_share(demands: Table, by: str | None = None) -> pd.DataFrame:
    """Demand, failure demand and the failure share, overall or by a column (type, channel).

    Demand not yet classified (nature 'unknown') is counted apart and left out of the share.
    """
    key = by or "all"
    cols = [key, "demand", "value", "failure", "unknown"]
    if by is None:
        out = to_frame(demands.aggregate(**_natures(demands)))
        out.insert(0, key, "all demand")
    else:
        out = to_frame(demands.group_by(by).aggregate(**_natures(demands)))
    out = out[cols]
    if by is None and int(out["demand"].iloc[0]) == 0:
        out[["demand", "value", "failure", "unknown"]] = 0  # no demand yet: no share at all
    out[cols[1:]] = out[cols[1:]].astype("int64")
    out["failure_share"] = _share(out)
    return out.sort_values(["demand", key], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


def _span(demands: Table) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    s = to_frame(demands.aggregate(first=demands.received_at.min(),
                                   last=demands.received_at.max()))
    first, last = s["first"].iloc[0], s["last"].iloc[0]
    return None if pd.isna(first) else (pd.Timestamp(first), pd.Timestamp(last))


def _counts_per_period(demands: Table, freq: str, tz: str, by: Sequence[str],
                       counts: Callable[[Table], dict[str, ibis.Value]]
                       ) -> tuple[pd.DataFrame, pd.DatetimeIndex, pd.Timestamp | None]:
    """Counts per period in ``tz`` (and per ``by``), on the engine: one row per period and
    group comes back; with every period from the first contact's to the last's, and the time
    of the last contact (where the data end)."""
    span = _span(demands)
    if span is None:
        return (pd.DataFrame(columns=["period", *by, *counts(demands)]),
                pd.DatetimeIndex([], name="period", tz=tz), None)
    d = demands.mutate(period=periods.local_period(demands.received_at, freq, tz, *span))
    t = to_frame(d.group_by(["period", *by]).aggregate(**counts(d)))
    t["period"] = periods.from_engine(t["period"], freq, tz)
    first, last = (periods.period_of(s, freq, tz) for s in span)
    return t, periods.full_range(first, last, freq), span[1]


def per_period(demands: Table, freq: str = "W", tz: str = "UTC") -> pd.DataFrame:
    """Per period in ``tz``: demand, value, failure and the failure share; empty periods are
    zero."""
    periods.kind(freq)
    t, index, _ = _counts_per_period(demands, freq, tz, (), _natures)
    return _per_period_table(t, index, freq)


def _per_period_table(t: pd.DataFrame, index: pd.DatetimeIndex, freq: str) -> pd.DataFrame:
    """``per_period`` from the counts of the periods with demand and every period's start."""
    out = (t.set_index("period")[["demand", "value", "failure"]]
           .reindex(index, fill_value=0).astype("int64"))
    out["failure_share"] = _share(out)
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


def failure_chart(demands: Table, freq: str = "W", phases: list[str] | None = None,
                  tz: str = "UTC") -> spc.Chart:
    """The failure share per period (periods with classified demand) on a P′ chart: the
    failure demands over the contacts classified that period, whose number varies from
    period to period, so each period has its own limits (``periods.share_chart``);
    ``phases`` are dates of known changes, where limits are recalculated. The last period,
    when the demand data end within it, is partial: drawn, left out of the limits and rules.
    A period of fewer than MIN_CONTACTS classified contacts is drawn but never read as a
    signal on its own."""
    periods.kind(freq)
    t, index, end = _counts_per_period(demands, freq, tz, (), _natures)
    return _failure_chart(_per_period_table(t, index, freq), freq, end, phases, tz)


def failure_charts(demands: Table, by: str, freq: str = "W", phases: list[str] | None = None,
                   tz: str = "UTC") -> dict[str, spc.Chart]:
    """``failure_chart`` of the demands of each value of ``by`` (a channel, say), keyed by it
    as text, each from its own first contact's period to its last's, from two queries in all
    (not three for each value). Demand without a value of ``by`` has no chart."""
    periods.kind(freq)
    spans = to_frame(demands.group_by(by).aggregate(first=demands.received_at.min(),
                                                    last=demands.received_at.max()))
    spans = spans[spans[by].notna()]
    if spans.empty:
        return {}
    # a period in tz is the same whatever span the offsets are read over, if it holds the time
    lo, hi = pd.Timestamp(spans["first"].min()), pd.Timestamp(spans["last"].max())
    d = demands.mutate(period=periods.local_period(demands.received_at, freq, tz, lo, hi))
    t = to_frame(d.group_by(["period", by]).aggregate(**_natures(d)))
    t["period"] = periods.from_engine(t["period"], freq, tz)
    out = {}
    for key, first, last in zip(spans[by], spans["first"], spans["last"], strict=True):
        index = periods.full_range(periods.period_of(pd.Timestamp(first), freq, tz),
                                   periods.period_of(pd.Timestamp(last), freq, tz), freq)
        mine = t[t[by] == key].drop(columns=by)
        out[str(key)] = _failure_chart(_per_period_table(mine, index, freq), freq,
                                       pd.Timestamp(last), phases, tz)
    return out


def _failure_chart(t: pd.DataFrame, freq: str, data_end: pd.Timestamp | None,
                   phases: list[str] | None, tz: str) -> spc.Chart:
    t = t[t["failure_share"].notna()].reset_index(drop=True)
    return periods.share_chart(t["failure"].to_numpy(dtype=float),
                               (t["value"] + t["failure"]).to_numpy(dtype=float),
                               list(t["period"]), freq, data_end=data_end,
                               phases=phase_points(t["period"], phases, tz),
                               improvement_direction="decrease", min_n=MIN_CONTACTS)


def pareto(demands: Table) -> pd.DataFrame:
    """Demand types, commonest first, value and failure apart, with the cumulative share."""
    d = demands.mutate(demand_type=demands.demand_type.fill_null(NO_TYPE))
    n = _natures(d)
    t = to_frame(d.group_by("demand_type").aggregate(
        value=n["value"], failure=n["failure"], unknown=n["unknown"]))
    t["demand"] = t[["value", "failure", "unknown"]].sum(axis=1)
    t = t.sort_values(["demand", "demand_type"], ascending=[False, True])
    t["cumulative_share"] = t["demand"].cumsum() / t["demand"].sum()
    return t[["demand_type", "demand", "value", "failure", "unknown", "cumulative_share"]
             ].reset_index(drop=True)


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
    t, index, end = _counts_per_period(demands, freq, tz, ("demand_type", "nature"),
                                       lambda d: {"n": d.count()})
    # a contact with no type is not a type of demand (as pandas' groupby leaves it out)
    totals = t.groupby(["demand_type", "nature"])["n"].sum()
    out = []
    for key, total in totals.items():
        dtype, nature = (str(k) for k in key)  # type: ignore[attr-defined]
        if total < min_total:
            continue
        grp = t[(t["demand_type"] == dtype) & (t["nature"] == nature)]
        counts = grp.set_index("period")["n"].reindex(index, fill_value=0)
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
    v = demands.filter((demands.nature == "value") & demands.first_point_resolved.notnull())
    t = to_frame(v.aggregate(n=v.count(), resolved=v.count(where=v.first_point_resolved)))
    n = int(t["n"].iloc[0])
    return int(t["resolved"].iloc[0]) / n if n else float("nan")


def yearly_failure_cost(demands: Table, minutes_by_channel: dict[str, float],
                        cost_per_minute: float) -> tuple[float, float]:
    """(failure contacts a year, their handling cost a year) from the period the data cover."""
    d = demands
    span = to_frame(d.aggregate(first=d.received_at.min(), last=d.received_at.max()))
    first, last = span["first"].iloc[0], span["last"].iloc[0]
    if pd.isna(first):
        return 0.0, 0.0
    span_days = max((last - first).total_seconds() / 86400, 1.0)
    f = d.filter(d.nature == "failure")
    per_channel = to_frame(f.group_by("channel").aggregate(n=f.count()))
    minutes = sum(int(n) * minutes_by_channel.get(str(c), 0.0)
                  for c, n in zip(per_channel["channel"], per_channel["n"], strict=True))
    per_year = 365.25 / span_days
    return int(per_channel["n"].sum()) * per_year, float(minutes) * cost_per_minute * per_year


def linked_to_needs(demands: Table, needs: Table, within_days: float,
                    key: str = "demand_id") -> Table:
    """Demands with the need they belong to (``need_id``): their own case reference, else the
    same citizen's need that was open (first contact to met, plus ``within_days``) when they
    called, the most recently begun. An expression on the demands' engine; ``needs`` has the
    columns need_id, citizen_ref, first_contact and met_at; ``key`` names each demand."""
    n = needs.filter(needs.citizen_ref.notnull()).select(
        cand_need=needs.need_id, cand_citizen=needs.citizen_ref,
        cand_first=needs.first_contact, cand_met=needs.met_at)
    loose = demands.filter(demands.case_id.isnull() & demands.citizen_ref.notnull())
    loose = loose.select(cand_demand=loose[key], at=loose.received_at,
                         citizen=loose.citizen_ref)
    c = loose.join(n, loose.citizen == n.cand_citizen)
    c = c.filter((c.at >= c.cand_first) & (
        c.cand_met.isnull() | (seconds_between(c.cand_met, c.at) <= within_days * DAY_S)))
    latest = ibis.window(group_by=c.cand_demand,
                         order_by=[c.cand_first.desc(), c.cand_need.desc()])
    c = c.mutate(r=ibis.row_number().over(latest))
    c = c.filter(c.r == 0).select("cand_demand", "cand_need")
    j = demands.left_join(c, demands[key] == c.cand_demand)
    return j.select(*[j[col] for col in demands.columns],
                    need_id=j.case_id.fill_null(j.cand_need))


def link_to_needs(demands: pd.DataFrame, need_table: pd.DataFrame,
                  within_days: float) -> pd.DataFrame:
    """``linked_to_needs`` for tables already in pandas (run on embedded DuckDB), in the
    demands' own order."""
    if need_table.empty:
        return demands.assign(need_id=demands["case_id"])
    cols = ["need_id", "citizen_ref", "first_contact", "met_at"]
    rows = demands.reset_index(drop=True).assign(__row=range(len(demands)))
    linked = linked_to_needs(ibis.memtable(rows), ibis.memtable(need_table[cols]),
                             within_days, key="__row")
    return to_frame(linked.order_by("__row")).drop(columns="__row")


def failure_per_need(linked: pd.DataFrame) -> pd.DataFrame:
    """Per need: contacts and failure demands (chasers, repeats, complaints) it caused."""
    d = linked[linked["need_id"].notna()]
    # one vectorised sum: a Python function per need took 13 s of the demo's 66 s report
    failures = (d["nature"] == "failure").groupby(d["need_id"]).sum().astype("int64")
    return pd.DataFrame({
        "contacts": d.groupby("need_id").size(),
        "failure_demands": failures,
    }).reset_index()
