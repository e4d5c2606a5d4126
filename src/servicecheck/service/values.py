"""The service file's plain values that the model needs without its schema: the default
failure kinds and channels, and durations as a team writes them ('24h', '10wd').

Kept apart from ``schema`` (pydantic) so that reading a service a workspace stored, which
the schema checked when the team's file was first read, loads no pydantic: a command such
as ``servicecheck flow`` spent about 0.2 s of CPU building the schema's models only to read
back what it had written (tests/test_startup.py).
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_CHANNELS", "DEFAULT_FAILURE_KINDS", "MAX_DAYS", "duration_days",
           "working_days"]

DEFAULT_FAILURE_KINDS = (
    "not done",
    "not done right",
    "progress chasing",
    "not understood",
    "repeat",
    "complaint",
)
DEFAULT_CHANNELS = ("phone", "web", "counter", "email", "letter", "visit", "app", "unknown")
# Ranges wide enough for any real service, narrow enough to catch a slip (1e308 days).
MAX_DAYS = 3650.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hours?|d|days?|w|weeks?)\s*$", re.I)


_WORKING_DAYS = re.compile(r"^\s*(\d+)\s*(wd|working[ _-]?days?)\s*$", re.I)


def working_days(text: object) -> int | None:
    """'10wd' or '10 working days' as a whole number of working days; None otherwise."""
    m = _WORKING_DAYS.match(str(text))
    return int(m.group(1)) if m else None


def duration_days(value: object) -> float:
    """'24h', '7d', '8 weeks' or a number of days, in days."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        days = float(value)
    else:
        m = _DURATION.match(value) if isinstance(value, str) else None
        if not m:
            raise ValueError(f"'{value}' is not a duration; write it like '24h', '7d' or '8w'")
        n, unit = float(m.group(1)), m.group(2)[0].lower()
        days = n / 24 if unit == "h" else n * 7 if unit == "w" else n
    if not 0 < days <= MAX_DAYS:
        raise ValueError(f"'{value}' is not a duration between an hour and ten years; "
                         "write it like '24h', '7d' or '8w'")
    return days
