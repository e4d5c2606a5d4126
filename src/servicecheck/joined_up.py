"""Joined-up: citizens meet a council, not a department. Several services in one workspace,
one citizen across them (by the pseudonymous ``citizen_ref``), and the failure demand one
service causes in another.

A failure demand in service B is attributed to a need in service A when it comes from the
same citizen while that need was open — from its first contact until it was met, plus a
window the team sets (a letter sent the day before a claim is paid still causes the call).
Optionally only needs that had been open at least ``min_open_days`` count ("claims open more
than 28 days"), and only demand of named types.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from servicecheck.capability import needs
from servicecheck.engine import Workspace
from servicecheck.findings import Finding, Quantity, Span, count, share


@dataclass(frozen=True)
class Window:
    within_days: float = 0.0    # after the need was met, demand still counts for this long
    min_open_days: float = 0.0  # the need had been open at least this long when B was asked
    demand_types: tuple[str, ...] = ()  # only these types of B's failure demand (all if empty)


def _needs_by_citizen(ws: Workspace, service: str) -> pd.DataFrame:
    n = needs(ws, ws.service(service))
    n = n[n["citizen_ref"].notna()][["need_id", "citizen_ref", "first_contact", "met_at"]]
    out: pd.DataFrame = n.assign(service=service)
    return out


def _demands(ws: Workspace, service: str) -> pd.DataFrame:
    d: pd.DataFrame = ws.demands(service).select(
        "demand_id", "received_at", "citizen_ref", "nature", "demand_type").to_pandas()
    return d.assign(service=service)


def cross_failure(ws: Workspace, cause: str, effect: str, window: Window | None = None
                  ) -> pd.DataFrame:
    """Failure demand in ``effect`` whose citizen had a need open in ``cause`` at the time:
    one row per demand, with the need it is attributed to (the most recently begun)."""
    w = window or Window()
    n = _needs_by_citizen(ws, cause)
    d = _demands(ws, effect)
    d = d[(d["nature"] == "failure") & d["citizen_ref"].notna()]
    if w.demand_types:
        d = d[d["demand_type"].isin(w.demand_types)]
    m = d.merge(n, on="citizen_ref", suffixes=("", "_cause"))
    until = m["met_at"].fillna(pd.Timestamp.max.tz_localize("UTC"))
    until = until.where(m["met_at"].isna(), m["met_at"] + pd.Timedelta(days=w.within_days))
    opened = m["first_contact"] + pd.Timedelta(days=w.min_open_days)
    m = m[(m["received_at"] >= opened) & (m["received_at"] <= until)]
    m = m.sort_values("first_contact").groupby("demand_id").tail(1)
    out = m[["demand_id", "received_at", "citizen_ref", "demand_type", "need_id",
             "first_contact", "met_at"]].rename(columns={"need_id": "cause_need"})
    return out.assign(cause=cause, effect=effect).sort_values("received_at").reset_index(
        drop=True)


def cross_matrix(ws: Workspace, window: Window | None = None,
                 services: Sequence[str] | None = None) -> pd.DataFrame:
    """Every ordered pair of services: failure demand in the second caused by the first, and
    that as a share of the second's failure demand."""
    keys = list(services or ws.services())
    rows = []
    for a, b in itertools.permutations(keys, 2):
        caused = len(cross_failure(ws, a, b, window))
        fail = _demands(ws, b)
        total = int((fail["nature"] == "failure").sum())
        rows.append({"cause": a, "effect": b, "failure_demands": caused,
                     "share_of_effect_failure": caused / total if total else float("nan")})
    return pd.DataFrame(rows, columns=["cause", "effect", "failure_demands",
                                       "share_of_effect_failure"])


def per_month(ws: Workspace, cause: str, effect: str, window: Window | None = None
              ) -> pd.DataFrame:
    """Per month: the effect service's contacts, those caused by the cause service, and the
    share."""
    caused = cross_failure(ws, cause, effect, window)
    d = _demands(ws, effect)
    def month(t: pd.Series) -> pd.Series:
        out: pd.Series = t.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
        return out

    total = d.groupby(month(d["received_at"])).size()
    c = caused.groupby(month(caused["received_at"])).size()
    out = pd.DataFrame({"contacts": total, "caused": c}).fillna(0).astype(int)
    out["share"] = out["caused"] / out["contacts"].where(out["contacts"] > 0)
    out.index.name = "month"
    return out.reset_index()


def services_per_citizen(ws: Workspace) -> pd.DataFrame:
    """Per citizen: how many services they had a need in, and the most at once."""
    n = pd.concat([_needs_by_citizen(ws, s) for s in ws.services()], ignore_index=True)
    end = n["met_at"].fillna(pd.Timestamp.max.tz_localize("UTC"))
    # a sweep over starts (+1) and ends (-1): the most services open at one moment
    moves = pd.concat([
        pd.DataFrame({"citizen_ref": n["citizen_ref"], "service": n["service"],
                      "at": n["first_contact"], "step": 1}),
        pd.DataFrame({"citizen_ref": n["citizen_ref"], "service": n["service"],
                      "at": end, "step": -1})]).sort_values(["citizen_ref", "at", "step"])
    moves["open_services"] = moves.groupby("citizen_ref")["step"].cumsum()
    # count services, not needs: two needs in one service at once are still one service
    per = n.groupby("citizen_ref")["service"].nunique().rename("services")
    at_once = moves.groupby("citizen_ref")["open_services"].max().clip(upper=per)
    return pd.DataFrame({"services": per, "at_once": at_once}).reset_index()


def followed_by(ws: Workspace, a: str, b: str, within_days: float) -> float:
    """The share of needs in ``a`` followed within ``within_days`` of their first contact by
    demand in ``b`` from the same citizen."""
    n = _needs_by_citizen(ws, a)
    d = _demands(ws, b)[["citizen_ref", "received_at"]].dropna()
    if n.empty:
        return float("nan")
    m = n.merge(d, on="citizen_ref")
    hit = m[(m["received_at"] >= m["first_contact"])
            & (m["received_at"] <= m["first_contact"] + pd.Timedelta(days=within_days))]
    return hit["need_id"].nunique() / len(n)


def journey(ws: Workspace, citizen_ref: str) -> pd.DataFrame:
    """Everything one citizen met, across services, in time order: events and contacts."""
    ev = ws.raw.execute(
        "SELECT timestamp AS at, service, 'event' AS kind, case_id AS ref, activity AS what "
        "FROM events WHERE citizen_ref = ?", [citizen_ref]).to_arrow_table().to_pandas()
    dem = ws.raw.execute(
        "SELECT received_at AS at, service, 'contact (' || nature || ')' AS kind, "
        "coalesce(case_id, demand_id) AS ref, coalesce(demand_type, '') AS what "
        "FROM demands WHERE citizen_ref = ?", [citizen_ref]).to_arrow_table().to_pandas()
    out: pd.DataFrame = pd.concat([ev, dem], ignore_index=True).sort_values(
        ["at", "service"]).reset_index(drop=True)
    return out


def findings(ws: Workspace, window: Window | None = None) -> list[Finding]:
    """One citizen across services, as findings: how many need more than one service (and at
    once), failure demand one service causes in another (and its highest month), and needs
    followed by demand elsewhere."""
    w = window or Window()
    keys = ws.services()
    if len(keys) < 2:
        return [Finding("joined.one_service", "service", len(keys), applies=False,
                        why_not="one service", names=tuple(keys))]
    spc = services_per_citizen(ws)
    out = [Finding("joined.citizens", "citizen", len(spc),
                   {"services": count(len(keys)),
                    "more_than_one": share(float((spc["services"] > 1).mean())),
                    "at_once": share(float((spc["at_once"] > 1).mean()))})]
    m = cross_matrix(ws, w, keys)
    name = {k: ws.service(k).name for k in keys}
    hits = m[m["failure_demands"] > 0].sort_values("failure_demands", ascending=False)
    for cause, effect, n, part in zip(hits["cause"].astype(str), hits["effect"].astype(str),
                                      hits["failure_demands"].astype(int),
                                      hits["share_of_effect_failure"].astype(float),
                                      strict=True):
        out.append(Finding("joined.caused", "failure demand", int(n),
                           {"share": share(part), "min_open": Quantity.days(w.min_open_days)},
                           names=(name[cause], name[effect])))
        months = per_month(ws, cause, effect, w)
        top = months.sort_values("share", ascending=False).iloc[0]
        if top["caused"] > 0 and top["share"] > 0:
            m_ = top["month"]
            month = m_.to_timestamp() if isinstance(m_, pd.Period) else pd.Timestamp(m_)
            out.append(Finding("joined.peak", "contact", int(top["caused"]),
                               {"one_in": count(round(1 / top["share"])),
                                "min_open": Quantity.days(w.min_open_days)},
                               Span(month, month), names=(name[cause], name[effect])))
    for a, b in itertools.permutations(keys, 2):
        followed = followed_by(ws, a, b, 28)
        if followed > 0:
            out.append(Finding("joined.followed", "need", 0,
                               {"share": share(followed), "within": Quantity.days(28)},
                               names=(name[a], name[b])))
    return out


def flow_between_services(ws: Workspace, window: Window | None = None) -> str:
    """DOT: the services, and an arrow from each to each other service in which it caused
    failure demand, as thick as the count."""
    m = cross_matrix(ws, window)
    top = max(int(m["failure_demands"].max()) if len(m) else 1, 1)
    ids = {k: f"s{i}" for i, k in enumerate(ws.services())}
    lines = ['digraph services {', '  graph [rankdir=LR, fontname="Helvetica", labelloc=t, '
             'label="Failure demand one service causes in another"];',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fa", '
             'fontname="Helvetica"];', '  edge [fontname="Helvetica", color="#a0522d"];']
    for key, i in ids.items():
        lines.append(f'  {i} [label="{ws.service(key).name}"];')
    hits = m[m["failure_demands"] > 0]
    for cause, effect, n in zip(hits["cause"].astype(str), hits["effect"].astype(str),
                            hits["failure_demands"].astype(int), strict=True):
        lines.append(f'  {ids[cause]} -> {ids[effect]} [label="{n:,}", '
                     f'penwidth={1 + 5 * n / top:.2f}];')
    lines.append("}")
    return "\n".join(lines)
