"""The signed-in person as every service sees them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from server.db.models import Role


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    employee_no: str
    name: str
    roles: frozenset[Role]
    team_id: uuid.UUID | None
    contractor_id: uuid.UUID | None
    department_id: uuid.UUID | None
    site_ids: frozenset[uuid.UUID]
    device_id: uuid.UUID | None = None

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def site_limited(self) -> bool:
        return bool(self.site_ids)
