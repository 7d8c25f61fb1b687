"""planned shifts (late starts and early leaves are judged against them); the op log
looked up by hash (a printed statement's lines)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db.types

revision: str = '0015'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('planned_shift',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=True),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_planned_shift_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_planned_shift_site_id_site')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_planned_shift_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_shift'))
    )
    with op.batch_alter_table('planned_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_shift_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index('ix_planned_shift_user_day', ['user_id', 'day'], unique=False)
    with op.batch_alter_table('sync_op', schema=None) as batch_op:
        batch_op.create_index('ix_sync_op_hash', ['op_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_op', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_op_hash')
    with op.batch_alter_table('planned_shift', schema=None) as batch_op:
        batch_op.drop_index('ix_planned_shift_user_day')
        batch_op.drop_index(batch_op.f('ix_planned_shift_contractor_id'))

    op.drop_table('planned_shift')
