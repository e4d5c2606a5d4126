"""Economics of flow: costs per need recovered from the generator's ground truth, the cost
model's defaults and assumptions, the saving's interval, and a real log with a cost model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from servicecheck.cli import app
from servicecheck.engine.workspace import Workspace
from servicecheck.io.errors import InputError
from servicecheck.measures.economics import (
    DEFAULT_CONTACT_MINUTES,
    DEFAULT_COST_PER_MINUTE,
    CostModel,
    _bootstrap_saving,
    economics,
    findings,
    need_costs,
)
from servicecheck.service.model import Costs, Service

from .conftest import DATA, ROOT


@pytest.fixture(scope="module")
def repairs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Service, pd.DataFrame]:
    from servicecheck.generators.load import load_repairs

    folder = tmp_path_factory.mktemp("econ")
    ws = Workspace(folder / "ws.duckdb")
    ex = load_repairs(folder / "data", events=20000, seed=3, workspace=ws)
    truth = pd.read_parquet(folder / "data" / "ground_truth.parquet")
    return ws, ex.service, truth


def test_costs_per_need_follow_from_the_ground_truth(
        repairs: tuple[Workspace, Service, pd.DataFrame]) -> None:
    ws, svc, truth = repairs
    # every channel 6 minutes at 0.50, visits 30, orders 10, steps not costed by time
    model_svc = dataclasses.replace(
        svc, handling_minutes={c: 6.0 for c in svc.channels}, cost_per_minute=0.5,
        costs=Costs(given=True, visit_cost=30.0, order_cost=10.0))
    per = need_costs(ws, model_svc).set_index("need_id")
    t = truth.set_index("need_id").loc[per.index]
    done = ~per["open"]
    expected = t["contacts"] * 3.0 + t["visits"] * 30.0 + t["orders"] * 10.0
    assert done.sum() > 1000
    assert np.allclose(per.loc[done, "total"], expected[done], rtol=0, atol=1e-9)
    assert np.allclose(per.loc[done, "failure_contact_cost"], t.loc[done, "failure_demands"] * 3)
    assert np.allclose(per.loc[done, "repeat_visit_cost"],
                       (t.loc[done, "visits"] - 1).clip(lower=0) * 30)
    assert np.allclose(per.loc[done, "extra_order_cost"],
                       (t.loc[done, "orders"] - 1).clip(lower=0) * 10)
    # the redesign: needs cost less after it, and the interval holds the point estimate
    e = economics(ws, model_svc)
    s = e.saving
    assert s is not None and s.after_per_need < s.before_per_need
    assert s.low < s.per_year < s.high
    before = t.loc[done & (t["phase"] == "before")]
    assert s.before_per_need == pytest.approx(
        (before["contacts"] * 3 + before["visits"] * 30 + before["orders"] * 10).mean())


def test_the_words_say_per_need_per_transaction_and_the_assumptions(
        repairs: tuple[Workspace, Service, pd.DataFrame]) -> None:
    ws, svc, _ = repairs
    e = economics(ws, svc)
    from servicecheck.narrative.words import Voice, say_all

    found = findings(e, svc)
    assert not any(f.defaults for f in found)  # the service file gives the minute's cost
    lines = say_all(found, Voice())
    done = e.per_need[~e.per_need["open"]]
    # to the penny, as the contact's cost beside it (one sentence, one precision)
    assert lines[0].startswith(f"Meeting one need costs £{done['total'].mean():,.2f} end "
                               "to end")
    assert "while a contact costs £" in lines[0]
    assert "a year at" in " ".join(lines) and "90% interval" in " ".join(lines)
    assert lines[-1].startswith("Assumptions: a minute of work costs £0.55 (service file)")
    assert "Order raised 6 min" in lines[-1] and "a visit costs £28.00" in lines[-1]
    total = e.per_year["total"]
    parts = sum(v for k, v in e.per_year.items() if k != "total")
    assert e.value_share == pytest.approx(1 - parts / total)


def test_the_transactions_are_kinds_worded_by_the_narrative(
        repairs: tuple[Workspace, Service, pd.DataFrame]) -> None:
    """The economy-of-scale table holds what each row is (a kind and its channel), never a
    label the measure wrote; the report's table words each row the one way."""
    from servicecheck.narrative.economics import transaction_words

    ws, svc, _ = repairs
    t = economics(ws, svc).transactions
    assert list(t.columns) == ["kind", "channel", "count", "unit_cost"]
    channels = t[t["kind"] == "channel"]
    assert set(channels["channel"]) == set(svc.channels) and t["channel"].isna().sum() == 4
    words = [transaction_words(k, None if pd.isna(c) else c)
             for k, c in zip(t["kind"], t["channel"], strict=True)]
    assert words == ["a contact", *[f"a contact by {c}" for c in channels["channel"]],
                     "an order (its steps and its own cost)", "a visit", "a step"]


# activity, team, expected cost of one occurrence
STEP_CASES = [
    ("Diagnosed", "Plumber", 40 * 0.55),            # the base rate
    ("Order raised", "Call centre", 6 * 0.40),       # the team's own rate
    ("Order closed", "Contractor admin", 4 * 0.45),
    ("Repair reported", "Call centre", 0.0),         # no minutes given: not costed by time
    ("Send Fine", None, 0.0),
]


@pytest.mark.parametrize(("activity", "team", "cost"), STEP_CASES)
def test_step_costs(repairs: tuple[Workspace, Service, pd.DataFrame], activity: str,
                    team: str | None, cost: float) -> None:
    model = CostModel.from_service(repairs[1])
    assert model.step_cost(activity, team) == pytest.approx(cost)


def test_defaults_are_stated() -> None:
    model = CostModel.from_service(Service(name="s"))
    assert model.cost_per_minute == DEFAULT_COST_PER_MINUTE
    assert model.contact_cost("phone") == DEFAULT_CONTACT_MINUTES * DEFAULT_COST_PER_MINUTE
    from servicecheck.measures.economics import assumptions
    from servicecheck.narrative.words import Voice, say

    said = say(assumptions(model), Voice())
    for words in ("(default: set demand.cost_per_minute)", "by any other channel (default)",
                  "steps are not costed by time (set costs.activity_minutes)",
                  "(set costs.visit_cost)", "(set costs.order_cost)"):
        assert words in said


BAD_COSTS = [
    ('[costs]\nvisit = 3', "'costs.visit' is not a service-file key"),
    ('[costs]\nvisit_cost = -1', "costs.visit_cost = -1 is out of range (it must be from 0"),
    ('[costs]\nvisit_cost = "lots"', "costs.visit_cost must be a number, not 'lots'"),
    ('[costs.activity_minutes]\n"Order raised" = "six"',
     "costs.activity_minutes.Order raised must be a number, not 'six'"),
]


@pytest.mark.parametrize(("text", "words"), BAD_COSTS)
def test_bad_cost_models_are_one_sentence(tmp_path: Path, text: str, words: str) -> None:
    f = tmp_path / "service.toml"
    f.write_text('name = "s"\n' + text + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Service.load(f)


def test_bootstrap_interval_is_reproducible_and_covers_the_difference() -> None:
    rng = np.random.default_rng(1)
    before, after = rng.normal(200, 40, 400), rng.normal(120, 30, 400)
    s = _bootstrap_saving(before, after, 1000.0)
    assert s == _bootstrap_saving(before, after, 1000.0)
    assert s.per_year == pytest.approx((before.mean() - after.mean()) * 1000)
    assert s.low < 80_000 < s.high and s.high - s.low < 15_000


def test_bootstrap_draws_are_generator_choices() -> None:
    """The resampling indexes with the integers Generator.choice draws (faster than choice
    itself): the same stream gives the same interval, to the last digit."""
    rng = np.random.default_rng(7)
    for n_before, n_after in ((400, 400), (31, 977), (2_500, 40)):
        before, after = rng.gamma(2.0, 90.0, n_before), rng.gamma(2.0, 60.0, n_after)
        draws = np.random.default_rng(0)
        b = draws.choice(before, size=(2000, n_before)).mean(axis=1)
        a = draws.choice(after, size=(2000, n_after)).mean(axis=1)
        diffs = (b - a) * 365.0
        s = _bootstrap_saving(before, after, 365.0)
        assert (s.low, s.high) == (float(np.percentile(diffs, 5)),
                                   float(np.percentile(diffs, 95)))


@pytest.mark.parametrize(("n_before", "n_after", "shape"), [
    (3_000, 2_000, "normal"), (4_000, 900, "gamma"), (2_500, 2_500, "skewed")])
def test_many_needs_take_the_normal_interval_of_the_same_resampled_mean(
        n_before: int, n_after: int, shape: str) -> None:
    """Above the draws allowed, the interval is the normal one of the resampled mean, not
    billions of draws (the report of a 10M-event log held 16 GB resampling 2,000 x 1.3M
    needs): it agrees with resampling to within the resampling's own noise, its point and
    means are the same, and it says it did not resample."""
    rng = np.random.default_rng(3)
    draw = {"normal": lambda n, m: rng.normal(m, 40, n),
            "gamma": lambda n, m: rng.gamma(2.0, m / 2, n),
            "skewed": lambda n, m: rng.lognormal(np.log(m), 0.9, n)}[shape]
    before, after = draw(n_before, 200.0), draw(n_after, 150.0)
    exact = _bootstrap_saving(before, after, 1000.0)
    normal = _bootstrap_saving(before, after, 1000.0, max_draws=1)
    assert exact.resampled and not normal.resampled
    assert (normal.per_year, normal.before_per_need, normal.after_per_need) == (
        exact.per_year, exact.before_per_need, exact.after_per_need)
    width = exact.high - exact.low
    # 2,000 resamples place a 5th centile to within about 3% of the interval's width
    assert abs(normal.low - exact.low) < 0.05 * width
    assert abs(normal.high - exact.high) < 0.05 * width


@pytest.mark.parametrize(("needs", "resampled"), [(4_000, True), (6_000, False)])
def test_the_interval_resamples_while_the_draws_are_affordable(needs: int,
                                                               resampled: bool) -> None:
    values = np.random.default_rng(5).gamma(2.0, 90.0, needs)
    s = _bootstrap_saving(values[: needs // 2], values[needs // 2:], 100.0, max_draws=10**7)
    assert s.resampled is resampled


@pytest.mark.parametrize(("flags", "said", "not_said"), [
    (frozenset(), "resampling the needs", "spread"),
    (frozenset({"normal"}), "from the spread of the needs' costs", "resampling")])
def test_the_saving_says_how_its_interval_was_made(flags: frozenset[str], said: str,
                                                  not_said: str) -> None:
    from servicecheck.findings import Finding, money
    from servicecheck.narrative.voice import Voice
    from servicecheck.narrative.words import say

    f = Finding("economics.saving", "need", 1200,
                {"per_year": money(50_000.0), "low": money(40_000.0), "high": money(60_000.0),
                 "before": money(200.0), "after": money(150.0)}, flags=flags)
    text = say(f, Voice())
    assert said in text and not_said not in text, text


def test_costs_on_a_real_log(tmp_path: Path) -> None:
    from servicecheck import import_events

    svc = Service.load(ROOT / "examples" / "road-traffic-fines" / "service.toml")
    raw = pd.read_csv(DATA / "road_traffic_fines_first10k_cases.csv.gz",
                      usecols=["case_id", "activity"])
    with Workspace(tmp_path / "fines.duckdb") as ws:
        import_events(ws, DATA / "road_traffic_fines_first10k_cases.csv.gz", service=svc)
        per = need_costs(ws, svc).set_index("need_id")
    model = CostModel.from_service(svc)
    raw["cost"] = [model.step_cost(a, svc.activity_teams.get(a)) for a in raw["activity"]]
    # the team's rate is the base rate here, so each fine's cost is its steps' costs
    expected = raw.groupby("case_id")["cost"].sum()
    assert np.allclose(per["total"].sort_index(), expected.sort_index(), atol=1e-9)
    r = CliRunner().invoke(app, ["costs", "-w", str(tmp_path / "fines.duckdb")])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "Meeting one need costs €" in text and "while a step costs €" in text
    assert "Assumptions: a minute of work costs €0.60" \
        in text
    assert "Send for Credit Collection" in text  # the costliest waste step is named
