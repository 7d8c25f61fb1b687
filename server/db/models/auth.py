"""Credentials in flight: refresh tokens, console sessions, failed logins.

Tokens are stored as SHA-256 digests so a database read does not yield usable tokens,
and all of it lives in the database so any worker can check any token.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime


class RefreshToken(Entity, table=True):
    """One link of a rotation family; reuse of a used link revokes the whole family."""

    __tablename__ = "refresh_token"

    token_hash: str = Field(unique=True, max_length=64)
    family_id: uuid.UUID = Field(index=True)
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    device_id: uuid.UUID = Field(foreign_key="device.id", index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsoleSession(Entity, table=True):
    __tablename__ = "console_session"
    token_hash: str = Field(unique=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginFailure(Entity, table=True):
    """A failed sign-in, counted per (employee number, address) and, for numbers that
    belong to nobody, per address (server/domain/accounts/throttle.py)."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_pair", "employee_no", "remote_addr", "created_at"),
        Index("ix_login_failure_address", "remote_addr", "unknown_employee", "created_at"),
    )

    employee_no: str = Field(max_length=32)
    remote_addr: str = Field(default="", max_length=64)
    unknown_employee: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
