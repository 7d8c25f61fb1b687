"""Revision 0007 on a database that already holds work: late lines get a billing state
from their conflict, and refused ops learn what they are about (for the queue's scope)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command

from server.db.engine import make_engine
from server.db.migrate import alembic_config
from server.db.types import UTCDateTime
from server.settings import DatabaseSettings
from tests.databases import load_small_demo

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
device = sa.table(
    "device",
    *(sa.column(name, sa.Uuid()) for name in ("id", "user_id")),
    *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
    sa.column("version", sa.Integer()),
    sa.column("name", sa.String()),
)
sync_op = sa.table(
    "sync_op",
    *(sa.column(name, sa.Uuid()) for name in ("op_id", "device_id", "incarnation", "user_id")),
    *(sa.column(name, sa.Integer()) for name in ("seq", "v")),
    *(sa.column(name, sa.String()) for name in ("name", "raw", "op_hash", "client_time")),
    sa.column("chain_ok", sa.Boolean()),
    sa.column("received_at", UTCDateTime()),
    sa.column("status", sa.String()),
)
conflict = sa.table(
    "sync_conflict",
    *(sa.column(name, sa.Uuid()) for name in ("id", "op_id", "entity_id")),
    *(sa.column(name, sa.String()) for name in ("entity_type", "message", "status")),
    *(sa.column(name, sa.String()) for name in ("resolution_note",)),
    *(sa.column(name, sa.JSON()) for name in ("server_side", "device_side")),
    sa.column("created_at", UTCDateTime()),
)
labour = sa.table(
    "labour_line",
    *(sa.column(name, sa.Uuid()) for name in ("id", "work_order_id", "technician_id", "op_id")),
    *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
    *(sa.column(name, sa.Integer()) for name in ("version", "minutes", "hourly_rate_cents")),
    sa.column("cost_cents", sa.Integer()),
    *(sa.column(name, sa.String()) for name in ("trade", "grade")),
    sa.column("late", sa.Boolean()),
)


def _op(op_id: uuid.UUID, ids: dict[str, Any], name: str, args: dict[str, Any], status: str) -> Any:
    raw = json.dumps({"op_id": str(op_id), "name": name, "args": args})
    return sync_op.insert().values(
        op_id=op_id, device_id=ids["device"], incarnation=ids["device"], user_id=ids["user"],
        seq=ids["seq"], v=1, name=name, raw=raw, op_hash="", client_time="", chain_ok=True,
        received_at=NOW, status=status,
    )  # fmt: skip


def _line(ids: dict[str, Any], op_id: uuid.UUID | None, late: bool) -> Any:
    return labour.insert().values(
        id=uuid.uuid4(), work_order_id=ids["order"], technician_id=ids["user"], op_id=op_id,
        created_at=NOW, updated_at=NOW, version=1, minutes=30, hourly_rate_cents=100,
        cost_cents=50, trade="electrical", grade="technician", late=late,
    )  # fmt: skip


def _conflict(op_id: uuid.UUID, order_id: uuid.UUID, status: str) -> Any:
    return conflict.insert().values(
        id=uuid.uuid4(), op_id=op_id, entity_id=order_id, entity_type="work_order",
        message="late", status=status, resolution_note="", server_side={}, device_side={},
        created_at=NOW,
    )  # fmt: skip


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


async def _run(url: str, *statements: Any) -> list[Any]:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with engine.begin() as connection:
            found = []
            for statement in statements:
                result = await connection.execute(statement)
                found.append(result.all() if result.returns_rows else None)
            return found
    finally:
        await engine.dispose()


def test_late_lines_and_refused_ops_are_brought_forward(empty_database_url: str) -> None:
    url = empty_database_url
    asyncio.run(load_small_demo(url))
    [[(user_id,)], [(order_id, asset_id)]] = asyncio.run(
        _run(
            url,
            sa.text("SELECT id FROM app_user WHERE employee_no = 'T0001'"),
            sa.text("SELECT id, asset_id FROM work_order WHERE asset_id IS NOT NULL LIMIT 1"),
        )
    )
    command.downgrade(alembic_config(url), "0006")
    ids = {"user": as_uuid(user_id), "order": as_uuid(order_id), "device": uuid.uuid4()}
    waiting, decided, refused = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    labour_args = {"work_order_id": str(ids["order"]), "minutes": 30}
    statements = [
        device.insert().values(
            id=ids["device"],
            user_id=ids["user"],
            created_at=NOW,
            updated_at=NOW,
            version=1,
            name="old phone",
        ),
        _op(waiting, {**ids, "seq": 1}, "work_order.log_labour", labour_args, "conflict"),
        _op(decided, {**ids, "seq": 2}, "work_order.log_labour", labour_args, "conflict"),
        _op(
            refused,
            {**ids, "seq": 3},
            "asset.add_note",
            {"asset_id": str(as_uuid(asset_id)), "text": "x"},
            "rejected",
        ),
        _conflict(waiting, ids["order"], "open"),
        _conflict(decided, ids["order"], "resolved"),
        _line(ids, waiting, late=True),
        _line(ids, decided, late=True),
        _line(ids, None, late=False),
    ]
    asyncio.run(_run(url, *statements))
    command.upgrade(alembic_config(url), "head")

    [lines, subjects] = asyncio.run(
        _run(
            url,
            sa.select(labour.c.op_id, sa.column("billing")).select_from(labour),
            sa.select(sync_op.c.op_id, sa.column("entity_type"), sa.column("entity_id", sa.Uuid()))
            .select_from(sync_op)
            .where(sync_op.c.device_id == ids["device"]),
        )
    )
    billing = {op_id: state for op_id, state in lines if op_id in (waiting, decided, None)}
    assert billing == {waiting: "pending", decided: "declined", None: "accepted"}
    about = {op_id: (kind, entity) for op_id, kind, entity in subjects}
    assert about[refused] == ("asset", as_uuid(asset_id))
    assert about[waiting] == ("work_order", ids["order"])
