"""The sections of the Check report. Each opens with two or three plain sentences made from the
numbers (the lead), so a front-line team can read it without the charts; the figures, tables and
further lines follow. Sentences come from the same ``*_lines`` functions the CLI prints, so the
report and the terminal never disagree."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from servicecheck._text import join_words
from servicecheck.capability import Capability, by_period, change_signal
from servicecheck.charts import Figure
from servicecheck.economics import Economics
from servicecheck.engine import Workspace
from servicecheck.service import Service


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    lead: list[str]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    headline: str | None = None  # the one sentence this section offers the headline findings


def _sentences(lines: Sequence[str]) -> list[str]:
    """Top-level sentences only: not the headings of lists nor their indented items."""
    return [ln for ln in lines if not ln.startswith(" ") and not ln.rstrip().endswith(":")]


def clock_start_words(svc: Service) -> str:
    """Where the citizen's clock starts, in words, as the service file says."""
    if svc.clock.start_at_first_contact:
        return "the citizen's first contact"
    return join_words(svc.clock.start) or "the first event"


# -- Purpose ---------------------------------------------------------------------------------
def purpose_section(svc: Service) -> Section:
    lead = [f"Purpose, in the citizen's words: “{svc.purpose}”." if svc.purpose else
            "The service file states no purpose yet: write it under `purpose`, in the "
            "citizen's words."]
    start = clock_start_words(svc)
    end = join_words(svc.clock.end) or "the last event of the need (no end activity is named)"
    lead.append(f"The citizen's clock starts at {start} and stops at {end}; every time in "
                "this report is measured on it, not on the organisation's clock.")
    if svc.value_steps:
        lead.append(f"Value work, the steps that directly serve purpose: "
                    f"{join_words(svc.value_steps)}. Everything else is waste from the citizen's "
                    "side.")
    rows = [("service", svc.name)]
    if svc.need.link_column:
        rows.append(("one need", f"orders sharing “{svc.need.link_column}”"))
    elif svc.need.match_columns:
        rows.append(("one need", f"same {join_words(svc.need.match_columns)} within "
                                 f"{svc.need.within_days:g} days"))
    if svc.redesign_date:
        rows.append(("redesign", svc.redesign_date))
    if svc.demand_types:
        rows.append(("demand types", ", ".join(svc.demand_types)))
    teams = sorted(set(svc.activity_teams.values()))
    if teams or svc.team_column:
        rows.append(("teams", ", ".join(teams) if teams else f"column “{svc.team_column}”"))
    if svc.targets:
        rows.append(("target regime", svc.targets.name or "named in the service file"))
    return Section("purpose", "Purpose", lead,
                   tables=[Table("The service as the team defined it", ("", ""), rows)])


# -- Demand ----------------------------------------------------------------------------------
def demand_section(ws: Workspace, svc: Service, freq: str = "W",
                   need_table: pd.DataFrame | None = None) -> Section:
    from servicecheck.charts.demand import pareto_figure
    from servicecheck.charts.xmr import xmr_figure
    from servicecheck.demand.analysis import failure_chart, pareto, predictability
    from servicecheck.demand.words import demand_lines

    lines = demand_lines(ws, svc, freq, need_table)
    dem = ws.demands(svc.key)
    sentences = _sentences(lines)
    if len(lines) == 1:  # nothing imported
        return Section("demand", "Demand", [
            lines[0], "Import contact records with `servicecheck import-demand` (or capture "
                      "them in the web app) to see value and failure demand."])
    unit = {"D": "day", "W": "week", "M": "month"}[freq]
    changes = [svc.redesign_date] if svc.redesign_date else None
    figures = [
        xmr_figure(failure_chart(dem, freq, phases=changes), "failure-demand", x_title=unit,
                   title=f"Failure demand, % of classified contacts per {unit}",
                   y_title="% failure demand"),
        pareto_figure(pareto(dem)),
    ]
    kinds = predictability(dem, freq)
    rows = [(t.demand_type, t.nature, f"{t.per_period_mean:.1f}",
             "yes" if t.predictable else
             "no: " + t.chart.describe().split(": ", 1)[1].split(" (")[0])
            for t in kinds[:15]]
    tables = [Table(f"Predictability: contacts of each type per {unit}",
                    ("demand type", "nature", f"mean per {unit}", "predictable"), rows)]
    share = next((ln for ln in sentences if "failure demand" in ln and "%" in ln), None)
    return Section("demand", "Demand", sentences[:3], figures, tables, sentences[3:],
                   headline=share.split(":")[0] + "." if share else None)


# -- Capability ------------------------------------------------------------------------------
def capability_section(cap: Capability, svc: Service, freq: str = "W") -> Section:
    from servicecheck.charts.xmr import xmr_figure

    if cap.n_completed == 0:
        return Section("capability", "Capability", [
            f"No need has been met yet ({cap.n_open:,} open), so there is no end-to-end time "
            "to chart."])
    starts = clock_start_words(svc)
    lead = [cap.describe(starts=starts)]
    if len(cap.chart.limits) > 1:
        before, after = cap.chart.limits[0], cap.chart.limits[-1]
        lead.append(f"Before the change a need took {before.centre:.0f} days on average "
                    f"(up to {before.upper or 0.0:.0f}); after it, {after.centre:.0f} days "
                    f"(up to {after.upper or 0.0:.0f}).")
        signal = change_signal(cap)
        if signal:
            lead.append(f"On the old limits the change shows as a signal ({signal.reason}), "
                        "so the limits were recalculated from it.")
    elif cap.chart.stable:
        lead.append("Any single need can take anywhere in that range: that is what the "
                    "system delivers, whatever a target says.")
    else:
        lead.append(cap.headline(starts=starts))
    details = [f"Signal: {s.reason}" for s in cap.chart.signals[:8]]
    if cap.warning():
        details.append(f"Note: {cap.warning()}")
    figures = [xmr_figure(cap.chart, "capability", title="End-to-end days per need, in order "
                          "of completion", y_title="days from first contact")]
    unit = {"D": "day", "W": "week", "M": "month"}[freq]
    view = by_period(cap, freq, "median", phases=[svc.redesign_date] if svc.redesign_date
                     else None)
    if len(view.days.values) >= 2:
        figures.append(xmr_figure(view.days, f"capability-{unit}", x_title=unit,
                                  title=f"Median end-to-end days per {unit}",
                                  y_title="days from first contact"))
    note = view.note()
    if note:
        details.append(note)
    return Section("capability", "Capability", lead, figures, [], details,
                   headline=cap.headline(starts=starts))


# -- Flow ------------------------------------------------------------------------------------
def flow_section(ws: Workspace, svc: Service) -> Section:
    from servicecheck.flow.map import flow_map, map_figure
    from servicecheck.flow.rework import rework
    from servicecheck.flow.words import flow_lines

    ev = ws.events(svc.key)
    lines = flow_lines(ws, svc)
    sentences = _sentences(lines)
    n_activities = int(ev.activity.nunique().execute())
    # a map of more than about 25 steps cannot be read on a page: keep the common paths
    coverage = 1.0 if n_activities <= 25 else 0.8
    dot = flow_map(ev, value_steps=svc.value_steps, coverage=coverage,
                   title=f"{svc.name}: the flow of the work")
    kept = ("" if coverage == 1.0 else
            f" (the paths of the commonest variants covering {coverage:.0%} of cases; "
            f"{n_activities} steps in all)")
    figures = [map_figure(dot, f"Map of the work: {n_activities} steps, each arrow labelled "
                               f"with how often one step followed another{kept}.")]
    rw = rework(ev)
    rw = rw[rw["rework_cases"] > 0].head(10)
    tables = [Table("Steps done more than once in the same case",
                    ("step", "cases with it repeated", "share of cases that have it"),
                    [(str(a), f"{int(c):,}", f"{float(s):.0%}") for a, c, s in
                     zip(rw["activity"], rw["rework_cases"], rw["rework_share"], strict=True)])]
    # lead with what most changes how people see the work: clean versus dirty, then value
    clean = next((ln for ln in sentences if "(clean)" in ln), None)
    value = next((ln for ln in sentences if "value work" in ln), None)
    lead = [ln for ln in (clean, value) if ln] + [ln for ln in sentences
                                                  if ln not in (clean, value)]
    return Section("flow", "Flow", lead[:3], figures, tables,
                   [ln.strip() for ln in lines if ln not in lead[:3]], headline=clean)


# -- Targets versus purpose ------------------------------------------------------------------
def targets_section(ws: Workspace, svc: Service) -> Section:
    from servicecheck.charts.targets import target_figures
    from servicecheck.targets import target_lines, target_view

    if svc.targets is None:
        return Section("targets", "Targets versus purpose", [
            "The service file names no target regime, so there is nothing to set beside the "
            "citizen's view. Describe the current targets under [targets] to see what they "
            "report and what they hide."])
    view = target_view(ws, svc, freq="M")
    lines = target_lines(view)
    parts = [f"{share:.0%} " + (where if where.startswith("before") else f"while {where}")
             for where, share in zip(view.where_days["where"], view.where_days["share"],
                                     strict=True)]
    lead = [lines[0], f"Of the citizens' days, {join_words(parts)}."]
    return Section("targets", "Targets versus purpose", lead, target_figures(view), [],
                   [ln.strip() for ln in lines[1:]], headline=lines[0])


# -- Economics of flow ----------------------------------------------------------------------
def economics_figures(e: Economics) -> list[Figure]:
    """Cost per need met and cost per contact, per period, on process behaviour charts."""
    from servicecheck.charts.xmr import xmr_figure

    unit = "month" if e.freq == "M" else "week"
    cur = e.model.currency
    figures = []
    if len(e.need_chart.values) >= 2:
        figures.append(xmr_figure(e.need_chart, "cost-per-need", x_title=unit,
                                  title=f"Cost of meeting one need, per {unit} ({cur})",
                                  y_title=f"{cur} per need met"))
    if len(e.contact_chart.values) >= 2:
        figures.append(xmr_figure(e.contact_chart, "cost-per-contact", x_title=unit,
                                  title=f"Cost of one contact, per {unit} ({cur}): the "
                                        "economy-of-scale view",
                                  y_title=f"{cur} per contact"))
    return figures


def economics_section(ws: Workspace, svc: Service, need_table: pd.DataFrame | None = None
                      ) -> Section:
    from servicecheck.economics import cost_lines, economics, money

    e = economics(ws, svc, need_table=need_table)
    lines = cost_lines(e)
    if len(lines) == 1:
        return Section("economics", "Economics of flow", lines)
    cur = e.model.currency
    figures = economics_figures(e)
    tables = [Table("What one transaction costs, beside what one need costs",
                    ("transaction", "how many", "unit cost"),
                    [(str(t), f"{int(n):,}", money(cur, float(c))) for t, n, c in
                     zip(e.transactions["transaction"], e.transactions["count"],
                         e.transactions["unit_cost"], strict=True)]
                    + [("one need, end to end", f"{int((~e.per_need['open']).sum()):,}",
                        money(cur, float(e.per_need.loc[~e.per_need["open"], "total"].mean())))]),
              Table("Failure demand a year, by type",
                    ("demand type", "contacts a year", "cost a year"),
                    [(str(t), f"{n:,.0f}", money(cur, c)) for t, n, c in
                     zip(e.failure_by_type["demand_type"], e.failure_by_type["contacts"],
                         e.failure_by_type["cost"], strict=True)][:10]),
              Table("Waste steps a year", ("step", "times a year", "cost a year"),
                    [(str(a), f"{n:,.0f}", money(cur, c)) for a, n, c in
                     zip(e.waste_by_step["activity"], e.waste_by_step["events"],
                         e.waste_by_step["cost"], strict=True) if c > 0][:10])]
    return Section("economics", "Economics of flow", lines[:3], figures, tables, lines[3:],
                   headline=lines[0])


# -- Joined-up --------------------------------------------------------------------------------
def joined_up_section(ws: Workspace) -> Section:
    """Across the services of the workspace: one citizen, and failure demand between them."""
    from servicecheck.flow.map import map_figure
    from servicecheck.joined_up import (
        Window,
        cross_matrix,
        flow_between_services,
        joined_up_lines,
    )

    window = Window(min_open_days=28)
    lines = joined_up_lines(ws, window)
    m = cross_matrix(ws, window)
    name = {k: ws.service(k).name for k in ws.services()}
    figures = [map_figure(flow_between_services(ws, window), "Failure demand one service "
                          "causes in another: an arrow from the service whose open need "
                          "(28 days or more) preceded failure demand in the other, labelled "
                          "with the count.", "between-services")]
    rows = [(name[str(a)], name[str(b)], f"{int(n):,}", f"{float(sh):.0%}") for a, b, n, sh in
            zip(m["cause"], m["effect"], m["failure_demands"], m["share_of_effect_failure"],
                strict=True)]
    return Section("joined-up", "Joined-up", lines[:3], figures, [Table(
        "Failure demand in one service from people with a need open in another",
        ("need open in", "failure demand in", "contacts", "share of its failure demand"),
        rows)], lines[3:], headline=next((ln for ln in lines if ln.startswith("At its")), None))


# -- System conditions -----------------------------------------------------------------------
def system_conditions_section(ws: Workspace, svc: Service) -> Section:
    from servicecheck._frames import to_frame
    from servicecheck.flow.rework import rework

    if not svc.system_conditions:
        return Section("system-conditions", "System conditions", [
            "The team has not yet written down the system conditions (policies, procedures, "
            "measures, IT, structure) that cause the waste. Add them under "
            "[[system_conditions]] with the steps each one causes."])
    ev = ws.events(svc.key)
    counts = to_frame(ev.activity.value_counts())
    per_step = dict(zip(counts.iloc[:, 0], counts.iloc[:, 1], strict=True))
    total = sum(per_step.values()) or 1
    rw = rework(ev)
    repeated = {str(a): int(n) for a, n in zip(rw["activity"], rw["rework_cases"], strict=True)
                if n > 0}
    rows = []
    caused: set[str] = set()
    for c in svc.system_conditions:
        effects = []
        for step in c.causes:
            n = int(per_step.get(step, 0))
            kind = "value work" if step in svc.value_steps else "waste"
            again = (f", repeated in {repeated[step]:,} cases" if step in repeated else "")
            effects.append(f"{step} ({n:,} events, {kind}{again})" if n else
                           f"{step} (not in the log)")
            if kind == "waste":
                caused.add(step)
        rows.append((c.name, c.kind, c.note, "; ".join(effects) or "no steps named"))
    waste_events = sum(int(per_step.get(s, 0)) for s in caused)
    lead = [f"The team named {len(svc.system_conditions)} system conditions: "
            f"{join_words([c.name for c in svc.system_conditions[:3]])}"
            f"{' and others' if len(svc.system_conditions) > 3 else ''}.",
            f"The waste steps they cause make up {waste_events / total:.0%} of all the work "
            f"recorded ({waste_events:,} of {total:,} events).",
            "Change the conditions and the waste goes; push people to work harder within them "
            "and it does not."]
    return Section("system-conditions", "System conditions", lead, [], [
        Table("Each condition and the work it causes",
              ("condition", "kind", "the team's note", "steps it causes"), rows)])


# -- Data quality ----------------------------------------------------------------------------
def data_quality_section(ws: Workspace, svc: Service, cap: Capability) -> Section:
    log = [r for r in ws.import_log() if r["service"] == svc.key]
    read = sum(int(r["rows_read"]) for r in log)
    kept = sum(int(r["rows_kept"]) for r in log)
    reasons: dict[str, int] = {}
    for r in log:
        for why, n in json.loads(r["dropped"] or "{}").items():
            if n:
                reasons[why] = reasons.get(why, 0) + int(n)
    lead = [f"{read:,} rows read in {len(log)} imports; {kept:,} kept"
            + (f", {read - kept:,} left out: " + join_words([f"{n:,} {why}" for why, n in
                                                         reasons.items()]) + "."
               if read > kept else ", none left out.")]
    if cap.n_open:
        lead.append(f"{cap.n_open:,} needs are still open at the end of the data: they are not "
                    "in the end-to-end times, and the oldest has waited "
                    f"{cap.open['age_days'].max():.0f} days.")
    else:
        lead.append("Every need in the data was met by its end.")
    clock = ("The clock starts at the citizen's first contact where demand links to the need"
             if svc.clock.start_at_first_contact else "The clock starts at the named activities")
    clock += (f" and stops at {join_words(svc.clock.end)}." if svc.clock.end else
              "; no end activity is named, so a need counts as met at its last event.")
    lead.append(clock + f" Times without a zone were read as {svc.timezone}.")
    def left_out(r: dict[str, object]) -> str:
        dropped = json.loads(str(r["dropped"] or "{}")).items()
        return join_words([f"{n:,} {why}" for why, n in dropped if n]) or "none"

    rows = [(str(r["kind"]), str(r["source"]).rsplit("/", 1)[-1], f"{int(r['rows_read']):,}",
             f"{int(r['rows_kept']):,}", left_out(r),
             f"{pd.Timestamp(r['imported_at']):%d %b %Y %H:%M}") for r in log]
    return Section("data-quality", "Data quality", lead, [], [
        Table("Imports", ("kind", "file", "rows read", "rows kept", "left out", "imported"),
              rows)])

