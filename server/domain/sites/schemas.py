"""Wire types for the organisation."""

from __future__ import annotations

import uuid

import msgspec


class SiteOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str


class BuildingOut(msgspec.Struct):
    id: uuid.UUID
    site_id: uuid.UUID
    code: str
    name: str


class LocationOut(msgspec.Struct):
    id: uuid.UUID
    site_id: uuid.UUID
    building_id: uuid.UUID
    parent_id: uuid.UUID | None
    department_id: uuid.UUID | None
    code: str
    name: str
    kind: str


class LocationPage(msgspec.Struct):
    items: list[LocationOut]
    total: int
    limit: int
    offset: int


class DepartmentOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    cost_centre: str


class TeamOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    trade: str


class ContractorOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    service: str
