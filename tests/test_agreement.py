"""Cohen's kappa against values worked by hand, and the sentences its findings make."""

from __future__ import annotations

import pytest

from servicecheck.demand.agreement import agreement_finding, cohen_kappa
from servicecheck.narrative.words import Voice, say

V, F = "value", "failure"
# first person, second person, agreed, chance agreement p_e, kappa, Landis and Koch's band
CASES = [
    # p_o = 4/5; p_e = 3/5*2/5 + 2/5*3/5 = 12/25; kappa = (20/25 - 12/25) / (13/25) = 8/13
    ([V, V, V, F, F], [V, V, F, F, F], 4, 12 / 25, 8 / 13, "substantial"),
    # the textbook 2x2: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no: p_o = .7, p_e = .5 -> .4
    ([V] * 25 + [F] * 25, [V] * 20 + [F] * 5 + [V] * 10 + [F] * 15, 35, 0.5, 0.4, "fair"),
    # all alike across two categories
    ([V, F, V, F], [V, F, V, F], 4, 0.5, 1.0, "almost perfect"),
    # all different: p_o = 0, p_e = 1/2 -> -1
    ([V, F], [F, V], 0, 0.5, -1.0, "poor"),
    # three categories: p_o = 4/6; p_e = (2*2 + 2*3 + 2*1) / 36 = 1/3 -> (2/3 - 1/3) / (2/3)
    (list("aabbcc"), list("abbbca"), 4, 1 / 3, 0.5, "moderate"),
    # a just-above-chance pair: p_o = 3/5, p_e = 12/25 -> (15 - 12) / 13
    ([V, V, V, F, F], [V, F, F, F, V], 2, 12 / 25, (10 / 25 - 12 / 25) / (13 / 25), "poor"),
    # p_o = 4/6, p_e = (2*2 + 4*4) / 36 = 20/36 -> (24 - 20) / 16 = 1/4
    ([V, V, F, F, F, F], [V, F, F, F, F, V], 4, 20 / 36, 0.25, "fair"),
    # p_o = 11/20; second 11 value, 9 failure: p_e = (10*11 + 10*9) / 400 = 1/2 -> 0.1
    ([V] * 10 + [F] * 10, [V] * 6 + [F] * 4 + [V] * 5 + [F] * 5, 11, 0.5, 0.1, "slight"),
]


@pytest.mark.parametrize(("first", "second", "agreed", "expected", "kappa", "band"), CASES)
def test_kappa_matches_the_hand_worked_values(first: list[str], second: list[str], agreed: int,
                                              expected: float, kappa: float, band: str) -> None:
    a = cohen_kappa(first, second)
    assert (a.n, a.agreed, a.band) == (len(first), agreed, band)
    assert a.expected == pytest.approx(expected, abs=1e-12)
    assert a.kappa == pytest.approx(kappa, abs=1e-12)


def test_kappa_is_not_told_where_it_means_nothing() -> None:
    # one category throughout: chance agreement is certain, kappa is 0/0
    same = cohen_kappa([V, V, V], [V, V, V])
    assert (same.n, same.agreed, same.kappa, same.band) == (3, 3, None, None)
    assert cohen_kappa([], []).kappa is None
    with pytest.raises(ValueError, match="same demands"):
        cohen_kappa([V], [V, F])


@pytest.mark.parametrize(("first", "second", "words"), [
    ([V, V, V, F, F] * 6, [V, V, F, F, F] * 6,
     "Two people classified 30 demands as value or failure without seeing each other's choice "
     "and agreed on 24 (80%); Cohen's kappa is 0.62, substantial agreement beyond chance "
     "(Landis and Koch's bands)."),
    ([V, V, V, F, F], [V, V, F, F, F],
     "agreed on 4 (80%); Cohen's kappa is 0.62, substantial agreement beyond chance "
     "(Landis and Koch's bands). With fewer than 30 demands one disagreement moves it"),
    ([V, V], [V, V], "agreed on 2 (100%); every demand was put in one and the same category, "
                     "so agreement beyond chance (Cohen's kappa) cannot be told."),
    ([], [], "No demand has been classified blind by a second person yet"),
])
def test_agreement_in_words(first: list[str], second: list[str], words: str) -> None:
    found = agreement_finding(cohen_kappa(first, second), "value or failure")
    assert words in say(found, Voice())
    assert found.applies == (len(set(first) | set(second)) > 1)
