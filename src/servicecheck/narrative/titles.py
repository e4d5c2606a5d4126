"""The titles, captions and point descriptions of the report's charts and tables, worded once
here beside the sentences (they name the chart's period, as its sentence does): the report
arranges them and composes none. Plain words from plain arguments: no pandas, no findings."""

from __future__ import annotations


def summary_caption(unit: str) -> str:
    """The summary table's caption (``unit``: the period, "day", "week" or "month")."""
    return (f"Each measure per {unit} on its own process behaviour chart (below): its latest "
            "value, what its latest point shows, and its latest signal")


def per_period(name: str, unit: str) -> str:
    """A measure's chart in the summary: 'End-to-end days: Leaks, per week'."""
    return f"{name}, per {unit}"


def predictability_title(unit: str) -> str:
    """The table of each demand type's counts per period, and whether they are predictable."""
    return f"Predictability: contacts of each type per {unit}"


def capability_title(units: str, reported: bool = False) -> str:
    """The chart of every need, in the unit its words use ("days", "hours"); ``reported``:
    set in order of first contact (an extract of one intake, ``measures.capability``)."""
    at = "first reported" if reported else "met"
    return f"End-to-end {units} per need, by the date it was {at}"


def capability_per_period(units: str, unit: str) -> tuple[str, str]:
    """The chart of the median per period: its title and what one point is."""
    return (f"Median end-to-end {units} per {unit}",
            f"the median of the needs met in one {unit}")


def flow_map_title(service: str) -> str:
    """The map of the work's title, the service named as its file names it."""
    return f"{service}: the flow of the work"


def periodly(unit: str) -> str:
    """'daily', 'weekly', 'monthly': of each period."""
    return {"day": "daily"}.get(unit, unit + "ly")


def mean_of_means(unit: str, held: str) -> str:
    """What the centre line of a chart of means per period is: the mean of the points, each
    period alike however many it holds, so not the mean over all of them the words state
    (the fines' cost per need: €31.44 over every need met, the line at €19.1)."""
    return (f"the mean of the {periodly(unit)} means, each {unit} counted alike however many "
            f"{held}, not the mean over all of them")


def cost_per_need(unit: str, currency: str) -> tuple[str, str, str]:
    """The cost per need chart's title, what one point is and what its centre line is."""
    return (f"Cost of meeting one need, per {unit} ({currency})",
            f"the mean cost of the needs met in one {unit}",
            mean_of_means(unit, "needs were met in it"))


def cost_per_contact(unit: str, currency: str) -> tuple[str, str, str]:
    """The cost per contact chart's title, what one point is and what its centre line is."""
    return (f"Cost of one contact, per {unit} ({currency}): the economy-of-scale view",
            f"the mean cost of one {unit}'s contacts", mean_of_means(unit, "contacts it had"))
