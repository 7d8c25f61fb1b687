"""The demo phones: each op a walker's phone made, numbered and hash-chained per device as
sync/chain.py does, stored as push stores it (`SyncOp`, `OpStream`), and the op's id and
hash written into the records it made."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.db.demo.patrols import TIMEZONE
from server.db.demo.rows import DemoRows, Row, table_of
from server.db.models import OpStream, SyncOp
from sync.chain import canonical_json, op_hash
from sync.hlc import Timestamp

# Where an op's hash and id go once the chain is made: "record" (a scan, a clock event or
# the incident: op_id, op_hash, receipt and clock), "start" and "end" (a round's ops).
# "clean_start", "clean_finish", "request", "audit": a cleaning record's ops.
Sink = tuple[Row, str]


@dataclass
class _Op:
    claimed: datetime
    received: datetime | None  # None: sent within the minute
    name: str
    args: dict[str, Any]
    sinks: tuple[Sink, ...]


@dataclass
class DemoPhone:
    user_id: uuid.UUID
    device_id: uuid.UUID
    incarnation: uuid.UUID
    ops: list[_Op] = field(default_factory=list)
    # Spans the phone was offline: (from, sent at); what it made then is sent at the end.
    offline: list[tuple[datetime, datetime]] = field(default_factory=list)

    def op(
        self,
        claimed: datetime,
        name: str,
        args: dict[str, Any],
        *sinks: Sink,
        received: datetime | None = None,
    ) -> None:
        """An op the phone made at `claimed`, sent at `received` (by default within the
        minute)."""
        self.ops.append(_Op(claimed, received, name, args, sinks))


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def record(rows: DemoRows, model: type[Any], **values: Any) -> Row:
    """A row the chain fills in later: the dict itself is what gets inserted."""
    row: Row = {"id": uuid.uuid4(), "created_at": rows.now, "updated_at": rows.now, **values}
    rows.by_table.setdefault(table_of(model), []).append(row)
    return row


def chain(rows: DemoRows, rng: random.Random, phone: DemoPhone) -> None:
    """Number the phone's ops in the order it made them, chain their hashes, write each
    `SyncOp` as push would have, and give each record its op."""
    last_hash, last_claimed = "", None
    phone.ops.sort(key=lambda op: op.claimed)
    node = phone.device_id.hex[:16]
    for seq, op in enumerate(phone.ops, start=1):
        op_id = uuid.uuid4()
        zone = ZoneInfo(TIMEZONE)
        received = op.received or op.claimed + timedelta(seconds=rng.randint(2, 50))
        if op.received is None:
            for went, sent in phone.offline:
                if went <= op.claimed < sent:
                    received = sent
        wire = {
            "op_id": str(op_id),
            "incarnation": str(phone.incarnation),
            "seq": seq,
            "name": op.name,
            "v": 1,
            "args": op.args,
            "client_time": op.claimed.astimezone(zone).isoformat(timespec="seconds"),
            "hlc": str(Timestamp(_ms(op.claimed), 0, node)),
            "blobs": [],
            "prev_hash": last_hash,
        }
        digest = op_hash(wire)
        versions = {}
        for row, kind in op.sinks:
            if kind in _CLEANING_SINKS:
                _cleaning_sink(row, kind, op_id, digest, received)
                versions[f"cleaning_task:{row.get('task_id', row['id'])}"] = 1
                continue
            if kind == "start":
                row["start_op_id"], row["start_op_hash"] = op_id, digest
            elif kind == "end":
                row["end_op_hash"] = digest
            else:
                row.update(
                    op_id=op_id,
                    op_hash=digest,
                    received_at=received,
                    claimed_at=op.claimed,
                    hlc=wire["hlc"],
                    clock_flag=None,
                )
            if "id" in row:
                versions[f"{_KINDS[op.name]}:{row['id']}"] = 1
        rows.link(
            SyncOp,
            op_id=op_id,
            device_id=phone.device_id,
            incarnation=phone.incarnation,
            seq=seq,
            user_id=phone.user_id,
            name=op.name,
            v=1,
            raw=canonical_json(wire).decode(),
            op_hash=digest,
            chain_ok=True,
            client_time=wire["client_time"],
            received_at=received,
            claimed_at=op.claimed,
            clock_flag=None,
            status="applied",
            entity_versions=versions or None,
            txid=0,
            last_change_id=0,
        )
        last_hash, last_claimed = digest, op.claimed
    rows.link(
        OpStream,
        device_id=phone.device_id,
        incarnation=phone.incarnation,
        last_seq=len(phone.ops),
        last_hash=last_hash,
        last_claimed_at=last_claimed,
        updated_at=rows.now,
    )


# Cleaning records keep their op in their own columns (server/db/models/cleaning.py).
_CLEANING_SINKS = {"clean_start", "clean_finish", "request", "audit"}


def _cleaning_sink(row: Row, kind: str, op_id: uuid.UUID, digest: str, received: datetime) -> None:
    if kind == "clean_start":
        row.update(start_op_id=op_id, start_op_hash=digest, start_received_at=received)
    elif kind == "clean_finish":
        row.update(finish_op_id=op_id, finish_op_hash=digest, finish_received_at=received)
    elif kind == "request":
        row["request_op_hash"] = digest
    else:
        row.update(op_id=op_id, op_hash=digest, received_at=received)


_KINDS = {
    "patrol.start_round": "patrol_round",
    "patrol.end_round": "patrol_round",
    "patrol.scan_checkpoint": "checkpoint_scan",
    "patrol.report_incident": "incident",
    "attendance.clock_in": "clock_event",
    "attendance.clock_out": "clock_event",
}
