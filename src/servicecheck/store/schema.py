"""The tables. One definition, read by the migrations' first revision and by the queries."""

from __future__ import annotations

import sqlalchemy as sa

from servicecheck.demand.fields import LENGTHS

metadata = sa.MetaData()

ROLES = ("recorder", "analyst", "admin")

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
)

sessions = sa.Table(
    "sessions", metadata,
    # only a hash of the cookie's token is stored: a copy of the database opens no session
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

demands = sa.Table(
    "demands", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("service", sa.String(200), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("channel", sa.String(LENGTHS["channel"]), nullable=False),
    sa.Column("verbatim", sa.Text, nullable=False),
    sa.Column("demand_type", sa.String(LENGTHS["demand_type"])),
    # "Other" types: what the recorder wrote, until an analyst maps it into the typology
    sa.Column("type_other", sa.String(LENGTHS["type_other"])),
    sa.Column("nature", sa.String(10), nullable=False),
    sa.Column("failure_kind", sa.String(LENGTHS["failure_kind"])),
    sa.Column("first_point_resolved", sa.Boolean),
    sa.Column("case_id", sa.String(LENGTHS["case_id"])),
    sa.Column("recorded_by", sa.String(LENGTHS["recorded_by"]), nullable=False),
    sa.Column("source", sa.String(120), nullable=False),  # "form" or "api:<integration>"
    sa.Column("suggested_nature", sa.String(10)),
    sa.Column("suggested_confidence", sa.Float),
    # the integration's own id for the demand (or its Idempotency-Key): a repeat of the same
    # post finds the first row instead of storing a second; the hash tells a true repeat
    # from a different demand sent under the same id
    sa.Column("external_id", sa.String(LENGTHS["external_id"])),
    sa.Column("request_hash", sa.String(64)),
    sa.Index("ix_demands_service_received", "service", "received_at"),
    sa.Index("uq_demands_source_external_id", "source", "external_id", unique=True),
)

# A second person's blind classification of a captured demand (they saw only its words and
# channel): agreement between the two is how good the team's classification is.
second_labels = sa.Table(
    "second_labels", metadata,
    sa.Column("demand_id", sa.Integer, sa.ForeignKey("demands.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("classified_by", sa.String(80), nullable=False),
    sa.Column("nature", sa.String(10), nullable=False),
    sa.Column("demand_type", sa.String(200)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # never a verbatim: ids and counts only
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Index("ix_login_attempts_name_at", "name", "at"),
)

# Browsers a user has signed in from: a sign-in from one of them is throttled on its own
# (device cookie, OWASP), so a stranger's guesses at the name never slow the real user there.
devices = sa.Table(
    "devices", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # of the cookie's token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# One row per user name ("name:...") and per client address ("addr:..."): how many sign-in
# attempts failed in a row and when the next may be checked (seconds since the epoch). The
# row is claimed by one conditional UPDATE, so concurrent attempts cannot overrun it.
login_throttle = sa.Table(
    "login_throttle", metadata,
    sa.Column("key", sa.String(160), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_at", sa.Float, nullable=False, server_default="0"),
)
