"""stock ledger: lots, append-only movements, balances kept beside them, exceptions,
stocktakes; stores gain a kind (store or van) and a holder

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 14:22:09.090907
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.db.types

revision: str = '0010'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stock_lot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('lot', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('recalled_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recall_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_lot_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_lot')),
    sa.UniqueConstraint('item_id', 'lot', name=op.f('uq_stock_lot_item_id'))
    )
    with op.batch_alter_table('stock_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_lot_expiry'), ['expiry'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_lot_item_id'), ['item_id'], unique=False)

    op.create_table('stocktake',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('counting', 'submitted', 'approved', 'cancelled', name='stocktakestatus', native_enum=False, length=16), nullable=False),
    sa.Column('bin_ids', sa.JSON(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('opened_by_id', sa.Uuid(), nullable=True),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('approved_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'], name=op.f('fk_stocktake_approved_by_id_app_user')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'], name=op.f('fk_stocktake_opened_by_id_app_user')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_stocktake_store_id_store')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_stocktake_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake'))
    )
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_site_id'), ['site_id'], unique=False)

    op.create_table('stock_balance',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('bin_id', sa.Uuid(), nullable=True),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bin_id'], ['bin.id'], name=op.f('fk_stock_balance_bin_id_bin')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_balance_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_balance_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_stock_balance_store_id_store')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_stock_balance_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_balance'))
    )
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.create_index('ix_stock_balance_item', ['item_id', 'store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_balance_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_balance_site_id'), ['site_id'], unique=False)

    op.create_table('stock_movement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('kind', sa.Enum('receive', 'issue', 'return', 'transfer_out', 'transfer_in', 'adjust', 'count', name='movementkind', native_enum=False, length=16), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('bin_id', sa.Uuid(), nullable=True),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost_cents', sa.Integer(), nullable=False),
    sa.Column('value_cents', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Uuid(), nullable=True),
    sa.Column('department_id', sa.Uuid(), nullable=True),
    sa.Column('cost_centre', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('transfer_id', sa.Uuid(), nullable=True),
    sa.Column('stocktake_id', sa.Uuid(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('clock_flag', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('scan_text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_stock_movement_actor_id_app_user')),
    sa.ForeignKeyConstraint(['bin_id'], ['bin.id'], name=op.f('fk_stock_movement_bin_id_bin')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_stock_movement_department_id_department')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_movement_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_movement_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktake.id'], name=op.f('fk_stock_movement_stocktake_id_stocktake')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_stock_movement_store_id_store')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_stock_movement_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movement'))
    )
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movement_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_stock_movement_lot', ['lot_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_op_id'), ['op_id'], unique=False)
        batch_op.create_index('ix_stock_movement_place', ['store_id', 'item_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_transfer_id'), ['transfer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('stock_exception',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'resolved', name='exceptionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('bin_id', sa.Uuid(), nullable=True),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('movement_id', sa.Uuid(), nullable=True),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('resolved_by_id', sa.Uuid(), nullable=True),
    sa.Column('resolved_at', server.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.ForeignKeyConstraint(['bin_id'], ['bin.id'], name=op.f('fk_stock_exception_bin_id_bin')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_exception_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_exception_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['movement_id'], ['stock_movement.id'], name=op.f('fk_stock_exception_movement_id_stock_movement')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['app_user.id'], name=op.f('fk_stock_exception_resolved_by_id_app_user')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_stock_exception_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_exception'))
    )
    with op.batch_alter_table('stock_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_exception_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_exception_store_id'), ['store_id'], unique=False)

    op.create_table('stocktake_line',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('stocktake_id', sa.Uuid(), nullable=False),
    sa.Column('bin_id', sa.Uuid(), nullable=True),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('counted_by_id', sa.Uuid(), nullable=True),
    sa.Column('counted_at', server.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('op_id', sa.Uuid(), nullable=True),
    sa.Column('expected', sa.Integer(), nullable=True),
    sa.Column('adjustment_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['adjustment_id'], ['stock_movement.id'], name=op.f('fk_stocktake_line_adjustment_id_stock_movement')),
    sa.ForeignKeyConstraint(['bin_id'], ['bin.id'], name=op.f('fk_stocktake_line_bin_id_bin')),
    sa.ForeignKeyConstraint(['counted_by_id'], ['app_user.id'], name=op.f('fk_stocktake_line_counted_by_id_app_user')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stocktake_line_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stocktake_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktake.id'], name=op.f('fk_stocktake_line_stocktake_id_stocktake')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_line'))
    )
    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_line_stocktake_id'), ['stocktake_id'], unique=False)

    # A bin carries its store's site, so the change feed can scope it.
    with op.batch_alter_table('bin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE bin SET site_id = (SELECT store.site_id FROM store WHERE store.id = bin.store_id)"
    )
    with op.batch_alter_table('bin', schema=None) as batch_op:
        batch_op.alter_column('site_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index(batch_op.f('ix_bin_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_bin_site_id_site'), 'site', ['site_id'], ['id'])

    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('store', 'van', name='storekind', native_enum=False, length=16), server_default='store', nullable=False))
        batch_op.add_column(sa.Column('holder_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_store_holder_id'), ['holder_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_store_holder_id_app_user'), 'app_user', ['holder_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_store_holder_id_app_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_store_holder_id'))
        batch_op.drop_column('holder_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('bin', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bin_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_bin_site_id'))
        batch_op.drop_column('site_id')

    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_line_stocktake_id'))

    op.drop_table('stocktake_line')
    with op.batch_alter_table('stock_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_exception_store_id'))
        batch_op.drop_index(batch_op.f('ix_stock_exception_status'))

    op.drop_table('stock_exception')
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movement_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_transfer_id'))
        batch_op.drop_index('ix_stock_movement_place')
        batch_op.drop_index(batch_op.f('ix_stock_movement_op_id'))
        batch_op.drop_index('ix_stock_movement_lot')
        batch_op.drop_index(batch_op.f('ix_stock_movement_department_id'))

    op.drop_table('stock_movement')
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_balance_store_id'))
        batch_op.drop_index('ix_stock_balance_item')

    op.drop_table('stock_balance')
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_store_id'))
        batch_op.drop_index(batch_op.f('ix_stocktake_status'))

    op.drop_table('stocktake')
    with op.batch_alter_table('stock_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_lot_item_id'))
        batch_op.drop_index(batch_op.f('ix_stock_lot_expiry'))

    op.drop_table('stock_lot')
