"""Wire types for assets."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec


class AssetOut(msgspec.Struct):
    id: uuid.UUID
    tag_code: str
    name: str
    category: str
    manufacturer: str
    model: str
    serial: str
    site_id: uuid.UUID
    location_id: uuid.UUID
    department_id: uuid.UUID | None
    team_id: uuid.UUID | None
    contractor_id: uuid.UUID | None
    warranty_end: date | None
    next_inspection: date | None
    status: str
    notes: str


class AssetPage(msgspec.Struct):
    items: list[AssetOut]
    total: int
    limit: int
    offset: int


class AssetDetail(msgspec.Struct):
    asset: AssetOut
    location_path: list[str]
    department: str | None
    team: str | None
    contractor: str | None
    open_work_orders: int
    public_url: str


class PublicCard(msgspec.Struct):
    """What anyone holding the phone over the tag may read: nothing about people, costs,
    serial numbers or the register beyond this one asset."""

    tag_code: str
    name: str
    category: str
    location_path: list[str]
    next_inspection: date | None
    inspection_overdue: bool
    maintained_by: str | None
    open_faults: int
    status: str
    report_url: str
