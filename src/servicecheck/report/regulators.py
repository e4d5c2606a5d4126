"""The targets section's regulator's figure and clock sensitivity: tables and words beside
the two clocks. Arranges what measures.regulators and measures.clocks give; computes nothing."""

from __future__ import annotations

import math

import pandas as pd

from servicecheck.engine.workspace import Reader
from servicecheck.findings import Finding
from servicecheck.measures.targets import JudgedOrders, TargetView
from servicecheck.narrative.grammar import number, percent
from servicecheck.narrative.regulators import AWAAB_STEP_WORDS, CALENDAR_WORDS
from servicecheck.report.parts import Table
from servicecheck.service.model import Service

PRESET_NAMES = {"tsm-rp02": "TSM RP02 (Regulator of Social Housing)",
                "awaabs-law": "Awaab's Law (Hazards in Social Housing Regulations 2025)"}


def _days(v: float) -> str:
    return "none met" if math.isnan(v) else f"{v:.1f}"


def _share(v: float, none: str = "none done") -> str:
    """A share of a table's row; ``none`` where it has nothing to be a share of (a clock
    that judges no case says "none judged": "none done" sat beside 4,452 needs met)."""
    return none if math.isnan(v) else percent(v)


def regime_calendar(svc: Service, uses_working_days: bool) -> str:
    """Which calendar the regime's clock used, for a table's caption."""
    t = svc.targets
    if t is None or not uses_working_days:
        return "hours and calendar days"
    closed = f", less {len(t.closures)} local closure days" if t.closures else ""
    return (f"working days: Monday to Friday less {CALENDAR_WORDS[t.calendar]} bank "
            f"holidays{closed}")


def regulator_part(ws: Reader, svc: Service, view: TargetView,
                   need_table: pd.DataFrame) -> tuple[list[Finding], list[Table]]:
    """The preset's figure beside the citizen's clock: its findings and its table."""
    from servicecheck.measures import regulators

    t = svc.targets
    if t is None or t.preset is None:
        return [], []
    first = need_table["first_contact"].min() if len(need_table) else None
    name = PRESET_NAMES[t.preset]
    citizen = ("the citizen's clock: first contact to the need met, every day counting"
               if svc.clock.start_at_first_contact else
               "the citizen's clock: every day counting")
    if t.preset == "tsm-rp02":
        table = regulators.tsm_rp02(view, svc)
        wd = bool(t.timescales_working_days or t.default_working_days is not None)
        found = regulators.findings(t.preset, table, calendar=t.calendar if wd else None)
        rows = [(str(r["year"]) + (" (part year)" if r["partial"] else ""),
                 str(r["category"]), number(r["completed"]), _share(r["share"]),
                 number(r["no_timescale"]), number(r["needs_met"]), _days(r["median_days"]))
                for r in table.to_dict("records")]
        return found, [Table(
            f"{name} as a landlord reports it, per reporting year (the regime's clock: "
            f"{regime_calendar(svc, wd)}), beside {citizen}",
            ("year", "category", "repairs completed", "within the landlord's timescale",
             "no timescale", "their needs met", "median days (citizen's clock)"), rows)]
    summary = regulators.awaab_summary(regulators.awaabs_law(ws, svc), need_table)
    found = regulators.findings(t.preset, summary, first=first, calendar=t.calendar)
    rows = [(str(r["hazard"]), AWAAB_STEP_WORDS[(str(r["hazard"]), str(r["step"]))],
             number(r["cases"]), number(r["done"]), _share(r["share"]), number(r["overdue"]),
             _days(r["median_days"])) for r in summary.to_dict("records")]
    return found, [Table(
        f"{name}: each step per kind of hazard (the regime's clock: hours, working days "
        f"less {CALENDAR_WORDS[t.calendar]} bank holidays, or weeks, as the law states "
        f"each), beside {citizen}",
        ("hazard", "step", "cases", "done", "within the timescale", "overdue, not done",
         "median days (citizen's clock)"), rows)]


def sensitivity_part(ws: Reader, svc: Service, need_table: pd.DataFrame | None = None,
                     orders_judged: JudgedOrders | None = None
                     ) -> tuple[list[Finding], list[Table]]:
    """How the regime's figure moves with each choice of clock the service file names: the
    finding of the largest effect and the table of every choice."""
    from servicecheck.measures.clocks import clock_choices, clock_sensitivity
    from servicecheck.narrative.targets import choice_words

    choices = clock_choices(svc)
    if not choices.starts:
        return [], []
    sens = clock_sensitivity(ws, svc, starts=choices.starts, stops=choices.stops,
                             pause=choices.pause, need_table=need_table,
                             orders_judged=orders_judged)
    unit = svc.targets.unit if svc.targets is not None else "case"
    rows = []
    for i, r in enumerate(sens.table.to_dict("records")):
        rows.append((choice_words(str(r["start"]), unit)
                     + (" (the regime's own)" if i == 0 else ""),
                     choice_words(str(r["stop"]), unit), "yes" if r["clock_stopped"] else "no",
                     number(r["orders"]), number(r["within"]),
                     _share(r["share"], "none judged")))
    wait = (f"while waiting for access (after {', '.join(choices.pause)})" if choices.pause
            else "while waiting for access (no activity is named for it: `[targets] pause`)")
    # the choice that moves the figure most, a finding the narrative words in one sentence
    return [sens.largest_effect()], [Table(
        f"How the regime's figure moves with where its clock starts and stops, and whether "
        f"it stands still {wait}: each {unit} judged against its own timescale",
        ("clock starts at", "clock stops at", "clock stopped while waiting",
         f"{unit}s judged", "within the timescale", "share within"), rows)]
