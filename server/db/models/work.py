"""Work orders: the repair loop from report to confirmation, rating and cost."""

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
    category: str = Field(default="", max_length=60, sa_column_kwargs={"server_default": ""})
    # Desk-owned: who does it and by when.
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", index=True)
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Technician-owned: what happened and when, as claimed by the phone.
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    arrived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = Field(default="", sa_column_kwargs={"server_default": ""})
    hold_reason: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    # The requester's confirmation and rating.
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    signature_sha256: str | None = Field(default=None, max_length=64)
    rating: int | None = None
    rating_comment: str = Field(default="", sa_column_kwargs={"server_default": ""})
    fixed: bool | None = None
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_breached: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    resolution_breached: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class WorkOrderEvent(Entity, table=True):
    """One node of the loop: who, from which device, the time the phone claims and the
    time the server received it."""

    __tablename__ = "work_order_event"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    action: str = Field(max_length=24)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    # Set when the phone's claimed time was out of bounds and `claimed_at` is the receipt
    # time instead (sync/clocks.py).
    clock_flag: str | None = Field(default=None, max_length=16)
    detail: str = ""
    late: bool = False
    # The order's team and assignee once this event was recorded: who was tied to the
    # order, so work they report after it moved away is kept (server/domain/work/ops.py).
    team_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
