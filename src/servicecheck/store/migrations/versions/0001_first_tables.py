"""The first tables: users, sessions, demands, integration tokens, audit, login attempts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

# Written out in full (not read from schema.py), so that later revisions stay replayable.
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_table(
        "demands",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("verbatim", sa.Text, nullable=False),
        sa.Column("demand_type", sa.String(200)),
        sa.Column("nature", sa.String(10), nullable=False),
        sa.Column("failure_kind", sa.String(200)),
        sa.Column("first_point_resolved", sa.Boolean),
        sa.Column("case_id", sa.String(200)),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("suggested_nature", sa.String(10)),
        sa.Column("suggested_confidence", sa.Float),
    )
    op.create_index("ix_demands_service_received", "demands", ["service", "received_at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_name_at", "login_attempts", ["name", "at"])


def downgrade() -> None:
    for name in ("login_attempts", "audit", "api_tokens", "demands", "sessions", "users"):
        op.drop_table(name)
