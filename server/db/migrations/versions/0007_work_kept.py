"""work kept: the billing state of labour and part lines, who an event tied to the order,
what each op is about

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-03 11:00:00

Existing late lines become `pending` while their op's conflict is open, `declined` once
the desk has decided (a re-submission that applied wrote its own line). Events recorded
before this revision keep no team or assignee: the order's current assignee and the
events' own actors still tie people to it. Rejected and conflicting ops get their subject
from their args.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINE_TABLES = ("labour_line", "part_line")


def _billing_of_late_lines(table_name: str) -> None:
    line = sa.table(
        table_name,
        sa.column("op_id", sa.Uuid()),
        sa.column("late", sa.Boolean()),
        sa.column("billing", sa.String()),
    )
    conflict = sa.table("sync_conflict", sa.column("op_id", sa.Uuid()), sa.column("status"))
    undecided = sa.select(conflict.c.op_id).where(conflict.c.status == "open")
    op.execute(
        line.update()
        .where(line.c.late == sa.true(), line.c.op_id.in_(undecided))
        .values(billing="pending")
    )
    op.execute(
        line.update()
        .where(line.c.late == sa.true(), line.c.billing == "accepted")
        .values(billing="declined")
    )


def _subject(name: str, raw: str) -> tuple[str | None, uuid.UUID | None]:
    """`asset.add_note` is about the asset in `args.asset_id` (as sync/subject.py reads it)."""
    aggregate = name.split(".", 1)[0]
    try:
        args = json.loads(raw).get("args")
        return aggregate, uuid.UUID(str(args[f"{aggregate}_id"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None, None


def _subjects_of_refused_ops() -> None:
    sync_op = sa.table(
        "sync_op",
        sa.column("op_id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("raw", sa.Text()),
        sa.column("status", sa.String()),
        sa.column("entity_type", sa.String()),
        sa.column("entity_id", sa.Uuid()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(sync_op.c.op_id, sync_op.c.name, sync_op.c.raw).where(
            sync_op.c.status.in_(("rejected", "conflict"))
        )
    ).all()
    for op_id, name, raw in rows:
        entity_type, entity_id = _subject(name or "", raw or "")
        if entity_id is not None:
            connection.execute(
                sync_op.update()
                .where(sync_op.c.op_id == op_id)
                .values(entity_type=entity_type, entity_id=entity_id)
            )


def upgrade() -> None:
    for table_name in LINE_TABLES:
        with op.batch_alter_table(table_name) as batch:
            batch.add_column(
                sa.Column(
                    "billing",
                    sa.Enum(
                        "accepted",
                        "pending",
                        "declined",
                        name="linebilling",
                        native_enum=False,
                        create_constraint=False,
                        length=16,
                    ),
                    server_default="accepted",
                    nullable=False,
                )
            )
            batch.create_index(batch.f(f"ix_{table_name}_op_id"), ["op_id"], unique=False)
        _billing_of_late_lines(table_name)
    with op.batch_alter_table("work_order_event") as batch:
        batch.add_column(sa.Column("team_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("assignee_id", sa.Uuid(), nullable=True))
    with op.batch_alter_table("sync_op") as batch:
        batch.add_column(
            sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch.add_column(sa.Column("entity_id", sa.Uuid(), nullable=True))
    _subjects_of_refused_ops()


def downgrade() -> None:
    with op.batch_alter_table("sync_op") as batch:
        batch.drop_column("entity_id")
        batch.drop_column("entity_type")
    with op.batch_alter_table("work_order_event") as batch:
        batch.drop_column("assignee_id")
        batch.drop_column("team_id")
    for table_name in LINE_TABLES:
        with op.batch_alter_table(table_name) as batch:
            batch.drop_index(batch.f(f"ix_{table_name}_op_id"))
            batch.drop_column("billing")
