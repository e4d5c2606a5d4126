"""The regulators' figures in the report: summarised per step, found, and said beside the
citizen's clock with the calendar each clock used."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from servicecheck import Service
from servicecheck.measures.needs import needs
from servicecheck.measures.regulators import awaab_summary, awaabs_law, findings, tsm_rp02
from servicecheck.measures.targets import target_view
from servicecheck.narrative.words import Voice, say

from .test_targets import RP02_ORDERS, RP02_SERVICE, _orders_workspace, awaab_workspace

VOICE = Voice(tz="UTC")
# (hazard, step, cases, done, within, overdue): the by-hand log of test_targets
AWAAB_STEPS = [
    ("emergency", "investigated", 1, 1, 1, 0),
    ("emergency", "made_safe", 1, 1, 0, 0),       # 25 hours
    ("significant", "investigated", 2, 2, 1, 0),  # 9 and 11 working days
    ("significant", "summary", 2, 1, 1, 1),       # H2's findings past 3 working days
    ("significant", "made_safe", 2, 1, 1, 1),
    ("significant", "further_work", 2, 1, 0, 0),  # 13 weeks; H2 has 74 of its 84 days left
]


def _awaab(tmp_path: Path) -> pd.DataFrame:
    ws, svc = awaab_workspace(tmp_path)
    return awaab_summary(awaabs_law(ws, svc), needs(ws, svc))


def test_awaabs_law_per_step(tmp_path: Path) -> None:
    table = _awaab(tmp_path)
    have = [(r.hazard, r.step, r.cases, r.done, r.within, r.overdue) for r in table.itertuples()]
    assert have == AWAAB_STEPS
    assert table["share"].tolist() == [1.0, 0.0, 0.5, 1.0, 1.0, 0.0]


def test_awaabs_law_in_words(tmp_path: Path) -> None:
    table = _awaab(tmp_path)
    emergency, significant = findings("awaabs-law", table, first=pd.Timestamp(
        "2023-05-05 10:00", tz="UTC"), calendar="england-and-wales")
    assert "before_law" in significant.flags and significant.n == 2
    assert say(significant, VOICE) == (
        "Under Awaab's Law (the law applies from 27 October 2025: earlier hazards are judged "
        "as if it had), of 2 significant hazards: 50% investigated within 10 working days of "
        "the landlord knowing, 100% given written findings within 3 working days of the "
        "investigation, 100% made safe within 5 working days of the investigation and 0% had "
        "further work started within 12 weeks of the investigation; 2 steps not done are past "
        "their timescale when the data end (its working days skip weekends and England and "
        "Wales bank holidays). On the tenants' clock, none of those needs has been met yet.")
    # an emergency's clock counts hours, and a hazard after the law began is not flagged
    [after] = [f for f in findings("awaabs-law", table, first=pd.Timestamp("2025-11-01"),
                                   calendar="england-and-wales")
               if f.noun == "emergency hazard"]
    assert say(after, VOICE).startswith("Under Awaab's Law, of 1 emergency hazard: 100% "
                                        "investigated within 24 hours")
    assert "its clock counts hours and calendar days" in say(after, VOICE)
    assert say(emergency, VOICE) != say(after, VOICE)


def test_tsm_rp02_in_words(tmp_path: Path) -> None:
    ws, svc = _orders_workspace(tmp_path, RP02_SERVICE, RP02_ORDERS)
    table = tsm_rp02(target_view(ws, svc), svc)
    found = findings("tsm-rp02", table, calendar="england-and-wales")
    # every year is partial: the latest is said, flagged, one sentence per category
    assert [(f.names[:2], f.n) for f in found] == [(("2024/25", "emergency"), 2),
                                                   (("2024/25", "non-emergency"), 2)]
    assert say(found[1], VOICE) == (
        "The regulator's figure, TSM RP02 for 2024/25 (a part year: the data do not cover all "
        "of it): 50% of 2 non-emergency repairs completed within the landlord's own "
        "timescale (its working days skip weekends and England and Wales bank holidays); on "
        "the citizen's clock, half of their needs took 9 days or more from the citizen's "
        "first contact to the need being met, every day counting.")
    assert findings("tsm-rp02", table.iloc[:0]) == []


# (the service file's keys, the starts, the stops and the pause the clock sensitivity offers)
CHOICES = [
    ({}, ["regime_start", "first_contact"], ["regime_end"], ()),
    ({"need": {"link_column": "need_id", "visit_activities": ["Visit"]}},
     ["regime_start", "first_contact", "inspection"], ["regime_end"], ()),
    ({"clock": {"start": ["Reported"], "end": ["Completed"]}},
     ["regime_start", "first_contact"], ["regime_end", "work_done"], ()),
    ({"clock": {"start": ["Reported"], "end": ["Closed"]}},  # the same stop is not offered twice
     ["regime_start", "first_contact"], ["regime_end"], ()),
    ({"targets": {"start": ["Raised"], "end": ["Closed"], "pause": ["No access"]}},
     ["regime_start", "first_contact"], ["regime_end"], ("No access",)),
]


@pytest.mark.parametrize(("keys", "starts", "stops", "pause"), CHOICES)
def test_the_clock_choices_the_service_file_names(keys: dict[str, object], starts: list[str],
                                                  stops: list[str], pause: tuple[str, ...]
                                                  ) -> None:
    from servicecheck.measures.clocks import clock_choices

    svc = Service.from_dict({"name": "repairs", "targets": {"start": ["Raised"],
                                                            "end": ["Closed"]}, **keys})
    got = clock_choices(svc)
    assert (list(got.starts), list(got.stops), got.pause) == (starts, stops, pause)
    assert got.starts["regime_start"] == ("Raised",) and got.starts["first_contact"] == ()
