"""incident handling: who acknowledged and who closed an incident, and when

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db.types

revision: str = '0016'
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', server.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', server.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incident_acknowledged_by_id_app_user'), 'app_user', ['acknowledged_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_incident_closed_by_id_app_user'), 'app_user', ['closed_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_closed_by_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_incident_acknowledged_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('acknowledged_by_id')
