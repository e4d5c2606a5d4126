"""spc.qic's run, I, MR, T, G, C, P, P', U and U' charts against cases derived from
qicharts2 0.8.1's arithmetic (tests/spc_cases), and what qicharts2 does with `exclude`."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from servicecheck import spc

from .test_spc_reference import _run_qic

CASES_DIR = Path(__file__).parent / "spc_cases"
CASES = [c for f in sorted(CASES_DIR.glob("*_cases.json")) for c in json.loads(f.read_text())]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_derived_qicharts2_case(case: dict[str, Any]) -> None:
    _run_qic(case)


def test_the_case_file_is_what_the_derivation_writes() -> None:
    spec = importlib.util.spec_from_file_location("derive", CASES_DIR / "derive_qicharts2.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    again = [mod.r12(mod.qic(c["input"]["values"], c["input"].get("n"),
                             **_derive_args(c["input"]["params"])))
             for c in CASES]
    assert again == [c["expected"] for c in CASES]


def _derive_args(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    if "screenedmr" in out:
        out["screened"] = out.pop("screenedmr")
    return out


def test_g_chart_by_hand() -> None:
    # mean 4, so sigma = sqrt(4 * 5) = 4.4721; the centre line is the median, 3.5
    c = spc.qic([1, 2, 3, 4, 5, 9], chart="g")
    sd = math.sqrt(20)
    assert c.cl.tolist() == [3.5] * 6
    assert c.ucl[0] == pytest.approx(4 + 3 * sd, abs=1e-12)
    assert c.lcl.tolist() == [0.0] * 6  # 4 - 3 sigma is below zero
    assert c.ucl_95[0] == pytest.approx(4 + 2 * sd, abs=1e-12)


def test_t_chart_is_an_i_chart_of_y_to_the_power_1_over_3_6() -> None:
    y = np.array([12.0, 30, 7, 45, 21, 3, 60, 18, 25, 9])
    t = spc.qic(y, chart="t")
    i = spc.qic(y ** (1 / 3.6), chart="i")
    assert t.cl[0] == pytest.approx(i.cl[0] ** 3.6, abs=1e-9)
    assert t.ucl[0] == pytest.approx(i.ucl[0] ** 3.6, abs=1e-9)
    assert np.allclose(t.values, y)
    with pytest.raises(ValueError, match="time between events, which must be more than zero"):
        spc.qic([3, 0, 5], chart="t")


def test_p_prime_limits_vary_with_the_denominator() -> None:
    c = spc.qic([40, 45, 50], [100, 400, 1000], chart="pp")
    width = c.ucl - c.lcl
    assert width[0] > width[1] > width[2]  # the larger the week, the narrower its limits
    assert c.limits[0].upper is None  # no single limit: use the per-point arrays
    assert c.qic_data()["ucl"].tolist() == c.ucl.tolist()


def test_shares_need_denominators() -> None:
    with pytest.raises(ValueError, match="a pp chart plots values over denominators: give n"):
        spc.qic([4, 5, 6], chart="pp")
    with pytest.raises(ValueError, match="2 denominators were given for 3 values"):
        spc.qic([4, 5, 6], [10, 10], chart="p")


def test_exclude_as_qicharts2_means_it() -> None:
    y = [5.0, 6, 5, 40, 6, 5, 6, 5, 6, 5, 6, 5]
    c = spc.qic(y, chart="i", exclude=4)
    kept = [v for i, v in enumerate(y) if i != 3]
    assert c.cl[0] == pytest.approx(np.mean(kept))
    r = c.limits[0].runs
    assert r is not None
    # the runs series closes up around the excluded point: 11 points, alternating
    assert (r.n_obs, r.n_useful, r.n_crossings, r.longest_run) == (11, 11, 10, 1)
    # and the excluded point is still tested against the limits
    assert c.sigma_signal.tolist() == [i == 3 for i in range(12)]
    data = c.qic_data()
    assert data["include"].tolist() == [i != 3 for i in range(12)]
    assert data["n.obs"].tolist() == [11] * 12


def test_the_anhoej_preset_is_qic_i_chart() -> None:
    y = [7.0, 9, 8, 11, 6, 10, 9, 12, 8, 7, 30, 13, 14, 12, 15, 13, 16, 14, 15, 13]
    a = spc.xmr(y, preset="anhoej", exclude=[11], phases=[11])
    q = spc.qic(y, chart="i", exclude=[11], part=[10])
    assert a.chart_type == "i"
    assert a.limits == q.limits
    assert a.sigma_signal.tolist() == q.sigma_signal.tolist()
    assert [(s.rule, s.points, s.direction) for s in a.signals] == \
        [(s.rule, s.points, s.direction) for s in q.signals]


def test_qicharts2_defaults_to_a_run_chart() -> None:
    c = spc.qic([3.0, 1, 2, 5, 4])
    assert c.chart_type == "run" and c.cl.tolist() == [3.0] * 5 and np.isnan(c.ucl).all()
