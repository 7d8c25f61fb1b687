"""The wire types of protocol version 1 (see PROTOCOL.md). msgspec Structs, nothing else."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import msgspec

PROTOCOL_VERSION = 1
MAX_OPS_PER_PUSH = 500
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500

OpStatus = Literal["applied", "duplicate", "conflict", "rejected", "seq_gap"]


class Op(msgspec.Struct, forbid_unknown_fields=False):
    """One user intent. Unknown extra fields are kept in the verbatim copy, not refused."""

    op_id: uuid.UUID
    incarnation: uuid.UUID
    seq: int
    name: str
    v: int
    args: dict[str, Any]
    client_time: str
    hlc: str = ""
    blobs: list[str] = msgspec.field(default_factory=list)
    prev_hash: str = ""


class PushRequest(msgspec.Struct, forbid_unknown_fields=True):
    device_id: uuid.UUID
    ops: list[msgspec.Raw]


class Outcome(msgspec.Struct, omit_defaults=True):
    """What happened to an op when it was first received; kept forever in the op log."""

    status: Literal["applied", "conflict", "rejected"]
    code: str | None = None
    message: str | None = None
    conflict_id: uuid.UUID | None = None
    entity_versions: dict[str, int] | None = None


class OpResult(msgspec.Struct, omit_defaults=True):
    op_id: uuid.UUID | None
    status: OpStatus
    code: str | None = None
    message: str | None = None
    conflict_id: uuid.UUID | None = None
    entity_versions: dict[str, int] | None = None
    expected_seq: int | None = None
    outcome: Outcome | None = None


class PushResponse(msgspec.Struct):
    results: list[OpResult]
    last_seq: int
    server_time: str


class Change(msgspec.Struct):
    type: str
    id: uuid.UUID
    version: int
    deleted: bool
    data: dict[str, Any] | None = None


class Acks(msgspec.Struct):
    last_seq: int


class PullResponse(msgspec.Struct):
    changes: list[Change]
    cursor: str
    more: bool
    acks: Acks
    reset: bool = False
