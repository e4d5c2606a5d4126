"""Making Data Count's variation and assurance icons as small, accessible SVG.

Each icon is a circle with a letter (H or L for a special cause high or low, P, F or ? for
assurance) or, for common cause, a line that wanders; it carries its meaning in words as its
title and label (worded in ``narrative.signals``, as the summary table is), so a screen
reader, a printout in black and white and a tooltip all say the same. The colours follow
Making Data Count's convention: blue for improvement, orange for concern, purple for a
neutral change, grey for common cause or a target that is sometimes met. Nothing is computed
here: the point type and assurance come from the chart.
"""

from __future__ import annotations

from html import escape
from itertools import count

from servicecheck.narrative.signals import ASSURANCE_WORDS, variation_words

BLUE, ORANGE, PURPLE, GREY = "#1f6fb2", "#c75c00", "#5b2a86", "#6b6b6b"
_ids = count(1)

# point type -> (colour, letter when the improvement direction is increase)
_VARIATION = {
    "common_cause": (GREY, ""),
    "special_cause_improvement": (BLUE, "H"),
    "special_cause_concern": (ORANGE, "L"),
    "special_cause_neutral_high": (PURPLE, "H"),
    "special_cause_neutral_low": (PURPLE, "L"),
}
_ASSURANCE = {"consistent_pass": (BLUE, "P"), "consistent_fail": (ORANGE, "F"),
              "inconsistent": (GREY, "?")}


def _svg(colour: str, letter: str, words: str, size: int) -> str:
    ident = f"sc-icon-{next(_ids)}"
    mark = (f'<text x="16" y="21.5" text-anchor="middle" font-family="sans-serif" '
            f'font-size="15" font-weight="bold" fill="{colour}">{escape(letter)}</text>'
            if letter else
            f'<polyline points="6,18 10,13 14,19 18,12 22,17 26,14" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" '
            f'width="{size}" height="{size}" viewBox="0 0 32 32"><title id="{ident}">'
            f'{escape(words)}</title><circle cx="16" cy="16" r="14" fill="#fff" '
            f'stroke="{colour}" stroke-width="3"/>{mark}</svg>')


def _variation(point_type: str, direction: str) -> tuple[str, str]:
    if point_type not in _VARIATION:
        raise ValueError(f"'{point_type}' is not a point type; use one a chart gives")
    colour, letter = _VARIATION[point_type]
    if direction == "decrease" and point_type in ("special_cause_improvement",
                                                  "special_cause_concern"):
        letter = {"H": "L", "L": "H"}[letter]  # improvement is lower when less is better
    return colour, letter


def variation_icon(point_type: str, improvement_direction: str = "neutral", *,
                   size: int = 32) -> str:
    """The variation icon of a chart's latest point as an SVG string."""
    colour, letter = _variation(point_type, improvement_direction)
    return _svg(colour, letter, variation_words(point_type, improvement_direction), size)


def assurance_icon(assurance: str | None, *, size: int = 32) -> str:
    """The assurance icon (P, F or ?) as an SVG string; empty where there is no target."""
    if assurance is None:
        return ""
    if assurance not in _ASSURANCE:
        raise ValueError(f"'{assurance}' is not an assurance; use one spc.assurance_type gives")
    colour, letter = _ASSURANCE[assurance]
    return _svg(colour, letter, ASSURANCE_WORDS[assurance], size)
