"""What crosses HTTP for accounts."""

from __future__ import annotations

import uuid

import msgspec


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    employee_no: str
    password: str
    device_id: uuid.UUID | None = None
    device_name: str = ""


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: str


class UserOut(msgspec.Struct):
    id: uuid.UUID
    employee_no: str
    name: str
    roles: list[str]
    team_id: uuid.UUID | None
    contractor_id: uuid.UUID | None
    department_id: uuid.UUID | None
    site_ids: list[uuid.UUID]


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    device_id: uuid.UUID
    user: UserOut
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = 0


class NewUser(msgspec.Struct, forbid_unknown_fields=True):
    employee_no: str
    name: str
    password: str
    roles: list[str]
    team_code: str | None = None
    contractor_code: str | None = None
    department_code: str | None = None
    site_codes: list[str] = msgspec.field(default_factory=list)
