"""Running the web app's store: people, integration tokens and the retention period."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from servicecheck.cli.common import DatabaseOpt, PasswordStdinOpt, err, say, say_each
from servicecheck.io.errors import InputError

if TYPE_CHECKING:
    from servicecheck.store import Store


def users_add(
    name: Annotated[str, typer.Argument(help="The name they sign in with.")],
    role: Annotated[str, typer.Option(help="recorder, analyst or admin.")] = "recorder",
    database: DatabaseOpt = "servicecheck.db",
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Add a person with a role: recorders capture, analysts also see dashboards and export,
    admins also manage people and integrations."""
    from servicecheck.store.accounts import add_user

    password = _read_password(password_stdin)
    with _store(database) as store:
        add_user(store, name, password, role)
    say(f"Added {name} as {role}.")


def users_list(database: DatabaseOpt = "servicecheck.db") -> None:
    """Everyone who may sign in, with their role and whether they are disabled."""
    from servicecheck.store.accounts import list_users

    with _store(database) as store:
        say_each(list_users(store),
                 lambda u: f"{u.name}: {u.role}, {'disabled' if u.disabled else 'active'}",
                 "No users yet: add one with `servicecheck users add NAME --role admin`.")


def users_disable(
    name: Annotated[str, typer.Argument(help="The user (a leaver, a lost laptop).")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Stop a user signing in; their open sessions end at once."""
    from servicecheck.store.accounts import set_disabled

    with _store(database) as store:
        set_disabled(store, name, True)
    say(f"Disabled {name}: their sessions have ended.")


def users_enable(name: Annotated[str, typer.Argument(help="The user.")],
                 database: DatabaseOpt = "servicecheck.db") -> None:
    """Let a disabled user sign in again."""
    from servicecheck.store.accounts import set_disabled

    with _store(database) as store:
        set_disabled(store, name, False)
    say(f"Enabled {name}.")


def users_reset_password(
    name: Annotated[str, typer.Argument(help="The user.")],
    database: DatabaseOpt = "servicecheck.db",
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Set a new password; the user's open sessions end."""
    from servicecheck.store.accounts import reset_password

    password = _read_password(password_stdin)
    with _store(database) as store:
        reset_password(store, name, password)
    say(f"Set a new password for {name}: their sessions have ended.")


def purge(
    days: Annotated[float, typer.Option(
        "--older-than-days", help="Delete captured demand received more than this many days "
        "ago (your retention period).")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Delete captured demand older than the retention period (and old login records)."""
    from servicecheck.store.capture import purge as purge_old

    if not days < float("inf"):  # nan and inf: no retention period at all
        raise InputError(f"'{days}' is not a number of days", source="--older-than-days",
                         fix="give the retention period in days, e.g. 730")
    if days < 1:
        raise InputError(f"{days} days would delete today's demand", source="--older-than-days",
                         fix="give the retention period in days, e.g. 730")
    with _store(database) as store:
        gone = purge_old(store, days)
    say(f"Deleted {gone:,} demands received more than {days:g} days ago.")


def tokens_add(
    name: Annotated[str, typer.Argument(help="The integration, e.g. 'repairs-crm'.")],
    database: DatabaseOpt = "servicecheck.db",
) -> None:
    """Create a token for one integration; it is printed once and stored only as a hash."""
    from servicecheck.store.accounts import add_token

    with _store(database) as store:
        token = add_token(store, name)
    say(token)
    err.print("Give this token to the integration now: it is not shown again.",
              highlight=False, markup=False)


def tokens_list(database: DatabaseOpt = "servicecheck.db") -> None:
    """Every integration's token: when it was made and whether it is revoked."""
    from servicecheck.store.accounts import list_tokens

    with _store(database) as store:
        say_each(list_tokens(store), lambda t: f"{t.name}: made {t.created_at:%Y-%m-%d}, "
                 f"{'revoked' if t.revoked else 'active'}",
                 "No tokens yet: make one with `servicecheck tokens add NAME`.")


def tokens_revoke(name: Annotated[str, typer.Argument(help="The integration.")],
                  database: DatabaseOpt = "servicecheck.db") -> None:
    """Revoke an integration's token: refused from its next post on."""
    from servicecheck.store.accounts import revoke_token

    with _store(database) as store:
        revoke_token(store, name)
    say(f"Revoked the token of {name}: it is refused from now on.")


def _read_password(from_stdin: bool) -> str:
    from servicecheck.store.passwords import MIN_LENGTH

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    prompt = f"Password ({MIN_LENGTH} characters or more)"
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@contextlib.contextmanager
def _store(database: str) -> Iterator[Store]:
    from servicecheck.store import open_store

    store = open_store(database)
    try:
        yield store
    finally:
        store.close()
