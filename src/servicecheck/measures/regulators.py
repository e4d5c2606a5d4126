"""Regulators' figures, computed as a landlord reports them, beside the citizen's clock.

``tsm-rp02``: the Regulator of Social Housing's Tenant Satisfaction Measure RP02 (England,
reported since April 2023): the share of **emergency** and of **non-emergency** responsive
repairs completed within the landlord's own target timescale, over the repairs completed in
the reporting year (1 April to 31 March). A repair is one order on the regime's clock
(``[targets] start`` to ``end``), its timescale is the landlord's for its priority
(``[targets] timescales``, which may be working days), and the priorities the landlord
calls emergencies are ``[targets] emergency``. Beside each figure: the needs those repairs
belong to that were met in the same year, and the median end-to-end time citizens waited.

``awaabs-law``: the hazard timescales social landlords in England must meet since 27
October 2025 (Awaab's Law, the Hazards in Social Housing (Prescribed Requirements)
(England) Regulations 2025), as the issue that asked for them states them: an emergency
hazard investigated and made safe within 24 hours of the landlord becoming aware; a
significant hazard (damp and mould first) investigated within 10 working days of becoming
aware, the written findings given within 3 working days of the investigation, safety work
done within 5 working days of it, and further work within 12 weeks of it. The landlord
becomes aware at ``[targets] start``; the priorities in ``[targets] emergency`` are
emergency hazards, every other case a significant one; ``[targets] steps`` names the
activity that marks each step. Check the regulations and the government's guidance for your
own case before relying on a figure.

The figure is the regime's, never a judgement of the service (METHOD.md): it is shown beside
the citizen's time so that a team sees both clocks for the same repairs and year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from servicecheck.findings import Finding, count, seconds, share
from servicecheck.service.presets import AWAAB_STEP_NAMES, AWAAB_STEPS
from servicecheck.workdays import between_many

if TYPE_CHECKING:
    from servicecheck.engine.workspace import Reader
    from servicecheck.measures.targets import TargetView
    from servicecheck.service.model import Service

YEAR_STARTS = 4  # the regulator's reporting year starts on 1 April


def reporting_year(ts: pd.Series, tz: str) -> pd.Series:
    """'2024/25' for a time from 1 April 2024 to 31 March 2025, in the service's zone."""
    first = first_years(ts, tz)
    return first.map({y: year_label(int(y)) for y in first.dropna().unique()})


def first_years(ts: pd.Series, tz: str) -> pd.Series:
    """The calendar year each time's reporting year begins in (2024 for 2024/25)."""
    local = ts.dt.tz_convert(tz) if ts.dt.tz is not None else ts
    first: pd.Series = local.dt.year - (local.dt.month < YEAR_STARTS).astype(int)
    return first


def year_label(first: int) -> str:
    """'2024/25' for the reporting year beginning in April 2024."""
    return str(first) + "/" + str((first + 1) % 100).zfill(2)


# the categories RP02 reports, in the order its table lists them
CATEGORIES = ("emergency", "non-emergency")


def tsm_rp02(view: TargetView, service: Service) -> pd.DataFrame:
    """RP02 per reporting year and category, with the citizen's end-to-end time beside it.

    Columns: ``year``, ``category`` (emergency, non-emergency), ``completed`` (repairs
    completed in the year with a timescale), ``within`` (of those, completed within it),
    ``share`` (within / completed: the figure a landlord reports), ``no_timescale``
    (completed repairs whose priority has no timescale: not in the figure), ``needs_met``
    and ``median_days`` (the needs of those repairs met in the same year, and their median
    end-to-end days on the citizen's clock), ``partial`` (the data do not cover the whole
    year: the figure is not the year's)."""
    t = service.targets
    if t is None:
        raise ValueError("the service file states no target regime; add a [targets] table")
    tz = service.timezone
    # only the columns read, of the closed orders (whole, a quarter of a GB at 10M events);
    # each order's year and category as whole numbers, its need as its row among the needs
    # met: grouping by texts made per order (a year, a category: 21.5M of each at 100M
    # events) and a set of each group's need ids held GBs
    o = view.orders.loc[view.orders["closed"], ["priority", "regime_end", "within_target",
                                                "need_id"]]
    emergency = set(t.emergency)
    # decided once per priority as each order's priority reads (str of a blank too), then
    # taken by position: a Python loop over every order took seconds at 2M orders
    codes, kinds = pd.factorize(o["priority"], use_na_sentinel=True)
    # code -1, a blank priority, read as the orders hold it (its str, as each order's was)
    blank = o["priority"][codes < 0].iloc[0] if (codes < 0).any() else None
    kind = np.array([CATEGORIES.index("emergency" if str(p) in emergency else "non-emergency")
                     for p in [*kinds, blank]])
    category = pd.Series(kind[codes], index=o.index)
    year = first_years(o["regime_end"], tz)
    m = view.mechanisms[~view.mechanisms["open"]]
    met_year = first_years(m["met_at"], tz).to_numpy()
    met_days = m["end_to_end_days"].to_numpy(dtype=float)
    need_row = pd.Index(m["need_id"]).get_indexer(o["need_id"])  # -1: its need not met
    within = o["within_target"]
    # what the data cover: a year they do not cover whole gives a partial figure
    first = view.orders["regime_start"].min()
    last = pd.concat([view.orders["regime_start"], view.orders["regime_end"]]).max()
    rows = []
    groups: dict[tuple[int, int], np.ndarray] = o.groupby(
        [year.to_numpy(), category.to_numpy()]).indices  # type: ignore[assignment]
    for first_year, kind_of in sorted(groups):
        at = groups[(first_year, kind_of)]
        judged = within.iloc[at].dropna()
        # the group's needs met in the same year
        met = np.unique(need_row[at])
        met = met[met >= 0]
        met = met[met_year[met] == first_year]
        begins = pd.Timestamp(year=int(first_year), month=YEAR_STARTS, day=1, tz=tz)
        ends = begins + pd.DateOffset(years=1)
        rows.append({
            "year": year_label(int(first_year)), "category": CATEGORIES[kind_of],
            "completed": len(judged), "within": int(judged.sum()),
            "share": float(judged.mean()) if len(judged) else float("nan"),
            "no_timescale": int(within.iloc[at].isna().sum()),
            "needs_met": len(met),
            "median_days": float(pd.Series(met_days[met]).median()) if len(met)
            else float("nan"),
            "partial": bool(first > begins or last < ends - pd.Timedelta(days=1)),
        })
    return pd.DataFrame(rows, columns=["year", "category", "completed", "within", "share",
                                       "no_timescale", "needs_met", "median_days", "partial"])


def awaabs_law(workspace: Reader, service: Service) -> pd.DataFrame:
    """Each Awaab's Law step per hazard case, judged against its timescale.

    One row per case and step that applies to its hazard: ``case_id``, ``need_id``,
    ``hazard`` (emergency or significant), ``step``, ``clock_from`` (when its clock
    started), ``done_at`` (the step's first event, empty while not done), ``timescale``,
    ``elapsed`` (hours for a 24-hour step, working days for a working-day one, calendar
    days for weeks), ``within`` (done within the timescale; empty while not done),
    ``overdue`` (not done and past its timescale when the data end)."""
    from servicecheck.engine.frames import to_frame
    from servicecheck.service.model import parse_duration_days, working_days
    from servicecheck.service.need_key import with_need

    t = service.targets
    if t is None or not t.start:
        raise ValueError("the service file states no target regime with a start; add "
                         "[targets] start = the activity at which the landlord is aware")
    ev_t = with_need(workspace.events(service.key), service)
    cols = ["case_id", "need", "activity", "timestamp"]
    col = t.priority_column
    extra: list[str] = [col] if col and col in ev_t.columns else []
    ev = to_frame(ev_t.select(*cols, *extra))
    as_at = ev["timestamp"].max()
    marks = {"aware": set(t.start), **{k: set(v) for k, v in t.steps.items()}}
    first = pd.DataFrame({step: ev[ev["activity"].isin(acts)].groupby("case_id")["timestamp"]
                          .min() for step, acts in marks.items()})
    first = first[first["aware"].notna()] if "aware" in first else first.iloc[:0]
    for step in AWAAB_STEP_NAMES:
        if step not in first:
            first[step] = pd.Series(dtype=first["aware"].dtype)
    prio = (ev.dropna(subset=extra).groupby("case_id")[extra[0]].last() if extra
            else pd.Series(dtype=object))
    emergency = set(t.emergency)
    hazard = pd.Series(["emergency" if str(p) in emergency else "significant"
                        for p in prio.reindex(first.index)], index=first.index)
    need = ev.groupby("case_id")["need"].first()
    rows = []
    for step, frm, scale, kind in AWAAB_STEPS:
        cases = first[hazard == kind]
        start, done = cases[frm], cases[step]
        wd = working_days(scale)
        elapsed: np.ndarray
        so_far: np.ndarray
        if wd is not None:
            elapsed = between_many(start, done, t.calendar, closures=t.closures,
                                   tz=service.timezone)
            so_far = between_many(start, pd.Series(as_at, index=start.index), t.calendar,
                                  closures=t.closures, tz=service.timezone)
            limit = float(wd)
        else:
            days = parse_duration_days(scale, where="awaabs-law", source="preset")
            unit = 24.0 if scale.endswith("h") else 1.0  # hours for 24h, else days
            elapsed = ((done - start).dt.total_seconds() / 86400 * unit).to_numpy()
            so_far = ((as_at - start).dt.total_seconds() / 86400 * unit).to_numpy()
            limit = days * unit
        judged = ~np.isnan(elapsed)
        rows.append(pd.DataFrame({
            "case_id": cases.index, "need_id": need.reindex(cases.index).to_numpy(),
            "hazard": kind, "step": step, "clock_from": start.to_numpy(),
            "done_at": done.to_numpy(), "timescale": scale, "elapsed": elapsed,
            "within": np.where(judged, elapsed <= limit, np.nan),
            # a step with no clock yet (no investigation) cannot be overdue
            "overdue": ~judged & start.notna().to_numpy() & (so_far > limit),
        }))
    return pd.concat(rows, ignore_index=True).sort_values(["case_id", "step"],
                                                          ignore_index=True)


IN_FORCE = {"awaabs-law": pd.Timestamp("2025-10-27")}  # Awaab's Law applies from this day


def awaab_summary(rows: pd.DataFrame, need_table: pd.DataFrame) -> pd.DataFrame:
    """Per hazard and step (in the law's order): ``cases`` (hazard cases the step applies
    to), ``done``, ``within`` (done within the timescale), ``share`` (within / done),
    ``overdue`` (not done and past the timescale when the data end), ``timescale``, and
    beside them the citizen's clock for the same needs: ``needs_met`` and ``median_days``
    (first report to the need met, every day counting)."""
    met = need_table[~need_table["open"]].set_index("need_id")["end_to_end_days"]
    out = []
    for step, _, scale, kind in AWAAB_STEPS:
        g = rows[(rows["hazard"] == kind) & (rows["step"] == step)]
        if g.empty:
            continue
        done = g["within"].dropna()
        days = met.reindex(g["need_id"].dropna().unique()).dropna()
        out.append({"hazard": kind, "step": step, "timescale": scale, "cases": len(g),
                    "done": len(done), "within": int(done.sum()),
                    "share": float(done.mean()) if len(done) else float("nan"),
                    "overdue": int(g["overdue"].sum()), "needs_met": len(days),
                    "median_days": float(days.median()) if len(days) else float("nan")})
    return pd.DataFrame(out, columns=["hazard", "step", "timescale", "cases", "done", "within",
                                      "share", "overdue", "needs_met", "median_days"])


def findings(preset: str, table: pd.DataFrame, *, first: pd.Timestamp | None = None,
             calendar: str | None = None) -> list[Finding]:
    """What the regulator's figure says, beside the citizen's clock: for ``tsm-rp02`` (the
    table ``tsm_rp02`` gives) one finding per category of the latest whole reporting year
    (the latest year when none is whole, flagged ``partial``); for ``awaabs-law`` (the table
    ``awaab_summary`` gives) one per kind of hazard, each step's share within its timescale
    in the law's order, flagged ``before_law`` when the data begin (``first``) before the
    law applied. ``calendar`` names the working days' calendar (None: no step counts them)."""
    out: list[Finding] = []
    named = (calendar,) if calendar else ()
    if preset == "tsm-rp02" and not table.empty:
        whole = table[~table["partial"]]
        year = (whole if not whole.empty else table)["year"].max()
        for r in table[table["year"] == year].itertuples():
            if not r.completed:
                continue
            numbers = {"share": share(float(r.share))}
            if r.needs_met:
                numbers["median"] = seconds(float(r.median_days))
            out.append(Finding("regulators.tsm_rp02", "repair", int(r.completed), numbers,
                               clock="regime", names=(str(year), str(r.category), *named),
                               flags=frozenset({"partial"} if r.partial else set())))
    if preset == "awaabs-law" and not table.empty:
        before = first is not None and first.tz_localize(None) < IN_FORCE[preset]
        for kind, g in table.groupby("hazard", sort=False):
            numbers = {f"step:{r['step']}": share(float(r["share"]))
                       for r in g.to_dict("records") if r["done"]}
            numbers["overdue"] = count(int(g["overdue"].sum()))
            met = g.to_dict("records")[0]
            if met["needs_met"]:
                numbers["median"] = seconds(float(met["median_days"]))
            # an emergency's clock counts hours: no working day in it
            out.append(Finding("regulators.awaabs_law", f"{kind} hazard", int(g["cases"].max()),
                               numbers, clock="regime",
                               names=named if kind == "significant" else (),
                               flags=frozenset({"before_law"} if before else set())))
    return out
