"""Agreement between two people's blind classifications in words (demand/agreement.py's
findings). Its own module, registered with the one renderer table when imported: import
``say`` from servicecheck.narrative.words after importing this."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.words import Voice, renders


@renders("demand.agreement")
def _agreement(f: Finding, voice: Voice) -> str:
    what = f.names[0]
    if f.why_not == "no_pairs":
        return (f"No demand has been classified blind by a second person yet, so agreement on "
                f"{what} is not known.")
    both = (f"Two people classified {g.counted(f.n, f.noun)} as {what} without seeing each "
            f"other's choice and agreed on {g.number(f.q('agreed'))} "
            f"({g.percent(f.q('observed'))})")
    if f.why_not == "one_category":
        return both + ("; every demand was put in one and the same category, so agreement "
                       "beyond chance (Cohen's kappa) cannot be told.")
    text = (both + f"; Cohen's kappa is {f.q('kappa'):.2f}, {f.names[1]} agreement beyond "
            "chance (Landis and Koch's bands).")
    if "few" in f.flags:
        text += (" With fewer than 30 demands one disagreement moves it a long way: "
                 "classify more before reading much into it.")
    return text
