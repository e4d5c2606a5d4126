"""The sections of the Check report. Each opens with two or three plain sentences (the lead),
so a front-line team can read it without the charts; the figures, tables and further lines
follow. A section arranges: the measures give findings, the narrative words them (the same
words the CLI prints), the charts draw; nothing here computes a measure or reads a sentence."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from servicecheck.charts import Figure
from servicecheck.engine.workspace import ImportRecord, Reader
from servicecheck.findings import Finding, first
from servicecheck.measures.capability import Capability, by_period
from servicecheck.measures.economics import Economics
from servicecheck.measures.periods import ChartPeriods, kind
from servicecheck.narrative import grammar as g
from servicecheck.narrative import titles
from servicecheck.narrative.demand import named_types, type_name
from servicecheck.narrative.grammar import date, join_words, money
from servicecheck.narrative.regulators import MEASURE_GROUPS, measure_name
from servicecheck.narrative.voice import axis_from
from servicecheck.narrative.words import Voice, clock_start_words, say, voice_for
from servicecheck.report.parts import Section, Table
from servicecheck.service.model import Change, Service

if TYPE_CHECKING:
    from ibis.expr.types import Table as Events

    from servicecheck.flow.findings import FlowMeasures
    from servicecheck.measures.targets import JudgedOrders


# -- Purpose ---------------------------------------------------------------------------------
def purpose_section(svc: Service) -> Section:
    from servicecheck.measures.summary import purpose_findings

    found = purpose_findings(svc)
    voice = Voice(tz=svc.timezone, starts=clock_start_words(svc))
    lead = [say(f, voice) for f in found]
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
    return Section("purpose", "Purpose", lead, findings=found,
                   tables=[Table("The service as the team defined it", ("", ""), rows)])


# -- At a glance: many measures --------------------------------------------------------------
SUMMARY_GROUPS = MEASURE_GROUPS  # named in the narrative, one way everywhere


def summary_section(ws: Reader, svc: Service, need_table: pd.DataFrame | None = None,
                    voice: Voice | None = None, freq: str | None = None,
                    orders_judged: JudgedOrders | None = None) -> Section:
    """Many measures in one table with Making Data Count's icons, each row linked to its chart
    (drawn below it): end-to-end days per demand type, failure share per channel, the
    regime's on-time share per priority; per ``freq``, else the period the data's span fits
    (``measures.periods.ChartPeriods``)."""
    from servicecheck.charts.summary import summary_html
    from servicecheck.charts.xmr import xmr_figure
    from servicecheck.measures.overview import findings, measure_charts

    voice = voice or Voice(tz=svc.timezone)
    freq = freq or ChartPeriods.of(ws, svc.key).summary
    rows = measure_charts(ws, svc, freq=freq, need_table=need_table,
                          orders_judged=orders_judged)
    found = findings(rows, ws, svc)
    lead = [say(f, voice) for f in found]
    if not rows:
        return Section("summary", "At a glance", lead, findings=found)
    unit = kind(freq).unit
    names = {r.key: measure_name(r.group, r.subject) for r in rows}
    charts = {names[r.key]: r.chart for r in rows}
    html = summary_html(charts, caption=titles.summary_caption(unit),
                        links={names[r.key]: f"#fig-summary-{r.key}" for r in rows},
                        units={names[r.key]: r.unit for r in rows})
    figures = [xmr_figure(r.chart, f"summary-{r.key}", x_title=unit, percent=r.unit == "%",
                          title=titles.per_period(names[r.key], unit), y_title=names[r.key],
                          changes=svc.changes, compact=True) for r in rows]
    return Section("summary", "At a glance", lead, figures, findings=found, blocks=[html])


# -- Demand ----------------------------------------------------------------------------------
def demand_section(ws: Reader, svc: Service, freq: str | None = None,
                   need_table: pd.DataFrame | None = None, voice: Voice | None = None
                   ) -> Section:
    from servicecheck.charts.demand import failure_figure, pareto_figure
    from servicecheck.demand.findings import demand_view

    voice = voice or Voice(tz=svc.timezone, currency=svc.costs.currency)
    freq = freq or ChartPeriods.of(ws, svc.key).demand
    view = demand_view(ws, svc, freq, need_table)  # the charts it reads, computed once
    found = view.findings
    said = [(f, say(f, voice)) for f in found]
    if view.share is None or view.pareto is None:  # nothing imported
        return Section("demand", "Demand", [text for _, text in said], findings=found)
    unit = kind(freq).unit
    share, kinds = view.share, view.kinds
    # a chart needs two periods of classified contacts to have limits (none classified yet:
    # no chart, and the words say so)
    figures = [*([failure_figure(share, unit, svc.changes)] if share.n >= 2 else []),
               pareto_figure(named_types(view.pareto))]
    rows = [(t.demand_type, t.nature, f"{t.per_period_mean:.1f}",
             "yes" if t.predictable else "no: signals on its chart")
            for t in kinds[:15]]
    tables = [Table(titles.predictability_title(unit),
                    ("demand type", "nature", f"mean per {unit}", "predictable"), rows)]
    lead_topics = ("demand.failure_share", "demand.unclassified", "demand.commonest_failure",
                   "demand.contacts")
    lead = [text for t in lead_topics for f, text in said if f.topic == t][:3]
    details = [text for _, text in said if text not in lead]
    return Section("demand", "Demand", lead, figures, tables, details, findings=found)


# -- Capability ------------------------------------------------------------------------------
def capability_section(cap: Capability, svc: Service, freq: str = "W") -> Section:
    """``freq``: the period of the chart per period (``ChartPeriods.capability`` of the
    data, as the report and the web app give it)."""
    from servicecheck.charts.xmr import COMPLETION, FIRST_REPORTED, OpenNeeds, xmr_figure
    from servicecheck.measures.capability import findings, period_findings

    found = findings(cap)
    voice = voice_for(svc, found)
    said = {f.topic: say(f, voice) for f in found}
    lead = [said[t] for t in ("capability.none_met", "capability.current",
                              "capability.intake_ended", "capability.change") if t in said]
    details = [said[t] for t in ("capability.intake_began", "capability.tied",
                                 "capability.open", "capability.stale",
                                 "quality.backwards", "quality.future") if t in said]
    if cap.n_completed == 0:
        return Section("capability", "Capability", lead + details, findings=found)
    # charts in the unit the words use: a service that meets needs within the hour is drawn
    # in minutes, not in hundredths of a day
    per_day = 86400.0 / voice.unit.seconds
    units = g.plural(voice.unit.name)
    # one intake is charted in order of first contact, where the end of the data has no place
    reported = cap.ordered_by == "first_contact"
    still_open = (OpenNeeds(cap.as_at.tz_convert(cap.timezone),
                            tuple(per_day * cap.open["age_days"]))
                  if cap.as_at is not None and cap.n_open and not reported else None)
    figures = [xmr_figure(cap.chart.scaled(per_day), "capability",
                          title=titles.capability_title(units, reported),
                          y_title=f"{units} {axis_from(cap.clock, voice)}",
                          x_title=FIRST_REPORTED if reported else COMPLETION,
                          point=("one need, at the moment it was first reported" if reported
                                 else "one need, at the date it was met"),
                          still_open=still_open, changes=svc.changes)]
    if reported:
        # the medians of the weeks needs were met in rise by construction too: no chart of
        # them, as period_findings gives no words (one intake)
        return Section("capability", "Capability", lead, figures, [], details, findings=found)
    unit = kind(freq).unit
    view = by_period(cap, freq, "median", phases=svc.phase_dates or None)
    if len(view.days.values) >= 2:
        title, point = titles.capability_per_period(units, unit)
        figures.append(xmr_figure(view.days.scaled(per_day), f"capability-{unit}",
                                  x_title=unit, title=title, point=point,
                                  y_title=f"{units} {axis_from(cap.clock, voice)}",
                                  changes=svc.changes))
    per_period = period_findings(view, cap, svc.changes)
    details += [say(f, voice) for f in per_period]
    found = [*found, *per_period]
    return Section("capability", "Capability", lead, figures, [], details, findings=found)


# -- Flow ------------------------------------------------------------------------------------
def flow_section(ws: Reader, svc: Service, voice: Voice | None = None,
                 need_table: pd.DataFrame | None = None,
                 measured: FlowMeasures | None = None,
                 copies: Sequence[Finding] | None = None) -> Section:
    """``measured``: ``flow.findings.measure`` of the events studied
    (``measures.summary.studied_events``), if already made (the
    findings, the map and the table of repeated steps all read it); ``copies``:
    ``measures.quality.copies_findings``, if already made (Data quality says them too)."""
    from servicecheck.charts.flow_map import map_figure
    from servicecheck.flow.findings import findings, measure
    from servicecheck.flow.map import flow_map
    from servicecheck.flow.rework import repeated_steps
    from servicecheck.flow.variants import rework_from
    from servicecheck.measures.needs import needs
    from servicecheck.measures.quality import copies_findings, future_findings
    from servicecheck.measures.summary import studied_events

    need_table = need_table if need_table is not None else needs(ws, svc)
    # the map, its table and the findings count the same events: those studied
    ev = studied_events(ws, svc, need_table)
    m = measured or measure(ev)
    # waits end at steps dated after the import too, and rows written twice count as steps
    # repeated: both said beside them
    found = [*findings(ws, svc, need_table=need_table, measured=m), *future_findings(ws, svc),
             *(copies if copies is not None else copies_findings(ws, svc))]
    voice = voice or Voice(tz=svc.timezone)
    said = [(f.topic, say(f, voice)) for f in found]
    # the map is bounded (flow.map.MAX_STEPS): its caption counts what it draws
    figures = [map_figure(flow_map(ev, value_steps=svc.value_steps, dfg=m.dfg,
                                   variant_table=m.variants),
                          titles.flow_map_title(svc.name))]
    rw = repeated_steps(rework_from(m.variants), 10)
    tables = [Table("Steps done more than once in the same case",
                    ("step", "cases with it repeated", "share of cases that have it"),
                    [(str(a), f"{int(c):,}", g.percent(float(s))) for a, c, s in
                     zip(rw["activity"], rw["rework_cases"], rw["rework_share"], strict=True)])]
    # lead with what most changes how people see the work: clean versus dirty, then value
    order = ("flow.clean", "flow.value", "flow.repeats", "quality.copies", "flow.variants")
    lead = [text for t in order for topic, text in said if topic == t][:3]
    details = [text for _, text in said if text not in lead]
    return Section("flow", "Flow", lead, figures, tables, details, findings=found)


# -- Targets versus purpose ------------------------------------------------------------------
def targets_section(ws: Reader, svc: Service, cap: Capability,
                    voice: Voice | None = None, need_table: pd.DataFrame | None = None,
                    orders_judged: JudgedOrders | None = None, freq: str | None = None
                    ) -> Section:
    from servicecheck.charts.targets import target_figures
    from servicecheck.measures.capability import findings as capability_findings
    from servicecheck.measures.needs import needs
    from servicecheck.measures.targets import NO_REGIME, findings, target_view
    from servicecheck.report.regulators import regulator_part, sensitivity_part

    if svc.targets is None:
        return Section("targets", "Targets versus purpose",
                       [say(NO_REGIME, voice or Voice(tz=svc.timezone))], findings=[NO_REGIME])
    need_table = need_table if need_table is not None else needs(ws, svc)
    # the clock sensitivity first: its query over every event is the section's peak, and the
    # view's table per need (1.3M rows at 10M events) is not yet held beside it
    clocks, more = sensitivity_part(ws, svc, need_table, orders_judged)
    view = target_view(ws, svc, freq=freq or ChartPeriods.of(ws, svc.key).regime,
                       need_table=need_table, orders_judged=orders_judged)
    voice = voice or voice_for(svc, capability_findings(cap))
    found = findings(view, cap.changes) + ([cap.future] if cap.future is not None else [])
    said = {f.topic: say(f, voice) for f in found}
    lead = [said[t] for t in ("targets.two_clocks", "targets.where_days") if t in said]
    details = [say(f, voice) for f in found
               if f.topic in ("targets.mechanism", "targets.clock_stopped", "quality.future")]
    regulator, tables = regulator_part(ws, svc, view, need_table)
    lead += [say(f, voice) for f in regulator][:1]
    # one sentence names the choice of clock that moves the figure most
    details = [say(f, voice) for f in clocks] + details + [say(f, voice)
                                                           for f in regulator][1:]
    return Section("targets", "Targets versus purpose", lead,
                   target_figures(view, svc.changes, voice.unit), [*tables, *more], details,
                   findings=[*found, *regulator, *clocks])


# -- Economics of flow ----------------------------------------------------------------------
def economics_figures(e: Economics, changes: Sequence[Change] = ()) -> list[Figure]:
    """Cost per need met and cost per contact, per period, on process behaviour charts, with
    the team's ``changes`` marked where they fall."""
    from servicecheck.charts.xmr import xmr_figure

    unit = kind(e.freq).unit
    cur = e.model.currency
    figures = []
    if len(e.need_chart.values) >= 2:
        title, point, centre = titles.cost_per_need(unit, cur)
        figures.append(xmr_figure(e.need_chart, "cost-per-need", x_title=unit, point=point,
                                  title=title, y_title=f"{cur} per need met",
                                  changes=changes, centre=centre))
    if len(e.contact_chart.values) >= 2:
        title, point, centre = titles.cost_per_contact(unit, cur)
        figures.append(xmr_figure(e.contact_chart, "cost-per-contact", x_title=unit,
                                  point=point, title=title, y_title=f"{cur} per contact",
                                  changes=changes, centre=centre))
    return figures


def economics_section(ws: Reader, svc: Service, need_table: pd.DataFrame | None = None,
                      voice: Voice | None = None, freq: str | None = None) -> Section:
    from servicecheck.measures.economics import costed, economics, findings
    from servicecheck.narrative.economics import transaction_words

    voice = voice or Voice(tz=svc.timezone, currency=svc.costs.currency)
    if not costed(svc):
        found = findings(None, svc)
        return Section("economics", "Economics of flow", [say(f, voice) for f in found],
                       findings=found)
    e = economics(ws, svc, need_table=need_table,
                  freq=freq or ChartPeriods.of(ws, svc.key).regime)
    found = findings(e, svc)
    lines = [say(f, voice) for f in found]
    if len(lines) == 1:
        return Section("economics", "Economics of flow", lines, findings=found)
    cur = e.model.currency
    figures = economics_figures(e, svc.changes)
    per_need = first(found, "economics.per_need")  # the needs met and their mean cost
    # the column at one precision, as the sentence of what one need costs beside a contact
    # ("£157" in the table beside "£156.58" in the words)
    costs = [*e.transactions["unit_cost"], *([per_need.q("cost")] if per_need else [])]
    # the rows shown: a column of a year's sums at one step, three figures of its largest
    # (g.about_money_column)
    types = e.failure_by_type.head(10)
    steps = e.waste_by_step[e.waste_by_step["cost"] > 0].head(10)
    type_costs = g.about_money_column(list(types["cost"]), cur)
    step_costs = g.about_money_column(list(steps["cost"]), cur)

    one_need = ([("one need, end to end", f"{per_need.n:,}",
                  money(per_need.q("cost"), cur, costs))] if per_need is not None else [])
    tables = [Table("What one transaction costs, beside what one need costs",
                    ("transaction", "how many", "unit cost"),
                    [(transaction_words(str(k), None if pd.isna(ch) else str(ch)), f"{int(n):,}",
                      money(float(c), cur, costs)) for k, ch, n, c in
                     zip(e.transactions["kind"], e.transactions["channel"],
                         e.transactions["count"], e.transactions["unit_cost"], strict=True)]
                    + one_need),
              Table("Failure demand a year, by type",
                    ("demand type", "contacts a year", "cost a year"),
                    [(type_name(str(t)), f"{n:,.0f}", c)
                     for t, n, c in zip(types["demand_type"], types["contacts"], type_costs,
                                        strict=True)]),
              Table("Waste steps a year", ("step", "times a year", "cost a year"),
                    [(str(a), f"{n:,.0f}", c) for a, n, c in
                     zip(steps["activity"], steps["events"], step_costs, strict=True)])]
    return Section("economics", "Economics of flow", lines[:3], figures, tables, lines[3:],
                   findings=found)


# -- Joined-up --------------------------------------------------------------------------------
def joined_up_section(ws: Reader) -> Section:
    """Across the services of the workspace: one citizen, and failure demand between them."""
    from servicecheck.charts.graphviz import graph_figure
    from servicecheck.charts.joined_up import services_map
    from servicecheck.measures.joined_up import Window, cross_matrix, findings

    window = Window(min_open_days=28)
    found = findings(ws, window)
    lines = [say(f, Voice()) for f in found]
    m = cross_matrix(ws, window)
    name = {k: ws.service(k).name for k in ws.services()}
    figures = [graph_figure(services_map(m, name), "Failure demand one service "
                          "causes in another: an arrow from the service whose open need "
                          "(28 days or more) preceded failure demand in the other, labelled "
                          "with the count.", "between-services")]
    # a service with no failure demand at all has no share of it to give: said so, not "nan%"
    rows = [(name[str(a)], name[str(b)], f"{int(n):,}", g.percent(float(sh)) if sh == sh else
             "no failure demand") for a, b, n, sh in
            zip(m["cause"], m["effect"], m["failure_demands"], m["share_of_effect_failure"],
                strict=True)]
    return Section("joined-up", "Joined-up", lines[:3], figures, [Table(
        "Failure demand in one service from people with a need open in another",
        ("need open in", "failure demand in", "contacts", "share of its failure demand"),
        rows)], lines[3:], findings=found)


# -- System conditions -----------------------------------------------------------------------
def system_conditions_section(ws: Reader, svc: Service,
                              rework_table: pd.DataFrame | None = None,
                              events: Events | None = None) -> Section:
    """``events``: the events studied (the flow's); ``rework_table``: ``flow.rework.rework``
    of them, if already made."""
    from servicecheck.flow.findings import condition_findings
    from servicecheck.narrative.flow import step_effect

    if not svc.system_conditions:
        return Section("system-conditions", "System conditions", [
            "The team has not yet written down the system conditions (policies, procedures, "
            "measures, IT, structure) that cause the waste. Add them under "
            "[[system_conditions]] with the steps each one causes."])
    found = condition_findings(ws, svc, rework_table, events)
    voice = Voice(tz=svc.timezone)
    lead = [say(f, voice) for f in found] + [
        "Change the conditions and the waste goes; push people to work harder within them "
        "and it does not."]
    per_step = found[0].detail
    rows = []
    for c in svc.system_conditions:
        effects = []
        for step in c.causes:
            n, repeated = per_step.get(step, (0, 0))
            effects.append(step_effect(step, n, repeated, step in svc.value_steps))
        rows.append((c.name, c.kind, c.note, "; ".join(effects) or "no steps named"))
    return Section("system-conditions", "System conditions", lead, [], [
        Table("Each condition and the work it causes",
              ("condition", "kind", "the team's note", "steps it causes"), rows)],
        findings=found)


# -- Data quality ----------------------------------------------------------------------------
def data_quality_section(ws: Reader, svc: Service, cap: Capability,
                        voice: Voice | None = None,
                        capability_found: Sequence[Finding] | None = None,
                        copies: Sequence[Finding] | None = None) -> Section:
    from servicecheck.measures.capability import findings as capability_findings
    from servicecheck.measures.quality import (
        cells_aside_findings,
        clock_findings,
        copies_findings,
        future_contacts,
        import_findings,
        placeholder_findings,
        rejects_findings,
    )

    voice = voice or voice_for(svc)  # its starts: where the clock starts, as said here
    found = [*import_findings(ws, svc), *cells_aside_findings(ws, svc),
             *rejects_findings(ws, svc), *future_contacts(ws, svc),
             *placeholder_findings(ws, svc),
             *(copies if copies is not None else copies_findings(ws, svc)),
             *[f for f in (capability_found if capability_found is not None
                           else capability_findings(cap)) if f.topic in (
                 "quality.future", "capability.open", "capability.stale",
                 "quality.backwards", "capability.tied")]]
    found += clock_findings(ws, svc, cap.n_open + cap.n_stale)
    lead = [say(f, voice) for f in found]
    lead, details = lead[:3], lead[3:]
    log = [r for r in ws.import_log() if r["service"] == svc.key]

    def left_out(r: ImportRecord) -> str:
        dropped = json.loads(str(r["dropped"] or "{}")).items()
        return join_words([f"{n:,} {why}" for why, n in dropped if n]) or "none"

    # the file's rows, and what was kept: a case table's rows make an event per date
    rows = [(str(r["kind"]), str(r["source"]).rsplit("/", 1)[-1],
             f"{int(r['records'] if r['records'] is not None else r['rows_read']):,}",
             f"{int(r['rows_kept']):,}", left_out(r),
             date(pd.Timestamp(r["imported_at"]), svc.timezone)) for r in log]
    return Section("data-quality", "Data quality", lead, [], [
        Table("Imports", ("kind", "file", "rows read", "kept (events or demands)", "left out",
                          "imported"), rows)], details, findings=found)
