"""part lines name the stock movement that took their part out of a store

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('part_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('movement_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_part_line_movement_id'), ['movement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_part_line_movement_id_stock_movement'), 'stock_movement', ['movement_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('part_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_part_line_movement_id_stock_movement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_part_line_movement_id'))
        batch_op.drop_column('movement_id')
