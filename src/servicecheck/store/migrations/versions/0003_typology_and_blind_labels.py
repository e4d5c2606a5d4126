"""Demand types outside the typology ("other, say what") and second, blind classifications.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("demands", sa.Column("type_other", sa.String(200)))
    op.create_table(
        "second_labels",
        sa.Column("demand_id", sa.Integer, sa.ForeignKey("demands.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("classified_by", sa.String(80), nullable=False),
        sa.Column("nature", sa.String(10), nullable=False),
        sa.Column("demand_type", sa.String(200)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("second_labels")
    with op.batch_alter_table("demands") as batch:
        batch.drop_column("type_other")
