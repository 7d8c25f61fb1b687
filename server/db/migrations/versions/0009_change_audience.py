"""change audience: who may hear of each change, for a pull feed scoped in the query

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIENCE = ("site_id", "team_id", "department_id", "contractor_id")


def upgrade() -> None:
    # Change rows written before this have no audience; every phone's cursor is reset once
    # (the pull's scope fingerprint changed with the feed), so none of them is read again.
    for name in AUDIENCE:
        op.add_column("sync_change", sa.Column(name, sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_change") as batch:
        for name in reversed(AUDIENCE):
            batch.drop_column(name)
