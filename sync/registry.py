"""The op catalogue: every `<aggregate>.<verb>` at every version a phone may still send.

A name plus version is never repurposed; a new meaning is a new version with its own
handler, and the old handler stays while phones may hold the old op in their outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
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


@dataclass(frozen=True)
class OpSpec(Generic[C]):
    name: str
    v: int
    args_type: type[msgspec.Struct]
    roles: frozenset[str]
    handler: Handler[C]
    summary: str


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
