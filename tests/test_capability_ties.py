"""Needs met at the same instant: the chart orders them by a hash of their ids, never by the
ids, whose order puts needs opened together (alike) side by side; exact times are untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicecheck import Service, Workspace, import_events, spc
from servicecheck.measures.capability import capability, findings
from servicecheck.measures.order import tie_order
from servicecheck.narrative.words import Voice, say

# Each day 3 groups of 4 fines are paid; a group was issued together (consecutive ids, one
# date), so its 4 took the same time: in id order 9 of every 12 moving ranges are 0.
GROUP_DAYS = (3, 40, 12)


def dates_only() -> list[tuple[str, str, str]]:
    rows, n = [], 0
    for day in range(30):
        paid = pd.Timestamp("2024-03-01") + pd.Timedelta(days=day)
        for took in GROUP_DAYS:
            for _ in range(4):
                n += 1
                case = f"F{n:04d}"
                rows += [(case, "Create", str((paid - pd.Timedelta(days=took)).date())),
                         (case, "Paid", str(paid.date()))]
    return rows


def exact_times() -> list[tuple[str, str, str]]:
    """The same needs, each paid at its own minute: no two share an instant."""
    rows, n = [], 0
    for day in range(30):
        for took in GROUP_DAYS:
            for _ in range(4):
                n += 1
                paid = pd.Timestamp("2024-03-01 08:00") + pd.Timedelta(days=day, minutes=n)
                case = f"F{n:04d}"
                rows += [(case, "Create", str(paid - pd.Timedelta(days=took, hours=n % 5))),
                         (case, "Paid", str(paid))]
    return rows


def batches() -> list[tuple[str, str, str]]:
    """Exact times, but paid in one run a day: every need shares its second with others."""
    return [(c, a, t if a == "Create" else f"{t} 16:31:22") for c, a, t in dates_only()]


# log, needs sharing their instant, the words' "same ...", whether the order changes at all
CASES = [
    ("dates only", dates_only, 360, "on the same day as", True),
    ("exact times", exact_times, 0, None, False),
    ("batched at one second", batches, 360, "at the same moment as", True),
]


def _mean_mr(values: np.ndarray) -> float:
    return float(np.abs(np.diff(values)).mean())


@pytest.mark.parametrize(("log", "make", "n_tied", "same", "reordered"), CASES,
                         ids=[c[0] for c in CASES])
def test_needs_met_at_one_instant_are_not_charted_in_id_order(
        tmp_path: Path, log: str, make: Callable[[], list[tuple[str, str, str]]],
        n_tied: int, same: str | None, reordered: bool) -> None:
    f = tmp_path / "fines.csv"
    f.write_text("case_id,activity,timestamp\n"
                 + "".join(f"{c},{a},{t}\n" for c, a, t in make()))
    svc = Service.from_dict({"name": "fines", "timezone": "UTC", "clock": {"end": ["Paid"]}})
    ws = Workspace()
    import_events(ws, f, service=svc, timezone="UTC")
    cap = capability(ws, ws.service())
    done = cap.completed
    assert cap.n_completed == 360
    by_id = done.sort_values(["met_at", "need_id"])
    id_chart = spc.xmr(by_id["end_to_end_days"].to_numpy(), preset="ptd",
                       improvement_direction="decrease")
    width = cap.chart.limits[-1].upper - cap.chart.limits[-1].lower
    id_width = id_chart.limits[-1].upper - id_chart.limits[-1].lower
    if not reordered:
        # exact times: the chart is the one completion order always gave, point for point
        assert list(done["need_id"]) == list(by_id["need_id"])
        assert cap.chart.limits == id_chart.limits and cap.chart.signals == id_chart.signals
        assert [x.topic for x in findings(cap)].count("capability.tied") == 0
        return
    assert list(done["need_id"]) != list(by_id["need_id"])
    # still in completion order; within an instant in the order of the ids' hashes
    assert done["met_at"].is_monotonic_increasing
    for _, day in done.groupby("met_at"):
        assert (np.diff(tie_order(day["need_id"]).astype(np.float64)) > 0).all()
    # in id order 3 in 4 moving ranges are 0 and the limits collapse (4.6 days apart): every
    # point is beyond them; in hash order the moving ranges are those of needs paid on one
    # day (a mean of 17 days, not 6) and no point is
    assert _mean_mr(by_id["end_to_end_days"].to_numpy()) < 0.4 * _mean_mr(cap.chart.values)
    assert width > 15 * id_width
    assert id_chart.signal_kinds()["beyond"] == 360
    assert "beyond" not in cap.chart.signal_kinds()
    # the same data give the same chart
    again = capability(ws, ws.service())
    assert list(again.completed["need_id"]) == list(done["need_id"])
    tied = next(x for x in findings(cap) if x.topic == "capability.tied")
    assert (tied.n, tied.q("share"), tied.q("met")) == (n_tied, n_tied / 360, 360)
    said = say(tied, Voice())
    assert said.startswith(f"Of the 360 needs met, {n_tied} (100%) were met {same} another")
    assert "fixed order drawn from their ids" in said


@pytest.mark.parametrize(("ids", "want"), [
    # a hash of the id's text: the same for an id read as a number or as text
    (pd.Series([12, 7, 300]), pd.Series(["12", "7", "300"])),
    (pd.Series(["A1", "A2"]), pd.Series(["A1", "A2"], dtype="string")),
])
def test_tie_order_hashes_the_ids_text(ids: pd.Series, want: pd.Series) -> None:
    assert (tie_order(ids) == tie_order(want)).all()
    assert len(set(tie_order(ids).tolist())) == len(ids)


def _old_without_tied_trends(chart: spc.Chart, times: pd.Series) -> spc.Chart:
    """``without_tied_trends`` as it was (main at 5f352c4), through a Timestamp per time."""
    from dataclasses import replace

    met = times.to_numpy()

    def ordered(s: spc.Signal) -> bool:
        t = met[[p - 1 for p in s.points]]
        return s.rule != "trend" or len(t) < 2 or bool((t[1:] > t[:-1]).all())

    return replace(chart, signals=tuple(s for s in chart.signals if ordered(s)))


@pytest.mark.parametrize("zone", ["Europe/London", "UTC", None])
@pytest.mark.parametrize("seed", range(6))
def test_trends_among_tied_times_are_dropped_as_before(zone: str | None, seed: int) -> None:
    """Times read as whole nanoseconds drop the same trends as Timestamps compared one by
    one: exact, tied and missing times, in and out of a zone."""
    from servicecheck.measures.order import without_tied_trends

    rng = np.random.default_rng(seed)
    n = 400
    # rising runs of values (trends) over times that often repeat, some missing
    values = np.tile(np.arange(8.0), n // 8) + rng.normal(0, 0.01, n)
    steps = rng.choice([0, 1, 1, 1, 1, 1, 3600], size=n).cumsum()
    times = pd.Series(pd.Timestamp("2025-03-29") + pd.to_timedelta(steps, unit="s"))
    times[rng.random(n) < 0.03] = pd.NaT
    if zone is not None:
        times = times.dt.tz_localize("UTC").dt.tz_convert(zone)
    chart = spc.xmr(values, preset="ptd", improvement_direction="decrease")
    new, old = without_tied_trends(chart, times), _old_without_tied_trends(chart, times)
    assert new.signals == old.signals
    trends = sum(s.rule == "trend" for s in chart.signals)
    assert 0 < sum(s.rule == "trend" for s in new.signals) < trends  # some kept, some not
