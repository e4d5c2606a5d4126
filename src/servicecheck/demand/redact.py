"""Masking personal details in what citizens said: the words of the demand stay, the
identifiers go, each replaced by a label such as ``[phone]``.

Masked (docs/web-app.md, "What redaction masks", lists the written forms each covers): UK phone
numbers, e-mail addresses (also spelled out: "jo dot bloggs at gmail dot com"), National
Insurance numbers, postcodes, dates of birth (when the words say so: "DOB", "born on",
"date of birth"), bank sort codes and account numbers, payment card numbers, and, when the
service file asks (``[demand] redact_names``), the name after "my name is" or "I'm called".

Each kind is found on the original text; where two kinds claim the same characters the one
listed first in ``DETECTORS`` wins (an e-mail address holding digits stays one e-mail).
Precision matters as much as recall: a masked "Room B2 4th floor" or a masked appointment date
loses the citizen's words, so each kind also knows its near-misses. The measured recall and
precision on the corpus in tests/data/redaction_corpus.txt are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

LABELS = {
    "email": "[email]", "card": "[card number]", "ni": "[NI number]",
    "dob": "[date of birth]", "sortcode": "[sort code]", "account": "[account number]",
    "phone": "[phone]", "postcode": "[postcode]", "name": "[name]",
}

Span = tuple[int, int]


@dataclass(frozen=True)
class Detail:
    """One personal detail found: where it is in the text, and its kind (a key of LABELS)."""

    start: int
    end: int
    kind: str


def _signalled(pattern: re.Pattern[str], *hints: str) -> Callable[[str], Iterator[Span]]:
    """A detector masking the pattern's first group: the detail, not the words before it that
    say what it is ("DOB", "sort code", "account"). The pattern is tried only where one of
    the hints (lower case) is in the text: a substring test costs a fraction of a search."""
    def detect(text: str) -> Iterator[Span]:
        if hints:
            low = text.lower()
            if not any(h in low for h in hints):
                return
        for m in pattern.finditer(text):
            yield m.span(1)
    return detect


# --- digit runs: phone and card numbers -------------------------------------------------
# A run is digit groups joined by short separators (spaces, dots, hyphens, brackets), with an
# optional leading "+". The run is cut into the longest valid numbers, so "07700 900123 2
# times" masks the number and keeps the "2", and two numbers in one run are both found.
_RUN = re.compile(r"(?<![\w+])(?:\+ ?)?\(?\d+(?:(?:[ .\-]{1,3}\(?|\)[ .\-]{0,2}|\()\d+)*\)?")
_DIGITS = re.compile(r"\d+")
_MAX_GROUPS = 7  # "+44 (0) 7700 900 123" is five; more is not one number


def _uk_phone(groups: list[str], plus: bool) -> bool:
    """Whether digit groups written in a row make one UK phone number. Every group after the
    first has three digits or more: no one writes a phone number in pairs, but dates and
    times are ("01-02-2024 01-03")."""
    first, rest = groups[0], groups[1:]
    cc = "44" if plus else "0044" if first.startswith("0044") else ""
    if cc:
        if not first.startswith(cc):
            return False
        first = first[len(cc):]
        if not first and rest and rest[0] == "0":  # the "(0)" of "+44 (0) 20 ..."
            rest = rest[1:]
        if not first:
            if not rest:
                return False
            first, rest = rest[0], rest[1:]
        nsn = first[1:] if first.startswith("0") else first  # "+44 020 ...", as people write
    else:
        if not first.startswith("0") or len(first) < 3:
            return False
        nsn = first[1:]
    nsn += "".join(rest)
    if any(len(g) < 3 for g in rest) or not nsn or nsn[0] not in "1235789":
        return False
    # 02, 03, 07 and most others have ten digits after the 0; some 01 and 080 numbers nine
    return len(nsn) == 10 or (len(nsn) == 9 and nsn[0] in "18")


def _luhn(d: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card(groups: list[str], plus: bool) -> bool:
    """A payment card number: 13 to 19 digits from a card network (first digit 2-6) passing
    the Luhn check, which a mistyped or made-up number of that length fails nine times in
    ten."""
    d = "".join(groups)
    return not plus and 13 <= len(d) <= 19 and d[0] in "23456" and _luhn(d)


def _numbers(text: str, valid: Callable[[list[str], bool], bool]) -> Iterator[Span]:
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 10:  # too short for a phone or card number
            continue
        groups = list(_DIGITS.finditer(text, run.start(), run.end()))
        digits = [g.group() for g in groups]
        i = 0
        while i < len(groups):
            start = groups[i].start()
            while start > run.start() and text[start - 1] in "(+ ":
                start -= 1
            plus = "+" in text[start:groups[i].start()]
            for j in range(min(len(groups), i + _MAX_GROUPS), i, -1):
                if valid(digits[i:j], plus):
                    yield _bracketed(text, start, groups[j - 1].end())
                    i = j
                    break
            else:
                i += 1


def _bracketed(text: str, start: int, end: int) -> Span:
    """The span with no space at its edges and its brackets balanced: "(020) 7946 0958"
    keeps its "(", and "(0113 496 0624)" keeps both, outside the mask."""
    while text[start] == " ":
        start += 1
    if text[start] == "(" and text.count("(", start, end) > text.count(")", start, end):
        start += 1
    return start, end


def _phones(text: str) -> Iterator[Span]:
    return _numbers(text, _uk_phone)


def _cards(text: str) -> Iterator[Span]:
    return _numbers(text, _card)


# --- e-mail, written or spelled out -----------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_DOT = r"(?:\.|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_TLDS = ("com", "co.uk", "co", "uk", "org", "net", "gov", "ac", "nhs", "ltd", "me", "info",
         "biz", "io", "ie", "eu", "edu", "online", "email", "scot", "wales", "cymru", "london",
         "live", "icloud", "blog", "page", "app")
_TLD = "(?:" + "|".join(re.escape(t) for t in _TLDS) + ")"
_SPELLED_HINT = re.compile(rf"dot|\.{_TLD}\b", re.I)
_SPELLED = re.compile(
    rf"(?<![\w.+-])[\w+\-]+(?:{_DOT}[\w+\-]+){{0,5}}"
    rf"(?P<at>\s*@\s*|\s*[\[({{<]\s*at\s*[\])}}>]\s*|\s+at\s+)"
    rf"(?P<domain>[a-z0-9\-]+(?:{_DOT}[a-z0-9\-]+){{0,4}}{_DOT}{_TLD})(?!\w)", re.I)
# The pieces are bounded so that "a dot a dot a dot ..." (10,000 characters through the API)
# costs time in proportion to its length, not its square.
# "at" is a word: "bought it at amazon.co.uk" is not an address. With a plain "at", the
# address needs a spelled "dot" or a provider people give as their own address.
_PROVIDERS = re.compile(
    r"(?:gmail|googlemail|hotmail|outlook|live|yahoo|ymail|icloud|me|aol|btinternet|bt|sky|"
    r"virginmedia|talktalk|ntlworld|blueyonder|protonmail|proton|gmx|msn|mail|tiscali|"
    r"btopenworld|[\w\-.]+\.gov|[\w\-.]+\.nhs|nhs)\.", re.I)


def _emails(text: str) -> Iterator[Span]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield m.span()
    # the spelled-out pattern is the slowest here: only where a "dot" or a suffix is written
    if "@" not in text and not _SPELLED_HINT.search(text):
        return
    for m in _SPELLED.finditer(text):
        domain = m.group("domain")
        if m.group("at").strip().lower() != "at" or re.search(r"\bdot\b", domain, re.I) \
                or _PROVIDERS.match(domain):
            yield m.span()


# --- National Insurance numbers ---------------------------------------------------------
# Two letters (not D, F, I, Q, U, V; not O second; not BG, GB, KN, NK, NT, TN, ZZ), six
# digits, a letter A-D; any case, any spacing, hyphens or dots between the parts. The final
# letter may be left off only when the words say it is an NI number.
_NI_SIGNAL = r"(?:\bni\b|\bnino\b|national\s+insurance)[^\n]{0,25}?"
_NI_CORE = (r"\b(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-prstw-z][a-ceghj-nprstw-z]"
            r"[\s.\-]?(?:\d[\s.\-]?){5}\d")
_NI = re.compile(rf"{_NI_CORE}[\s.\-]?[a-d]\b", re.I)
_NI_SIGNALLED = re.compile(rf"{_NI_SIGNAL}({_NI_CORE})(?![\s.\-]?[a-d]\b)\b", re.I)
# "at 123456 a" or "on 12 34 56 c" in lower case are words and a number, not an NI number
_WORDS = {"am", "an", "as", "at", "be", "by", "go", "he", "me", "my", "no", "of", "on", "or",
          "so", "to", "up", "us", "we"}
_ni_signalled = _signalled(_NI_SIGNALLED, "ni", "insurance")


def _ni_numbers(text: str) -> Iterator[Span]:
    for m in _NI.finditer(text):
        s = m.group()
        if s.islower() and s[:2] in _WORDS and not s[2].isdigit():
            continue
        yield m.span()
    yield from _ni_signalled(text)


# --- postcodes --------------------------------------------------------------------------
# Only the real postcode areas (and BFPO's BF, and GIR 0AA), with the letters each position
# allows, in any case. An inward part that reads as an ordinal ("4th", "2ND FLOOR") or a
# room, flat, unit or floor word just before it means a place inside a building, not a
# postcode: "Room B2 4th floor" and "flat 3B" stay; "M1 motorway" has no inward part.
_AREAS = frozenset(re.findall(r"[A-Z]+", """
    AB AL B BA BB BD BF BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
    DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD
    LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK
    SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"""))
# the shape, then the area looked up: one pattern of 124 alternatives at every word boundary
# took ten times as long
_POSTCODE = re.compile(
    r"\b([A-Z]{1,2})\d[\dA-HJKMNPR-Y]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}\b|\bGIR ?0AA\b", re.I)
_ORDINAL = re.compile(r"(?:1st|2nd|3rd|[04-9]th)$", re.I)
_ORDINAL_AFTER = re.compile(r"\s+(?:floor|flr|junction|jct|exit|time|row|door|stop)\b", re.I)
_PLACE_BEFORE = re.compile(
    r"\b(?:room|rm|flat|floor|unit|block|ward|bay|bed|seat|gate|platform|level|apartment|"
    r"apt|suite|desk|office|plot|pitch|stand|locker|route)\s*\.?\s*$", re.I)


def _postcodes(text: str) -> Iterator[Span]:
    for m in _POSTCODE.finditer(text):
        s = m.group()
        if m.group(1) and m.group(1).upper() not in _AREAS:
            continue
        if _ORDINAL.search(s) and (s[-1].islower() or _ORDINAL_AFTER.match(text, m.end())):
            continue  # "b2 4th floor", "M62 2ND JUNCTION": an ordinal, not an inward code
        if _PLACE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        yield m.span()


# --- dates of birth (only when the words say so) ----------------------------------------
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = (rf"(?:\d{{6}}|\d{{8}}|\d{{1,2}}(?:[/.\-]\d{{1,2}}[/.\-]|\s\d{{1,2}}\s)"
         rf"(?:\d{{4}}|\d{{2}})"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}"
         rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}}|\s+\d{{2}})?"
         rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?)(?![\w/])")
_DOB = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bborn(?:\s+on)?)"
    rf"[\s:,\-=]*(?:(?:is|was|of)\s+)?(?:the\s+)?({_DATE})", re.I)


# --- bank details -----------------------------------------------------------------------
_SORT_SIGNALLED = re.compile(
    r"(?:\bsort[\s\-]?code|\bs/c\b)[^\d\n]{0,15}?(\d\d[ .\-]?\d\d[ .\-]?\d\d)(?!\d)", re.I)
_SORT_SHAPE = re.compile(r"(?<![\w\-/.])(\d\d)-(\d\d)-(\d\d)(?![\w\-/]|\.\d)")
_ACCOUNT = re.compile(
    r"(?:\b(?:account|acct|acc|a/c)\b|(?<![\w\-])\d\d[ \-]\d\d[ \-]\d\d)[^\d\n]{0,25}?"
    r"(?<![\d\-])(\d{4}[ \-]?\d{4})(?![\d\-])", re.I)
_sort_signalled = _signalled(_SORT_SIGNALLED, "sort", "s/c")


def _sort_codes(text: str) -> Iterator[Span]:
    yield from _sort_signalled(text)
    for m in _SORT_SHAPE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        # "12-34-56" is a sort code; "12-03-24" reads as a date, and stays unless the words
        # say "sort code"
        if not (1 <= day <= 31 and 1 <= month <= 12):
            yield m.span()


# --- names (only when the service file asks) --------------------------------------------
_TITLES = ("Mrs", "Mr", "Ms", "Miss", "Mx", "Dr")
_WORD = re.compile(r"\S+")
# a capitalised word ("Jo", "McDonald", "O'Neill", "BLOGGS" where all is in capitals), or an
# initial before one ("J Smith", "J. Smith")
_NAME_WORD = r"[A-Z](?:[a-zA-Z'’\-]*[a-z][a-zA-Z'’\-]*|[A-Z'’\-]+|\.?(?=\s+[A-Z]))"
_NAME = re.compile(
    r"(?i:\bname(?:'s|’s|\s+is|\s*:)|\bi'?m\s+called|\bi’m\s+called|\bi\s+am\s+called)\s+"
    rf"((?:(?:{'|'.join(_TITLES)})\.?\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})")
# capitalised words that follow "my name is" without being a name
_NOT_NAMES = {"I", "A", "And", "But", "On", "In", "Not", "The", "This", "That", "It", "Is",
              "Was", "At", "From", "With", "Still", "Also", "Already", "Down", "Here", "There"}


def _names(text: str) -> Iterator[Span]:
    for m in _NAME.finditer(text):
        end = None
        for w in _WORD.finditer(text, m.start(1), m.end(1)):
            if w.group().title() in _NOT_NAMES:
                break
            end = w.end()
        if end is not None and text[m.start(1):end].rstrip(".") not in _TITLES:
            yield m.start(1), end


# In order of precedence where two claim the same characters.
DETECTORS: tuple[tuple[str, Callable[[str], Iterator[Span]]], ...] = (
    ("email", _emails), ("card", _cards), ("ni", _ni_numbers),
    ("dob", _signalled(_DOB, "dob", "d.o", "d o", "birth", "born")),
    ("sortcode", _sort_codes), ("account", _signalled(_ACCOUNT)), ("phone", _phones),
    ("postcode", _postcodes), ("name", _names),
)

# Most verbatims have no digit, or no six of them close together: the kinds that need them
# are not looked for there, which halves the time per verbatim.
_DIGIT = re.compile(r"\d")
_SIX_DIGITS = re.compile(r"\d(?:[ .\-()/]{0,3}\d){5}")
NEEDS_A_DIGIT = frozenset({"dob", "postcode"})
NEEDS_SIX_DIGITS = frozenset({"card", "ni", "sortcode", "account", "phone"})


def find(text: str, *, names: bool = False) -> list[Detail]:
    """The personal details in a text, in order, none overlapping."""
    taken: list[Detail] = []
    digit = _DIGIT.search(text) is not None
    six = digit and _SIX_DIGITS.search(text) is not None
    for kind, detect in DETECTORS:
        if (kind == "name" and not names) or (kind in NEEDS_A_DIGIT and not digit) or \
                (kind in NEEDS_SIX_DIGITS and not six):
            continue
        for start, end in detect(text):
            if end > start and not any(start < t.end and t.start < end for t in taken):
                taken.append(Detail(start, end, kind))
    return sorted(taken, key=lambda d: d.start)


def redact(text: str, *, names: bool = False) -> tuple[str, int]:
    """The text with personal details masked, and how many were masked."""
    found = find(text, names=names)
    if not found:
        return text, 0
    out, at = [], 0
    for d in found:
        out += [text[at:d.start], LABELS[d.kind]]
        at = d.end
    out.append(text[at:])
    return "".join(out), len(found)


def redact_many(texts: Sequence[str | None], *, names: bool = False
                ) -> tuple[list[str | None], int]:
    """Each text redacted (None stays None), and how many details were masked in all."""
    out: list[str | None] = []
    total = 0
    for t in texts:
        if t is None:
            out.append(None)
            continue
        r, n = redact(t, names=names)
        out.append(r)
        total += n
    return out, total


# The fields of a demand a person types freely, wherever demand is stored (import, capture
# form, API). The case reference is not masked but replaced whole by a pseudonym when it holds
# a detail (a phone or NI number keyed as the reference): "[phone]" for every such case would
# join the needs of different citizens; the salted hash keeps each one's demands together.
# In a reference, only an e-mail, an NI number or a detail written with spaces or other
# separators counts: a council system's "01000012345" or "AB12CD" is its own reference, and
# replacing it would cut the demand off from the case it joins in the events.
MASKED_FIELDS = ("verbatim", "demand_type", "failure_kind")
REFERENCE_FIELDS = ("case_id",)


def redact_field(field: str, value: str | None, *, names: bool = False
                 ) -> tuple[str | None, int]:
    """One field of a demand as it may be stored, and how many details went."""
    if value is None:
        return None, 0
    if field in MASKED_FIELDS:
        return redact(value, names=names)
    if field in REFERENCE_FIELDS and any(
            d.kind in ("email", "ni") or not value[d.start:d.end].isalnum()
            for d in find(value, names=names)):
        from servicecheck.io.pseudonym import citizen_ref

        return citizen_ref(value), 1
    return value, 0


def redact_fields(fields: Mapping[str, Sequence[str | None]], *, names: bool = False
                  ) -> tuple[dict[str, list[str | None]], int]:
    """Columns of demand by field name, each value as ``redact_field`` leaves it, and how many
    details went in all."""
    out: dict[str, list[str | None]] = {}
    total = 0
    for field, values in fields.items():
        column = out[field] = []
        for value in values:
            kept, n = redact_field(field, value, names=names)
            column.append(kept)
            total += n
    return out, total
