"""People and their phones: contractors, maintenance teams, users, roles, devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class Role(StrEnum):
    REQUESTER = "requester"
    DESK = "desk"
    TEAM_LEAD = "team_lead"
    TECHNICIAN = "technician"
    STOREKEEPER = "storekeeper"
    GUARD = "guard"
    CLEANER = "cleaner"
    SUPERVISOR = "supervisor"
    CONTRACTOR_MANAGER = "contractor_manager"
    ADMIN = "admin"


class Contractor(Entity, table=True):
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    service: str = Field(max_length=40)


class Team(Entity, table=True):
    """A maintenance crew of one trade (electrical, plumbing, HVAC, lifts, medical gas...)."""

    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    trade: str = Field(max_length=40)
    # The outside company whose staff the team is (lifts, say), so its work orders count
    # on that contractor's scorecard; None for the hospital's own crews.
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)


class User(Entity, table=True):
    __tablename__ = "app_user"
    employee_no: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    phone: str = Field(default="", max_length=32)
    active: bool = True


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    user_id: uuid.UUID = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    role: Role = Field(primary_key=True, sa_type=string_enum(Role, 24))


class UserSite(SQLModel, table=True):
    """The campuses a user works at. A user with none is not limited by site."""

    __tablename__ = "user_site"

    user_id: uuid.UUID = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    site_id: uuid.UUID = Field(foreign_key="site.id", primary_key=True)


class Device(Entity, table=True):
    """A phone registered at login; its id is chosen by the phone and binds refresh tokens."""

    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    name: str = Field(default="", max_length=120)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    push_subscription: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
