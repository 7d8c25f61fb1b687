"""field security: sign-in throttling per employee number and address, the daily upload
quota, the indexes Web Push delivery and the SLA check read through

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure") as batch:
        batch.add_column(
            sa.Column("unknown_employee", sa.Boolean(), server_default="0", nullable=False)
        )
        batch.drop_index("ix_login_failure_employee_no")
        batch.create_index(
            "ix_login_failure_pair", ["employee_no", "remote_addr", "created_at"], unique=False
        )
        batch.create_index(
            "ix_login_failure_address",
            ["remote_addr", "unknown_employee", "created_at"],
            unique=False,
        )


    with op.batch_alter_table("blob") as batch:
        batch.create_index("ix_blob_uploader_day", ["uploaded_by_id", "created_at"], unique=False)


    pending = sa.text("pushed_at IS NULL")
    with op.batch_alter_table("notification") as batch:
        batch.create_index(
            "ix_notification_pending",
            ["created_at", "id"],
            unique=False,
            postgresql_where=pending,
            sqlite_where=pending,
        )
        batch.create_index(
            "ix_notification_order_kind", ["work_order_id", "kind"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_order_kind")
        batch.drop_index("ix_notification_pending")
    with op.batch_alter_table("blob") as batch:
        batch.drop_index("ix_blob_uploader_day")
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_index("ix_login_failure_address")
        batch.drop_index("ix_login_failure_pair")
        batch.create_index("ix_login_failure_employee_no", ["employee_no"], unique=False)
        batch.drop_column("unknown_employee")
