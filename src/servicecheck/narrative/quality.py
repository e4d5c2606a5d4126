"""Data quality in words: what was read, left out, set aside or stood for none."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, renders


@renders("quality.backwards")
def _backwards(f: Finding, voice: Voice) -> str:
    return (f"{g.counted(f.n, f.noun)} ended before {'it' if f.n == 1 else 'they'} began "
            "(an end before the first contact): set aside, not charted.")


@renders("quality.imports")
def _imports(f: Finding, voice: Voice) -> str:
    text = (f"{g.counted(f.n, 'row')} read in {g.counted(f.q('imports'), 'import')}; "
            f"{g.number(f.q('kept'))} kept")
    if not f.names:
        return text + ", none left out."
    return text + ", left out: " + g.join_words(
        [f"{g.number(f.q(f'left{i}'))} {why}" for i, why in enumerate(f.names)]) + "."


@renders("quality.placeholders")
def _placeholders(f: Finding, voice: Voice) -> str:
    col, *values = f.names
    quoted = g.join_words([f"“{v}”" for v in values])
    return (f"{g.counted(f.n, f.noun)} {'has' if f.n == 1 else 'have'} {quoted} as {col}: a "
            f"value that stands for none, so it is read as missing, not as a {col}.")


# why an import set a value aside (servicecheck.io.rejects' reasons)
SET_ASIDE_WORDS = {"unreadable time": "a date and time that could not be read",
                   "ends before it starts": "a step that ends before it starts",
                   "missing value": "a date, channel or the citizen's words left blank",
                   "placeholder": "a value that stands for none (like n/a) in place of the "
                                  "citizen's words",
                   "unknown channel": "a channel the service file does not list",
                   "unknown nature": "a nature other than value, failure or unknown",
                   "too long": "a value longer than its field may hold"}


@renders("quality.rejects")
def _rejects(f: Finding, voice: Voice) -> str:
    parts = [f"{g.number(f.q(f'n{i}'))} with {SET_ASIDE_WORDS.get(why, why)}"
             for i, why in enumerate(f.names)]
    return (f"{g.counted(f.n, f.noun)} {'was' if f.n == 1 else 'were'} set aside on import, "
            f"not counted: {g.join_words(parts)}; 'servicecheck rejects' writes them to a "
            "spreadsheet to correct and import again.")
