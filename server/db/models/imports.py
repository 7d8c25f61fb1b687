"""Imports of master data: who loaded which file when, and what it changed."""

from __future__ import annotations

import uuid

from sqlmodel import Field

from server.db.models.base import Entity


class ImportRun(Entity, table=True):
    """One applied import (dry runs write nothing, so they leave no row)."""

    __tablename__ = "import_run"

    kind: str = Field(max_length=24, index=True)
    file_name: str = Field(max_length=255)
    # None when the CLI ran it: a shell on the server is not a user account.
    user_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", index=True)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
