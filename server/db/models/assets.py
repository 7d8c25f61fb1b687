"""Assets: the equipment the teams maintain, each with a QR tag."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import string_enum


class AssetStatus(StrEnum):
    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"
    RETIRED = "retired"


class Asset(Entity, table=True):
    """`tag_code` is random and printed in the QR label; it reveals nothing and cannot be
    guessed from a neighbour's, so the public card is not an enumeration of the register.
    """

    tag_code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=160)
    category: str = Field(max_length=60, index=True)
    manufacturer: str = Field(default="", max_length=80)
    model: str = Field(default="", max_length=80)
    serial: str = Field(default="", max_length=80)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    warranty_end: date | None = None
    next_inspection: date | None = None
    status: AssetStatus = Field(
        default=AssetStatus.IN_SERVICE, sa_type=string_enum(AssetStatus, 16)
    )
    notes: str = ""
