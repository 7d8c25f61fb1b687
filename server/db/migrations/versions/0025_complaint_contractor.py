"""complaint contractor: the contractor a complaint is about

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 03:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contractor_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_enquiry_contractor_id"), ["contractor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_enquiry_contractor_id_contractor"), "contractor", ["contractor_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_enquiry_contractor_id_contractor"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_enquiry_contractor_id"))
        batch_op.drop_column("contractor_id")
