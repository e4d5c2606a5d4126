"""Masking personal details in verbatims: phone numbers, e-mail addresses, NI numbers, postcodes.

The words of the demand stay; the identifiers go. Applied on import when the service file
says so (on by default).
"""

from __future__ import annotations

import re

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # UK National Insurance number: two letters, six digits, a letter A-D (spaces optional)
    ("[NI number]", re.compile(
        r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
        r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)),
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)),
    # UK phone numbers: 07xxx xxxxxx, 01xx/02x landlines, +44 forms
    ("[phone]", re.compile(r"(?:\+44\s?\(?0?\)?|\b0)(?:\d[\s-]?){8,9}\d\b")),
)


def redact(text: str) -> tuple[str, int]:
    """The text with identifiers masked, and how many were masked."""
    total = 0
    for label, pat in PATTERNS:
        text, n = pat.subn(label, text)
        total += n
    return text, total


def redact_many(texts: list[str | None]) -> tuple[list[str | None], int]:
    out: list[str | None] = []
    total = 0
    for t in texts:
        if t is None:
            out.append(None)
            continue
        r, n = redact(t)
        out.append(r)
        total += n
    return out, total
