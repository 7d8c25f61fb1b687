"""Work orders, as far as the register needs them: the public card counts open faults.

The work-order issue adds the state machine, events, labour and parts.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class WorkOrderKind(StrEnum):
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"
    INSPECTION = "inspection"


class WorkOrderStatus(StrEnum):
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    ACCEPTED_BY_TEAM = "accepted_by_team"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset(
    {
        WorkOrderStatus.REPORTED,
        WorkOrderStatus.DISPATCHED,
        WorkOrderStatus.ACCEPTED_BY_TEAM,
        WorkOrderStatus.ACCEPTED,
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.ON_HOLD,
    }
)


class WorkOrder(Entity, table=True):
    __tablename__ = "work_order"
    number: str = Field(unique=True, max_length=24)
    kind: WorkOrderKind = Field(sa_type=string_enum(WorkOrderKind, 16))
    status: WorkOrderStatus = Field(sa_type=string_enum(WorkOrderStatus, 20), index=True)
    priority: int = Field(default=3, description="1 is most urgent")
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    asset_id: uuid.UUID | None = Field(default=None, foreign_key="asset.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)
    description: str = ""
    reported_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    reported_at: datetime = Field(sa_type=UTCDateTime)
