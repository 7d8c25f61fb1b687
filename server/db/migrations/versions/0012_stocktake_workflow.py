"""stocktake workflow: who submitted a stocktake and when; count lines that arrived after
approval or cancellation are kept and flagged late

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stocktake", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "submitted_at", server.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_stocktake_submitted_by_id_app_user"),
            "app_user",
            ["submitted_by_id"],
            ["id"],
        )
    with op.batch_alter_table("stocktake_line", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("stocktake_line", schema=None) as batch_op:
        batch_op.drop_column("late")
    with op.batch_alter_table("stocktake", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_stocktake_submitted_by_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("submitted_by_id")
