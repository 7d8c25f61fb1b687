"""Planned maintenance: recurring plans that generate work orders, their checklists, and
the results a technician records against a checklist on an inspection order."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class ChecklistItemKind(StrEnum):
    PASS_FAIL = "pass_fail"  # noqa: S105 - not a password
    VALUE = "value"


class InspectionOutcome(StrEnum):
    PASS = "pass"  # noqa: S105 - not a password
    FAIL = "fail"
    VALUE = "value"


class Checklist(Entity, table=True):
    name: str = Field(max_length=120)


class ChecklistItem(Entity, table=True):
    """One line of a checklist: a pass/fail check, or a reading with its acceptable range."""

    __tablename__ = "checklist_item"

    checklist_id: uuid.UUID = Field(foreign_key="checklist.id", index=True)
    position: int = 0
    text: str = Field(max_length=300)
    kind: ChecklistItemKind = Field(
        default=ChecklistItemKind.PASS_FAIL, sa_type=string_enum(ChecklistItemKind, 16)
    )
    unit: str = Field(default="", max_length=20)
    min_value: float | None = None
    max_value: float | None = None


class PmPlan(Entity, table=True):
    """Work every `interval_days` on one asset, or on every in-service asset of a category
    (at one site, or everywhere when `site_id` is empty). With a checklist the orders are
    inspections; without, preventive maintenance."""

    __tablename__ = "pm_plan"

    name: str = Field(max_length=160)
    asset_id: uuid.UUID | None = Field(default=None, foreign_key="asset.id", index=True)
    category: str = Field(default="", max_length=60)
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", index=True)
    interval_days: int = Field(ge=1)
    checklist_id: uuid.UUID | None = Field(default=None, foreign_key="checklist.id", index=True)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)
    priority: int = Field(default=4, sa_column_kwargs={"server_default": "4"})
    next_due: date = Field(index=True)
    active: bool = True


class PmPlanOrder(Entity, table=True):
    """Which plan generated which work order, so a plan never opens a second order for
    an asset while one is still open."""

    __tablename__ = "pm_plan_order"

    plan_id: uuid.UUID = Field(foreign_key="pm_plan.id", index=True)
    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", unique=True)
    asset_id: uuid.UUID = Field(foreign_key="asset.id", index=True)
    due_on: date


class InspectionResult(Entity, table=True):
    __tablename__ = "inspection_result"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    checklist_item_id: uuid.UUID = Field(foreign_key="checklist_item.id", index=True)
    outcome: InspectionOutcome = Field(sa_type=string_enum(InspectionOutcome, 8))
    value: float | None = None
    note: str = ""
    op_id: uuid.UUID | None = None
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    follow_up_order_id: uuid.UUID | None = Field(default=None, foreign_key="work_order.id")
