"""Pseudonymous citizen references: one person's needs join across services without their
identifier being stored. On import, whatever identifier a source has (customer number,
property reference, National Insurance number) becomes ``citizen_ref`` = a salted SHA-256 of
the identifier, normalised (trimmed, upper case, inner spaces removed). The raw identifier is
never written to the workspace.

The salt lives outside the workspace, so a copy of the workspace cannot be matched against a
list of identifiers: ``SERVICECHECK_SALT`` (a secret string), else the file named by
``SERVICECHECK_SALT_FILE``, else ``servicecheck/salt`` in the user's config folder
(``$XDG_CONFIG_HOME``, else ``~/.config``), created with 32 random bytes (readable by its owner
only) on first use, which is logged (a warning on this module's logger, naming only the file) so
that whoever makes it is told: the command line says it, the web app's log shows it when a
capture makes it. Every service imported with the same salt joins up; keep the salt as safe as
the data, and back it up: without it new imports no longer match.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from pathlib import Path

from servicecheck.io.sql import literal

REF_LENGTH = 24  # hex characters kept: 96 bits, no collisions at any council's size
LOG = logging.getLogger(__name__)
MADE = ("Made the salt for citizen references at %s: keep it as safe as the data and back it "
        "up, since later imports join up only with it.")


def salt_file() -> Path:
    """Where the salt is kept: the file the user names, else the user's config folder
    (``$XDG_CONFIG_HOME``, else ``~/.config``). The command line says so when it makes one."""
    named = os.environ.get("SERVICECHECK_SALT_FILE")
    if named:
        return Path(named)
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "servicecheck" / "salt"


def salt() -> str:
    given = os.environ.get("SERVICECHECK_SALT")
    if given:
        return given
    path = salt_file()
    if not path.exists():
        _make(path)
    return path.read_text(encoding="utf-8").strip()


def _make(path: Path) -> None:
    """Write a new salt whole beside ``path``, then link it into place: the web app's threads
    (or two imports) racing to make it agree on one, and none reads a salt half written.
    Only the one that made it says so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, written = tempfile.mkstemp(dir=path.parent, prefix=".salt-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        os.link(written, path)
    except FileExistsError:
        return  # another made it first
    finally:
        os.unlink(written)
    LOG.warning(MADE, path)


def normalise(identifier: str) -> str:
    return "".join(identifier.split()).upper()


def citizen_ref(identifier: str, salt_value: str | None = None) -> str:
    """The reference for one identifier (the same as an import computes)."""
    s = salt_value if salt_value is not None else salt()
    digest = hashlib.sha256(f"{s}|{normalise(identifier)}".encode()).hexdigest()
    return "c" + digest[:REF_LENGTH]


def citizen_ref_sql(column_sql: str, salt_value: str | None = None) -> str:
    """The same in DuckDB SQL, for a text expression (NULL stays NULL)."""
    s = literal(f"{salt_value if salt_value is not None else salt()}|")
    norm = f"upper(regexp_replace({column_sql}, '\\s+', '', 'g'))"
    return (f"CASE WHEN {column_sql} IS NULL THEN NULL ELSE "
            f"'c' || substr(sha256({s} || {norm}), 1, {REF_LENGTH}) END")
