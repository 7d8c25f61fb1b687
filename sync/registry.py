"""The op catalogue: every `<aggregate>.<verb>` at every version a phone may still send.

A name plus version is never repurposed; a new meaning is a new version with its own
handler, and the old handler stays while phones may hold the old op in their outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import msgspec

C = TypeVar("C")


@dataclass(frozen=True)
class Applied:
    entity_versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflicted:
    """The op met a state it cannot apply to; what it carried is kept, a human decides."""

    message: str
    entity_type: str
    entity_id: uuid.UUID
    server_side: dict[str, Any]
    device_side: dict[str, Any]
    entity_versions: dict[str, int] = field(default_factory=dict)


class Rejected(Exception):
    """The domain refuses the op; nothing of it is applied. `code` is a stable error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Handler = Callable[[C, Any], Awaitable[Applied | Conflicted]]
Outcome = Applied | Conflicted | Rejected
RunHandler = Callable[[Sequence[tuple[C, Any]]], Awaitable[list[Outcome]]]
# A row an op will lock for update, by table name and id.
LockKey = tuple[str, uuid.UUID]


@dataclass(frozen=True)
class OpSpec(Generic[C]):
    """`run`, when given, applies consecutive ops of this name and version at once, one
    outcome per op in order. The run shares one savepoint, so it MUST decide a refusal
    before writing anything of that op; an exception makes the caller roll the whole run
    back and apply its ops one by one through `handler`, each in its own savepoint.

    `locks`, when given, names the rows the op will lock for update (e.g. the stock item
    whose average cost it reads). The push locks every such row of a batch up front in one
    global order, so two batches naming the same rows in opposite orders queue, not deadlock.
    """

    name: str
    v: int
    args_type: type[msgspec.Struct]
    roles: frozenset[str]
    handler: Handler[C]
    summary: str
    run: RunHandler[C] | None = None
    locks: Callable[[Any], Sequence[LockKey]] | None = None


def one_at_a_time(run: RunHandler[C]) -> Handler[C]:
    """The single-op handler of an op whose logic is written for runs."""

    async def handler(ctx: C, args: Any) -> Applied | Conflicted:
        outcome = (await run([(ctx, args)]))[0]
        if isinstance(outcome, Rejected):
            raise outcome
        return outcome

    return handler


class Registry(Generic[C]):
    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], OpSpec[C]] = {}

    def register(self, spec: OpSpec[C]) -> None:
        key = (spec.name, spec.v)
        if key in self._specs:
            raise ValueError(f"op {spec.name} v{spec.v} is already registered")
        self._specs[key] = spec

    def get(self, name: str, v: int) -> OpSpec[C] | None:
        return self._specs.get((name, v))

    def decode_args(self, spec: OpSpec[C], args: dict[str, Any]) -> Any:
        """Validate an op's args against its schema; a mismatch is `invalid_args`."""
        try:
            return msgspec.convert(args, spec.args_type, strict=False)
        except msgspec.ValidationError as exc:
            raise Rejected("invalid_args", f"{spec.name} v{spec.v}: {exc}") from exc

    def catalogue(self) -> list[dict[str, Any]]:
        """Every op with the JSON schema of its args and the roles allowed to send it."""
        return [
            {
                "name": spec.name,
                "v": spec.v,
                "summary": spec.summary,
                "roles": sorted(spec.roles),
                "args_schema": msgspec.json.schema(spec.args_type),
            }
            for _, spec in sorted(self._specs.items())
        ]
