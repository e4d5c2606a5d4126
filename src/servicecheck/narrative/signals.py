"""A process behaviour chart's signals and state in words.

The presets (servicecheck.spc) return each signal as a rule code, the points it marks and a
direction; the runs analysis as numbers on the part's limits. This module words them, so a
chart's tooltip, its alternative text and the summary table say the same thing, and nothing
in the presets writes a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import rule_set

if TYPE_CHECKING:
    import pandas as pd

    from servicecheck.spc._chart import Chart, Signal

# each rule code of the presets, in words; "{side}" is the direction's side of the chart
_WORDS = {
    # anhoej and ptd/mdc2023: a point beyond the 3-sigma limits
    "outside_limits": "{above_below} the {upper_lower} limit",
    # ptd/mdc2023
    "trend": "{n} points in a row {rising_falling}",
    "two_in_three": "2 of 3 points close to the {upper_lower} limit",
    "shift": "{n} points in a row {above_below} the centre line",
    # wheeler: the Western Electric rules
    "rule_1": "beyond the natural process limits",
    "rule_2": "2 of 3 points beyond two sigma on one side",
    "rule_3": "4 of 5 points beyond one sigma on one side",
    "rule_4": "8 points in a row on one side of the centre line",
    "mr_beyond_url": "a jump larger than the upper range limit",
}


# the variation and assurance codes (a chart's latest point type, spc.assurance_type) in
# words: the icons' accessible titles (charts.icons) and the summary table read the same
VARIATION_WORDS = {
    "common_cause": "common cause variation only",
    "special_cause_improvement": "special cause variation: improvement",
    "special_cause_concern": "special cause variation: concern",
    "special_cause_neutral_high": "special cause variation: higher",
    "special_cause_neutral_low": "special cause variation: lower",
}
ASSURANCE_WORDS = {
    "": "",
    "consistent_pass": "the system will consistently meet the target",
    "consistent_fail": "the system will consistently miss the target",
    "inconsistent": "the system will sometimes meet and sometimes miss the target",
}


def variation_words(point_type: str, improvement_direction: str = "neutral") -> str:
    """What a variation code says, the side named for an improvement or a concern (high is
    an improvement where more is better, a concern where less is)."""
    words = VARIATION_WORDS[point_type]
    if point_type not in ("special_cause_improvement", "special_cause_concern"):
        return words
    high = (point_type == "special_cause_improvement") == (improvement_direction != "decrease")
    return f"{words} ({'high' if high else 'low'})"


def summary_words(table: pd.DataFrame) -> pd.DataFrame:
    """``spc.summary_table`` with its variation and assurance codes in words, for people
    reading it as a spreadsheet: the words the icons' titles say."""
    return table.assign(
        variation=[variation_words(v, d) for v, d in zip(
            table["variation"], table["direction"], strict=True)],
        assurance=table["assurance"].map(ASSURANCE_WORDS))


# each kind of signal (spc.SIGNAL_KINDS), counted: the noun, and what follows it
_KIND_WORDS = {"beyond": ("point", " beyond the limits"),
               "near": ("point", " near a limit"),
               "run": ("run", ""), "trend": ("trend", ""),
               "jump": ("jump", " larger than the upper range limit")}


def kinds_words(kinds: Mapping[str, float]) -> str:
    """Signals as a reader counts them on the chart (``Chart.signal_kinds``): '12 points
    beyond the limits and 3 runs', not '15 signals' (a chart of thousands of needs has a
    hundred, which reads as alarming noise and says nothing of what to look for)."""
    from servicecheck.spc._chart import SIGNAL_KINDS  # the spc package loads pandas

    return g.join_words([g.counted(kinds[k], _KIND_WORDS[k][0]) + _KIND_WORDS[k][1]
                         for k in SIGNAL_KINDS if kinds.get(k)])


def signals_said(f: Finding) -> str:
    """A finding's signals by kind (its ``signals_<kind>`` numbers), else counted."""
    from servicecheck.spc._chart import SIGNAL_KINDS  # the spc package loads pandas

    kinds = {k: f.q(f"signals_{k}") for k in SIGNAL_KINDS if f.has(f"signals_{k}")}
    return kinds_words(kinds) if any(kinds.values()) else g.counted(f.q("signals"), "signal")


def span(chart: Chart, s: Signal) -> str:
    """The points a signal marks, by their labels: 'week 3' or 'week 3 to week 9'."""
    a, b = chart.labels[s.points[0] - 1], chart.labels[s.points[-1] - 1]
    return a if len(s.points) == 1 else f"{a} to {b}"


def signal_words(chart: Chart, s: Signal) -> str:
    """Why one signal is a signal, and where: 'above the upper limit: week 12'."""
    if s.rule == "runs":
        return _runs_words(chart, s)
    up = s.direction >= 0
    what = _WORDS.get(s.rule, "special cause ({rule})").format(
        n=len(s.points), rule=s.rule, above_below="above" if up else "below",
        upper_lower="upper" if up else "lower", rising_falling="rising" if up else "falling")
    # the single-point rules read "what: where"; runs of points read "what, from to"
    sep = ": " if s.rule in ("outside_limits", "mr_beyond_url") or s.rule.startswith("rule_") \
        else ", "
    return f"{what}{sep}{span(chart, s)}"


def _runs_words(chart: Chart, s: Signal) -> str:
    r = chart.limits_at(s.points[0]).runs
    why = []
    if r is not None and r.longest_run > r.longest_run_max:
        why.append(f"a run of {r.longest_run} points on one side of the centre line "
                   f"(more than {r.longest_run_max} is unusual)")
    if r is not None and r.n_crossings < r.n_crossings_min:
        why.append(f"only {g.counted(r.n_crossings, 'crossing')} of the centre line "
                   f"(fewer than {r.n_crossings_min} is unusual)")
    return f"{' and '.join(why) or 'an unusual run'}, {span(chart, s)}"


def judged(chart: Chart) -> bool:
    """Whether the chart has the points (``spc._chart.MIN_JUDGED``) and the variation to
    call stable or not."""
    from servicecheck.spc._chart import MIN_JUDGED  # the spc package loads pandas

    return bool(chart.signals) or (chart.n >= MIN_JUDGED
                                   and chart.values.min() != chart.values.max())


def chart_state(chart: Chart) -> str:
    """Stable or not, with the rule set named; signals counted once (chart.episodes)."""
    rules = rule_set(chart.rule_set)
    if not judged(chart):
        # too few points, or points all equal (no moving range): nothing to call stable by
        why = ("no variation (every point the same)"
               if chart.n > 1 and chart.values.min() == chart.values.max() else "too few points")
        return f"{why} to judge stability by ({rules} rules)"
    if chart.stable:
        return f"stable: no signals in the latest period ({rules} rules)"
    return f"not stable: {kinds_words(chart.signal_kinds())} ({rules} rules)"


def daily_demand_words(chart: Chart | None, captured: bool) -> str:
    """The live board's line under its chart of demand captured per day (web.board):
    ``chart`` None until there are two days to chart, ``captured`` whether any demand is."""
    if chart is None:
        return ("The chart of daily demand appears after a second day of capture." if captured
                else "The chart of daily demand appears once demand has been captured.")
    # "Daily demand is too few points ..." would be no sentence
    return f"Daily demand {'is' if judged(chart) else 'has'} {chart_state(chart)}."

