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
    """Rows are the file's; a case table's events (one per date filled) are said apart."""
    imports = g.counted(f.q("imports"), "import")
    if "case table" in f.flags:
        text = (f"{g.counted(f.n, 'row')} read in {imports} (a row per case); "
                f"{g.counted(f.q('kept'), 'event')} made from their dates and kept")
    else:
        what = "demand" if "demands" in f.flags else "events"
        text = (f"{g.counted(f.n, 'row')} of {what} read in {imports}; "
                f"{g.number(f.q('kept'))} kept")
    if not f.names:
        return text + ", none left out."
    return text + ", left out: " + g.join_words(
        [f"{g.number(f.q(f'left{i}'))} {why}" for i, why in enumerate(f.names)]) + "."


@renders("quality.copies")
def _copies(f: Finding, voice: Voice) -> str:
    cases = g.counted(f.q("cases"), "case")
    return (f"{g.counted(f.n, f.noun)} in {cases} {g.is_are(f.n)} exact copies of another "
            "event of the same case (the same step at the same time, every column alike), "
            "most likely written twice by the export; Flow counts each as a step repeated. "
            "If they are copies, remove them and import the file again in place of this one.")


@renders("quality.future")
def _future(f: Finding, voice: Voice) -> str:
    """Steps dated after the import, set aside (io.notes): where the first are, and why.
    ``names``: the file, then the columns of the first rows."""
    source, *columns = f.names
    rows = [g.number(f.q(f"row{i}")) for i in range(min(int(f.q("rows")), 3))]
    where = (f"{'row' if len(rows) == 1 else 'rows'} {g.join_words(rows)} of {source}, "
             f"{'column' if len(columns) == 1 else 'columns'} "
             f"{g.join_words([f'“{c}”' for c in columns])}")
    assert f.span is not None
    one, cases = f.n == 1, f.q("cases")
    it = "it" if one else "them"
    return (f"{g.counted(f.n, 'step')} in {g.counted(cases, 'case')} "
            f"{'was' if one else 'were'} dated after the import on {voice.date(f.span.end)} "
            f"(first: {where}): set aside and not counted, since {'it' if one else 'they'} "
            f"had not happened when the data were exported; "
            f"{'the case is' if cases == 1 else 'each case is'} counted without {it} (open, "
            f"where {'it' if one else 'they'} would have closed it). 'servicecheck rejects' "
            f"lists {it} to correct.")


@renders("quality.cells_aside")
def _cells_aside(f: Finding, voice: Voice) -> str:
    """A case table's dates set aside, the rows kept: what happened to those cases."""
    column, activity = f.names
    text = (f"{g.counted(f.n, f.noun)} in “{column}” could not be read and "
            f"{'was' if f.n == 1 else 'were'} set aside, the rest of "
            f"{'its row' if f.n == 1 else 'each row'} kept")
    if "ends" in f.flags:
        return (text + f"; {'that case is' if f.n == 1 else 'those cases are'} counted as "
                f"open (no {activity} date); 'servicecheck rejects' lists them to correct.")
    return (text + f", without {'its' if f.n == 1 else 'their'} {activity} date; "
            "'servicecheck rejects' lists them to correct.")


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
                   "too long": "a value longer than its field may hold",
                   "after the import": "a date after the import"}


@renders("quality.rejects")
def _rejects(f: Finding, voice: Voice) -> str:
    parts = [f"{g.number(f.q(f'n{i}'))} with {SET_ASIDE_WORDS.get(why, why)}"
             for i, why in enumerate(f.names)]
    return (f"{g.counted(f.n, f.noun)} {'was' if f.n == 1 else 'were'} set aside on import, "
            f"not counted: {g.join_words(parts)}; 'servicecheck rejects' writes them to a "
            "spreadsheet to correct and import again.")
