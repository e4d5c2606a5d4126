"""Derive qicharts2 0.8.1 reference cases for run, I, MR, T, G, C, P, P', U and U' charts.

A second, independent reading of qicharts2's R code (R/helper.functions.R: qic.run, qic.i,
qic.mr, qic.t, qic.g, qic.c, qic.p, qic.pp, qic.u, qic.up, runs.analysis and qic.agg), one
R line to one Python line, in plain Python lists with R's NA as None, and none of
servicecheck's code. Its output, ``qicharts2_derived_cases.json`` beside it, is what the
tests compare ``servicecheck.spc.qic`` against to 1e-9.

Run from the repository root:  python tests/spc_cases/derive_qicharts2.py
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

NA = None
Num = float | None
SOURCE = ("derived from qicharts2 0.8.1's R source (R/helper.functions.R), read at "
          "d-morrison/qicharts2@2766f4b3 (DESCRIPTION Version 0.8.1), by "
          "tests/spc_cases/derive_qicharts2.py")


def is_na(v: Num) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def r_mean(xs: list[Num]) -> Num:  # mean(x, na.rm = TRUE); NaN for no values
    ok = [v for v in xs if not is_na(v)]
    return sum(ok) / len(ok) if ok else NA  # type: ignore[arg-type]


def r_sum(xs: list[Num]) -> float:  # sum(x, na.rm = TRUE)
    return float(sum(v for v in xs if not is_na(v)))  # type: ignore[misc]


def r_median(xs: list[Num]) -> Num:
    ok = sorted(v for v in xs if not is_na(v))  # type: ignore[type-var]
    if not ok:
        return NA
    m = len(ok) // 2
    return ok[m] if len(ok) % 2 else (ok[m - 1] + ok[m]) / 2  # type: ignore[operator]


def r_diff(xs: list[Num]) -> list[Num]:
    return [NA if is_na(a) or is_na(b) else b - a  # type: ignore[operator]
            for a, b in itertools.pairwise(xs)]


def amr_of(mr: list[Num], screened: bool) -> Num:
    amr = r_mean(mr)
    if screened and amr is not None:
        ulmr = 3.267 * amr
        mr = [v if is_na(v) else (v if v < ulmr else "drop") for v in mr]  # type: ignore[misc]
        amr = r_mean([v for v in mr if v != "drop"])
    return amr


def qbinom05(size: int) -> int:
    total = 2 ** size
    cum = 0
    for k in range(size + 1):
        cum += math.comb(size, k)
        if cum * 20 >= total:
            return k
    return size


def lines(cl: Num, sd: list[Num] | Num, n: int) -> dict[str, list[Num]]:
    sds = sd if isinstance(sd, list) else [sd] * n
    def at(k: float) -> list[Num]:
        return [NA if cl is None or s is None else cl + k * s for s in sds]
    return {"cl": [cl] * n, "lcl": at(-3), "ucl": at(3), "lcl.95": at(-2), "ucl.95": at(2)}


def chart_part(chart: str, y: list[Num], ysum: list[Num], n: list[Num], base: list[bool],
               screened: bool) -> dict[str, list[Num]]:
    size = len(y)
    yb = [v for v, b in zip(y, base, strict=True) if b]
    if chart == "run":
        return {"y": y, "cl": [r_median(yb)] * size, "lcl": [NA] * size, "ucl": [NA] * size,
                "lcl.95": [NA] * size, "ucl.95": [NA] * size}
    if chart == "i":
        cl = r_mean(yb)
        mr = [NA if is_na(d) else abs(d) for d in r_diff(  # type: ignore[arg-type]
            [NA if is_na(v) else v - cl for v in yb])]  # type: ignore[operator]
        amr = amr_of(mr, screened)
        return {"y": y, **lines(cl, None if amr is None else amr / 1.128, size)}
    if chart == "mr":
        ymr: list[Num] = [NA] + [NA if is_na(d) else abs(d) for d in r_diff(y)]  # type: ignore[arg-type]
        cl = r_mean([v for v, b in zip(ymr, base, strict=True) if b])
        return {"y": ymr, "cl": [cl] * size, "lcl": [0.0] * size,
                "ucl": [3.267 * cl] * size, "lcl.95": [0.0] * size,  # type: ignore[operator]
                "ucl.95": [(3.267 / 3) * 2 * cl] * size}  # type: ignore[operator]
    if chart == "t":
        if min(v for v in y if not is_na(v)) <= 0:  # type: ignore[type-var]
            raise ValueError("Time between events must be greater than zero")
        tr = chart_part("i", [NA if is_na(v) else v ** (1 / 3.6) for v in y],  # type: ignore[operator]
                        ysum, n, base, screened)
        def back(v: Num) -> Num:
            if is_na(v):
                return NA
            return float("nan") if v < 0 else v ** 3.6  # type: ignore[operator]
        out = {k: [back(v) for v in vs] for k, vs in tr.items()}
        out["lcl"] = [0.0 if is_na(v) or v < 0 else v for v in out["lcl"]]  # type: ignore[operator]
        return out
    if chart == "g":
        cl = r_mean(yb)
        sd = None if cl is None else math.sqrt(cl * (cl + 1))
        out = {"y": y, **lines(cl, sd, size)}
        out["lcl"] = [0.0 if v is not None and v < 0 else v for v in out["lcl"]]
        out["lcl.95"] = [0.0 if v is not None and v < 0 else v for v in out["lcl.95"]]
        out["cl"] = [r_median(yb)] * size
        return out
    if chart == "c":
        cl = r_mean([v for v, b in zip(ysum, base, strict=True) if b])
        out = {"y": ysum, **lines(cl, math.sqrt(cl), size)}  # type: ignore[arg-type]
        return floor0(out)
    # p, pp, u, up
    cl = (r_sum([v for v, b in zip(ysum, base, strict=True) if b])
          / r_sum([v for v, b in zip(n, base, strict=True) if b]))
    if chart in ("p", "pp"):
        sd = [NA if is_na(m) else math.sqrt(cl * (1 - cl) / m) for m in n]  # type: ignore[operator]
    else:
        sd = [NA if is_na(m) else math.sqrt(cl / m) for m in n]  # type: ignore[operator]
    if chart in ("pp", "up"):
        z = [NA if is_na(v) or is_na(s) else (v - cl) / s  # type: ignore[operator]
             for v, s, b in zip(y, sd, base, strict=True) if b]
        mr = [NA if is_na(d) else abs(d) for d in r_diff(z)]  # type: ignore[arg-type]
        sigma_z = amr_of(mr, screened) / 1.128  # type: ignore[operator]
        sd = [NA if s is None else s * sigma_z for s in sd]
    out = floor0({"y": y, **lines(cl, sd, size)})
    if chart in ("p", "pp"):
        for k in ("ucl", "ucl.95"):
            out[k] = [1.0 if v is not None and math.isfinite(v) and v > 1 else v
                      for v in out[k]]
    return out


def floor0(out: dict[str, list[Num]]) -> dict[str, list[Num]]:
    for k in ("lcl", "lcl.95"):
        out[k] = [0.0 if v is not None and math.isfinite(v) and v < 0 else v for v in out[k]]
    return out


def runs_analysis(y: list[Num], cl: list[Num], include: list[bool]) -> dict[str, Any]:
    yi = [v for v, k in zip(y, include, strict=True) if k]
    ci = [v for v, k in zip(cl, include, strict=True) if k]
    runs = []
    for v, c in zip(yi, ci, strict=True):
        if is_na(v) or is_na(c):
            continue
        s = (v > c) - (v < c)  # type: ignore[operator]
        if s != 0:
            runs.append(s)
    n_useful = len(runs)
    lengths: list[int] = []
    for s, prev in zip(runs, [None, *runs], strict=False):
        if s == prev:
            lengths[-1] += 1
        else:
            lengths.append(1)
    if not n_useful:
        return {"n_obs": len(yi), "n_useful": 0, "longest_run": 0, "longest_run_max": 0,
                "n_crossings": 0, "n_crossings_min": 0, "runs_signal": False}
    longest, lmax = max(lengths), round(math.log2(n_useful)) + 3
    crossings, cmin = max(len(lengths) - 1, 0), qbinom05(max(n_useful - 1, 0))
    return {"n_obs": len(yi), "n_useful": n_useful, "longest_run": longest,
            "longest_run_max": lmax, "n_crossings": crossings, "n_crossings_min": cmin,
            "runs_signal": longest > lmax or crossings < cmin}


def qic(values: list[float], n: list[float] | None = None, chart: str = "run",
        freeze: int | None = None, part: list[int] | None = None,
        exclude: list[int] | None = None, multiply: float = 1.0,
        screened: bool = True) -> dict[str, Any]:
    size = len(values)
    got_n = n is not None
    ysum: list[Num] = list(values)
    den: list[Num] = list(n) if n is not None else [NA] * size
    if got_n:  # complete.cases
        for i in range(size):
            if is_na(ysum[i]) or is_na(den[i]):
                ysum[i] = den[i] = NA
    y = [NA if is_na(a) or is_na(b) else a / b for a, b in zip(ysum, den, strict=True)] \
        if got_n else list(ysum)  # type: ignore[operator]
    cuts = sorted({0, *(part or [])})
    cuts = [c for c in cuts if 0 <= c < size]
    partno = [sum(1 for c in cuts if c <= i) for i in range(size)]
    baseline = [i + 1 <= (freeze if freeze is not None and not part else size)
                for i in range(size)]
    include = [i + 1 not in (exclude or []) for i in range(size)]
    cols: dict[str, list[Num]] = {k: [] for k in ("y", "cl", "lcl", "ucl", "lcl.95", "ucl.95")}
    per_part = []
    for p in sorted(set(partno)):
        idx = [i for i in range(size) if partno[i] == p]
        base = [baseline[i] and include[i] for i in idx]
        out = chart_part(chart, [y[i] for i in idx], [ysum[i] for i in idx],
                         [den[i] for i in idx], base, screened)
        ra = runs_analysis(out["y"], out["cl"], [include[i] for i in idx])
        if chart == "mr":
            ra["runs_signal"] = False
        for k in cols:
            cols[k] += [NA if is_na(v) else v * multiply for v in out[k]]  # type: ignore[operator]
        per_part.append({"part": p, "first_point": idx[0] + 1, "last_point": idx[-1] + 1,
                         **ra})
    for k in ("cl", "lcl", "ucl", "lcl.95", "ucl.95"):
        cols[k] = [NA if is_na(v) or not math.isfinite(v) else v for v in cols[k]]  # type: ignore[arg-type]
    sigma = [not is_na(v) and ((not is_na(u) and v > u) or (not is_na(lo) and v < lo))
             for v, u, lo in zip(cols["y"], cols["ucl"], cols["lcl"], strict=True)]  # type: ignore[operator]
    for pp in per_part:
        a, b = pp["first_point"] - 1, pp["last_point"]
        for k, name in (("cl", "cl"), ("lcl", "lcl"), ("ucl", "ucl"), ("lcl.95", "lcl_95"),
                        ("ucl.95", "ucl_95")):
            seg = cols[k][a:b]
            pp[name] = seg[0] if all(v == seg[0] for v in seg) else NA
    return {
        "per_part": per_part,
        "per_point": {
            "part": partno, "baseline": baseline, "include": include, "sigma_signal": sigma,
            "y": cols["y"], "cl": cols["cl"], "lcl": cols["lcl"], "ucl": cols["ucl"],
            "lcl_95": cols["lcl.95"], "ucl_95": cols["ucl.95"],
        },
    }


def r12(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 12)
    if isinstance(v, list):
        return [r12(x) for x in v]
    if isinstance(v, dict):
        return {k: r12(x) for k, x in v.items()}
    return v


# failure-demand contacts per week and all contacts that week (large, varying denominators)
FAILURE = [412, 398, 455, 430, 391, 470, 402, 388, 445, 431, 520, 498, 515, 530, 507, 388,
           402, 415, 397, 420]
CONTACTS = [980, 1010, 1075, 990, 940, 1100, 1005, 960, 1050, 1020, 1090, 1040, 1080, 1110,
            1060, 985, 1000, 1030, 995, 1015]
# days between damp-and-mould hazards reported (rare events), and repairs between two
# complaints escalated to the Ombudsman
DAYS_BETWEEN = [12, 30, 7, 45, 21, 3, 60, 18, 25, 9, 40, 14, 33, 5, 28, 90, 11, 22, 37, 16]
REPAIRS_BETWEEN = [120, 340, 85, 410, 230, 60, 515, 190, 270, 95, 380, 150, 310, 45, 260,
                   900, 130, 205, 350, 170]
RUN = [7, 9, 8, 11, 6, 10, 9, 12, 8, 7, 30, 13, 14, 12, 15, 13, 16, 14, 15, 13]
# one low point (15) in a stretch above the median
DIP = [7, 9, 8, 11, 6, 14, 9, 12, 8, 7, 13, 14, 15, 16, 4, 15, 13, 16, 14, 15, 12, 9]

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("qic_run_exclude_joins_the_runs", "run chart: excluding point 15 (one low point in a "
     "stretch above the median) takes it out of the runs series, so the runs either side "
     "of it join into one unusually long run", {"values": DIP, "chart": "run",
                                                "exclude": [15]}),
    ("qic_run_dip_no_exclude", "the same run chart without exclude, for contrast",
     {"values": DIP, "chart": "run"}),
    ("qic_run_exclude_outlier", "run chart: excluding point 11, far above the median, "
     "moves the median and leaves n.obs at 19", {"values": RUN, "chart": "run",
                                                 "exclude": [11]}),
    ("qic_i_exclude_point_beyond_limits", "I chart: an excluded point beyond the limits is "
     "still a sigma signal; n.obs counts only the included points",
     {"values": [5.0, 6, 5, 40, 6, 5, 6, 5, 6, 5, 6, 5], "chart": "i", "exclude": [4]}),
    ("qic_i_exclude_freeze", "I chart with freeze = 10 and point 3 excluded",
     {"values": RUN, "chart": "i", "freeze": 10, "exclude": [3]}),
    ("qic_i_exclude_part", "I chart with two parts and an excluded point in each",
     {"values": RUN, "chart": "i", "part": [10], "exclude": [4, 11]}),
    ("qic_mr_exclude", "MR chart: every moving range is plotted, only the excluded point's "
     "own range leaves the centre line", {"values": RUN, "chart": "mr", "exclude": [11]}),
    ("qic_pp_failure_share", "P' chart (Laney) of the weekly failure-demand share",
     {"values": FAILURE, "n": CONTACTS, "chart": "pp"}),
    ("qic_pp_failure_share_unscreened", "the same P' chart with qic.screenedmr = FALSE",
     {"values": FAILURE, "n": CONTACTS, "chart": "pp", "screenedmr": False}),
    ("qic_pp_exclude_part_percent", "P' chart in per cent with a part after week 10 and "
     "week 13 excluded", {"values": FAILURE, "n": CONTACTS, "chart": "pp", "part": [10],
                          "exclude": [13], "multiply": 100}),
    ("qic_p_failure_share", "P chart of the same shares (binomial limits, for contrast)",
     {"values": FAILURE, "n": CONTACTS, "chart": "p"}),
    ("qic_up_rate", "U' chart of failure contacts per contact",
     {"values": FAILURE, "n": CONTACTS, "chart": "up"}),
    ("qic_up_small_n", "U' chart with small, varying denominators and a missing one",
     {"values": [3, 5, 2, 8, 4, 6, 1, 7, 5, 3, 9, 4], "n": [40, 55, 30, 70, 45, 60, 20,
                                                         65, 50, 35, None, 42],
      "chart": "up"}),
    ("qic_u_small_n", "U chart of the same counts", {"values": [3, 5, 2, 8, 4, 6, 1, 7, 5, 3,
                                                               9, 4],
                                                    "n": [40, 55, 30, 70, 45, 60, 20, 65,
                                                          50, 35, 48, 42], "chart": "u"}),
    ("qic_c_counts", "C chart of complaints escalated per month, one month excluded",
     {"values": [4, 6, 3, 5, 7, 2, 4, 15, 5, 3, 6, 4], "chart": "c", "exclude": [8]}),
    ("qic_t_days_between_hazards", "T chart of days between damp-and-mould hazards",
     {"values": DAYS_BETWEEN, "chart": "t"}),
    ("qic_t_exclude_freeze", "T chart with freeze = 12 and point 16 excluded",
     {"values": DAYS_BETWEEN, "chart": "t", "freeze": 12, "exclude": [16]}),
    ("qic_g_repairs_between_complaints", "G chart of repairs between escalated complaints",
     {"values": REPAIRS_BETWEEN, "chart": "g"}),
    ("qic_g_freeze_exclude", "G chart with freeze = 14 and point 16 excluded",
     {"values": REPAIRS_BETWEEN, "chart": "g", "freeze": 14, "exclude": [16]}),
]


def main() -> None:
    out = []
    for cid, what, args in CASES:
        a = dict(args)
        params = {k: a[k] for k in ("chart", "freeze", "part", "exclude", "multiply",
                                    "screenedmr") if k in a}
        exp = qic(a["values"], a.get("n"), a["chart"], a.get("freeze"), a.get("part"),
                  a.get("exclude"), a.get("multiply", 1.0), a.get("screenedmr", True))
        inp: dict[str, Any] = {"values": a["values"], "params": params}
        if "n" in a:
            inp["n"] = a["n"]
        out.append({"id": cid, "description": what, "source": SOURCE, "input": inp,
                    "expected": r12(exp)})
    path = Path(__file__).with_name("qicharts2_derived_cases.json")
    # one case a line: small diffs when a case is added
    path.write_text("[\n" + ",\n".join(json.dumps(c) for c in out) + "\n]\n")
    print(f"{len(out)} cases written to {path}")


if __name__ == "__main__":
    main()
