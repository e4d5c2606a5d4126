"""The live board: today's and this week's demand by type, the failure share, and daily demand
on a process behaviour chart, from the captures (times in the service's own zone). The
numbers come from ``demand.live``; this module arranges and draws them."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import pandas as pd

from servicecheck.charts import Figure
from servicecheck.demand.live import Period, daily_chart, local_days, per_day, today_and_week


@dataclass(frozen=True)
class Board:
    today: Period
    week: Period
    total: int
    chart: Figure | None
    chart_note: str


def board(captured: pd.DataFrame, timezone: str, today: pd.Timestamp | None = None) -> Board:
    day = (today or pd.Timestamp.now(tz=timezone)).tz_convert(timezone).normalize()
    figure, note = _daily_chart(tuple(local_days(captured, timezone)), day)
    today_, week = (_named(p) for p in today_and_week(captured, timezone, day))
    return Board(today_, week, len(captured), figure, note)


def _named(p: Period) -> Period:
    """A period's counts with their demand types named as people read them (no type, a
    code in the measure, in words)."""
    from servicecheck.narrative.demand import type_name

    return dataclasses.replace(p, by_type=[(type_name(t), n, v, fl) for t, n, v, fl in p.by_type])


@functools.lru_cache(maxsize=8)
def _daily_chart(days: tuple[pd.Timestamp, ...], today: pd.Timestamp
                 ) -> tuple[Figure | None, str]:
    """Daily demand on an XmR chart (days without captures count as zero). Cached: the board
    refreshes every few seconds and the chart changes only when a capture arrives."""
    from servicecheck.charts.xmr import xmr_figure
    from servicecheck.narrative.signals import daily_demand_words

    counts = per_day(days, today) if days else None
    if counts is None or len(counts) < 2:
        return None, daily_demand_words(None, captured=bool(days))
    chart = daily_chart(counts)
    figure = xmr_figure(chart, "daily-demand", title="Demand captured per day",
                        y_title="contacts", x_title="day")
    return figure, daily_demand_words(chart, captured=True)


@dataclass(frozen=True)
class AgreementView:
    """The board's agreement part: sentences (from findings) and the disagreements."""

    lines: list[str]
    disagreements: list[tuple[str, str, str]]  # words, first choice, second choice


def agreement_view(pairs: pd.DataFrame, timezone: str) -> AgreementView:
    """Agreement on value or failure (and on type, where both gave one) between the recorder
    and a second person classifying blind."""
    from servicecheck.demand.agreement import agreement_finding, cohen_kappa
    from servicecheck.narrative.words import Voice, say

    voice = Voice(tz=timezone)
    found = [agreement_finding(cohen_kappa(list(pairs["first_nature"]),
                                           list(pairs["second_nature"])), "value or failure")]
    typed = pairs[pairs["first_type"].notna() & pairs["second_type"].notna()]
    if len(typed):
        found.append(agreement_finding(cohen_kappa(list(typed["first_type"]),
                                                   list(typed["second_type"])), "type"))
    differ = pairs[(pairs["first_nature"] != pairs["second_nature"])
                   | (typed["first_type"] != typed["second_type"]).reindex(
                       pairs.index, fill_value=False)]
    return AgreementView([say(f, voice) for f in found], [
        (str(r.verbatim), _choice(r.first_nature, r.first_type),
         _choice(r.second_nature, r.second_type)) for r in differ.itertuples()])


def _choice(nature: object, demand_type: object) -> str:
    return f"{nature}, {demand_type}" if isinstance(demand_type, str) else str(nature)
