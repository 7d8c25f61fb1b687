"""clock bounds: the claimed time as recorded, and why it was replaced

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sync_stream",
        sa.Column("last_claimed_at", server.db.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "sync_op",
        sa.Column("claimed_at", server.db.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "sync_op",
        sa.Column("clock_flag", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column(
        "work_order_event",
        sa.Column("clock_flag", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("work_order_event") as batch:
        batch.drop_column("clock_flag")
    with op.batch_alter_table("sync_op") as batch:
        batch.drop_column("clock_flag")
        batch.drop_column("claimed_at")
    with op.batch_alter_table("sync_stream") as batch:
        batch.drop_column("last_claimed_at")
