"""People as a file: one row per account, keyed by employee number.

Roles and sites are space-separated codes. A new account has no password until an admin
sets one (`rounds user password`), so a file of people cannot be used to sign in.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, Department, Role, Site, Team, User
from server.db.models.base import new_id
from server.domain.imports.kinds import Kind, Plan
from server.domain.imports.validation import Column, ColumnType, Record, RowError, Spec
from server.domain.people.service import Links, people_links, save_people

T = ColumnType
PEOPLE_SPEC = Spec(
    kind="people",
    key=("employee_no",),
    columns=(
        Column("employee_no", T.CODE, required=True, max_length=32, example="T0042"),
        Column("name", T.TEXT, required=True, max_length=120, example="Wei Zhang"),
        Column("roles", T.TEXT, required=True, max_length=240, example="technician"),
        Column("team", T.CODE, max_length=16, example="ELEC"),
        Column("contractor", T.CODE, max_length=16),
        Column("department", T.CODE, max_length=16),
        Column("sites", T.TEXT, max_length=240, example="EAST"),
        Column("phone", T.TEXT, max_length=32, example="+86 138 0000 0000"),
        Column("active", T.CHOICE, choices=("yes", "no"), example="yes"),
    ),
)
_SEPARATORS = re.compile(r"[\s,;]+")
LINKS = "links"  # Plan.extra: the roles and sites to write, by user id


def _codes(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text.strip()) if part]


async def _by_code(session: AsyncSession, model: Any) -> dict[str, uuid.UUID]:
    return {row[0]: row[1] for row in await session.execute(select(col(model.code), col(model.id)))}


async def plan_people(session: AsyncSession, records: list[Record]) -> Plan:
    plan = Plan()
    refs = {
        "team": await _by_code(session, Team),
        "contractor": await _by_code(session, Contractor),
        "department": await _by_code(session, Department),
    }
    sites = await _by_code(session, Site)
    users = {user.employee_no: user for user in await session.scalars(select(User))}
    links_now = await people_links(session)
    links: dict[uuid.UUID, Links] = {}
    for record in records:
        values, line = record.values, record.line
        before = len(plan.errors)
        roles: set[Role] = set()
        for code in _codes(values["roles"]):
            try:
                roles.add(Role(code.lower()))
            except ValueError:
                plan.errors.append(RowError(line, "roles", f"'{code}' is not a role."))
        site_ids: set[uuid.UUID] = set()
        for code in _codes(values["sites"]):
            if code.upper() in sites:
                site_ids.add(sites[code.upper()])
            else:
                plan.errors.append(RowError(line, "sites", f"No site has the code '{code}'."))
        wanted: dict[str, Any] = {"name": values["name"], "phone": values["phone"]}
        for name, table in refs.items():
            code = values[name]
            wanted[f"{name}_id"] = table.get(code) if code else None
            if code and wanted[f"{name}_id"] is None:
                plan.errors.append(RowError(line, name, f"No {name} has the code '{code}'."))
        wanted["active"] = values["active"] != "no"
        if len(plan.errors) > before:
            continue
        link = Links(frozenset(roles), frozenset(site_ids))
        user = users.get(values["employee_no"])
        if user is None:
            user_id = new_id()
            plan.created.append({"id": user_id, "employee_no": values["employee_no"], **wanted})
            links[user_id] = link
            continue
        moved = links_now.get(user.id, Links(frozenset(), frozenset())) != link
        if moved:
            links[user.id] = link
        changed_before = len(plan.changed)
        plan.merge(user, wanted)
        if moved and len(plan.changed) == changed_before:  # only the roles or sites differ
            plan.unchanged -= 1
            plan.changed.append(user)
    plan.extra[LINKS] = links
    return plan


async def apply_people(session: AsyncSession, plan: Plan) -> None:
    await save_people(session, plan.created, plan.changed, plan.extra.get(LINKS, {}))


async def export_people(session: AsyncSession) -> list[list[str]]:
    codes: dict[uuid.UUID, str] = {}
    for model in (Team, Contractor, Department, Site):
        codes.update(
            (row[0], row[1])
            for row in await session.execute(select(col(model.id), col(model.code)))
        )
    links = await people_links(session)
    rows = [PEOPLE_SPEC.header]
    for user in await session.scalars(select(User).order_by(col(User.employee_no))):
        link = links.get(user.id, Links(frozenset(), frozenset()))
        rows.append(
            [
                user.employee_no,
                user.name,
                " ".join(sorted(role.value for role in link.roles)),
                codes[user.team_id] if user.team_id else "",
                codes[user.contractor_id] if user.contractor_id else "",
                codes[user.department_id] if user.department_id else "",
                " ".join(sorted(codes[site_id] for site_id in link.site_ids)),
                user.phone,
                "yes" if user.active else "no",
            ]
        )
    return rows


PEOPLE = Kind(PEOPLE_SPEC, frozenset(), plan_people, apply_people, export_people)
