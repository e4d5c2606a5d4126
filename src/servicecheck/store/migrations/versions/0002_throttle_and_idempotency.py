"""Sign-in throttle per name, per address and per known device; the integration's id on
demands (idempotent API).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_at", sa.Float, nullable=False, server_default="0"),
    )
    op.create_table(
        "devices",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("demands", sa.Column("external_id", sa.String(200)))
    op.add_column("demands", sa.Column("request_hash", sa.String(64)))
    # NULLs are distinct in a unique index on SQLite and PostgreSQL: demands without an id
    # are never refused by it
    op.create_index("uq_demands_source_external_id", "demands", ["source", "external_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("uq_demands_source_external_id", "demands")
    with op.batch_alter_table("demands") as batch:
        batch.drop_column("request_hash")
        batch.drop_column("external_id")
    op.drop_table("devices")
    op.drop_table("login_throttle")
