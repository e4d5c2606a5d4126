"""Sign-in throttling that slows guessing down without ever locking a name.

Each user name and each client address has a row counting the attempts that failed in a row.
The first few are free; after them every attempt must wait for the one before by a delay that
doubles (1 s, 2 s, 4 s ...) up to a minute, never more: a stranger's wrong guesses can make a
real user wait at most a minute, and an attacker gets at most one guess a minute per name
(against passwords of 12 or more characters that are not on the common list).

A browser the user has signed in from before carries a device cookie; its attempts are
counted on their own row instead of the name's and the address's, so a stranger guessing at
the name from elsewhere does not slow the real user there at all (OWASP's device cookies).

An attempt is counted *before* its password is checked, by one conditional UPDATE that succeeds
only when the row's next allowed time has come: concurrent attempts queue on the row in the
database (SQLite and PostgreSQL alike), so 40 at once get no more checks than one at a time.
A right password gives its count back.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from servicecheck.store.schema import login_throttle as t

MAX_DELAY = 60.0
QUIET_RESET = 15 * 60.0  # a name or address quiet this long starts again from no failures


@dataclass(frozen=True)
class Key:
    kind: str  # "name" or "addr": what the row throttles
    free: int  # failures in a row that need no wait

    def row(self, value: str) -> str:
        return f"{self.kind}:{value[:120]}"


NAME = Key("name", 5)
# several people behind one council office's address mistype too: more free attempts there
ADDRESS = Key("addr", 20)
# a browser the user signed in from before (its device cookie): throttled on its own, in
# place of the name and the address, so guesses from elsewhere never slow it
DEVICE = Key("device", 5)


class Throttled(Exception):
    """An attempt arrived before its turn; ``seconds`` until the next may be checked."""

    def __init__(self, key: Key, seconds: float) -> None:
        super().__init__(f"{key.kind} throttled for {seconds:.1f} s")
        self.key = key
        self.seconds = seconds


def delay_after(failures: int, free: int) -> float:
    """Seconds the next attempt waits after ``failures`` failures in a row."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - free))


def allowed_within(seconds: float, free: int) -> int:
    """How many attempts the schedule lets through in ``seconds`` from a fresh start: the
    bound the concurrency test holds the database to."""
    n, at = 0, 0.0
    while at <= seconds:
        n += 1
        at += delay_after(n, free)
    return n


def _delay_sql(failures: sa.ColumnElement[int], free: int) -> sa.ColumnElement[float]:
    """delay_after as a SQL expression (no portable power function: the doubling steps are
    listed until the cap)."""
    steps = []
    f = free
    while delay_after(f, free) < MAX_DELAY:
        steps.append((failures == f, delay_after(f, free)))
        f += 1
    return sa.case((failures < free, 0.0), *steps, else_=MAX_DELAY)


def _ensure(conn: sa.Connection, key: str) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(t).values(key=key, failures=0, next_at=0.0).on_conflict_do_nothing())


def claim(conn: sa.Connection, key: Key, value: str, at: float) -> None:
    """Count one attempt for ``value`` now, or raise Throttled if its turn has not come.
    Within the caller's transaction: roll it back on Throttled to give other claims back."""
    row = key.row(value)
    _ensure(conn, row)
    failures = sa.case((t.c.next_at < at - QUIET_RESET, 1), else_=t.c.failures + 1)
    done = conn.execute(t.update().where(t.c.key == row, t.c.next_at <= at).values(
        failures=failures, next_at=at + _delay_sql(failures, key.free)))
    if done.rowcount != 1:
        next_at = conn.execute(sa.select(t.c.next_at).where(t.c.key == row)).scalar_one()
        # an attempt that read the clock just before the one that claimed the row could be
        # told 60.001 s: the wait said is never more than the cap
        raise Throttled(key, min(max(float(next_at) - at, 0.1), MAX_DELAY))


def succeeded(conn: sa.Connection, name: str, address: str, device: str | None) -> None:
    """A right password. From a known device, that device starts again (the name's count,
    made by strangers' guesses, stays). Otherwise the name starts again, and the address gives
    back this attempt only (one account's sign-in must not wipe out guesses at others)."""
    if device:
        conn.execute(t.update().where(t.c.key == DEVICE.row(device))
                     .values(failures=0, next_at=0.0))
        return
    conn.execute(t.update().where(t.c.key == NAME.row(name)).values(failures=0, next_at=0.0))
    conn.execute(t.update().where(t.c.key == ADDRESS.row(address), t.c.failures > 0)
                 .values(failures=t.c.failures - 1))


def forget(conn: sa.Connection, name: str) -> None:
    """An admin reset the password or enabled the user: let them in at once."""
    conn.execute(t.delete().where(t.c.key == NAME.row(name)))
