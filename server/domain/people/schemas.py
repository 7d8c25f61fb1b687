"""Wire types for people."""

from __future__ import annotations

import uuid

import msgspec


class PersonOut(msgspec.Struct):
    id: uuid.UUID
    employee_no: str
    name: str
    roles: list[str]
    team: str | None
    contractor: str | None
    department: str | None
    active: bool


class PersonPage(msgspec.Struct):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int
