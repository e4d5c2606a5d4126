"""One grammar for every sentence the product writes: plurals, counts, shares, money, dates in
the service's own time zone, and durations in a unit that fits the data (a service that meets
most needs within the hour speaks in minutes, never "0 days")."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from servicecheck.findings import Quantity

if TYPE_CHECKING:
    import pandas as pd

_IRREGULAR = {"person": "people", "child": "children", "day": "days", "analysis": "analyses"}


def plural(noun: str) -> str:
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def number(n: float) -> str:
    """A whole count with thousands separators."""
    return f"{round(n):,}"


def counted(n: float, noun: str) -> str:
    """'1 need', '1,434 needs'."""
    return f"{number(n)} {noun if round(n) == 1 else plural(noun)}"


def is_are(n: float) -> str:
    return "is" if round(n) == 1 else "are"


def percent(p: float) -> str:
    """A share as a percentage; never '0%' for something that happened, nor '100%' for
    something that did not always happen."""
    if 0 < p < 0.005:
        return "under 1%"
    if 0.995 <= p < 1:
        return "over 99%"
    return f"{p:.0%}"


def share_to_type(p: float) -> str:
    """A share a person types back into a form, as a percentage to a tenth ('13.8%'): never
    'over 99%', which no one can type. (A share an import needs carries half a point to
    spare, so the tenth it rounds to still covers it.)"""
    return f"{round(p * 100, 1):g}%"


# how finely a sum is written alone: millions to a tenth, whole pounds from £100, else pence
_MONEY_STEPS = ((1e6, 1e5), (100.0, 1.0), (0.0, 0.01))
# The finest a sum is ever written, by what it is (a finding's Quantity unit): a cost that was
# counted, to the penny; a sum a year, extrapolated from the period the data cover and a cost
# model, in whole pounds at the finest ("£89.41 a year" beside "£4,947" claimed a precision no
# yearly estimate has).
FINEST = {"money": 0.01, "money_a_year": 1.0}


def _money_step(v: float) -> float:
    return next(step for at_least, step in _MONEY_STEPS if abs(v) >= at_least)


def _under(step: float, currency: str) -> str:
    """A sum below the finest step it is written to: never written as nothing ('£0')."""
    return f"under {currency}{step:,.{0 if step >= 1 else 2}f}"


def money(v: float, currency: str = "£", beside: Iterable[float] = (),
          finest: float = FINEST["money"]) -> str:
    """One way to write money, so the same sum reads the same in every place. A sum said
    ``beside`` others in one sentence (or one column of a table) is written as finely as the
    finest of them: one sentence, one precision ("£162.40 end to end, £52.05 of it", never
    "£162 end to end, £52.05 of it", which reads as if one were rounded and the other not);
    finer, never coarser, so no sum loses the figures it has alone ("a contact costs £3", not
    "£3.22"); and never finer than ``finest`` (``FINEST``: a year's sum in whole pounds)."""
    step = min((_money_step(x) for x in beside if math.isfinite(x)), default=_money_step(v))
    step = max(min(step, _money_step(v)), finest)
    if step >= 1e5:
        return f"{currency}{v / 1e6:,.1f}m"
    if 0 < abs(v) < step / 2:
        return _under(step, currency)
    return f"{currency}{v:,.{0 if step >= 1 else 2}f}"


# A sum of money worded as approximate ("about £850,000") carries no more figures than its
# uncertainty allows: "about £851,583" claims a precision that a year extrapolated from a cost
# model does not have. Without an interval, the figure rests on assumptions (minutes, rates)
# and keeps two significant figures; with a 90% interval, the rounding step is the power of
# ten at or below a tenth of the interval's width (the rounding moves the figure by under a
# twentieth of the interval), between three significant figures and one.
ASSUMED_FIGURES = 2


def rounding_step(v: float, width: float | None = None) -> float:
    """The step an approximate sum is rounded to: see ASSUMED_FIGURES."""
    if not math.isfinite(v) or v == 0:
        return 1.0
    top = math.floor(math.log10(abs(v)))  # the power of ten of the first figure
    if width is None or not math.isfinite(width) or width <= 0:
        return 10.0 ** (top - ASSUMED_FIGURES + 1)
    power = math.floor(math.log10(width / 10))
    return 10.0 ** min(max(power, top - 2), top)


def about_money(v: float, currency: str = "£", width: float | None = None,
                finest: float = FINEST["money"]) -> str:
    """A sum of money worded as approximate, rounded to its uncertainty (``rounding_step``):
    'about £850,000', never 'about £851,583'; no pence once the step is a pound or more, and
    millions with the figures the step keeps ('£1.25m'); never finer than ``finest``."""
    step = max(rounding_step(v, width), finest)
    r = abs(round(v / step) * step)
    sign = "-" if v < 0 and r else ""  # a saving that is a loss: '-£12,000'
    # the figures kept, counted on the rounded sum (999,999 is £1.0m, not £1.00m)
    power = round(math.log10(max(rounding_step(r, width), finest) if r else step))
    if r >= 1e6:
        return f"{sign}{currency}{r / 1e6:,.{max(0, 6 - power)}f}m"
    if power < 0:
        # pence, as money is written; less than a penny is not written as nothing
        return f"{sign}{currency}{r:,.2f}" if r >= 0.005 else _under(0.01, currency)
    return f"{sign}{currency}{r:,.0f}" if r or not v else _under(step, currency)


def about_money_column(values: Sequence[float], currency: str = "£") -> list[str]:
    """A column of sums a year, each rounded to one step: three figures of its largest, one
    more than the sentence beside the table gives it ("roughly £3.7m"), so that the rows
    below stay apart; never finer than a whole pound; and, when the largest is a million or
    more, all in millions: "£3.72m" above "£0.64m", never "£3,718,347" above "£639,341" (a
    precision no estimate of a year has) nor "£3.7m" above "£639,341" (two precisions in one
    column). A sum rounded to nothing is "under" the step, never "£0"."""
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    step = max(rounding_step(top) / 10, FINEST["money_a_year"])
    places = max(0, 6 - round(math.log10(step)))  # of a million

    def said(r: float) -> str:
        return (f"{currency}{r / 1e6:,.{places}f}m" if round(top / step) * step >= 1e6
                else f"{currency}{r:,.0f}")

    return [said(round(v / step) * step) if round(v / step) or not v else "under " + said(step)
            for v in values]


def ratio(v: float) -> str:
    return f"{v:,.1f}"


def join_words(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'a, b or c' with ``last="or"``)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def date(ts: pd.Timestamp, tz: str) -> str:
    """A date in the service's own time zone: a log starting at 00:30 on 1 April in London
    starts on 1 April, not on 31 March in UTC."""
    import pandas as pd  # here, not with the words: an import's summary writes no date

    t = pd.Timestamp(ts)
    t = t.tz_localize("UTC") if t.tzinfo is None else t
    return f"{t.tz_convert(tz):%-d %b %Y}"


def moment(ts: pd.Timestamp, tz: str) -> str:
    """A date and the time of day on the service's clock: '2 Dec 2026 at 22:10'."""
    import pandas as pd

    t = pd.Timestamp(ts)
    t = t.tz_localize("UTC") if t.tzinfo is None else t
    return f"{t.tz_convert(tz):%-d %b %Y at %H:%M}"


# -- durations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeUnit:
    name: str
    seconds: float


MINUTES = TimeUnit("minute", 60.0)
HOURS = TimeUnit("hour", 3600.0)
DAYS = TimeUnit("day", 86400.0)
WEEKS = TimeUnit("week", 7 * 86400.0)


def unit_for(seconds: Iterable[float]) -> TimeUnit:
    """The unit that fits the typical value (the median): minutes under an hour and a half,
    hours under two days, weeks from twelve weeks on, days otherwise."""
    arr = np.asarray([s for s in seconds if s is not None and math.isfinite(s)], dtype=float)
    if arr.size == 0:
        return DAYS
    typical = float(np.median(arr))
    if typical < 90 * 60:
        return MINUTES
    if typical < 2 * 86400:
        return HOURS
    if typical >= 12 * 7 * 86400:
        return WEEKS
    return DAYS


def amount(seconds: float, unit: TimeUnit, beside: Iterable[float] = ()) -> str:
    """The number alone, in the unit: two significant figures below one, one decimal below
    ten, whole numbers above. One precision in a sentence: a whole number below ten is
    written with its decimal ("8.0 days") when a time ``beside`` it in the same sentence and
    unit is written with one ("6.3 days"); "6.3 days ... 8 days" read as if one were
    rounded and the other not. Every time of the sentence then has two significant figures
    at least, as a time of ten or more does alone."""
    v = seconds / unit.seconds
    if v == 0:
        return "0"
    if abs(v) < 1:
        return f"{v:.2g}"
    if abs(v) < 10:
        text = f"{v:.1f}"
        return text[:-2] if text.endswith(".0") and not any(
            "." in amount(b, unit) for b in beside if math.isfinite(b)) else text
    return f"{v:,.0f}"


def duration(seconds: float, unit: TimeUnit, beside: Iterable[float] = ()) -> str:
    """'5.7 minutes', '1 day', '12 days' (and '9.0 days' beside '5.6 days': ``amount``)."""
    text = amount(seconds, unit, list(beside))
    return f"{text} {unit.name if text == '1' else plural(unit.name)}"


def quantity(q: Quantity, unit: TimeUnit = DAYS, currency: str = "£") -> str:
    """Any quantity of a finding, written the one way it is always written."""
    if q.unit == "seconds":
        return duration(q.value, unit)
    if q.unit == "share":
        return percent(q.value)
    if q.unit in FINEST:
        return money(q.value, currency, finest=FINEST[q.unit])
    if q.unit == "count":
        return number(q.value)
    return ratio(q.value)
