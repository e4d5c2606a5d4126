"""Working-day clocks: the arithmetic UK regulators' timescales use.

A working day is a Monday to Friday that is not a bank holiday of the chosen UK calendar
(from the maintained ``holidays`` library: moved and one-off holidays included, e.g. VE day
2020, the Queen's funeral 2022, the coronation 2023) and not one of the service's own
closure days.

The convention, used by both functions so that ``between(d, add(d, n)) == n``:

- ``between(start, end)`` is the number of working days **after** ``start`` up to and
  including ``end``: Monday to Tuesday is 1, Friday to Monday is 1, a day to itself is 0;
  negative when ``end`` is before ``start``.
- ``add(start, n)`` is the ``n``-th working day after ``start`` (before it when ``n`` is
  negative); ``add(start, 0)`` is ``start``.

Times of day: a timestamp counts on its date in the service's time zone (``tz``, default
Europe/London), so a repair reported at 23:30 UTC on a Friday in summer was reported on
Saturday; ``add`` keeps the wall-clock time, so one working day after Friday 09:00 BST is
Monday 09:00 GMT when the clocks go back between them.

``between_many`` and ``add_many`` do the same for whole columns (numpy or pandas) at once,
with ``numpy.busday_count`` and ``numpy.busday_offset`` on a calendar of holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from servicecheck.calendars import CALENDARS

__all__ = ["CALENDARS", "add", "add_many", "bank_holidays", "between", "between_many"]

DEFAULT_TZ = "Europe/London"
_When = TypeVar("_When", dt.date, dt.datetime, pd.Timestamp)
Closures = Iterable[dt.date | str]


def _subdivision(calendar: str) -> str:
    try:
        return CALENDARS[calendar]
    except KeyError:
        raise ValueError(f"'{calendar}' is not a UK working-day calendar; choose one of "
                         f"{', '.join(CALENDARS)}") from None


def _uk_holidays(subdiv: str, years: Iterable[int]) -> dict[dt.date, str]:
    """``holidays.country_holidays("GB", ...)``, from the UK's module alone: the library's
    country lookup (and any import of a country's module) first loads every country's, which
    took most of the report's time in it. The class is the one that lookup returns."""
    import importlib.util
    import sys
    from pathlib import Path

    import holidays

    name = "holidays.countries.united_kingdom"
    module = sys.modules.get(name)
    path = Path(holidays.__file__).parent / "countries" / "united_kingdom.py"
    if module is None and path.is_file():
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # a later import of every country reuses this one
            spec.loader.exec_module(module)
    if module is None:  # laid out otherwise in another version of the library
        days = holidays.country_holidays("GB", subdiv=subdiv, years=list(years))
    else:
        days = module.UnitedKingdom(subdiv=subdiv, years=list(years))
    return {d: str(n) for d, n in days.items()}


@lru_cache(maxsize=64)
def _holidays(subdiv: str, first: int, last: int) -> tuple[dt.date, ...]:
    return tuple(sorted(_uk_holidays(subdiv, range(first, last + 1))))


def bank_holidays(calendar: str, years: Iterable[int]) -> dict[dt.date, str]:
    """The bank holidays of a UK calendar in the given years, with their names."""
    return dict(sorted(_uk_holidays(_subdivision(calendar), years).items()))


def _closure_days(closures: Closures) -> tuple[dt.date, ...]:
    out = []
    for c in closures:
        if isinstance(c, dt.datetime):
            out.append(c.date())
        elif isinstance(c, dt.date):
            out.append(c)
        else:
            try:
                out.append(dt.date.fromisoformat(str(c).strip()))
            except ValueError:
                raise ValueError(f"closure day '{c}' is not a date; write it as YYYY-MM-DD"
                                 ) from None
    return tuple(sorted(set(out)))


@lru_cache(maxsize=64)
def _busdaycalendar(subdiv: str, first: int, last: int,
                    closures: tuple[dt.date, ...]) -> np.busdaycalendar:
    days = [*_holidays(subdiv, first, last), *closures]
    return np.busdaycalendar(weekmask="1111100",
                             holidays=np.array(days, dtype="datetime64[D]"))


def _calendar_for(calendar: str, days: npt.NDArray[np.datetime64], spread: int,
                  closures: Closures) -> np.busdaycalendar:
    """A numpy business-day calendar covering the dates given, and `spread` working days
    either side (a working year has about 250 days: one more year per 250, and one spare)."""
    ok = days[~np.isnat(days)]
    years = ok.astype("datetime64[Y]").astype(np.int64) + 1970 if ok.size else np.array([2000])
    margin = 1 + abs(spread) // 250 + 1
    return _busdaycalendar(_subdivision(calendar), int(years.min()) - margin,
                           int(years.max()) + margin, _closure_days(closures))


def _local_days(values: Any, tz: str) -> tuple[npt.NDArray[np.datetime64], pd.Series | None]:
    """Dates in the service's zone (datetime64[D]) and, for timestamps, the timestamps as
    given (naive ones are wall-clock times in the service's zone already)."""
    if isinstance(values, pd.Series | pd.Index | np.ndarray):
        s = pd.Series(values)
    else:
        s = pd.Series(list(values), dtype=object)
    if s.dtype == object and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                                 for v in s.dropna()):
        return np.asarray(s.to_numpy(), dtype="datetime64[D]"), None
    ts = pd.to_datetime(s)
    local = ts.dt.tz_convert(tz).dt.tz_localize(None) if ts.dt.tz is not None else ts
    return local.dt.normalize().to_numpy().astype("datetime64[D]"), ts


def _count(a: npt.NDArray[np.datetime64], b: npt.NDArray[np.datetime64],
           cal: np.busdaycalendar) -> npt.NDArray[np.int64]:
    """Working days in (a, b], negative when b is before a (then those in (b, a])."""
    one = np.timedelta64(1, "D")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # busday_count counts [begin, end): shifting both by a day counts (start, end]
    n: npt.NDArray[np.int64] = np.where(b < a, -1, 1) * np.busday_count(lo + one, hi + one,
                                                                         busdaycal=cal)
    return n


def _offset(days: npt.NDArray[np.datetime64], steps: npt.NDArray[np.int64],
            cal: np.busdaycalendar) -> npt.NDArray[np.datetime64]:
    """The steps-th working day after each day (before it for negative steps)."""
    res = days.copy()
    fwd, back = steps > 0, steps < 0
    # a start on a closed day: its first working day after is the next open one, so roll
    # back before counting forward (and forward before counting back)
    res[fwd] = np.busday_offset(days[fwd], steps[fwd], roll="backward", busdaycal=cal)
    res[back] = np.busday_offset(days[back], steps[back], roll="forward", busdaycal=cal)
    return res


def between_many(starts: Any, ends: Any, calendar: str = "england-and-wales", *,
                 closures: Closures = (), tz: str = DEFAULT_TZ) -> npt.NDArray[np.float64]:
    """Working days after each start up to and including its end (NaN where either is
    missing). Starts and ends: dates, timestamps (naive = already in the service's zone),
    numpy datetime64 or pandas columns of the same length."""
    a, _ = _local_days(starts, tz)
    b, _ = _local_days(ends, tz)
    if a.shape != b.shape:
        raise ValueError(f"{a.shape[0]} starts and {b.shape[0]} ends: give one end per start")
    cal = _calendar_for(calendar, np.concatenate([a, b]), 0, tuple(closures))
    out = np.full(a.shape[0], np.nan)
    ok = ~(np.isnat(a) | np.isnat(b))
    out[ok] = _count(a[ok], b[ok], cal)
    return out


def add_many(starts: Any, n: int | Sequence[int] | npt.NDArray[np.integer[Any]],
             calendar: str = "england-and-wales", *, closures: Closures = (),
             tz: str = DEFAULT_TZ) -> pd.Series:
    """The n-th working day after each start, keeping each timestamp's wall-clock time in
    the service's zone (a date stays a date). NaT where a start is missing."""
    days, given = _local_days(starts, tz)
    steps = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
    spread = int(np.abs(steps).max()) if steps.size else 0
    cal = _calendar_for(calendar, days, spread, tuple(closures))
    ok = ~np.isnat(days)
    res = days.copy()
    res[ok] = _offset(days[ok], steps[ok], cal)
    if given is None:
        return pd.Series([None if np.isnat(d) else d.astype(dt.date) for d in res],
                         dtype=object)
    shift = pd.to_timedelta((res - days).astype("timedelta64[D]").astype("timedelta64[ns]"))
    if given.dt.tz is None:
        return given + shift
    # the same wall-clock time on the new date, at that date's offset (GMT or BST)
    wall = given.dt.tz_convert(tz).dt.tz_localize(None) + shift
    moved = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    out: pd.Series = moved.dt.tz_convert(given.dt.tz)
    return out


def _day(when: dt.date | dt.datetime, tz: str) -> np.datetime64:
    """The date of a date or timestamp in the service's zone (naive = already local)."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is not None:
            when = when.astimezone(ZoneInfo(tz))
        return np.datetime64(when.date(), "D")
    if isinstance(when, dt.date):
        return np.datetime64(when, "D")
    raise ValueError(f"'{when}' is not a date or a time")


def between(start: dt.date | dt.datetime, end: dt.date | dt.datetime,
            calendar: str = "england-and-wales", *, closures: Closures = (),
            tz: str = DEFAULT_TZ) -> int:
    """Working days after ``start`` up to and including ``end`` (see the module's
    convention): ``between(date(2023, 5, 5), date(2023, 5, 9))`` is 1, the coronation
    bank holiday on Monday 8 May not counting."""
    a, b = np.array([_day(start, tz)]), np.array([_day(end, tz)])
    cal = _calendar_for(calendar, np.concatenate([a, b]), 0, tuple(closures))
    return int(_count(a, b, cal)[0])


def add(start: _When, n: int, calendar: str = "england-and-wales", *,
        closures: Closures = (), tz: str = DEFAULT_TZ) -> _When:
    """The ``n``-th working day after ``start``: a date for a date, a timestamp with the
    same wall-clock time (and the same zone) for a timestamp."""
    if n == 0:
        return start
    day = np.array([_day(start, tz)])
    cal = _calendar_for(calendar, day, n, tuple(closures))
    moved: dt.date = _offset(day, np.array([n], dtype=np.int64), cal)[0].astype(dt.date)
    if not isinstance(start, dt.datetime):
        return moved
    if start.tzinfo is None:
        wall = dt.datetime.combine(moved, start.time())
        return (pd.Timestamp(wall) if isinstance(start, pd.Timestamp)
                else wall)
    zone = ZoneInfo(tz)
    # the same wall-clock time on the new date, at that date's offset (GMT or BST): a
    # working day is never a Sunday, so never the night the clocks change
    local = dt.datetime.combine(moved, start.astimezone(zone).time(), tzinfo=zone)
    if isinstance(start, pd.Timestamp):
        return pd.Timestamp(local).tz_convert(start.tz)
    return local.astimezone(start.tzinfo)
