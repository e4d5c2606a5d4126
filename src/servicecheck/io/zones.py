"""The service's time zone, from evidence in the file: times written with their offset from
UTC (2024-03-08T09:00:00-05:00) fit only the zones whose clocks were that far from UTC at
those moments; a summer and a winter offset (-04:00 and -05:00) narrow them to a few. Times
all in UTC (Z, +00:00) and dates written month first say nothing of where a service is: then
there is no proposal, and the page asks."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import zoneinfo
from dataclasses import dataclass

# the zones proposed first when several fit the same offsets (the places servicecheck's
# teams work in); any other zone that fits comes after, in name order
PREFERRED = ("Europe/London", "America/New_York", "America/Chicago", "America/Denver",
             "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
             "America/Toronto", "America/Vancouver", "America/Halifax", "Europe/Dublin",
             "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Australia/Sydney",
             "Australia/Brisbane", "Australia/Adelaide", "Australia/Perth",
             "Pacific/Auckland", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
             "Africa/Johannesburg")
SAMPLES = 200  # times looked at: the offsets seen, and a moment for each


@dataclass(frozen=True)
class ZoneEvidence:
    """What the file's own offsets say: the zone proposed (None when they say nothing of
    where the service is, as times all in UTC do), the offsets seen, as written
    ("-05:00"), and other zones that fit them as well."""

    zone: str | None
    offsets: tuple[str, ...]
    also: tuple[str, ...] = ()

    @property
    def utc(self) -> bool:
        """Whether every time is written in UTC (else, with no zone, no one zone has all the
        offsets on the file's dates)."""
        return self.offsets == (_offset(0),)


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _aware(value: str) -> dt.datetime | None:
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


@functools.cache
def _zones() -> tuple[str, ...]:
    """The IANA zones a place goes by (Area/City), preferred first."""
    areas = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/",
             "Europe/", "Indian/", "Pacific/")
    named = sorted(z for z in zoneinfo.available_timezones() if z.startswith(areas))
    return (*[z for z in PREFERRED if z in named], *[z for z in named if z not in PREFERRED])


def zone_from_offsets(values: list[str], *, current: str | None = None) -> ZoneEvidence | None:
    """The zone the times' own offsets propose (``current``, the service's zone, first when
    it fits); None when no time carries an offset."""
    seen: dict[int, dt.datetime] = {}
    for value in values[:SAMPLES]:
        when = _aware(value)
        offset = when.utcoffset() if when is not None else None
        if when is not None and offset is not None:
            seen.setdefault(int(offset.total_seconds() // 60), when)
    if not seen:
        return None
    offsets = tuple(_offset(m) for m in sorted(seen))
    if set(seen) == {0}:  # written in UTC: the system's habit, not the service's place
        return ZoneEvidence(zone=None, offsets=offsets)
    order = _zones() if current is None else (current, *[z for z in _zones() if z != current])
    fitting = (z for z in order if all(_fits(z, m, when) for m, when in seen.items()))
    fits = list(itertools.islice(fitting, 4))  # the proposal and three more that fit
    return ZoneEvidence(zone=fits[0] if fits else None, offsets=offsets,
                        also=tuple(fits[1:4]))


def _fits(zone: str, minutes: int, when: dt.datetime) -> bool:
    try:
        local = when.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    offset = local.utcoffset()
    return offset is not None and int(offset.total_seconds() // 60) == minutes
