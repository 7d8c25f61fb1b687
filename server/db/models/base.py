"""The one declarative base: SQLModel's metadata with a constraint naming convention.

Stable constraint names let Alembic alter constraints on both databases.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from server.db.types import UTCDateTime, utcnow

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Entity(SQLModel):
    """Columns every master-data table has: a UUID chosen by its creator and timestamps."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # Raised by change capture on every write, so phones can tell newer from older.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
