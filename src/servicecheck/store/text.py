"""Text a database cannot keep as given: found before the insert, so the answer is a sentence
naming the field (never a database error carrying the citizen's words into a log)."""

from __future__ import annotations

import unicodedata


def character_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with the characters of ``text``: a NUL (PostgreSQL refuses it), a lone
    surrogate (no UTF-8 for it: neither database can store it) or another control character
    (line breaks and tabs allowed where ``multiline``)."""
    for ch in text:
        if ch == "\x00":
            return "holds a NUL character; remove it"
        kind = unicodedata.category(ch)
        if kind == "Cs":
            return "holds a broken character (a lone UTF-16 surrogate); type or paste it again"
        if kind == "Cc" and not (multiline and ch in "\t\r\n"):
            return "holds a control character; remove it"
    return None


def quoted(text: str, limit: int = 40) -> str:
    """A value as an error may show it back: short, on one line."""
    text = " ".join(text.split())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"
