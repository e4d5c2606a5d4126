"""Working-day arithmetic across the three UK calendars, the clock changes and local closures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from servicecheck import workdays

D = dt.date
EW, SC, NI = "england-and-wales", "scotland", "northern-ireland"

# (calendar, start, end, working days after start up to and including end, why)
BETWEEN = [
    (EW, D(2024, 3, 4), D(2024, 3, 5), 1, "Monday to Tuesday"),
    (EW, D(2024, 3, 8), D(2024, 3, 11), 1, "Friday to Monday: the weekend does not count"),
    (EW, D(2024, 3, 9), D(2024, 3, 11), 1, "Saturday to Monday"),
    (EW, D(2024, 3, 4), D(2024, 3, 4), 0, "a day to itself"),
    (EW, D(2024, 3, 11), D(2024, 3, 8), -1, "backwards: Monday to Friday"),
    (EW, D(2020, 5, 7), D(2020, 5, 11), 1, "VE day 2020: May Day moved to Friday 8 May"),
    (EW, D(2020, 5, 1), D(2020, 5, 8), 4, "2020: Monday 4 May was a working day"),
    (EW, D(2022, 9, 16), D(2022, 9, 20), 1, "the Queen's funeral, Monday 19 September 2022"),
    (EW, D(2023, 5, 5), D(2023, 5, 9), 1, "the coronation, Monday 8 May 2023"),
    (EW, D(2022, 6, 1), D(2022, 6, 6), 1, "the Platinum Jubilee: Thursday and Friday off"),
    (EW, D(2023, 12, 22), D(2024, 1, 2), 4, "Christmas, Boxing Day and New Year's Day"),
    (EW, D(2021, 12, 24), D(2021, 12, 29), 1, "Christmas on a Saturday: 27 and 28 observed"),
    (EW, D(2024, 3, 28), D(2024, 4, 2), 1, "Easter: Good Friday and Easter Monday"),
    (SC, D(2024, 3, 28), D(2024, 4, 2), 2, "Scotland: Easter Monday is a working day"),
    (NI, D(2024, 3, 28), D(2024, 4, 2), 1, "Northern Ireland keeps Easter Monday"),
    (EW, D(2023, 12, 29), D(2024, 1, 3), 2, "England and Wales: only 1 January"),
    (SC, D(2023, 12, 29), D(2024, 1, 3), 1, "Scotland: 1 and 2 January"),
    (SC, D(2023, 1, 1), D(2023, 1, 4), 1, "Scotland 2023: 2 and 3 January observed"),
    (SC, D(2023, 8, 4), D(2023, 8, 8), 1, "Scotland's summer holiday, first Monday of August"),
    (EW, D(2023, 8, 4), D(2023, 8, 8), 2, "England's is the last Monday of August"),
    (EW, D(2023, 8, 25), D(2023, 8, 29), 1, "England's late summer holiday, 28 August"),
    (SC, D(2023, 11, 29), D(2023, 12, 1), 1, "St Andrew's Day, Thursday 30 November"),
    (NI, D(2024, 3, 15), D(2024, 3, 19), 1, "St Patrick's Day 2024 (Sunday) observed Monday"),
    (EW, D(2024, 3, 15), D(2024, 3, 19), 2, "no St Patrick's Day in England"),
    (NI, D(2023, 7, 11), D(2023, 7, 13), 1, "Battle of the Boyne, 12 July"),
    (NI, D(2023, 5, 5), D(2023, 5, 9), 1, "the coronation in Northern Ireland too"),
    (SC, D(2022, 9, 16), D(2022, 9, 20), 1, "the Queen's funeral in Scotland too"),
]


@pytest.mark.parametrize(("calendar", "start", "end", "want", "why"), BETWEEN,
                         ids=[b[4] for b in BETWEEN])
def test_between_and_add_agree(calendar: str, start: dt.date, end: dt.date, want: int,
                               why: str) -> None:
    assert workdays.between(start, end, calendar) == want, why
    end_works = workdays.between(end - dt.timedelta(days=1), end, calendar) == 1
    if want > 0 and end_works:
        # the n-th working day after start is end when end is itself a working day
        assert workdays.add(start, want, calendar) == end, why


# (start, n, the n-th working day after it)
ADD = [
    (D(2024, 3, 8), 1, D(2024, 3, 11)),
    (D(2024, 3, 9), 1, D(2024, 3, 11)),    # Saturday: the first working day after is Monday
    (D(2024, 3, 9), 0, D(2024, 3, 9)),
    (D(2024, 3, 10), -1, D(2024, 3, 8)),   # Sunday: the working day before is Friday
    (D(2024, 3, 11), -1, D(2024, 3, 8)),
    (D(2023, 5, 2), 10, D(2023, 5, 17)),   # Awaab's Law's 10 days across the coronation
    (D(2023, 12, 20), 5, D(2023, 12, 29)),
    (D(2024, 1, 2), -5, D(2023, 12, 21)),
    (D(2023, 1, 2), 251, D(2023, 12, 29)),  # 2023's 251 working days in England and Wales
]


@pytest.mark.parametrize(("start", "n", "want"), ADD)
def test_add(start: dt.date, n: int, want: dt.date) -> None:
    assert workdays.add(start, n) == want
    if n > 0:
        assert workdays.between(start, want) == n


def test_local_closures_are_not_working_days() -> None:
    closed = [D(2023, 12, 27), "2023-12-28", D(2023, 12, 29)]
    assert workdays.between(D(2023, 12, 22), D(2024, 1, 2), EW) == 4
    assert workdays.between(D(2023, 12, 22), D(2024, 1, 2), EW, closures=closed) == 1
    assert workdays.add(D(2023, 12, 22), 1, EW, closures=closed) == D(2024, 1, 2)
    with pytest.raises(ValueError, match="closure day '27/12/2023' is not a date"):
        workdays.between(D(2023, 12, 22), D(2024, 1, 2), closures=["27/12/2023"])


def test_an_unknown_calendar_is_one_sentence() -> None:
    with pytest.raises(ValueError, match="'wales' is not a UK working-day calendar; choose "
                                         "one of england-and-wales, scotland, northern-ireland"):
        workdays.between(D(2024, 1, 1), D(2024, 1, 2), "wales")


# timestamps count on their date in the service's zone, across both clock changes
TIMES = [
    # 23:30 UTC on Friday 2 June 2023 is 00:30 BST on Saturday: Monday is the first day
    (pd.Timestamp("2023-06-02 23:30", tz="UTC"), pd.Timestamp("2023-06-05 10:00", tz="UTC"),
     1),
    # the same instant in winter is still Friday (GMT): Monday is the first working day
    (pd.Timestamp("2023-12-01 23:30", tz="UTC"), pd.Timestamp("2023-12-04 10:00", tz="UTC"),
     1),
    # Friday 31 March 2023 23:30 UTC is Saturday 00:30 BST (the clocks went forward on the 26th)
    (pd.Timestamp("2023-03-31 23:30", tz="UTC"), pd.Timestamp("2023-04-03 08:00", tz="UTC"),
     1),
    # across the night the clocks go back (29 October 2023)
    (pd.Timestamp("2023-10-27 23:30", tz="UTC"), pd.Timestamp("2023-10-30 00:30", tz="UTC"),
     1),
    (pd.Timestamp("2023-10-26 22:59", tz="UTC"), pd.Timestamp("2023-10-30 00:30", tz="UTC"),
     2),
]


@pytest.mark.parametrize(("start", "end", "want"), TIMES)
def test_timestamps_count_on_their_local_date(start: pd.Timestamp, end: pd.Timestamp,
                                              want: int) -> None:
    assert workdays.between(start, end) == want


def test_add_keeps_the_wall_clock_time_across_the_clock_change() -> None:
    # Friday 27 October 2023 09:00 BST (08:00 UTC); one working day on is Monday 30 October
    # 09:00 GMT, which is 09:00 UTC: the clocks went back in between
    start = dt.datetime(2023, 10, 27, 8, 0, tzinfo=dt.UTC)
    got = workdays.add(start, 1)
    assert got == dt.datetime(2023, 10, 30, 9, 0, tzinfo=dt.UTC)
    assert got.tzinfo == dt.UTC
    london = pd.Timestamp("2023-03-24 09:00", tz="Europe/London")  # GMT, before the change
    assert workdays.add(london, 1) == pd.Timestamp("2023-03-27 09:00", tz="Europe/London")
    assert workdays.add(london, 1).tz_convert("UTC").hour == 8  # BST by then
    naive = dt.datetime(2023, 10, 27, 9, 0)  # a naive time is the service's wall clock
    assert workdays.add(naive, 1) == dt.datetime(2023, 10, 30, 9, 0)


def test_whole_columns_match_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    starts = pd.Series(pd.Timestamp("2019-12-20", tz="UTC")
                       + pd.to_timedelta(rng.integers(0, 5 * 365 * 24, 150), unit="h"))
    ends = starts + pd.to_timedelta(rng.integers(-72, 60 * 24, 150), unit="h")
    ends.iloc[3] = pd.NaT
    for cal in workdays.CALENDARS:
        many = workdays.between_many(starts, ends, cal)
        assert np.isnan(many[3])
        one = [workdays.between(s, e, cal) for s, e in zip(starts, ends, strict=True)
               if not pd.isna(e)]
        assert many[~np.isnan(many)].astype(int).tolist() == one
        steps = rng.integers(-30, 30, 150)
        added = workdays.add_many(starts, steps, cal)
        assert added.tolist() == [workdays.add(s, int(k), cal)
                                  for s, k in zip(starts, steps, strict=True)]
    days = np.array(["2023-05-05", "2022-09-16"], dtype="datetime64[D]")
    assert workdays.between_many(days, days + 4).tolist() == [1.0, 1.0]


def test_bank_holidays_name_the_days() -> None:
    got = workdays.bank_holidays(EW, [2023])
    assert got[D(2023, 5, 8)] == "Coronation of Charles III"
    assert D(2023, 11, 30) not in got
    assert D(2023, 11, 30) in workdays.bank_holidays(SC, [2023])
