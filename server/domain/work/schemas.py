"""Wire types for work orders."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class WorkOrderOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    kind: str
    status: str
    priority: int
    site_id: uuid.UUID
    asset_id: uuid.UUID | None
    location_id: uuid.UUID
    department_id: uuid.UUID | None
    team_id: uuid.UUID | None
    description: str
    reported_at: datetime


class WorkOrderPage(msgspec.Struct):
    items: list[WorkOrderOut]
    total: int
    limit: int
    offset: int
