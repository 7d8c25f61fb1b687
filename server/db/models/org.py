"""The organisation: campuses, buildings, floors, the location tree, departments."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import string_enum


class LocationKind(StrEnum):
    WARD = "ward"
    ROOM = "room"
    AREA = "area"
    PLANT_ROOM = "plant_room"
    STORE = "store"
    CORRIDOR = "corridor"


class Site(Entity, table=True):
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=240)
    # IANA time zone: schedules are local time (a round at 20:00 stays at 20:00 across DST).
    timezone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})


class Building(Entity, table=True):
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    code: str = Field(max_length=16)
    name: str = Field(max_length=120)


class Floor(Entity, table=True):
    __table_args__ = (UniqueConstraint("building_id", "level"),)

    building_id: uuid.UUID = Field(foreign_key="building.id", index=True)
    level: int
    name: str = Field(max_length=60)


class Department(Entity, table=True):
    """A clinical or support department; its code is the cost centre charged for work."""

    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    cost_centre: str = Field(max_length=16)


class Location(Entity, table=True):
    """A place in the tree: a ward holds rooms, a plant room holds nothing below it.

    `site_id` and `building_id` are kept on every row so scoping and filters need no
    recursive query.
    """

    __table_args__ = (UniqueConstraint("building_id", "code"),)

    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    building_id: uuid.UUID = Field(foreign_key="building.id", index=True)
    floor_id: uuid.UUID | None = Field(default=None, foreign_key="floor.id", index=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="location.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    code: str = Field(max_length=24)
    name: str = Field(max_length=120)
    kind: LocationKind = Field(sa_type=string_enum(LocationKind, 16))
