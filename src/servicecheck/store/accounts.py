"""People and integrations: accounts with argon2 password hashes, server-side sessions with a
CSRF token each, throttled sign-in (throttle.py), per-integration API tokens, and the lifecycle
an admin needs: list, disable, enable, reset a password, revoke a token. Every check reads the
database, never a cache: a disabled user or a revoked token stops at the next request."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from servicecheck.io.errors import InputError
from servicecheck.store import throttle
from servicecheck.store.db import Store, as_utc, now
from servicecheck.store.passwords import name_problem, password_problem
from servicecheck.store.schema import (
    ROLES,
    api_tokens,
    devices,
    login_attempts,
    sessions,
    users,
)

HASHER = PasswordHasher()
SESSION_HOURS = 12


@functools.cache
def _dummy_hash() -> str:
    """A real hash to verify against when the name is unknown, so timing does not tell names
    apart; made on the first login, not when the module loads (argon2 takes its time on
    purpose, and every command that touches the store would wait for it)."""
    return HASHER.hash("not a password anyone has")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Roles are ordered: an admin may do what an analyst may, and so on."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refuse(sentence: str | None) -> None:
    """Raise the policy's sentence ("problem; fix", naming the field) as an InputError."""
    if sentence:
        problem, _, fix = sentence.partition("; ")
        raise InputError(problem, fix=fix)


def add_user(store: Store, name: str, password: str, role: str, actor: str = "cli") -> User:
    if role not in ROLES:
        raise InputError(f"'{role}' is not a role", source="--role",
                         fix=f"use one of {', '.join(ROLES)}")
    # before the name is looked up: PostgreSQL refuses a NUL even in a query's parameter
    _refuse(name_problem(name))
    with store.writing() as c:
        if c.execute(sa.select(users.c.id).where(users.c.name == name)).first():
            raise InputError(f"there is already a user called '{name}'", source="users",
                             fix="choose another name")
        user = _insert_user(c, name, password, role)
    store.audit(actor, "user added", f"{name} ({role})")
    return user


def _insert_user(c: sa.Connection, name: str, password: str, role: str) -> User:
    """The one place a person is made: the name and password checked, the password hashed."""
    _refuse(name_problem(name))
    _refuse(password_problem(name, password))
    uid = c.execute(users.insert().values(
        name=name, password_hash=HASHER.hash(password), role=role, created_at=now(),
    ).returning(users.c.id)).scalar_one()
    return User(uid, name, role)


def has_users(store: Store) -> bool:
    with store.engine.connect() as c:
        return c.execute(sa.select(users.c.id).limit(1)).first() is not None


def add_first_admin(store: Store, name: str, password: str) -> User:
    """The first admin, made from the browser on a first run: only while nobody exists (two
    at once make one; the other is told someone was first)."""
    with store.writing() as c:
        if c.dialect.name == "postgresql":  # SQLite's writers queue already (Store.writing)
            c.execute(sa.text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
        if c.execute(sa.select(users.c.id).limit(1)).first() is not None:
            raise InputError("someone has already made the first admin", source="setup",
                             fix="sign in, or ask that admin to add you")
        user = _insert_user(c, name, password, "admin")
    store.audit("setup", "user added", f"{name} (admin), the first, from the browser")
    return user


def _known_device(c: sa.Connection, name: str, device: str | None) -> str | None:
    """The device cookie's hash, if the browser signed in as ``name`` before."""
    if not device:
        return None
    digest = _digest(device)
    known = c.execute(sa.select(devices.c.token_hash).join(users).where(
        devices.c.token_hash == digest, users.c.name == name)).first()
    return digest if known else None


def sign_in(store: Store, name: str, password: str, address: str,
            at: float | None = None, device: str | None = None) -> User | None:
    """The user if the password is right, None if not; raises throttle.Throttled, without
    checking the password, when this name and address (or this known device) must wait."""
    at = time.time() if at is None else at
    with store.writing() as c:  # one transaction: a refused claim gives the other back
        known = _known_device(c, name, device)
        if known:
            throttle.claim(c, throttle.DEVICE, known, at)
        else:
            throttle.claim(c, throttle.ADDRESS, address, at)
            throttle.claim(c, throttle.NAME, name, at)
    with store.engine.connect() as c:
        row = c.execute(sa.select(users).where(users.c.name == name, ~users.c.disabled)
                        ).first()
    ok = False
    try:
        HASHER.verify(row.password_hash if row else _dummy_hash(), password)
        ok = row is not None
    except VerificationError:
        ok = False
    with store.writing() as c:
        c.execute(login_attempts.insert().values(name=name[:80], ip=address[:64], at=now(),
                                                 ok=ok))
        if ok:
            throttle.succeeded(c, name, address, known)
    return User(row.id, row.name, row.role) if ok and row else None


def remember_device(store: Store, user: User, device: str | None) -> str | None:
    """After a right password: a new device token for the browser's cookie, unless the one it
    sent is already this user's (then None: keep it)."""
    with store.engine.connect() as c:
        if _known_device(c, user.name, device):
            return None
    token = secrets.token_urlsafe(32)
    with store.writing() as c:
        c.execute(devices.insert().values(token_hash=_digest(token), user_id=user.id,
                                          created_at=now()))
    return token


def start_session(store: Store, user: User) -> tuple[str, Session]:
    """A new session; returns the cookie's token (only its hash is stored) and the session."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store.writing() as c:
        c.execute(sessions.insert().values(
            token_hash=_digest(token), user_id=user.id, csrf=csrf, created_at=now(),
            expires_at=now() + dt.timedelta(hours=SESSION_HOURS)))
    return token, Session(user, csrf)


def session_for(store: Store, token: str | None) -> Session | None:
    if not token:
        return None
    with store.engine.connect() as c:
        row = c.execute(sa.select(sessions.c.csrf, sessions.c.expires_at, users.c.id,
                                  users.c.name, users.c.role)
                        .join(users, users.c.id == sessions.c.user_id)
                        .where(sessions.c.token_hash == _digest(token), ~users.c.disabled)
                        ).first()
    if row is None or as_utc(row.expires_at) < now():
        return None
    return Session(User(row.id, row.name, row.role), row.csrf)


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.writing() as c:
            c.execute(sessions.delete().where(sessions.c.token_hash == _digest(token)))


def add_token(store: Store, name: str, actor: str = "cli") -> str:
    """A token for one integration (a council system posting demand); shown once."""
    _refuse(name_problem(name, "integration name"))
    token = "sc_" + secrets.token_urlsafe(32)
    with store.writing() as c:
        if c.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == name)).first():
            raise InputError(f"there is already an integration called '{name}'",
                             source="tokens", fix="choose another name, or revoke that one")
        c.execute(api_tokens.insert().values(name=name, token_hash=_digest(token),
                                             created_at=now()))
    store.audit(actor, "token added", name)
    return token


def integration_for(store: Store, token: str | None) -> str | None:
    """The integration a live token belongs to. Read from the database at every post (one
    indexed lookup): a revoked token is refused from the next request on, in every worker."""
    if not token:
        return None
    with store.engine.connect() as c:
        name = c.execute(sa.select(api_tokens.c.name).where(
            api_tokens.c.token_hash == _digest(token), ~api_tokens.c.revoked)).scalar()
    return str(name) if name else None


# -- lifecycle ----------------------------------------------------------------------------------
def list_users(store: Store) -> list[sa.Row[Any]]:
    with store.engine.connect() as c:
        return list(c.execute(sa.select(users.c.name, users.c.role, users.c.disabled,
                                        users.c.created_at).order_by(users.c.name)))


def list_tokens(store: Store) -> list[sa.Row[Any]]:
    with store.engine.connect() as c:
        return list(c.execute(sa.select(api_tokens.c.name, api_tokens.c.created_at,
                                        api_tokens.c.revoked).order_by(api_tokens.c.name)))


def _user_id(c: sa.Connection, name: str) -> int:
    uid = c.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if uid is None:
        raise InputError(f"there is no user called '{name}'", source="users",
                         fix="check the name with `servicecheck users list`")
    return int(uid)


def _sign_out_everywhere(c: sa.Connection, uid: int) -> None:
    """End every session and forget every browser of the user (a thief's included)."""
    c.execute(sessions.delete().where(sessions.c.user_id == uid))
    c.execute(devices.delete().where(devices.c.user_id == uid))


def set_disabled(store: Store, name: str, disabled: bool, actor: str = "cli") -> None:
    """Disable (a leaver: every session of theirs ends now) or enable a user."""
    with store.writing() as c:
        uid = _user_id(c, name)
        if disabled and actor == name:
            raise InputError("you cannot disable yourself", source="users",
                             fix="ask another admin to do it")
        c.execute(users.update().where(users.c.id == uid).values(disabled=disabled))
        if disabled:
            _sign_out_everywhere(c, uid)
        else:
            throttle.forget(c, name)
    store.audit(actor, "user disabled" if disabled else "user enabled", name)


def reset_password(store: Store, name: str, password: str, actor: str = "cli") -> None:
    """A new password; the user's sessions end (whoever knew the old one is signed out)."""
    _refuse(password_problem(name, password))
    with store.writing() as c:
        uid = _user_id(c, name)
        c.execute(users.update().where(users.c.id == uid).values(
            password_hash=HASHER.hash(password)))
        _sign_out_everywhere(c, uid)
        throttle.forget(c, name)
    store.audit(actor, "password reset", name)


def revoke_token(store: Store, name: str, actor: str = "cli") -> None:
    with store.writing() as c:
        done = c.execute(api_tokens.update().where(api_tokens.c.name == name)
                         .values(revoked=True)).rowcount
    if not done:
        raise InputError(f"there is no integration called '{name}'", source="tokens",
                         fix="check the name with `servicecheck tokens list`")
    store.audit(actor, "token revoked", name)
