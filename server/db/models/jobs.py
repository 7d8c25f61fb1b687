"""Background jobs: a lease per job name, so one worker of many runs it at a time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from server.db.types import UTCDateTime


class JobLease(SQLModel, table=True):
    """Who runs job `name` until `expires_at`. Taken and renewed by one atomic UPDATE."""

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(default="", max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
