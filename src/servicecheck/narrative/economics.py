"""Economics in words: what meeting a need costs, and 'not costed' when no model is given."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.demand import type_name
from servicecheck.narrative.voice import Voice, between, renders


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


# the kinds of waste in a cost (measures.economics.COST_PARTS): in a list, and as a subject
PART_WORDS = {"failure_demand": ("failure demand", "Failure demand costs"),
              "waste_steps": ("steps that are not value work", "Waste steps cost"),
              "repeat_visits": ("repeat visits", "Repeat visits cost"),
              "extra_orders": ("extra orders", "Extra orders cost")}


@renders("economics.per_need")
def _per_need(f: Finding, voice: Voice) -> str:
    what, *parts = f.names
    waste = bool(parts) and f.q("waste") > 0
    said = ("cost", "waste", "unit") if waste else ("cost", "unit")  # one precision for all
    text = f"Meeting one {f.noun} costs {voice.money(f, 'cost', said)} end to end"
    if waste:
        kinds = g.join_words([PART_WORDS[p][0] for p in parts])
        text += f", {voice.money(f, 'waste', said)} of it {kinds}"
    # one contact's cost, or a step's on average when there are no contacts
    text += f", while a {what} costs {voice.money(f, 'unit', said)} on its own"
    return text + (" on average" if what == "step" else "") + _on_defaults(f) + "."


@renders("economics.transactions")
def _transactions(f: Finding, voice: Voice) -> str:
    words = {"contacts": "contacts", "orders": "orders or cases", "visits": "visits"}
    counts = [f"{g.ratio(q.value)} {words[k]}" for k, q in f.numbers.items()]
    # the needs met, named: Demand's "contacts per need" counts every need, open ones too, and
    # "a need takes 3.2 contacts" sat beside its "3.3 contacts each"
    text = (f"The one {f.noun} met took {g.join_words(counts)}" if f.n == 1 else
            f"The {g.counted(f.n, f.noun)} met took {g.join_words(counts)} each on average")
    # the lesson of economies of flow, only where the data show more than one transaction
    if any(round(q.value, 1) > 1 for q in f.numbers.values()):
        text += (": what grows is the number of transactions a need takes, not the cost of "
                 "each")
    return text + "."


@renders("economics.per_year")
def _per_year(f: Finding, voice: Voice) -> str:
    # a year's sums are extrapolated from a cost model: each about, to two figures
    parts = [f"{PART_WORDS[k][1]} about {voice.about_money(f, k)} a year." for k in f.numbers
             if k in PART_WORDS]
    # first reports that end long before the data do: a year is one of first reports
    year = ("" if "intake" not in f.flags or f.span is None else
            f" A year here is one of first reports: the {g.plural(f.noun)} first reported "
            f"{between(f, voice)}, with all their work, scaled to a year, as first reports "
            "end long before the data do and the years after take in no demand.")
    return " ".join([f"A year costs about {voice.about_money(f, 'total')}; "
                     f"{g.percent(f.q('value_share'))} of it served purpose{_on_defaults(f)}.",
                     *parts]) + year


@renders("economics.saving")
def _saving(f: Finding, voice: Voice) -> str:
    if not f.applies:
        return "Too few needs on one side of the redesign date (under 30) to estimate a saving."
    # many needs: the interval is the normal one of the resampled mean, not resampled
    how = (f"from the spread of the {g.plural(f.noun)}' costs" if "normal" in f.flags
           else f"resampling the {g.plural(f.noun)}")
    since = (f"Since the change on {voice.date(f.span.change)}"
             if f.span is not None and f.span.change is not None else "Since the redesign")
    # the saving and its interval's ends rounded alike, to the interval's width
    width = f.q("high") - f.q("low")
    both = ("after", "before")  # one precision for the two
    return (f"{since} a {f.noun} costs {voice.money(f, 'after', both)} against "
            f"{voice.money(f, 'before', both)} before: about "
            f"{voice.about_money(f, 'per_year', width)} a year at {g.counted(f.n, f.noun)} "
            "a year (90% interval "
            f"{voice.about_money(f, 'low', width)} to {voice.about_money(f, 'high', width)}, "
            f"{how}){_on_defaults(f)}.")


@renders("economics.failure_types")
def _failure_types(f: Finding, voice: Voice) -> str:
    return "Costliest failure demand a year, roughly: " + "; ".join(
        f"{type_name(name)} {voice.about_money(f, f'cost{i}')}"
        for i, name in enumerate(f.names)) + "."


@renders("economics.waste_steps")
def _waste_steps(f: Finding, voice: Voice) -> str:
    return "Costliest waste steps a year, roughly: " + "; ".join(
        f"{name} {voice.about_money(f, f'cost{i}')}" for i, name in enumerate(f.names)) + "."


@renders("economics.assumptions")
def _assumptions(f: Finding, voice: Voice) -> str:
    """Every figure the costs rest on, and where it came from (the service file or a default
    to replace)."""
    def each(prefix: str) -> list[tuple[str, str]]:
        return [(k.split(":", 1)[1], k) for k in f.numbers if k.startswith(prefix + ":")]

    def mins(key: str) -> str:
        return g.duration(f.q(key), g.MINUTES)

    sums = [k for k, q in f.numbers.items() if q.unit == "money"]  # one precision for all

    def cost(key: str) -> str:
        return voice.money(f, key, sums)

    said = [f"a minute of work costs {cost('rate')} "
            + ("(default: set demand.cost_per_minute)" if "rate_default" in f.flags
               else "(service file)")]
    if teams := each("team"):
        said.append("per-team minute costs: " + ", ".join(
            f"{t} {cost(k)}" for t, k in teams))
    channels = "".join(f"{mins(k)} by {ch}, " for ch, k in each("contact"))
    said.append(f"handling a contact takes {channels}{mins('contact_default')} by any other "
                "channel (default)")
    steps = each("step_minutes")
    said.append("work time per step: " + ", ".join(f"{a} {mins(k)}" for a, k in steps)
                if steps else "steps are not costed by time (set costs.activity_minutes)")
    if fixed := each("step_cost"):
        said.append("fixed cost per step: " + ", ".join(
            f"{a} {cost(k)}" for a, k in fixed))
    said.append(f"a visit costs {cost('visit')} besides its time" if f.has("visit")
                else "visits have no cost besides their time (set costs.visit_cost)")
    said.append(f"an order costs {cost('order')} to raise and manage"
                if f.has("order") else
                "orders have no cost besides their steps (set costs.order_cost)")
    return "Assumptions: " + "; ".join(said) + "."


def transaction_words(kind: str, channel: str | None = None) -> str:
    """One transaction of the economy-of-scale table (``Economics.transactions``' kinds), for
    its row: 'a contact', 'a contact by phone', 'an order (its steps and its own cost)'."""
    return {"contact": "a contact", "channel": f"a contact by {channel}",
            "order": "an order (its steps and its own cost)", "visit": "a visit",
            "step": "a step"}[kind]
