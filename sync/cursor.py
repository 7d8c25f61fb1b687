"""Pull cursors: opaque to the phone, a versioned record to the server.

A cursor is either in the *initial* phase (walking the current rows of the scope, type
by type, in id order) or the *changes* phase (walking the change log in commit order).
Both carry the `horizon` from which the change log must be replayed once the initial
walk is over, and a fingerprint of the scope it was made for: a phone whose scope
changed (new site, new contractor) must start again, and is told `reset`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import Literal

import msgspec

CURSOR_VERSION = 1


class CursorError(ValueError):
    """The cursor cannot be read: the phone should start again from no cursor."""


class _Wire(msgspec.Struct, array_like=True):
    version: int
    epoch: str
    scope: str
    phase: Literal["initial", "changes"]
    type_index: int
    after_id: str
    txid: int
    change_id: int
    # Added within version 1: a cursor made before reads as having no anchor.
    anchor_txid: int = 0
    anchor_id: int = 0
    anchor_mark: int = 0


@dataclass(frozen=True)
class Position:
    """A place in the change log: changes sort by (txid, change_id)."""

    txid: int
    change_id: int


@dataclass(frozen=True)
class Anchor:
    """The last change of the log this cursor has accounted for, with a mark of its content.

    A database restored from a backup taken before that change no longer holds it (or
    holds another change under its id), and the cursor is answered `reset`. `change_id`
    0 means no anchor (the log was empty).
    """

    txid: int = 0
    change_id: int = 0
    mark: int = 0


@dataclass(frozen=True)
class Cursor:
    epoch: str
    scope: str
    phase: Literal["initial", "changes"]
    # initial phase: which synced type, and the last id delivered of it
    type_index: int
    after_id: str
    # changes phase: the last change delivered; initial phase: where replay starts
    position: Position
    anchor: Anchor = Anchor()

    def to_changes(self) -> Cursor:
        return replace(self, phase="changes", type_index=0, after_id="")


def encode(cursor: Cursor) -> str:
    wire = _Wire(
        CURSOR_VERSION,
        cursor.epoch,
        cursor.scope,
        cursor.phase,
        cursor.type_index,
        cursor.after_id,
        cursor.position.txid,
        cursor.position.change_id,
        cursor.anchor.txid,
        cursor.anchor.change_id,
        cursor.anchor.mark,
    )
    return base64.urlsafe_b64encode(msgspec.msgpack.encode(wire)).decode().rstrip("=")


def decode(text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        wire = msgspec.msgpack.decode(raw, type=_Wire)
    except (ValueError, msgspec.DecodeError) as exc:
        raise CursorError("unreadable cursor") from exc
    if wire.version != CURSOR_VERSION:
        raise CursorError(f"cursor version {wire.version} is not served")
    return Cursor(
        wire.epoch,
        wire.scope,
        wire.phase,
        wire.type_index,
        wire.after_id,
        Position(wire.txid, wire.change_id),
        Anchor(wire.anchor_txid, wire.anchor_id, wire.anchor_mark),
    )
