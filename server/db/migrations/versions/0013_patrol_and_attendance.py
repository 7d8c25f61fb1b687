"""patrol and attendance: route schedules, expected rounds, rounds, checkpoint scans,
incidents, clock events, walking times; clock points, free-order routes, site time zones

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:13:47.973637
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.db.types

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('patrol_round',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('route_id', sa.Uuid(), nullable=False),
    sa.Column('expected_round_id', sa.Uuid(), nullable=True),
    sa.Column('guard_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('in_progress', 'ended', name='roundstatus', native_enum=False, length=16), nullable=False),
    sa.Column('started_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('start_op_id', sa.Uuid(), nullable=True),
    sa.Column('start_op_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('end_op_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_patrol_round_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['guard_id'], ['app_user.id'], name=op.f('fk_patrol_round_guard_id_app_user')),
    sa.ForeignKeyConstraint(['route_id'], ['route.id'], name=op.f('fk_patrol_round_route_id_route')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_patrol_round_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_round'))
    )
    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_round_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_round_expected_round_id'), ['expected_round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_round_guard_id'), ['guard_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_round_route_id'), ['route_id'], unique=False)

    op.create_table('route_schedule',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('route_id', sa.Uuid(), nullable=False),
    sa.Column('first_start', sa.Time(), nullable=False),
    sa.Column('last_start', sa.Time(), nullable=False),
    sa.Column('every_minutes', sa.Integer(), nullable=False),
    sa.Column('weekdays', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('tolerance_minutes', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['route_id'], ['route.id'], name=op.f('fk_route_schedule_route_id_route'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_schedule'))
    )
    with op.batch_alter_table('route_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_route_schedule_route_id'), ['route_id'], unique=False)

    op.create_table('expected_round',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('route_id', sa.Uuid(), nullable=False),
    sa.Column('schedule_id', sa.Uuid(), nullable=True),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=False),
    sa.Column('window_start', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_end', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'in_progress', 'completed', 'partial', 'missed', name='expectedstatus', native_enum=False, length=16), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=True),
    sa.Column('stops_due', sa.Integer(), nullable=False),
    sa.Column('stops_on_time', sa.Integer(), nullable=False),
    sa.Column('stops_late', sa.Integer(), nullable=False),
    sa.Column('stops_missed', sa.Integer(), nullable=False),
    sa.Column('stops_out_of_order', sa.Integer(), nullable=False),
    sa.Column('evaluated_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_expected_round_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_expected_round_round_id_patrol_round')),
    sa.ForeignKeyConstraint(['route_id'], ['route.id'], name=op.f('fk_expected_round_route_id_route')),
    sa.ForeignKeyConstraint(['schedule_id'], ['route_schedule.id'], name=op.f('fk_expected_round_schedule_id_route_schedule')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_expected_round_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_round'))
    )
    with op.batch_alter_table('expected_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expected_round_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expected_round_route_id'), ['route_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expected_round_status'), ['status'], unique=False)
        batch_op.create_index('ix_expected_round_window', ['site_id', 'window_start'], unique=False)

    op.create_table('checkpoint_scan',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=True),
    sa.Column('checkpoint_id', sa.Uuid(), nullable=True),
    sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('method', sa.Enum('qr', 'nfc', 'manual', name='scanmethod', native_enum=False, length=8), nullable=False),
    sa.Column('manual_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('guard_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('contractor_id', sa.Uuid(), nullable=True),
    sa.Column('claimed_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hlc', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('clock_flag', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('op_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_checkpoint_scan_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_checkpoint_scan_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['guard_id'], ['app_user.id'], name=op.f('fk_checkpoint_scan_guard_id_app_user')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_checkpoint_scan_round_id_patrol_round')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_checkpoint_scan_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoint_scan'))
    )
    with op.batch_alter_table('checkpoint_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkpoint_scan_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index('ix_checkpoint_scan_guard_time', ['guard_id', 'claimed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkpoint_scan_op_id'), ['op_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkpoint_scan_round_id'), ['round_id'], unique=False)

    op.create_table('checkpoint_walk',
    sa.Column('from_checkpoint_id', sa.Uuid(), nullable=False),
    sa.Column('to_checkpoint_id', sa.Uuid(), nullable=False),
    sa.Column('min_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_checkpoint_id'], ['checkpoint.id'], name=op.f('fk_checkpoint_walk_from_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['to_checkpoint_id'], ['checkpoint.id'], name=op.f('fk_checkpoint_walk_to_checkpoint_id_checkpoint')),
    sa.PrimaryKeyConstraint('from_checkpoint_id', 'to_checkpoint_id', name=op.f('pk_checkpoint_walk'))
    )
    op.create_table('clock_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=True),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('in', 'out', name='clockkind', native_enum=False, length=8), nullable=False),
    sa.Column('checkpoint_id', sa.Uuid(), nullable=True),
    sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('method', sa.Enum('qr', 'nfc', 'manual', name='scanmethod', native_enum=False, length=8), nullable=False),
    sa.Column('manual_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('claimed_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hlc', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('clock_flag', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('op_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_clock_event_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_clock_event_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_clock_event_site_id_site')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_clock_event_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_event'))
    )
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clock_event_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clock_event_op_id'), ['op_id'], unique=False)
        batch_op.create_index('ix_clock_event_user_time', ['user_id', 'claimed_at'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=True),
    sa.Column('checkpoint_id', sa.Uuid(), nullable=True),
    sa.Column('location_id', sa.Uuid(), nullable=True),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('contractor_id', sa.Uuid(), nullable=True),
    sa.Column('reported_by_id', sa.Uuid(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('work_order_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'closed', name='incidentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('answered_by_id', sa.Uuid(), nullable=True),
    sa.Column('answered_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('occurred_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('op_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], name=op.f('fk_incident_answered_by_id_app_user')),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_incident_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_incident_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_incident_location_id_location')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['app_user.id'], name=op.f('fk_incident_reported_by_id_app_user')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_incident_round_id_patrol_round')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_incident_site_id_site')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_incident_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_status'), ['status'], unique=False)

    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_point', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.add_column(sa.Column('free_order', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), server_default='UTC', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.drop_column('free_order')

    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.drop_column('clock_point')

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_status'))
        batch_op.drop_index(batch_op.f('ix_incident_site_id'))
        batch_op.drop_index(batch_op.f('ix_incident_contractor_id'))

    op.drop_table('incident')
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_event_user_time')
        batch_op.drop_index(batch_op.f('ix_clock_event_op_id'))
        batch_op.drop_index(batch_op.f('ix_clock_event_contractor_id'))

    op.drop_table('clock_event')
    op.drop_table('checkpoint_walk')
    with op.batch_alter_table('checkpoint_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkpoint_scan_round_id'))
        batch_op.drop_index(batch_op.f('ix_checkpoint_scan_op_id'))
        batch_op.drop_index('ix_checkpoint_scan_guard_time')
        batch_op.drop_index(batch_op.f('ix_checkpoint_scan_contractor_id'))

    op.drop_table('checkpoint_scan')
    with op.batch_alter_table('expected_round', schema=None) as batch_op:
        batch_op.drop_index('ix_expected_round_window')
        batch_op.drop_index(batch_op.f('ix_expected_round_status'))
        batch_op.drop_index(batch_op.f('ix_expected_round_route_id'))
        batch_op.drop_index(batch_op.f('ix_expected_round_contractor_id'))

    op.drop_table('expected_round')
    with op.batch_alter_table('route_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_schedule_route_id'))

    op.drop_table('route_schedule')
    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_round_route_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_round_guard_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_round_expected_round_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_round_contractor_id'))

    op.drop_table('patrol_round')
