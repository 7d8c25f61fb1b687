"""Patrol master data: checkpoints and the routes that order them."""

from __future__ import annotations

import uuid
from datetime import time

from sqlmodel import Field, SQLModel

from server.db.models.base import Entity


class Checkpoint(Entity, table=True):
    code: str = Field(unique=True, max_length=24)
    name: str = Field(max_length=120)
    qr_payload: str = Field(unique=True, max_length=64)
    nfc_uid: str | None = Field(default=None, unique=True, max_length=32)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    latitude: float | None = None
    longitude: float | None = None


class Route(Entity, table=True):
    """A patrol route walked by one contractor's guards."""

    code: str = Field(unique=True, max_length=24)
    name: str = Field(max_length=120)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)


class RouteCheckpoint(SQLModel, table=True):
    """A stop on a route, in order, due within `due_within_minutes` of the round's start."""

    __tablename__ = "route_checkpoint"

    route_id: uuid.UUID = Field(foreign_key="route.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    checkpoint_id: uuid.UUID = Field(foreign_key="checkpoint.id", index=True)
    due_within_minutes: int


class RouteWindow(Entity, table=True):
    """A time window in which a round of the route must start, every day."""

    __tablename__ = "route_window"

    route_id: uuid.UUID = Field(foreign_key="route.id", index=True, ondelete="CASCADE")
    starts_at: time
    ends_at: time
