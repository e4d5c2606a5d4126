"""The rules for user names and passwords, each broken rule one sentence with its fix.

Passwords: 12 characters or more, at least 5 different characters, not the user name nor
containing it, and not one of the 20,000 common passwords Django ships (data/, with its
licence), compared without case and without digits or symbols added at either end
("Password2024!" is "password").
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from servicecheck.store.text import character_problem

MIN_LENGTH = 12
MIN_DIFFERENT = 5
NAME_LENGTH = 80  # users.name


@functools.cache
def common_passwords() -> frozenset[str]:
    data = resources.files("servicecheck.store").joinpath("data/common-passwords.txt.gz")
    return frozenset(gzip.decompress(data.read_bytes()).decode().split())


def name_problem(name: str, what: str = "user name") -> str | None:
    """Why ``name`` cannot name a user (or, with ``what``, an integration), or None."""
    if not name.strip():
        return f"the {what} is empty; give one"
    if name != name.strip():
        return f"the {what} starts or ends with a space; remove it"
    if len(name) > NAME_LENGTH:
        return f"the {what} is longer than {NAME_LENGTH} characters; choose a shorter one"
    problem = character_problem(name)
    return f"the {what} {problem}" if problem else None


def password_problem(name: str, password: str) -> str | None:
    """Why ``password`` may not be used by ``name``, or None if it may."""
    problem = character_problem(password)
    if problem:
        return f"the password {problem}"
    if not password.strip():
        return "the password is only spaces; choose a few words you will remember"
    if len(password) < MIN_LENGTH:
        return (f"the password is shorter than {MIN_LENGTH} characters; choose a longer one "
                "(a few words make a good password)")
    if len(set(password)) < MIN_DIFFERENT:
        return (f"the password uses fewer than {MIN_DIFFERENT} different characters; choose "
                "one that is not a repeated pattern")
    lowered, who = password.casefold(), name.strip().casefold()
    if who and (lowered == who or (len(who) >= 3 and who in lowered)):
        return "the password contains the user name; choose one that does not"
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,;:?'\"~ ")
    if lowered in common_passwords() or (len(core) >= 4 and core in common_passwords()):
        return "the password is on the list of common passwords; choose a less common one"
    return None
