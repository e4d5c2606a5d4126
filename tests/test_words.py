"""The narrative's words, table-driven: every renderer agrees with its count (0, 1, 2 and
many), and a chart's signals read the same whatever wrote them (the presets give codes and
points; servicecheck.narrative.signals words them)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pandas as pd
import pytest

from servicecheck import spc
from servicecheck.findings import Finding, Quantity, Span
from servicecheck.narrative import grammar as g
from servicecheck.narrative.signals import chart_state, signal_words
from servicecheck.narrative.voice import RENDERERS
from servicecheck.narrative.words import Voice, say


class Every(Mapping[str, Quantity]):
    """Numbers that hold every name a renderer asks for, all the same value: the count under
    test reaches every count a sentence states."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __getitem__(self, key: str) -> Quantity:
        return Quantity(self.value, "count")

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


# the names each renderer reads (steps, demand types, rule sets, codes), where it reads some
NAMES: dict[str, tuple[str, ...]] = {
    "capability.current": ("NHSRplotthedots 0.2.2 (Making Data Count)",),
    "capability.change": ("shift",),
    "capability.signal_after_change": ("Trades book their own appointments", "median"),
    "capability.per_period": ("week", "median", "NHSRplotthedots 0.2.2 (Making Data Count)"),
    "demand.failure_chart": ("week", "qicharts2 0.8.1 (Anhøj)", "w/c 2 Jun 2025"),
    "demand.predictable": ("week", "Boiler broken"),
    "demand.agreement": ("value or failure", "moderate"),
    "targets.mechanism": ("split", "application"),
    "targets.clock_stopped": ("application",),
    "targets.where_days": ("application",),
    "targets.clock_sensitivity": ("order raised", "order closed", "first contact",
                                  "order closed"),
    "flow.wait": ("Raised", "Closed"),
    "regulators.tsm_rp02": ("2024/25", "emergency", "england-and-wales"),
    "economics.per_need": ("contact", "failure_demand"),
    "quality.placeholders": ("team", "EMPTY"),
    "quality.cells_aside": ("Closed Date", "Closed"),
    "quality.order_assumed": ("Logged on", "day-first"),
    "quality.future": ("cases.csv", "Closed Date"),
    "joined.caused": ("benefits", "council tax"),
    "overview.measures": ("failure demand", "phone"),
    "joined.peak": ("benefits", "council tax"),
    "joined.followed": ("benefits", "council tax"),
    "propose.table": ("jobs.csv", "case table", "Jobs"),
    "propose.role": ("case", "Job ref", "name and values", "J1", "J2"),
    "propose.moments": ("Closed", "Logged on", "Logged", "Closed on", "Closed"),
    "propose.dates": ("day-first", "25/04/2024"),
    "propose.time_of_day": ("Date Logged", "Time Logged"),
    "quality.time_of_day": ("Date Logged", "Time Logged"),
}
NOUNS = ["need", "case", "order", "contact", "classified contact", "signal", "day", "week",
         "event", "demand", "row", "import", "service", "citizen", "step", "arrow", "time",
         "path", "different path", "item", "assumption", "system condition", "repair",
         "local closure day", "minute", "hour", "application"]
SINGULAR = "|".join(sorted(NOUNS, key=len, reverse=True))
PLURAL = "|".join(sorted((g.plural(n) for n in NOUNS), key=len, reverse=True))
ONE = re.compile(rf"(?<![\d.,])1 (?:{PLURAL})\b|(?<![\d.,])1 (?:{SINGULAR}) (?:are|were|have)\b")
MANY = re.compile(rf"(?<![\d.,])(?:0|[2-9]|\d{{2,}}|\d{{1,3}}(?:,\d{{3}})+) (?:{SINGULAR})\b"
                  rf"(?! (?:{'|'.join(NOUNS)}))|(?<![\d.,])(?:0|[2-9]|\d{{2,}}|\d{{1,3}}"
                  rf"(?:,\d{{3}})+) (?:{PLURAL}) (?:is|was|has)\b")


def sample(topic: str, n: int, flags: frozenset[str] = frozenset()) -> Finding:
    start, end = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-06-30", tz="UTC")
    return Finding(topic, "need", n, Every(n), Span(start, end, start, "after"),
                   clock="last-event", names=NAMES.get(topic, ("Repair reported",)),
                   flags=flags)


# a renderer that lists its numbers by iterating them has none to list here
LISTS = {"economics.transactions", "economics.per_year", "economics.assumptions"}
CASES = [(t, n, fl) for t in sorted(set(RENDERERS) - LISTS) for n in (0, 1, 2, 1234)
         for fl in (frozenset(), frozenset({"stable", "compared", "partial", "to_date",
                                                      "lower"}))]


@pytest.mark.parametrize(("topic", "n", "flags"), CASES,
                         ids=[f"{t}-{n}-{'flags' if f else 'plain'}" for t, n, f in CASES])
def test_every_sentence_agrees_with_its_count(topic: str, n: int, flags: frozenset[str]) -> None:
    text = say(sample(topic, n, flags), Voice())
    assert not ONE.search(text), text
    assert not MANY.search(text), text


@pytest.mark.parametrize(("text", "wrong"), [
    ("1 needs were met", True), ("1 need are open", True), ("2 need were met", True),
    ("1,434 case", True), ("3 needs is", True), ("1 need is open", False),
    ("2 needs are open", False), ("0 needs", False), ("1.5 days", False),
])
def test_the_agreement_check_sees_disagreement(text: str, wrong: bool) -> None:
    assert bool(ONE.search(text) or MANY.search(text)) is wrong


# (preset, values, expected words of every signal): the words the presets wrote before they
# returned codes, so a tooltip reads the same ("1 crossing" now agrees with its count)
JUMP = [12.0, 15, 11, 14, 13, 14, 12, 15, 13, 14, 40, 14]
SHIFTED = [10.0, 11, 10, 12, 11, 10, 11, 10, 12, 11, 20, 21, 20, 22, 21, 20, 21, 22, 20, 21]
SIGNALS = [
    ("ptd", JUMP, ["10 points in a row below the centre line, w1 to w10",
                   "above the upper limit: w11"]),
    ("ptd", [float(v) for v in range(1, 9)] + [4.0, 4.5],
     ["below the lower limit: w1", "6 points in a row rising, w2 to w7",
      "above the upper limit: w8"]),
    ("ptd", SHIFTED, ["below the lower limit: w1 to w10", "above the upper limit: w11 to w20"]),
    ("wheeler", JUMP, ["8 points in a row on one side of the centre line: w1 to w10",
                       "beyond the natural process limits: w11",
                       "a jump larger than the upper range limit: w11",
                       "a jump larger than the upper range limit: w12"]),
    ("anhoej", JUMP, ["a run of 10 points on one side of the centre line (more than 7 is "
                      "unusual) and only 2 crossings of the centre line (fewer than 3 is "
                      "unusual), w1 to w12", "above the upper limit: w11"]),
    ("anhoej", SHIFTED[:12], ["a run of 10 points on one side of the centre line (more than 7 "
                              "is unusual) and only 1 crossing of the centre line (fewer than "
                              "3 is unusual), w1 to w12"]),
]


@pytest.mark.parametrize(("preset", "values", "words"), SIGNALS)
def test_signals_in_words(preset: str, values: list[float], words: list[str]) -> None:
    chart = spc.xmr(values, preset=preset, labels=[f"w{i}" for i in range(1, len(values) + 1)])
    said = [signal_words(chart, s) for s in chart.signals]
    assert said[:len(words)] == words


RISE = [float(v) for v in range(1, 9)] + [4.0, 4.5]
# (preset, values, the signals by kind, the chart's state): counted as a reader counts them
# on the chart, each point beyond the limits once, each run or trend once ("2 signals" said
# nothing of what they were, and "124 signals" on a chart of needs read as alarm)
KINDS = [
    ("ptd", JUMP, {"beyond": 1, "run": 1}, "1 point beyond the limits and 1 run"),
    ("ptd", RISE, {"beyond": 2, "trend": 1}, "2 points beyond the limits and 1 trend"),
    ("ptd", SHIFTED, {"beyond": 20}, "20 points beyond the limits"),
    ("wheeler", JUMP, {"beyond": 1, "run": 1}, "1 point beyond the limits and 1 run"),
    ("wheeler", SHIFTED, {"beyond": 14, "run": 2}, "14 points beyond the limits and 2 runs"),
    # one Anhøj signal: a long run, with a point beyond the limits within it
    ("anhoej", JUMP, {"beyond": 1, "run": 1}, "1 point beyond the limits and 1 run"),
    # 2 of 3 points close to the upper limit: the two points, not two signals
    ("ptd", [5.0, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5.2, 5.8, 8.2, 5.9, 8.3, 5, 6, 5, 6],
     {"near": 2}, "2 points near a limit"),
    ("wheeler", [5.0, 6] * 6 + [5.6, 5.4, 5.6, 5.5, 2.0, 9.0, 5.5, 5.4], {"jump": 1},
     "1 jump larger than the upper range limit"),
]


@pytest.mark.parametrize(("preset", "values", "kinds", "said"), KINDS)
def test_signals_are_counted_by_kind(preset: str, values: list[float], kinds: dict[str, int],
                                     said: str) -> None:
    chart = spc.xmr(values, preset=preset)
    assert chart.signal_kinds() == kinds
    rules = chart_state(chart).split(" (")[-1]
    assert chart_state(chart) == f"not stable: {said} ({rules}"
    # the finding the words are made from counts the same as the chart's own state
    from servicecheck.findings import signals
    from servicecheck.narrative.signals import signals_said

    f = Finding("capability.current", "need", 9, signals(len(chart.episodes()), kinds))
    assert signals_said(f) == said


# (values, the state said): of 4 points or fewer no rule can fire, so none is called stable
FEW = [
    ([5.0], "too few points to judge stability by"),
    ([5.0, 9.0], "too few points to judge stability by"),
    ([5.0, 9.0, 1.0, 30.0], "too few points to judge stability by"),
    ([5.0, 5.0, 5.0], "no variation (every point the same) to judge stability by"),
    ([5.0, 5.0, 5.0, 5.0, 5.0], "no variation (every point the same) to judge stability by"),
    ([5.0, 6.0, 5.0, 6.0, 5.0], "stable: no signals in the latest period"),
]


@pytest.mark.parametrize(("values", "state"), FEW)
@pytest.mark.parametrize("preset", ["ptd", "anhoej", "wheeler"])
def test_too_few_points_are_not_called_stable(values: list[float], state: str,
                                              preset: str) -> None:
    assert chart_state(spc.xmr(values, preset=preset)).startswith(state)


@pytest.mark.parametrize(("preset", "rules"), [
    ("ptd", "NHSRplotthedots 0.2.2, Making Data Count rules"),
    ("anhoej", "qicharts2 0.8.1, Anhøj rules"),
    ("wheeler", "Wheeler XmR, Western Electric rules"),
])
def test_a_stable_chart_says_so_naming_its_rules_once(preset: str, rules: str) -> None:
    chart = spc.xmr([5.0, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6], preset=preset)
    assert chart_state(chart) == f"stable: no signals in the latest period ({rules})"


@pytest.mark.parametrize(("topic", "names", "said", "unsaid"), [
    ("targets.mechanism", ("closed_reraised", "application"),
     "An application was closed before the need was met", "order"),
    ("targets.mechanism", ("split", "case"), "split into cases", "order"),
    ("targets.mechanism", ("reprioritised", "order"), "An order's priority", "application"),
    ("targets.clock_stopped", ("application",), "(no application open)", "order"),
    ("targets.where_days", ("case",), "while a case was open", "order"),
])
def test_the_regime_is_named_by_its_own_unit(topic: str, names: tuple[str, ...], said: str,
                                             unsaid: str) -> None:
    """'% of orders' where the service's regime counts applications was a words defect: the
    unit comes from the service file, whatever the regime counts."""
    from servicecheck.findings import Finding, seconds, share
    from servicecheck.narrative.words import Voice, say

    f = Finding(topic, "need", 12, {"share": share(0.25), "median": seconds(3.0),
                                    "without": seconds(1.0), "before_clock": share(0.2),
                                    "order_open": share(0.5), "clock_stopped": share(0.3)},
                names=names)
    text = say(f, Voice(tz="Europe/London"))
    assert said in text and unsaid not in text


# (days with captures, today, the board's line): worded in narrative/signals, not in web/
BOARD = [
    ((), "2024-03-10", "The chart of daily demand appears once demand has been captured."),
    (("2024-03-10",), "2024-03-10",
     "The chart of daily demand appears after a second day of capture."),
    (("2024-03-08", "2024-03-09", "2024-03-09", "2024-03-10"), "2024-03-10",
     "Daily demand has too few points to judge stability by"),
    (tuple(f"2024-03-{d:02d}" for d in range(1, 11)), "2024-03-10",
     "Daily demand has no variation (every point the same) to judge stability by"),
    ((*(f"2024-03-{d:02d}" for d in range(1, 11)), "2024-03-02", "2024-03-05"),
     "2024-03-10", "Daily demand is stable: no signals in the latest period"),
]


@pytest.mark.parametrize(("days", "today", "said"), BOARD)
def test_the_live_boards_line(days: tuple[str, ...], today: str, said: str) -> None:
    import pandas as pd

    from servicecheck.web.board import _daily_chart

    _, text = _daily_chart(tuple(pd.Timestamp(d) for d in days), pd.Timestamp(today))
    assert text.startswith(said), text


# (sum, its interval's width or None where it rests on assumptions, as worded approximate):
# the figures follow the uncertainty ("about £851,583" claimed a precision no estimate has)
ABOUT = [
    (851_583.4, None, "£850,000"), (38_389.0, None, "£38,000"), (5_290.0, None, "£5,300"),
    (2_609.0, None, "£2,600"), (45.67, None, "£46"), (3.24, None, "£3.20"),
    (1_234_567.0, None, "£1.2m"), (999_999.0, None, "£1.0m"), (-12_345.0, None, "-£12,000"),
    (0.004, None, "under £0.01"),
    (415_787.0, 27_534.0, "£416,000"), (402_178.0, 27_534.0, "£402,000"),
    (429_712.0, 27_534.0, "£430,000"), (1_234_567.0, 30_000.0, "£1.23m"),
    (415_787.0, 300.0, "£416,000"),         # a narrow interval: three figures at most
    (12_345.0, 10_000_000.0, "£10,000"),    # a wide one: one figure at least, never £0
    (851_583.4, 600_000.0, "£850,000"),
]


@pytest.mark.parametrize(("v", "width", "said"), ABOUT)
def test_an_approximate_sum_is_rounded_to_its_uncertainty(v: float, width: float | None,
                                                          said: str) -> None:
    assert g.about_money(v, "£", width) == said


# (sum, the sums said beside it in one sentence, as written): one sentence, one precision,
# the finest any of its sums takes alone ("costs £162 end to end, £52.05 of it" mixed them)
MONEY = [
    (162.4, (), "£162"), (52.05, (), "£52.05"), (1_234_567.0, (), "£1.2m"),
    (162.4, (162.4, 52.05, 3.22), "£162.40"), (52.05, (162.4, 52.05, 3.22), "£52.05"),
    (3.22, (162.4, 3.22), "£3.22"),           # never coarser: a contact keeps its pence
    (180.0, (107.3, 180.0), "£180"),          # all whole pounds: no pence added
    (95.0, (95.0, 120.0), "£95.00"), (120.0, (95.0, 120.0), "£120.00"),
    (1_234_567.0, (1_234_567.0, 250.0), "£1,234,567"),  # millions beside pounds, in pounds
    (1_234_567.0, (2_000_000.0,), "£1.2m"),
    (0.55, (28.0, 0.55), "£0.55"), (28.0, (28.0, 0.55), "£28.00"),
    (150.0, (150.0, float("nan")), "£150"),  # a sum that is no number sets no precision
]


# (a sum a year, the other sums of its column or sentence, as written): a year's estimate in
# whole pounds at the finest, one precision for the column ("£4,947" above "£89.41" in the
# economics tables' "cost a year" column)
YEARLY = [
    (89.41, (4_947.0, 89.41), "£89"), (4_947.0, (4_947.0, 89.41), "£4,947"),
    (8.94, (), "£9"), (0.3, (), "under £1"), (0.0, (), "£0"),
    (1_234_567.0, (1_234_567.0, 89.41), "£1,234,567"), (2_500_000.0, (2_000_000.0,), "£2.5m"),
]


# (a column of sums a year, as written): each at the one step of three figures of its largest
# ("£3.72m" above "£0.64m", never "£3,718,347" above "£639,341")
YEARLY_COLUMNS = [
    ((3_718_347.0, 2_695_376.0, 639_341.0, 76_706.0), ("£3.72m", "£2.70m", "£0.64m", "£0.08m")),
    ((12_300_000.0, 4_000_000.0, 20_000.0), ("£12.3m", "£4.0m", "under £0.1m")),
    ((28_098.0, 1_367.0, 1_025.0, 498.0), ("£28,100", "£1,400", "£1,000", "£500")),
    ((22_877.0, 4_947.0, 89.41), ("£22,900", "£4,900", "£100")),
    ((950_000.0, 40_000.0), ("£950,000", "£40,000")),
    ((8.94, 0.3), ("£9", "under £1")),
    ((0.0, 5.0), ("£0", "£5")),
    ((), ()),
]


@pytest.mark.parametrize(("column", "said"), YEARLY_COLUMNS)
def test_a_column_of_sums_a_year_is_worded_as_its_largest(
        column: tuple[float, ...], said: tuple[str, ...]) -> None:
    assert tuple(g.about_money_column(column)) == said


@pytest.mark.parametrize(("v", "beside", "said"), YEARLY)
def test_a_sum_a_year_is_never_written_in_pence(v: float, beside: tuple[float, ...],
                                               said: str) -> None:
    from servicecheck.findings import a_year

    assert g.money(v, "£", beside, g.FINEST["money_a_year"]) == said
    if not beside:  # a finding's sum a year, written alone the one way it is written
        assert g.quantity(a_year(v)) == said


@pytest.mark.parametrize(("v", "beside", "said"), MONEY)
def test_the_sums_of_one_sentence_share_one_precision(v: float, beside: tuple[float, ...],
                                                      said: str) -> None:
    assert g.money(v, "£", beside) == said


def test_a_need_costs_at_one_precision() -> None:
    from servicecheck.findings import money

    f = Finding("economics.per_need", "need", 1_525,
                {"cost": money(162.4), "waste": money(52.05), "unit": money(3.22)},
                names=("contact", "failure_demand", "repeat_visits"))
    assert say(f, Voice()) == (
        "Meeting one need costs £162.40 end to end, £52.05 of it failure demand and repeat "
        "visits, while a contact costs £3.22 on its own.")


def _money_finding(topic: str, n: int, **sums: float) -> Finding:
    """A finding of sums as the economics measure makes it: what one need costs is counted
    (``money``), everything else is a sum a year (``a_year``)."""
    from servicecheck.findings import a_year, money, share

    numbers = {k: share(v) if k == "value_share" else money(v) if k in ("before", "after")
               else a_year(v) for k, v in sums.items()}
    return Finding(topic, "need", n, numbers, names=("Order raised", "No access"))


# (finding, the words): every sum worded as approximate, rounded by the one rule
SUMS = [
    (_money_finding("economics.per_year", 7_000, total=851_583.4, value_share=0.68,
                    failure_demand=38_389.2, repeat_visits=140_280.0),
     "A year costs about £850,000; 68% of it served purpose. Failure demand costs about "
     "£38,000 a year. Repeat visits cost about £140,000 a year."),
    (_money_finding("economics.saving", 5_263, per_year=415_787.0, low=402_178.0,
                    high=429_712.0, before=186.2, after=107.3),
     "Since the redesign a need costs £107 against £186 before: about £416,000 a year at "
     "5,263 needs a year (90% interval £402,000 to £430,000, resampling the needs)."),
    (_money_finding("economics.waste_steps", 2, cost0=22_795.0, cost1=16_430.0),
     "Costliest waste steps a year, roughly: Order raised £23,000; No access £16,000."),
    # a year's sums are estimates: whole pounds at the finest, never pence ("£8.90 a year")
    (_money_finding("economics.waste_steps", 2, cost0=8.94, cost1=0.3),
     "Costliest waste steps a year, roughly: Order raised £9; No access under £1."),
    (_money_finding("economics.per_year", 40, total=89.41, value_share=0.5,
                    failure_demand=3.24),
     "A year costs about £89; 50% of it served purpose. Failure demand costs about £3 a year."),
    (_money_finding("economics.saving", 12, per_year=6.47, low=2.2, high=9.9, before=2.54,
                    after=1.99),
     "Since the redesign a need costs £1.99 against £2.54 before: about £6 a year at 12 needs "
     "a year (90% interval £2 to £10, resampling the needs)."),
]


@pytest.mark.parametrize(("f", "said"), SUMS, ids=[f.topic for f, _ in SUMS])
def test_sums_worded_as_approximate_carry_the_figures_they_have(f: Finding, said: str) -> None:
    text = say(f, Voice())
    assert text == said
    # no sum said to be "about" keeps more than three significant figures
    for figure in re.findall(r"about -?£([\d,.]+)", text):
        assert len(figure.replace(",", "").replace(".", "").strip("0")) <= 3, text


# (finding, the words): sentences a sceptical reader caught on real logs (sepsis, road
# traffic fines, BPIC 2020 domestic declarations), each read against its report
def _contents(demands: int, open_: int = 0, stale: int = 545,
              stale_after: float | None = None) -> Finding:
    import pandas as pd

    from servicecheck.findings import Span, count, seconds

    after = {"stale_after": seconds(stale_after)} if stale_after is not None else {}
    return Finding("summary.contents", "need", 4_999,
                   {"open": count(open_), "stale": count(stale), **after,
                    "cases": count(4_999), "events": count(9_453), "demands": count(demands)},
                   Span(pd.Timestamp("2023-02-28 16:31", tz="UTC"),
                        pd.Timestamp("2023-04-14 12:00", tz="UTC")), names=("NYC 311",))


REAL = [
    # the summary command on NYC 311's requests with no demand imported said "0 demands"
    # ... and "(0 still open, 545 stale)": a count of none is not said, stale is said plainly
    (_contents(0), "NYC 311: 4,999 needs (545 stale), 4,999 orders or cases, "
     "9,453 events, no demand imported, between 28 Feb 2023 and 14 Apr 2023."),
    (_contents(1), "NYC 311: 4,999 needs (545 stale), 4,999 orders or cases, "
     "9,453 events, 1 demand, between 28 Feb 2023 and 14 Apr 2023."),
    (_contents(0, 0, 0), "NYC 311: 4,999 needs, 4,999 orders or cases, 9,453 events, no "
     "demand imported, between 28 Feb 2023 and 14 Apr 2023."),
    (_contents(0, 12, 268, 30.0), "NYC 311: 4,999 needs (12 still open; 268 stale: without an "
     "end and no event for more than 30 days, most likely ended some other way), 4,999 orders "
     "or cases, 9,453 events, no demand imported, between 28 Feb 2023 and 14 Apr 2023."),
    # no demand imported: the clock that "starts at the citizen's first contact" sat above
    # times told "from their first event to their last"
    (Finding("purpose.clock", "need", 0, flags=frozenset({"first contact"})),
     "The citizen's clock starts at the citizen's first contact (a need with no contact linked "
     "to it, at its first event) and stops at the last event of the need (no end activity is "
     "named); every time in this report is measured on it, not on the organisation's clock."),
    (Finding("purpose.clock", "need", 0, names=("Closed",)),
     "The citizen's clock starts at the citizen's first contact and stops at Closed; every "
     "time in this report is measured on it, not on the organisation's clock."),
    (Finding("quality.clock", "need", 0, names=("UTC", "Closed"),
             flags=frozenset({"first contact"})),
     "The clock starts at the citizen's first contact where demand links to the need (else at "
     "its first event) and stops at Closed. Times without a zone were read as UTC; dates are "
     "told in Europe/London, the service's zone (its timezone in the service file)."),
    # the demo's "A need takes 3.2 contacts" (the needs met) beside Demand's 3.3 (every need)
    (Finding("economics.transactions", "need", 7_831, {"contacts": Quantity(3.249, "ratio"),
                                                       "visits": Quantity(2.0, "ratio")}),
     "The 7,831 needs met took 3.2 contacts and 2.0 visits each on average: what grows is the "
     "number of transactions a need takes, not the cost of each."),
    (Finding("economics.transactions", "need", 1, {"contacts": Quantity(1.0, "ratio")}),
     "The one need met took 1.0 contacts."),
    # the sepsis log's one copied event "is exact copies"
    (Finding("quality.copies", "event", 1, {"cases": Quantity(1, "count")}),
     "1 event in 1 case is an exact copy of another event of the same case (the same step at "
     "the same time, every column alike), most likely written twice by the export; Flow "
     "counts it as a step repeated. If it is a copy, remove it and import the file again in "
     "place of this one."),
]


@pytest.mark.parametrize(("f", "said"), REAL, ids=[f"{f.topic}-{f.n}" for f, _ in REAL])
def test_sentences_read_on_real_logs(f: Finding, said: str) -> None:
    assert say(f, Voice()) == said


# (a time in days, the times beside it in its sentence in the same unit, as written): one
# sentence, one precision ("half of the clean ones within 6.3 days, half of the rest within
# 8 days" read as if the 8 were rounded and the 6.3 not)
DAYS = 86400.0
DURATIONS = [
    (8.0, (), "8 days"), (8.0, (6.3,), "8.0 days"), (6.3, (8.0,), "6.3 days"),
    (1.0, (), "1 day"), (1.0, (2.5,), "1.0 days"),
    (9.0, (5.6, 15.0), "9.0 days"), (15.0, (5.6,), "15 days"),  # two figures from ten on
    (9.0, (12.0, 40.0), "9 days"),            # no time beside it has a decimal: none added
    (8.0, (float("nan"),), "8 days"),         # a time that is no number sets no precision
    (0.45, (8.0,), "0.45 days"),
]


@pytest.mark.parametrize(("days", "beside", "said"), DURATIONS)
def test_the_times_of_one_sentence_share_one_precision(days: float, beside: tuple[float, ...],
                                                       said: str) -> None:
    assert g.duration(days * DAYS, g.DAYS, [b * DAYS for b in beside]) == said


def test_a_finding_says_its_times_at_one_precision() -> None:
    from servicecheck.findings import seconds

    f = Finding("flow.clean", "need", 100,
                {"share": Quantity(0.17, "share"), "repeated": Quantity(0.1, "share"),
                 "failure": Quantity(0.0, "share"), "handoffs": Quantity(0.83, "share"),
                 "clean_median": seconds(6.3), "dirty_median": seconds(8.0),
                 "not_met": Quantity(0, "count")}, clock="citizen")
    assert "half of the clean ones were met within 6.3 days, half of the rest within 8.0 " \
        "days" in say(f, Voice())


def test_a_list_of_waits_is_told_at_one_precision() -> None:
    """The demo's waits, one list read as a column: "8.1 days" above "8 days" read as if the
    8 were rounded (flow.findings gives each wait the others, ``beside_``)."""
    from servicecheck.findings import seconds

    waits = [8.8, 8.1, 8.0, 7.5]
    said = [say(Finding("flow.wait", "time", 100, {
        "median": seconds(w), **{f"beside_{j}": seconds(o) for j, o in enumerate(waits)
                                 if j != i}}, names=("No access", "Diagnosed")), Voice())
        for i, w in enumerate(waits)]
    assert [re.findall(r": (\S+) days", s) for s in said] == [["8.8"], ["8.1"], ["8.0"], ["7.5"]]


# (where the citizens' days went, the sentence): a share of none is no clause ("0% before the
# regime's clock started, 100% while a request was open and 0% while no request was open" of
# NYC 311, whose regime's clock is the citizen's)
WHERE_DAYS = [
    ((0.0, 1.0, 0.0), "Of the citizens' days across the 12 needs met, all went while a request "
     "was open (the regime's clock ran)."),
    ((0.0, 0.13, 0.87), "Of the citizens' days across the 12 needs met, 13% while a request "
     "was open (the regime's clock ran) and 87% while no request was open (the clock "
     "stopped)."),
    ((0.04, 0.76, 0.2), "Of the citizens' days across the 12 needs met, 4% before the "
     "regime's clock started, 76% while a request was open (the regime's clock ran) and 20% "
     "while no request was open (the clock stopped)."),
    ((0.0, 0.0, 0.0), "The 12 needs met took no time on the citizen's clock."),
]


@pytest.mark.parametrize(("shares", "said"), WHERE_DAYS)
def test_where_the_days_went_says_only_where_some_went(shares: tuple[float, float, float],
                                                       said: str) -> None:
    from servicecheck.findings import share

    f = Finding("targets.where_days", "need", 12,
                {c: share(v) for c, v in zip(("before_clock", "order_open", "clock_stopped"),
                                             shares, strict=True)}, names=("request",))
    assert say(f, Voice()) == said
