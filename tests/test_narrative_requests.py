"""Words the web app and the command line say of what a person's request did, made from
findings in narrative/ (they were composed in web/ and cli/): the share a refused import
needs, typed back into the form as a number; demands given a type; demands left to classify,
with the plural right for one."""

from __future__ import annotations

import pytest

from servicecheck.findings import Finding, share
from servicecheck.narrative import grammar as g
from servicecheck.narrative.words import Voice, say

VOICE = Voice(tz="Europe/London", on_page=True)
PROBLEM = "row 14, column 'Completed': 'TBC' is not a date"

# a share needed -> as the team types it: to a tenth, never "over 99%" nor "under 1%"
SHARES = [(0.13833, "13.8%"), (0.1386, "13.9%"), (0.05, "5%"), (0.999, "99.9%"),
          (1.0, "100%"), (0.006, "0.6%"), (0.2351, "23.5%")]


@pytest.mark.parametrize(("needed", "typed"), SHARES)
def test_the_share_a_refused_import_needs_is_one_a_person_can_type(needed: float,
                                                                   typed: str) -> None:
    assert g.share_to_type(needed) == typed
    words = say(Finding("quality.share_needed", "row", 0, {"needed": share(needed)},
                        names=(PROBLEM,)), VOICE)
    assert words == (f"Row 14, column 'Completed': 'TBC' is not a date: correct the file, or "
                     f"set them aside with a share of {typed} or more.")


@pytest.mark.parametrize(("finding", "words"), [
    (Finding("demand.retyped", "demand", 1, names=("Damp and mould",)),
     "1 demand now of the type Damp and mould."),
    (Finding("demand.retyped", "demand", 1234, names=("",)),
     "1,234 demands now of the type (no type given)."),
    (Finding("demand.waiting", "demand", 1),
     "Learned from the confirmed labels; 1 demand waits for a person to classify it."),
    (Finding("demand.waiting", "demand", 0),
     "Learned from the confirmed labels; 0 demands wait for a person to classify them."),
    (Finding("demand.waiting", "demand", 2500),
     "Learned from the confirmed labels; 2,500 demands wait for a person to classify them."),
])
def test_what_classifying_did(finding: Finding, words: str) -> None:
    assert say(finding, VOICE) == words
