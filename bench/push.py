"""Push: `asset.add_note` ops from several phones at once through the server, against the
same row writes made by SQLAlchemy Core in one transaction.

Each applied note writes, on the server as in the baseline: the asset's notes, version and
updated_at (UPDATE asset), its field history (INSERT field_history), the op log record
(INSERT sync_op), the change record (INSERT sync_change) and the stream's position
(UPDATE sync_stream). The baseline writes them as five executemany statements.

A push answered 503 (the database was busy: nothing was applied) is sent again after its
Retry-After, as the phone does; the time spent waiting counts, and the line says how often.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
from sqlalchemy import String, bindparam, case, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.common import (
    DESK_LOGIN,
    HTTP_TIMEOUT,
    Line,
    Sizes,
    Stopwatch,
    engine_for,
    expect_ok,
    number,
    per_second,
    sign_in,
)
from server.db.demo.rows import table_of
from server.db.models import Asset, Change, FieldHistory, OpStream, SyncOp, User
from server.db.types import utcnow
from sync.chain import op_hash
from sync.hlc import HybridClock

AIM = 0.25
OP_NAME = "asset.add_note"
MAX_SENDS = 10  # per batch, counting resends after a 503
MAX_RETRY_AFTER_S = 10.0

Op = dict[str, Any]


@dataclass
class Device:
    """One phone's outbox: its incarnation, gapless seq and hash chain."""

    device_id: uuid.UUID
    token: str = ""
    incarnation: uuid.UUID = field(default_factory=uuid.uuid4)
    seq: int = 0
    last_hash: str = ""
    clock: HybridClock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = HybridClock(str(self.device_id))

    def note(self, asset_id: str) -> Op:
        self.seq += 1
        body: Op = {
            "op_id": str(uuid.uuid4()),
            "incarnation": str(self.incarnation),
            "seq": self.seq,
            "name": OP_NAME,
            "v": 1,
            "args": {
                "asset_id": asset_id,
                "text": f"Checked on round {self.seq}: tag and lead OK.",
            },
            "client_time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "hlc": str(self.clock.tick(int(time.time() * 1000))),
            "blobs": [],
            "prev_hash": self.last_hash,
        }
        self.last_hash = op_hash(body)
        return body


@dataclass(frozen=True)
class Outbox:
    device: Device
    batches: list[list[Op]]


def _outboxes(devices: list[Device], asset_ids: list[str], sizes: Sizes) -> list[Outbox]:
    """Every op touches a different asset, taken in turn from `asset_ids`."""
    ids = iter(asset_ids)
    return [
        Outbox(
            device,
            [
                [device.note(next(ids)) for _ in range(sizes.batch_ops)]
                for _ in range(sizes.batches)
            ],
        )
        for device in devices
    ]


def _bodies(outbox: Outbox) -> list[bytes]:
    device_id = str(outbox.device.device_id)
    return [msgspec.json.encode({"device_id": device_id, "ops": ops}) for ops in outbox.batches]


@dataclass
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    resent: int = 0  # pushes answered 503 (database busy) and sent again, as a phone does

    def add(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        self.resent += other.resent


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "1")), MAX_RETRY_AFTER_S)
    except ValueError:
        return 1.0


def _send(http: httpx.Client, body: bytes, headers: dict[str, str], tally: Tally) -> None:
    """One batch; a 503 is transient (nothing was applied), so wait and send it again."""
    for attempt in range(1, MAX_SENDS + 1):
        response = http.post("/api/v1/sync/push", content=body, headers=headers)
        if response.status_code != 503 or attempt == MAX_SENDS:
            break
        tally.resent += 1
        time.sleep(_retry_after(response))
    tally.statuses.update(result["status"] for result in expect_ok(response).json()["results"])


def _push_bodies(base: str, token: str, bodies: list[bytes]) -> Tally:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    tally = Tally()
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as http:
        for body in bodies:
            _send(http, body, headers, tally)
    return tally


def push_through_server(base: str, outboxes: list[Outbox]) -> tuple[Tally, float]:
    """Every phone pushes its batches one after the other, all phones at the same time."""
    work = [(outbox.device.token, _bodies(outbox)) for outbox in outboxes]
    watch = Stopwatch()
    tally = Tally()
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        watch.start()
        for counted in pool.map(lambda job: _push_bodies(base, *job), work):
            tally.add(counted)
        seconds = watch.stop()
    return tally, seconds


def sign_in_devices(base: str, count: int) -> list[Device]:
    devices = [Device(uuid.uuid4()) for _ in range(count)]
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as http:
        for device in devices:
            device.token = sign_in(http, device.device_id)
    return devices


@dataclass(frozen=True)
class Writer:
    """Who the notes are written as, read from the database like the server's actor."""

    user_id: uuid.UUID
    name: str


@dataclass
class CoreRows:
    """The rows the server writes for these ops, as executemany parameters."""

    assets: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    ops: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)

    def add(self, device: Device, op: Op, version: int, writer: Writer, now: datetime) -> None:
        asset_id = uuid.UUID(op["args"]["asset_id"])
        op_id = uuid.UUID(op["op_id"])
        line = f"[{op['client_time']} {writer.name}] {op['args']['text']}"
        digest = op_hash(op)
        self.assets.append({"b_id": asset_id, "b_line": line, "b_now": now})
        self.history.append(
            {
                "id": uuid.uuid4(),
                "entity_type": "asset",
                "entity_id": asset_id,
                "field_name": "notes",
                "old_value": None,
                "new_value": line,
                "hlc": op["hlc"],
                "superseded": False,
                "user_id": writer.user_id,
                "op_id": op_id,
                "at": now,
            }
        )
        self.ops.append(_op_record(device, op, digest, version, writer, now))
        self.changes.append(
            {
                "txid": 0,
                "entity_type": "asset",
                "entity_id": asset_id,
                "version": version,
                "deleted": False,
                "changed_at": now,
            }
        )
        self.streams.append(
            {
                "b_device": device.device_id,
                "b_incarnation": device.incarnation,
                "b_seq": op["seq"],
                "b_hash": digest,
                "b_now": now,
            }
        )


def _op_record(
    device: Device, op: Op, digest: str, version: int, writer: Writer, now: datetime
) -> dict[str, Any]:
    return {
        "op_id": uuid.UUID(op["op_id"]),
        "device_id": device.device_id,
        "incarnation": device.incarnation,
        "seq": op["seq"],
        "user_id": writer.user_id,
        "name": OP_NAME,
        "v": 1,
        "raw": msgspec.json.encode(op).decode(),
        "op_hash": digest,
        "chain_ok": True,
        "client_time": op["client_time"],
        "received_at": now,
        "status": "applied",
        "code": None,
        "message": None,
        "conflict_id": None,
        "entity_versions": {f"asset:{op['args']['asset_id']}": version},
        "txid": 0,
        "last_change_id": 0,
        "resolved_at": None,
        "resubmitted_as": None,
    }


async def _txid(conn: AsyncConnection) -> int:
    if conn.dialect.name != "postgresql":
        return 0
    found = await conn.execute(text("SELECT pg_current_xact_id()::text::bigint"))
    return int(found.scalar_one())


async def _write(conn: AsyncConnection, rows: CoreRows) -> None:
    """The five statements, each an executemany over every op."""
    asset, stream = table_of(Asset), table_of(OpStream)
    line = bindparam("b_line", type_=String())
    txid = await _txid(conn)
    for row in rows.ops + rows.changes:
        row["txid"] = txid
    await conn.execute(
        update(asset)
        .where(asset.c.id == bindparam("b_id"))
        .values(
            notes=case((asset.c.notes == "", line), else_=asset.c.notes + "\n" + line),
            version=asset.c.version + 1,
            updated_at=bindparam("b_now"),
        ),
        rows.assets,
    )
    await conn.execute(insert(table_of(FieldHistory)), rows.history)
    await conn.execute(insert(table_of(SyncOp)), rows.ops)
    await conn.execute(insert(table_of(Change)), rows.changes)
    await conn.execute(
        update(stream)
        .where(
            stream.c.device_id == bindparam("b_device"),
            stream.c.incarnation == bindparam("b_incarnation"),
        )
        .values(
            last_seq=bindparam("b_seq"),
            last_hash=bindparam("b_hash"),
            updated_at=bindparam("b_now"),
        ),
        rows.streams,
    )


async def _prepare(conn: AsyncConnection, devices: list[Device]) -> Writer:
    """Read the desk user and open the phones' new streams (not timed)."""
    users = table_of(User)
    user = (
        await conn.execute(
            select(users.c.id, users.c.name).where(users.c.employee_no == DESK_LOGIN)
        )
    ).one()
    await conn.execute(
        insert(table_of(OpStream)),
        [
            {
                "device_id": device.device_id,
                "incarnation": device.incarnation,
                "last_seq": 0,
                "last_hash": "",
                "updated_at": utcnow(),
            }
            for device in devices
        ],
    )
    return Writer(user.id, user.name)


async def _core_baseline(url: str, outboxes: list[Outbox], versions: dict[str, int]) -> float:
    async with engine_for(url) as engine:
        async with engine.begin() as conn:
            writer = await _prepare(conn, [outbox.device for outbox in outboxes])
        rows, now = CoreRows(), utcnow()
        for outbox in outboxes:
            for op in (op for batch in outbox.batches for op in batch):
                version = versions[op["args"]["asset_id"]] + 1
                rows.add(outbox.device, op, version, writer, now)
        watch = Stopwatch()
        async with engine.connect() as conn:
            await conn.execute(select(1))  # connected before the clock starts
            await conn.commit()
            watch.start()
            async with conn.begin():
                await _write(conn, rows)
            return watch.stop()


def core_baseline(url: str, outboxes: list[Outbox], versions: dict[str, int]) -> float:
    """Seconds to write the rows of these ops in one transaction."""
    return asyncio.run(_core_baseline(url, outboxes, versions))


def describe(backend: str, sizes: Sizes, tally: Tally, server_s: float, core_s: float) -> Line:
    applied = tally.statuses["applied"]
    through_http = per_second(applied, server_s)
    by_core = per_second(sizes.push_ops, core_s)
    ratio = through_http / by_core
    others = {status: n for status, n in tally.statuses.items() if status != "applied"}
    notes = [f"{sizes.devices} devices x {sizes.batches} batches of {sizes.batch_ops}"]
    if others:
        notes.append(f"not applied: {others}")
    if tally.resent:
        notes.append(f"pushes answered 503 and sent again: {tally.resent}")
    text = (
        f"push ({backend}): {applied:,} notes applied ({'; '.join(notes)}): "
        f"{number(through_http)} ops/s "
        f"through HTTP vs {number(by_core)} ops/s of the same row writes by SQLAlchemy Core "
        f"in one transaction = {ratio:.2f} (aim >= {AIM})"
    )
    return Line(
        "push",
        backend,
        f"{number(through_http)} ops/s",
        f"{number(by_core)} ops/s",
        ratio,
        AIM,
        text,
    )


def run(backend: str, base: str, url: str, sizes: Sizes, assets: list[dict[str, Any]]) -> Line:
    """Notes on the first assets through the server, on the next ones by Core."""
    if len(assets) < 2 * sizes.push_ops:
        raise RuntimeError(f"push needs {2 * sizes.push_ops} assets, the pull gave {len(assets)}")
    ids = [str(asset["id"]) for asset in assets]
    versions = {str(asset["id"]): int(asset["version"]) for asset in assets}
    devices = sign_in_devices(base, sizes.devices)
    tally, server_s = push_through_server(base, _outboxes(devices, ids, sizes))
    twins = [Device(device.device_id) for device in devices]  # same phones, new incarnations
    core_s = core_baseline(url, _outboxes(twins, ids[sizes.push_ops :], sizes), versions)
    line = describe(backend, sizes, tally, server_s, core_s)
    print(line.text, flush=True)
    return line
