"""People and integrations: accounts with argon2 password hashes, server-side sessions with a
CSRF token each, rate-limited login, and per-integration API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from servicecheck.io.errors import InputError
from servicecheck.store.db import Store, as_utc, now
from servicecheck.store.schema import ROLES, api_tokens, login_attempts, sessions, users

HASHER = PasswordHasher()
SESSION_HOURS = 12
MAX_FAILURES = 5          # failed logins for one name within the window...
FAILURE_WINDOW_MIN = 15   # ...before further attempts are refused for the rest of it
# a real hash to verify against when the name is unknown, so timing does not tell names apart
_DUMMY_HASH = HASHER.hash("not a password anyone has")


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


def add_user(store: Store, name: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise InputError(f"'{role}' is not a role", source="--role",
                         fix=f"use one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise InputError("the password is shorter than 10 characters", source="password",
                         fix="choose a longer one (a few words make a good password)")
    with store.writing() as c:
        if c.execute(sa.select(users.c.id).where(users.c.name == name)).first():
            raise InputError(f"there is already a user called '{name}'", source="users",
                             fix="choose another name")
        uid = c.execute(users.insert().values(
            name=name, password_hash=HASHER.hash(password), role=role, created_at=now(),
        ).returning(users.c.id)).scalar_one()
    store.audit("cli", "user added", f"{name} ({role})")
    return User(uid, name, role)


def login_refused(store: Store, name: str) -> bool:
    """Too many recent failures for this name: refuse without checking the password."""
    since = now() - dt.timedelta(minutes=FAILURE_WINDOW_MIN)
    with store.engine.connect() as c:
        failures = c.execute(sa.select(sa.func.count()).select_from(login_attempts).where(
            login_attempts.c.name == name, ~login_attempts.c.ok,
            login_attempts.c.at >= since)).scalar_one()
    return int(failures) >= MAX_FAILURES


def check_password(store: Store, name: str, password: str, ip: str) -> User | None:
    with store.engine.connect() as c:
        row = c.execute(sa.select(users).where(users.c.name == name, ~users.c.disabled)
                        ).first()
    ok = False
    try:
        HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
        ok = row is not None
    except VerificationError:
        ok = False
    with store.writing() as c:
        c.execute(login_attempts.insert().values(name=name[:80], ip=ip[:64], at=now(), ok=ok))
    return User(row.id, row.name, row.role) if ok and row else None


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


def add_token(store: Store, name: str) -> str:
    """A token for one integration (a council system posting demand); shown once."""
    token = "sc_" + secrets.token_urlsafe(32)
    with store.writing() as c:
        if c.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == name)).first():
            raise InputError(f"there is already an integration called '{name}'",
                             source="tokens", fix="choose another name, or revoke that one")
        c.execute(api_tokens.insert().values(name=name, token_hash=_digest(token),
                                             created_at=now()))
    store.audit("cli", "token added", name)
    return token


TOKEN_CACHE_SECONDS = 30.0
_token_cache: dict[tuple[str, str], tuple[float, str]] = {}


def integration_for(store: Store, token: str | None) -> str | None:
    """The integration a token belongs to. Looked up at most every 30 seconds per token (an
    integration posts many demands a second): a revoked token stops within that time."""
    if not token:
        return None
    key = (store.url, _digest(token))
    hit = _token_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < TOKEN_CACHE_SECONDS:
        return hit[1]
    with store.engine.connect() as c:
        name = c.execute(sa.select(api_tokens.c.name).where(
            api_tokens.c.token_hash == key[1], ~api_tokens.c.revoked)).scalar()
    if not name:
        return None  # unknown tokens are not remembered: a new one works at once
    if len(_token_cache) > 1_000:
        _token_cache.clear()
    _token_cache[key] = (time.monotonic(), str(name))
    return str(name)
