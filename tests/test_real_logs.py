"""Every real log in ../shared/data imports with the counts in data/SOURCES.md."""

from __future__ import annotations

import pytest

from servicecheck import Service, Workspace, read_log
from servicecheck.demand import import_demands

from .conftest import DATA

# file, cases, events, rows left out (no case id)
FLAT_LOGS = [
    ("road_traffic_fines_first10k_cases.csv.gz", 10000, 34724, 0),
    ("bpic2020_domestic_declarations.csv.gz", 10357, 55628, 0),
    ("bpic2020_international_declarations.csv.gz", 6323, 70727, 0),
    ("bpic2020_travel_permits.csv.gz", 6426, 81092, 0),
    ("bpic2020_prepaid_travel_cost.csv.gz", 2007, 17507, 0),
    ("bpic2020_request_for_payment.csv.gz", 6760, 36072, 0),
    ("sepsis_hospital.csv.gz", 1049, 15190, 24),
    ("hospital_billing_sample.csv.gz", 9999, 49950, 1),
]
XES_TWINS = [
    ("DomesticDeclarations.xes.gz", "bpic2020_domestic_declarations.csv.gz"),
    ("InternationalDeclarations.xes.gz", "bpic2020_international_declarations.csv.gz"),
    ("PermitLog.xes.gz", "bpic2020_travel_permits.csv.gz"),
    ("PrepaidTravelCost.xes.gz", "bpic2020_prepaid_travel_cost.csv.gz"),
    ("RequestForPayment.xes.gz", "bpic2020_request_for_payment.csv.gz"),
]


@pytest.mark.parametrize(("name", "cases", "events", "dropped"), FLAT_LOGS,
                         ids=[f[0] for f in FLAT_LOGS])
def test_flat_log_counts(name: str, cases: int, events: int, dropped: int) -> None:
    log = read_log(DATA / name)
    assert log.n_cases == cases
    assert log.n_events == events
    assert log.report is not None
    assert log.report.dropped["without a case id"] == dropped
    assert log.report.rows_read == events + dropped


@pytest.mark.parametrize(("xes", "twin"), XES_TWINS, ids=[x[0] for x in XES_TWINS])
def test_xes_original_matches_flat_twin(xes: str, twin: str) -> None:
    log = read_log(DATA / "original" / "bpic2020_cleaned" / xes)
    cases, events = next((c, e) for n, c, e, _ in FLAT_LOGS if n == twin)
    assert (log.n_cases, log.n_events) == (cases, events)
    # the same events at the same instants: compare the per-activity counts and time span
    flat = read_log(DATA / twin)
    a = log.table.activity.value_counts().to_pandas().sort_values("activity")
    b = flat.table.activity.value_counts().to_pandas().sort_values("activity")
    assert a.to_numpy().tolist() == b.to_numpy().tolist()
    assert log.period == flat.period


def test_nyc311_imports_as_demand() -> None:
    ws = Workspace()
    report = import_demands(ws, DATA / "nyc311_2023-02-28_sample.csv",
                            service=Service(name="NYC 311"), preset="311")
    assert report.events == 4999
    d = ws.demands().to_pandas()
    assert len(d) == 4999
    assert d["closed_at"].isna().sum() == 545
    assert d["demand_type"].nunique() == 113
    assert set(d["channel"]) <= {"phone", "online", "mobile", "unknown", "other"}
    hours = (d["closed_at"] - d["received_at"]).dt.total_seconds() / 3600
    assert (hours < 0).sum() == 2  # two close before they were created, as SOURCES.md says
    assert hours.median() == pytest.approx(18, abs=1)


XES_ORIGINALS = ["DomesticDeclarations", "InternationalDeclarations", "PermitLog",
                 "PrepaidTravelCost", "RequestForPayment"]


@pytest.mark.parametrize("name", XES_ORIGINALS)
def test_fast_xes_path_equals_the_xml_parser(name: str) -> None:
    """The columnar reader and the XML-tree reader give the same table on each real log."""
    from servicecheck.io.xes import _read_tree
    from servicecheck.io.xes_columnar import read_xes_columnar

    path = DATA / "original" / "bpic2020_cleaned" / f"{name}.xes.gz"
    fast, tree = read_xes_columnar(path), _read_tree(path)
    assert sorted(fast.column_names) == sorted(tree.column_names)
    for name in tree.column_names:
        assert fast.column(name).to_pylist() == tree.column(name).to_pylist(), name


def test_packed_xes_falls_back_to_the_xml_parser(tmp_path: object) -> None:
    import gzip
    import re
    from pathlib import Path

    from servicecheck.io.xes_columnar import NotLineShaped, read_xes_columnar

    src = DATA / "original" / "bpic2020_cleaned" / "PrepaidTravelCost.xes.gz"
    packed = re.sub(rb">\s+<", b"><", gzip.decompress(src.read_bytes()))
    path = Path(str(tmp_path)) / "packed.xes"
    path.write_bytes(packed)
    with pytest.raises(NotLineShaped):
        read_xes_columnar(path)
    log = read_log(path)
    assert (log.n_cases, log.n_events) == (2007, 17507)
