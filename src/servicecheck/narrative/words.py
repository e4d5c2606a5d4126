"""Sentences from findings. One renderer per topic; each reads only its finding's numbers and
names, and writes every number through the one grammar. A finding that does not apply is
said to not apply ("not costed", "no demand imported"), never written as a zero."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from servicecheck.findings import Finding, first
from servicecheck.narrative import grammar as g
from servicecheck.service.model import Service


@dataclass(frozen=True)
class Voice:
    """What every sentence of one service shares: its time zone, currency, the unit its times
    are told in, and how its clock starts."""

    tz: str = "Europe/London"
    currency: str = "£"
    unit: g.TimeUnit = g.DAYS
    starts: str = "the citizen's first contact"
    citizen: str = "citizen"
    extra: dict[str, str] = field(default_factory=dict)

    def dur(self, f: Finding, name: str) -> str:
        """A duration in the service's unit; one shorter than a whole unit in the unit that
        fits it ('4 days', not '0.57 weeks')."""
        seconds = f.q(name)
        unit = self.unit if seconds == 0 or abs(seconds) >= self.unit.seconds else \
            g.unit_for([seconds])
        return g.duration(seconds, unit)

    def amount(self, f: Finding, name: str) -> str:
        return g.amount(f.q(name), self.unit)

    def date(self, ts: object) -> str:
        import pandas as pd

        return g.date(pd.Timestamp(ts), self.tz)  # type: ignore[arg-type]

    def money(self, f: Finding, name: str) -> str:
        return g.money(f.q(name), self.currency)


def clock_start_words(svc: Service) -> str:
    """Where the citizen's clock starts, in words, as the service file says."""
    if svc.clock.start_at_first_contact:
        return "the citizen's first contact"
    return g.join_words(list(svc.clock.start)) or "the first event"


def voice_for(svc: Service, found: Sequence[Finding] = ()) -> Voice:
    """How this service's sentences are told: its zone, its currency, and times in the unit
    that fits what its needs take now (minutes for a service that finishes within the hour)."""
    current = first(found, "capability.current")
    unit = g.unit_for([current.q("median")]) if current is not None else g.DAYS
    return Voice(tz=svc.timezone, currency=svc.costs.currency, unit=unit,
                 starts=clock_start_words(svc))


Renderer = Callable[[Finding, Voice], str]
RENDERERS: dict[str, Renderer] = {}


def renders(topic: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[topic] = fn
        return fn
    return register


def say(f: Finding, voice: Voice) -> str:
    """The sentence for one finding."""
    try:
        render = RENDERERS[f.topic]
    except KeyError:
        raise KeyError(f"no words for the finding {f.topic!r}: add a renderer") from None
    return render(f, voice)


def say_all(findings: Iterable[Finding], voice: Voice) -> list[str]:
    return [say(f, voice) for f in findings]


def headlines(findings: Sequence[Finding], voice: Voice, n: int = 3) -> list[str]:
    """The Check's headline findings, chosen by rule: only findings that apply and rest on the
    team's own figures, highest rank first; each names its period."""
    ranked = sorted((f for f in findings if f.may_lead), key=lambda f: -f.headline)
    return [say(f, voice) for f in ranked[:n]]


def _period(f: Finding, voice: Voice) -> str:
    assert f.span is not None
    return f"between {voice.date(f.span.start)} and {voice.date(f.span.end)}"


def _from(f: Finding, voice: Voice) -> str:
    if f.clock == "case":
        return "from the case's first event to its last (the case's own clock, not the citizen's)"
    return "from its first event to its last" if f.clock == "last-event" else \
        f"from {voice.starts}"


# -- capability -------------------------------------------------------------------------------
@renders("capability.none_met")
def _none_met(f: Finding, voice: Voice) -> str:
    return (f"No need has been met yet ({g.counted(f.n, 'need')} open), so there is no "
            "end-to-end time to chart.")


@renders("capability.current")
def _current(f: Finding, voice: Voice) -> str:
    who = (f"Of the {g.counted(f.n, f.noun)} first reported since the change on "
           f"{voice.date(f.span.change)} and met by {voice.date(f.span.end)}"
           if f.span and f.span.change is not None else
           f"Of the {g.counted(f.n, f.noun)} first reported {_period(f, voice)} and met")
    if f.n == 1:
        return (f"{who.replace('Of the 1 ', 'The one ')}: it took {voice.dur(f, 'median')} "
                f"{_from(f, voice)}.")
    spread = (f"{who}, half took {voice.dur(f, 'median')} or less {_from(f, voice)}, "
              f"9 in 10 took {voice.dur(f, 'p90')} or less, and the longest "
              f"{voice.dur(f, 'longest')}.")
    rules = _rules(f.names[0]) if f.names else "the chart's"
    if "stable" in f.flags:
        return (spread + f" The time is predictable: the process limits ({rules} rules) say "
                f"a {f.noun} will take between {voice.amount(f, 'lower')} and "
                f"{voice.dur(f, 'upper')} while nothing changes.")
    signals = g.counted(f.q("signals"), "signal")
    return (spread + f" The time is not predictable ({signals}, {rules} rules), so the "
            "process limits promise nothing: find and act on the causes first.")


@renders("capability.change")
def _change(f: Finding, voice: Voice) -> str:
    assert f.span is not None and f.span.change is not None
    text = (f"Before the change on {voice.date(f.span.change)}, half of the "
            f"{g.counted(f.q('before_n'), f.noun)} took {voice.dur(f, 'before_median')} or less "
            f"(9 in 10 within {voice.dur(f, 'before_p90')}, the longest "
            f"{voice.dur(f, 'before_longest')}); after it, half of the "
            f"{g.counted(f.q('after_n'), f.noun)} took {voice.dur(f, 'after_median')} or less "
            f"(9 in 10 within {voice.dur(f, 'after_p90')}).")
    if f.q("signal_points"):
        what = {"outside_limits": "beyond the old limits",
                "shift": "in a row on one side of the old centre line",
                "two_in_three": "close to the old limits",
                "trend": "in a row moving one way"}.get(f.names[0], "marked as special cause")
        text += (f" On the old limits the change shows as a signal "
                 f"({g.counted(f.q('signal_points'), f.noun)} {what}), so the limits were "
                 "recalculated from it.")
    return text


@renders("capability.open")
def _open(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} {g.is_are(f.n)} still open and moving (not counted "
            f"in the times above); the oldest was first reported {voice.dur(f, 'oldest')} "
            "before the end of the data.")


@renders("capability.stale")
def _stale(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} without an end had no event for more than "
            f"{voice.dur(f, 'stale_after')} (twice the time within which 9 in 10 needs are "
            f"met; the longest {voice.dur(f, 'longest_idle')}): counted as stale, not open, "
            "since they most likely ended some other way.")


@renders("quality.backwards")
def _backwards(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} ended before {'it' if f.n == 1 else 'they'} began "
            "(an end before the first contact): set aside, not charted.")


# -- summary ----------------------------------------------------------------------------------
@renders("summary.contents")
def _contents(f: Finding, voice: Voice) -> str:
    text = (f"{f.names[0]}: {g.counted(f.n, f.noun)} ({g.number(f.q('open'))} still open), "
            f"{g.number(f.q('cases'))} "
            f"{'order or case' if f.q('cases') == 1 else 'orders or cases'}, "
            f"{g.counted(f.q('events'), 'event')}, {g.counted(f.q('demands'), 'demand')}")
    if f.span is None:
        return text + "; no events yet."
    return text + f", {_period(f, voice)}."


@renders("summary.times")
def _times(f: Finding, voice: Voice) -> str:
    return (f"Of all {g.counted(f.n, 'need')} met {_period(f, voice)}, half took "
            f"{voice.dur(f, 'median')} or less {_from(f, voice)}, 9 in 10 "
            f"{voice.dur(f, 'p90')} or less.")


# -- demand -----------------------------------------------------------------------------------
@renders("demand.failure_share")
def _failure_share(f: Finding, voice: Voice) -> str:
    where = ("" if f.span is None else
             f" since the change on {voice.date(f.span.change)}" if f.span.change is not None
             else f" {_period(f, voice)}")
    text = (f"{g.percent(f.q('share'))} of the {g.counted(f.n, 'classified contact')}{where} "
            f"{'was' if f.n == 1 else 'were'} failure demand ({g.number(f.q('failure'))})")
    if f.q("unknown"):
        text += f"; {g.number(f.q('unknown'))} more are not yet classified"
    if "few" in f.flags:
        text += " (too few contacts to read a share from)"
    return text + "."


@renders("capability.per_period")
def _per_period(f: Finding, voice: Voice) -> str:
    period, stat, rules = f.names
    rules = _rules(rules)
    since = (f" since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "")
    text = (f"Per {period}{since}, the {stat} time of the {plural_noun(f)} met in each {period} "
            f"ran "
            f"from {voice.dur(f, 'lowest')} to {voice.dur(f, 'highest')} over "
            f"{g.counted(f.q('periods'), period)}; the chart's centre line, the mean of those "
            f"{ {'day': 'daily'}.get(period, period + 'ly')} {stat}s, is {voice.dur(f, 'centre')}")
    if f.q("signals"):
        text += f"; {g.counted(f.q('signals'), 'signal')} ({rules} rules)"
    else:
        text += f"; no signals ({rules} rules)"
    if "partial" in f.flags:
        text += f". The last {period} is not over: drawn as partial, never read as a signal"
    return text + "."


def _rules(name: str) -> str:
    """A rule set's name inside parentheses: 'NHSRplotthedots 0.2.2, Making Data Count'."""
    return name.replace(" (", ", ").replace(")", "")


def plural_noun(f: Finding) -> str:
    return g.plural(f.noun)


# -- targets versus purpose -------------------------------------------------------------------
MECHANISM_WORDS = {
    "late_start": "the regime's clock started a day or more after the first contact",
    "split": "one need was split into orders for several trades or teams",
    "closed_reraised": "an order was closed before the need was met, then raised again",
    "reprioritised": "an order's priority was changed",
    "repeat_report": "the problem was reported again after the repair was called complete",
}


@renders("targets.two_clocks")
def _two_clocks(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return (f"No closed {f.noun} is judged against a timescale or due date, so the "
                "regime's figure cannot be set beside the citizen's.")
    assert f.span is not None
    who = (f"For the needs first reported since the change on {voice.date(f.span.change)}"
           if f.span.change is not None else
           f"For the needs first reported {_period(f, voice)}")
    text = (f"{who}, the target regime reports {g.percent(f.q('on_time'))} of "
            f"{g.counted(f.n, f.noun)} on time, while half of those citizens waited "
            f"{voice.dur(f, 'median')} or more from {f.names[0]} to the need being met "
            f"(9 in 10 within {voice.dur(f, 'p90')}).")
    if "compared" in f.flags:
        moved = (f"Before the change the regime reported {g.percent(f.q('before_on_time'))} "
                 f"on time and half waited {voice.dur(f, 'before_median')} or more")
        if "opposite" in f.flags:
            text += (f" {moved}: the two clocks moved in opposite directions, so the regime's "
                     "figure says the opposite of what citizens lived through.")
        else:
            text += f" {moved}: both clocks moved the same way."
    return text


@renders("targets.mechanism")
def _mechanism(f: Finding, voice: Voice) -> str:
    text = (f"{MECHANISM_WORDS[f.names[0]].capitalize()}: {g.percent(f.q('share'))} of needs "
            f"met ({g.number(f.n)}), half of them taking {voice.dur(f, 'median')} or more end "
            "to end")
    if f.has("without"):
        text += f", against {voice.dur(f, 'without')} for needs without it"
    return text + "."


@renders("targets.clock_stopped")
def _clock_stopped(f: Finding, voice: Voice) -> str:
    return (f"The regime's clock stopped while the need was still unmet (no order open) for "
            f"{g.percent(f.q('share'))} of needs met ({g.number(f.n)}), for "
            f"{voice.dur(f, 'median')} at the median.")


@renders("targets.where_days")
def _where_days(f: Finding, voice: Voice) -> str:
    return (f"Of the citizens' days across the {g.counted(f.n, 'need')} met, "
            f"{g.percent(f.q('before_clock'))} passed before the regime's clock started, "
            f"{g.percent(f.q('order_open'))} while an order was open (the regime's clock ran) "
            f"and {g.percent(f.q('clock_stopped'))} while no order was open (the clock "
            "stopped).")


# -- flow -------------------------------------------------------------------------------------
@renders("flow.wait")
def _wait(f: Finding, voice: Voice) -> str:
    source, target = f.names
    unit = g.unit_for([f.q("median")])
    return (f"From {source} to {target}: {g.duration(f.q('median'), unit)} at the median "
            f"({g.counted(f.n, 'time')}).")


@renders("flow.repeats")
def _repeats(f: Finding, voice: Voice) -> str:
    return (f"{g.percent(f.q('share'))} of the {g.counted(f.n, 'case')} repeated a step "
            f"({g.number(f.q('looped'))}).")


@renders("flow.rework")
def _rework(f: Finding, voice: Voice) -> str:
    return (f"{f.names[0]}: repeated in {g.counted(f.n, 'case')} "
            f"({g.percent(f.q('share'))} of the cases that have it).")


@renders("flow.variants")
def _variants(f: Finding, voice: Voice) -> str:
    if f.n == 1:
        return "Every case followed the same path."
    return (f"{g.counted(f.n, 'different path')}; the commonest {g.number(f.q('top'))} cover "
            f"{g.percent(f.q('coverage'))} of cases.")


@renders("flow.handoffs")
def _handoffs(f: Finding, voice: Voice) -> str:
    return (f"Hand-offs between teams: {g.ratio(f.q('mean'))} per case on average, up to "
            f"{g.number(f.q('most'))}.")


@renders("flow.value")
def _value(f: Finding, voice: Voice) -> str:
    text = (f"{g.percent(f.q('steps'))} of steps are value work ({', '.join(f.names)}); the "
            "rest is waste from the citizen's side.")
    if f.has("time"):
        return text + (f" Value work takes {g.percent(f.q('time'))} of a case's elapsed time "
                       "(median, cases with start times).")
    return text + (" The log has no start times, so the time spent in value work cannot be "
                   "measured, only the number of steps.")


@renders("flow.clean")
def _clean(f: Finding, voice: Voice) -> str:
    where = f" first reported {_period(f, voice)}" if f.span is not None else ""
    text = (f"{g.percent(f.q('share'))} of the {g.counted(f.n, f.noun)}{where} went straight "
            "through (clean: no step repeated, no failure demand, no more hand-offs than "
            "designed)")
    if f.has("clean_median") and f.has("dirty_median"):
        text += (f"; half of the clean ones were met within {voice.dur(f, 'clean_median')}, "
                 f"half of the rest within {voice.dur(f, 'dirty_median')}")
    reasons = [f"{g.percent(f.q(k))} {w}" for k, w in (
        ("repeated", "repeated a step"), ("failure", "brought failure demand"),
        ("handoffs", "changed hands more often than designed")) if f.q(k) > 0]
    if reasons:
        text += f". Of all needs, {g.join_words(reasons)}"
    return text + "."


# -- economics --------------------------------------------------------------------------------
@renders("economics.not_costed")
def _not_costed(f: Finding, voice: Voice) -> str:
    return ("Not costed: the service file gives no cost model, so no sum of money is stated. "
            "Set `demand.cost_per_minute` (and a [costs] table) to see what meeting one need "
            "costs.")


@renders("economics.none_met")
def _econ_none_met(f: Finding, voice: Voice) -> str:
    return "No need has been met yet, so there is no cost of meeting one."


def _on_defaults(f: Finding) -> str:
    return " (on the default cost of a minute: set `demand.cost_per_minute`)" if f.defaults \
        else ""


@renders("economics.per_need")
def _per_need(f: Finding, voice: Voice) -> str:
    what, *parts = f.names
    text = f"Meeting one {f.noun} costs {voice.money(f, 'cost')} end to end"
    if parts and f.q("waste") > 0:
        text += f", {voice.money(f, 'waste')} of it {g.join_words(parts)}"
    text += f", while {what} costs {voice.money(f, 'unit')} on its own"
    return text + (" on average" if what == "a step" else "") + _on_defaults(f) + "."


@renders("economics.transactions")
def _transactions(f: Finding, voice: Voice) -> str:
    words = {"contacts": "contacts", "orders": "orders or cases", "visits": "visits"}
    counts = [f"{g.ratio(q.value)} {words[k]}" for k, q in f.numbers.items()]
    return (f"A {f.noun} takes {g.join_words(counts)} on average: what grows is the number of "
            "transactions a need takes, not the cost of each.")


@renders("economics.per_year")
def _per_year(f: Finding, voice: Voice) -> str:
    parts = [f"{k.capitalize()} {'costs' if k == 'failure demand' else 'cost'} "
             f"{voice.money(f, k)} a year." for k in f.numbers
             if k not in ("total", "value_share")]
    return " ".join([f"A year costs about {voice.money(f, 'total')}; "
                     f"{g.percent(f.q('value_share'))} of it served purpose{_on_defaults(f)}.",
                     *parts])


@renders("economics.saving")
def _saving(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return "Too few needs on one side of the redesign date (under 30) to estimate a saving."
    since = (f"Since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "Since the redesign")
    return (f"{since} a {f.noun} costs {voice.money(f, 'after')} against "
            f"{voice.money(f, 'before')} before: about {voice.money(f, 'per_year')} a year at "
            f"{g.counted(f.n, f.noun)} a year (90% interval {voice.money(f, 'low')} to "
            f"{voice.money(f, 'high')}, resampling the {g.plural(f.noun)}){_on_defaults(f)}.")


@renders("economics.failure_types")
def _failure_types(f: Finding, voice: Voice) -> str:
    return "Costliest failure demand a year: " + "; ".join(
        f"{name} {voice.money(f, f'cost{i}')}" for i, name in enumerate(f.names)) + "."


@renders("economics.waste_steps")
def _waste_steps(f: Finding, voice: Voice) -> str:
    return "Costliest waste steps a year: " + "; ".join(
        f"{name} {voice.money(f, f'cost{i}')}" for i, name in enumerate(f.names)) + "."


@renders("economics.assumptions")
def _assumptions(f: Finding, voice: Voice) -> str:
    return "Assumptions: " + "; ".join(f.names) + "."


# -- demand: the rest -------------------------------------------------------------------------
@renders("demand.none")
def _no_demand(f: Finding, voice: Voice) -> str:
    return "No demand has been imported for this service yet."


@renders("demand.contacts")
def _contacts(f: Finding, voice: Voice) -> str:
    return f"{g.counted(f.n, f.noun)} {_period(f, voice)}."


@renders("demand.commonest_failure")
def _commonest_failure(f: Finding, voice: Voice) -> str:
    return "Commonest failure demand: " + "; ".join(
        f"{name} ({g.number(f.q(f'n{i}'))})" for i, name in enumerate(f.names)) + "."


@renders("demand.by_channel")
def _by_channel(f: Finding, voice: Voice) -> str:
    parts = [f"{name} {g.percent(f.q(f'share{i}'))}"
             + (" (too few contacts to read a share from)" if f"few{i}" in f.flags else "")
             for i, name in enumerate(f.names)]
    return "Failure share by channel: " + ", ".join(parts) + "."


@renders("demand.failure_chart")
def _failure_chart(f: Finding, voice: Voice) -> str:
    period, rules = f.names
    since = (f" since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "")
    state = (f"{g.counted(f.q('signals'), 'signal')}" if f.q("signals") else "no signals")
    return (f"{period.capitalize()} by {period}{since}, the failure share runs between "
            f"{g.percent(f.q('lower'))} and {g.percent(f.q('upper'))} on the process limits; "
            f"{state} ({_rules(rules)} rules).")


@renders("demand.predictable")
def _predictable(f: Finding, voice: Voice) -> str:
    period, *types = f.names
    return "Predictable value demand to design for first: " + "; ".join(
        f"{name} (about {g.number(f.q(f'mean{i}'))} a {period})"
        for i, name in enumerate(types)) + "."


@renders("demand.one_stop")
def _one_stop(f: Finding, voice: Voice) -> str:
    return f"{g.percent(f.q('share'))} of value demand was resolved at the first point of contact."


@renders("demand.per_need")
def _demand_per_need(f: Finding, voice: Voice) -> str:
    return (f"Per need: {g.ratio(f.q('contacts'))} contacts and {g.ratio(f.q('failure'))} "
            "failure demands on average.")


# -- data quality -----------------------------------------------------------------------------
@renders("quality.imports")
def _imports(f: Finding, voice: Voice) -> str:
    text = (f"{g.counted(f.n, 'row')} read in {g.counted(f.q('imports'), 'import')}; "
            f"{g.number(f.q('kept'))} kept")
    if not f.names:
        return text + ", none left out."
    return text + ", left out: " + g.join_words(
        [f"{g.number(f.q(f'left{i}'))} {why}" for i, why in enumerate(f.names)]) + "."


# why an import set a value aside (servicecheck.io.rejects' reasons)
SET_ASIDE_WORDS = {"unreadable time": "a date and time that could not be read",
                   "ends before it starts": "a step that ends before it starts"}


@renders("quality.rejects")
def _rejects(f: Finding, voice: Voice) -> str:
    parts = [f"{g.number(f.q(f'n{i}'))} with {SET_ASIDE_WORDS.get(why, why)}"
             for i, why in enumerate(f.names)]
    return (f"{g.counted(f.n, f.noun)} {'was' if f.n == 1 else 'were'} set aside on import, "
            f"not counted: {g.join_words(parts)}; 'servicecheck rejects' writes them to a "
            "spreadsheet to correct and import again.")


@renders("quality.placeholders")
def _placeholders(f: Finding, voice: Voice) -> str:
    col, *values = f.names
    quoted = g.join_words([f"“{v}”" for v in values])
    return (f"{g.counted(f.n, f.noun)} {'has' if f.n == 1 else 'have'} {quoted} as {col}: a "
            f"value that stands for none, so it is read as missing, not as a {col}.")


# -- system conditions ------------------------------------------------------------------------
@renders("conditions.waste")
def _conditions(f: Finding, voice: Voice) -> str:
    names = list(f.names)
    listed = g.join_words(names[:3]) + (" and others" if len(names) > 3 else "")
    return (f"The team named {g.counted(f.q('conditions'), 'system condition')}: {listed}. "
            f"The waste steps they cause make up {g.percent(f.q('share'))} of all the work "
            f"recorded ({g.number(f.q('waste'))} of {g.counted(f.n, f.noun)}).")


@renders("capability.empty_periods")
def _empty_periods(f: Finding, voice: Voice) -> str:
    assert f.span is not None
    return (f"{g.counted(f.n, f.noun)} had no completed needs (the first beginning "
            f"{voice.date(f.span.start)}): counted as 0 on the count chart, left as gaps on "
            "the time chart, never as zero days.")


# -- joined-up --------------------------------------------------------------------------------
@renders("joined.one_service")
def _one_service(f: Finding, voice: Voice) -> str:
    return (f"The workspace holds one service ({', '.join(f.names) or 'none'}): import another "
            "(with the same citizen identifier) to see one citizen across services.")


@renders("joined.citizens")
def _citizens(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} {g.is_are(f.n)} known to "
            f"{g.counted(f.q('services'), 'service')}; {g.percent(f.q('more_than_one'))} needed "
            f"more than one, {g.percent(f.q('at_once'))} more than one at once.")


def _open_for(f: Finding) -> str:
    days = f.q("min_open") / 86400
    return f" open more than {days:g} days" if days else " open"


@renders("joined.caused")
def _caused(f: Finding, voice: Voice) -> str:
    cause, effect = f.names
    return (f"{g.counted(f.n, f.noun)} in {effect} ({g.percent(f.q('share'))} of its failure "
            f"demand) came from people with a need in {cause}{_open_for(f)} at the time.")


@renders("joined.peak")
def _peak(f: Finding, voice: Voice) -> str:
    cause, effect = f.names
    assert f.span is not None
    return (f"At its highest, in {f.span.start:%B %Y}, 1 in {g.number(f.q('one_in'))} {effect} "
            f"contacts came from people whose {cause} need was{_open_for(f)}.")


@renders("joined.followed")
def _followed(f: Finding, voice: Voice) -> str:
    a, b = f.names
    return (f"{g.percent(f.q('share'))} of needs in {a} were followed within "
            f"{g.duration(f.q('within'), g.DAYS)} by demand in {b} from the same person.")
