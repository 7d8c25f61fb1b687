"""Background jobs: a lease per job name, so one worker of many runs it at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from server.db.types import UTCDateTime


class JobLease(SQLModel, table=True):
    """Who runs job `name` until `expires_at`. Taken and renewed by one atomic UPDATE."""

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(default="", max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class JobRun(SQLModel, table=True):
    """One run of a recurring job that keeps a record (the change-log purge): when, on
    which worker, and what it did. Kept 30 days."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_name_ran_at", "name", "ran_at"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    holder: str = Field(max_length=200)
    ran_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    detail: str = Field(default="", max_length=200)
