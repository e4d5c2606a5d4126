"""Data quality in words: what was read, left out, set aside or stood for none."""

from __future__ import annotations

from servicecheck.findings import Finding
from servicecheck.narrative import grammar as g
from servicecheck.narrative.voice import Voice, between, renders


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
    # "1 event in 1 case is exact copies" was said of the sepsis log's one copy
    copies = "an exact copy" if f.n == 1 else "exact copies"
    return (f"{g.counted(f.n, f.noun)} in {cases} {g.is_are(f.n)} {copies} of another "
            "event of the same case (the same step at the same time, every column alike), "
            "most likely written twice by the export; Flow counts "
            f"{'it' if f.n == 1 else 'each'} as a step repeated. If "
            f"{'it is a copy' if f.n == 1 else 'they are copies'}, remove "
            f"{'it' if f.n == 1 else 'them'} and import the file again in place of this one.")


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


@renders("quality.future_contacts")
def _future_contacts(f: Finding, voice: Voice) -> str:
    """Contacts dated after their import, set aside (demand.records). ``names``: the file."""
    assert f.span is not None
    one = f.n == 1
    return (f"{g.counted(f.n, 'contact')} in {f.names[0]} {'was' if one else 'were'} dated "
            f"after the import on {voice.date(f.span.end)}: set aside and not counted, since "
            f"{'it' if one else 'they'} had not happened when the data were exported; "
            f"'servicecheck rejects' lists {'it' if one else 'them'} to correct.")


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
            f"not counted: {g.join_words(parts)}; the web app's Imports page downloads them "
            "(or 'servicecheck rejects' writes them) to correct and import again.")


def _counts(f: Finding, prefix: str) -> list[tuple[str, int]]:
    """The finding's numbers keyed by what the data name (``prefix:name``), in order."""
    return [(k.split(":", 1)[1], int(q.value)) for k, q in f.numbers.items()
            if k.startswith(prefix + ":")]


@renders("quality.import")
def _import(f: Finding, voice: Voice) -> str:
    """What one import did (io.report.import_finding): rows of the file, what was made and
    kept from them, and each thing left out or set aside, said only when it happened."""
    (source,) = f.names[:1]
    demands = "demands" in f.flags
    if "case table" in f.flags:
        text = (f"Imported {g.counted(f.n, 'row')} from {source} (a row per case): "
                f"{g.counted(f.q('events'), 'event')} made from their dates")
    else:
        text = (f"Imported {g.counted(f.n, 'row')} {'of demand ' if demands else ''}from "
                f"{source}: {g.counted(f.q('events'), 'demand' if demands else 'event')} kept")
    if f.has("cases"):
        text += f", in {g.counted(f.q('cases'), 'case')}"
    parts = []
    if left := _counts(f, "left"):
        parts.append("left out: " + g.join_words([f"{g.number(n)} {why}" for why, n in left]))
    if cells := _counts(f, "cells"):
        n = sum(n for _, n in cells)
        parts.append(g.join_words([f"{g.counted(m, 'date')} in “{c}”" for c, m in cells])
                     + f" could not be read and {'was' if n == 1 else 'were'} set aside, the "
                     f"rest of {'its row' if n == 1 else 'each row'} kept")
    if aside := _counts(f, "aside"):
        n = sum(n for _, n in aside)
        rows = "its row" if n == 1 else "their rows"
        parts.append(f"{g.counted(n, 'value')} set aside with {rows}, not imported: "
                     + g.join_words(
                         [f"{g.number(m)} with {SET_ASIDE_WORDS.get(why, why)}"
                          for why, m in aside]))
    if f.has("masked"):
        parts.append(f"masked {g.counted(f.q('masked'), 'personal detail')}")
    if f.has("after"):
        n = int(f.q("after"))
        parts.append(f"{g.counted(n, 'contact' if demands else 'step')} dated after the import "
                     "set aside, not counted")
    text = "; ".join([text, *parts]) + "."
    if (cells or aside or f.has("after")) and voice.on_page:
        text += " Download what was set aside to correct it in your own system."
    elif cells or aside or f.has("after"):
        text += " 'servicecheck rejects' lists what was set aside, to correct."
    return text


@renders("quality.recognised")
def _recognised(f: Finding, voice: Voice) -> str:
    """The mapping an import recognised, when none was given (io.report.RECOGNISED)."""
    pairs = list(zip(f.names[::2], f.names[1::2], strict=False))
    columns = [f"{role} “{col}”" for role, col in pairs if role != "moment"]
    moments = [what for role, what in pairs if role == "moment"]
    what = (f"a case table (a row per case; moments {g.join_words(moments)})"
            if "case table" in f.flags else "an event log")
    return f"Read as {what}, with {g.join_words(columns)}."


@renders("quality.order_assumed")
def _order_assumed(f: Finding, voice: Voice) -> str:
    """Dates read in the default order, none of them saying which (io.report.ORDER_ASSUMED)."""
    column, order = f.names[:2]
    other = "month-first" if order == "day-first" else "day-first"
    read, written = order.replace("-", " "), other.replace("-", " ")
    return (f"Every date in “{column}” reads either way (day and month both 12 or less), so "
            f"they were read {read}; if they are written {written}, import the file again "
            f"with --replace --date-order {other}.")


@renders("quality.time_of_day")
def _time_of_day(f: Finding, voice: Voice) -> str:
    """A column of dates alone read with another's times of day (io.report.TIME_OF_DAY)."""
    dates, times = f.names[:2]
    return f"The dates in “{dates}” were read with the times of day in “{times}”."


@renders("quality.all_met")
def _all_met(f: Finding, voice: Voice) -> str:
    return "Every need in the data was met by its end."


@renders("quality.clock")
def _clock(f: Finding, voice: Voice) -> str:
    """Where the clock starts and stops, and the zone of times written without one
    (measures.quality.clock_findings): the start is the voice's, as every sentence says it."""
    read_in, *ends = f.names
    start = ("the citizen's first contact where demand links to the need (else at its first "
             "event)" if "first contact" in f.flags else voice.starts)
    stop = (f" and stops at {g.join_words(ends, 'or')}." if ends else
            "; no end activity is named, so a need counts as met at its last event.")
    if "offsets" in f.flags:  # no time was read in a zone it was not written in
        return (f"The clock starts at {start}{stop} Every time in the data carried its own "
                f"offset from UTC; dates are told in {voice.tz}, the service's zone.")
    told = ("." if read_in == voice.tz else
            f"; dates are told in {voice.tz}, the service's zone (its timezone in the service "
            "file).")
    return f"The clock starts at {start}{stop} Times without a zone were read as {read_in}{told}"


@renders("quality.held")
def _held(f: Finding, voice: Voice) -> str:
    """What an event log holds, its period in the service's zone."""
    return (f"{g.counted(f.n, 'event')} in {g.counted(f.q('cases'), 'case')}, "
            f"{between(f, voice)}")


@renders("quality.rejects_written")
def _rejects_written(f: Finding, voice: Voice) -> str:
    """The values set aside written to a file (``names``: the file) to correct."""
    (out,) = f.names[:1]
    if f.n == 0:
        return f"Nothing was set aside; wrote the empty table to {out}."
    return (f"Wrote the {g.counted(f.n, 'value')} set aside, each with its file, row, column "
            f"and why, to {out}.")


@renders("quality.already_imported")
def _already_imported(f: Finding, voice: Voice) -> str:
    """A file whose content the workspace holds already (io.report.already_finding): when it
    came in, on the service's clock, and what it kept."""
    assert f.span is not None
    (earlier,) = f.names[:1]
    return (f"this file's content was imported already, on {g.moment(f.span.start, voice.tz)} "
            f"from {earlier} ({g.counted(f.n, f.noun)} kept): importing it again would count "
            "every row twice")


@renders("quality.share_needed")
def _share_needed(f: Finding, voice: Voice) -> str:
    """An import refused for setting aside more rows than it may (``names``: what the first
    row set aside says, from the import's refusal): the share that would set them all aside,
    as the team types it into the form."""
    (problem,) = f.names[:1]
    return (f"{problem[:1].upper()}{problem[1:]}: correct the file, or set them aside with a "
            f"share of {g.share_to_type(f.q('needed'))} or more.")
