"""contractor ratings: each clinical department's monthly satisfaction score of each
contractor, the earlier ratings of a month kept as superseded rows

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 02:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db.types

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text('superseded_at IS NULL')


def upgrade() -> None:
    op.create_table('contractor_rating',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('rated_by_id', sa.Uuid(), nullable=False),
    sa.Column('rated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('op_hash', sa.String(length=64), nullable=False),
    sa.Column('superseded_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_contractor_rating_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_contractor_rating_department_id_department')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['app_user.id'], name=op.f('fk_contractor_rating_rated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contractor_rating'))
    )
    with op.batch_alter_table('contractor_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contractor_rating_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contractor_rating_op_id'), ['op_id'], unique=False)
        batch_op.create_index('ix_contractor_rating_contractor_month', ['contractor_id', 'month'], unique=False)
        batch_op.create_index(
            'uq_contractor_rating_current',
            ['department_id', 'contractor_id', 'month'],
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        )


def downgrade() -> None:
    with op.batch_alter_table('contractor_rating', schema=None) as batch_op:
        batch_op.drop_index('uq_contractor_rating_current')
        batch_op.drop_index('ix_contractor_rating_contractor_month')
        batch_op.drop_index(batch_op.f('ix_contractor_rating_op_id'))
        batch_op.drop_index(batch_op.f('ix_contractor_rating_department_id'))

    op.drop_table('contractor_rating')
