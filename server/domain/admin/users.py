"""Administering accounts from the desk: find, create, edit roles and scoping, reset a
password, disable, revoke a phone. Every change checks `ADMINISTER` and is audited.

Disabling a user or revoking a device revokes their refresh tokens (and, for a user,
console sessions) in the same transaction, so a phone's next refresh fails at once; a
disabled user's access tokens already fail because `load_actor` refuses inactive users.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    ConsoleSession,
    Contractor,
    Department,
    Device,
    RefreshToken,
    Role,
    Site,
    Team,
    User,
    UserRole,
    UserSite,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.passwords import MIN_PASSWORD_LENGTH, hash_in_thread
from server.domain.accounts.policy import Permission, require
from server.domain.admin import audit
from server.domain.paging import PageRequest
from server.errors import InvalidInput, NotFound

EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
ENTITY = "user"


@dataclass(frozen=True)
class UserInput:
    employee_no: str
    name: str
    roles: frozenset[str]
    site_ids: frozenset[uuid.UUID] = frozenset()
    team_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    contractor_id: uuid.UUID | None = None
    phone: str = ""


@dataclass(frozen=True)
class UserRow:
    user: User
    roles: list[Role]


@dataclass(frozen=True)
class UserDetail:
    user: User
    roles: list[Role]
    site_ids: list[uuid.UUID]
    devices: list[Device] = field(default_factory=list)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_users(
    session: AsyncSession,
    actor: Actor,
    window: PageRequest,
    *,
    query: str = "",
    role: Role | None = None,
) -> tuple[list[UserRow], int]:
    """Every account (disabled too), by name or employee number and role; one page."""
    require(actor, Permission.READ_ADMINISTRATION)
    stmt = select(User)
    if query.strip():
        pattern = _like(query.strip().lower())
        stmt = stmt.where(
            or_(
                func.lower(col(User.name)).like(pattern, escape="\\"),
                func.lower(col(User.employee_no)).like(pattern, escape="\\"),
            )
        )
    if role is not None:
        stmt = stmt.where(
            col(User.id).in_(select(col(UserRole.user_id)).where(col(UserRole.role) == role))
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    users = list(
        (
            await session.scalars(
                stmt.order_by(col(User.employee_no)).limit(window.limit).offset(window.offset)
            )
        ).all()
    )
    roles = await _roles_of(session, [u.id for u in users])
    return [UserRow(u, roles.get(u.id, [])) for u in users], total


async def _roles_of(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Role]]:
    found: dict[uuid.UUID, list[Role]] = {}
    if not user_ids:
        return found
    rows = await session.execute(
        select(col(UserRole.user_id), col(UserRole.role)).where(col(UserRole.user_id).in_(user_ids))
    )
    for user_id, role in rows.all():
        found.setdefault(user_id, []).append(Role(role))
    return {key: sorted(value) for key, value in found.items()}


async def load_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> UserDetail:
    require(actor, Permission.READ_ADMINISTRATION)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    sites = await session.scalars(
        select(col(UserSite.site_id)).where(col(UserSite.user_id) == user_id)
    )
    devices = await session.scalars(
        select(Device)
        .where(col(Device.user_id) == user_id)
        .order_by(col(Device.last_seen_at).desc())
    )
    return UserDetail(
        user,
        (await _roles_of(session, [user_id])).get(user_id, []),
        sorted(sites.all(), key=str),
        list(devices.all()),
    )


def _snapshot(detail: UserDetail) -> dict[str, str | None]:
    user = detail.user
    return {
        "employee_no": user.employee_no,
        "name": user.name,
        "phone": user.phone,
        "roles": audit.text(detail.roles),
        "sites": audit.text(detail.site_ids),
        "team_id": audit.text(user.team_id),
        "department_id": audit.text(user.department_id),
        "contractor_id": audit.text(user.contractor_id),
        "active": audit.text(user.active),
    }


async def _exists(
    session: AsyncSession,
    model: type[Site] | type[Team] | type[Department] | type[Contractor],
    ids: Sequence[uuid.UUID | None],
    field_name: str,
) -> None:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return
    found = set(
        (await session.scalars(select(col(model.id)).where(col(model.id).in_(wanted)))).all()
    )
    if wanted - found:
        raise InvalidInput(f"No such {model.__name__.lower()}.", field=field_name)


async def _checked(
    session: AsyncSession, data: UserInput, user_id: uuid.UUID | None
) -> tuple[str, str, set[Role]]:
    employee_no = data.employee_no.strip()
    if not EMPLOYEE_NO.match(employee_no):
        raise InvalidInput(
            "An employee number is 1 to 32 letters, digits, '-', '_' or '.'.",
            field="employee_no",
        )
    name = data.name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("Give a name of 1 to 120 characters.", field="name")
    if len(data.phone.strip()) > 32:
        raise InvalidInput("A phone number has at most 32 characters.", field="phone")
    try:
        roles = {Role(role) for role in data.roles}
    except ValueError:
        raise InvalidInput("One of the roles is not known.", field="roles") from None
    if not roles:
        raise InvalidInput("Give the user at least one role.", field="roles")
    same_number = select(col(User.id)).where(
        func.lower(col(User.employee_no)) == employee_no.lower()
    )
    if user_id is not None:
        same_number = same_number.where(col(User.id) != user_id)
    taken = await session.scalar(same_number)
    if taken:
        raise InvalidInput(
            f"Employee number {employee_no} already has an account.", field="employee_no"
        )
    await _exists(session, Site, list(data.site_ids), "site_ids")
    await _exists(session, Team, [data.team_id], "team_id")
    await _exists(session, Department, [data.department_id], "department_id")
    await _exists(session, Contractor, [data.contractor_id], "contractor_id")
    if (Role.GUARD in roles or Role.CLEANER in roles or Role.CONTRACTOR_MANAGER in roles) and (
        data.contractor_id is None
    ):
        # Guards, cleaners and their managers see their own company's rounds only.
        raise InvalidInput(
            "Guards, cleaners and contractor managers belong to a contractor.",
            field="contractor_id",
        )
    return employee_no, name, roles


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
        )


def temporary_password() -> str:
    """Twelve characters from an alphabet without look-alikes, to be read out or copied."""
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


async def _write_scoping(
    session: AsyncSession, user_id: uuid.UUID, roles: set[Role], site_ids: frozenset[uuid.UUID]
) -> None:
    await session.execute(delete(UserRole).where(col(UserRole.user_id) == user_id))
    await session.execute(delete(UserSite).where(col(UserSite.user_id) == user_id))
    for role in sorted(roles):
        session.add(UserRole(user_id=user_id, role=role))
    for site_id in sorted(site_ids, key=str):
        session.add(UserSite(user_id=user_id, site_id=site_id))
    await session.flush()


async def create_user(
    session: AsyncSession, actor: Actor, data: UserInput, password: str = ""
) -> tuple[User, str | None]:
    """The new account, and its temporary password when none was given (shown once)."""
    require(actor, Permission.ADMINISTER)
    employee_no, name, roles = await _checked(session, data, None)
    temporary = None if password else temporary_password()
    _check_password(password or temporary or "")
    user = User(
        employee_no=employee_no,
        name=name,
        phone=data.phone.strip(),
        password_hash=await hash_in_thread(password or temporary or ""),
        team_id=data.team_id,
        department_id=data.department_id,
        contractor_id=data.contractor_id,
    )
    session.add(user)
    await session.flush()
    await _write_scoping(session, user.id, roles, data.site_ids)
    after = _snapshot(UserDetail(user, sorted(roles), sorted(data.site_ids, key=str)))
    audit.record(session, actor, ENTITY, user.id, {}, after)
    audit.record_secret(session, actor, ENTITY, user.id, "password")
    return user, temporary


async def audit_created(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> None:
    """Audit an account made elsewhere (the admin API), as the console's creations are."""
    detail = await load_user(session, actor, user_id)
    audit.record(session, actor, ENTITY, user_id, {}, _snapshot(detail))
    audit.record_secret(session, actor, ENTITY, user_id, "password")


async def update_user(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, data: UserInput
) -> User:
    require(actor, Permission.ADMINISTER)
    before = await load_user(session, actor, user_id)
    snapshot = _snapshot(before)
    employee_no, name, roles = await _checked(session, data, user_id)
    if user_id == actor.user_id and Role.ADMIN not in roles:
        # Otherwise an admin could lock the hospital out of its own administration.
        raise InvalidInput("You may not take the admin role from yourself.", field="roles")
    user = before.user
    user.employee_no, user.name, user.phone = employee_no, name, data.phone.strip()
    user.team_id, user.department_id = data.team_id, data.department_id
    user.contractor_id = data.contractor_id
    user.updated_at = utcnow()
    await _write_scoping(session, user_id, roles, data.site_ids)
    after = _snapshot(UserDetail(user, sorted(roles), sorted(data.site_ids, key=str)))
    audit.record(session, actor, ENTITY, user_id, snapshot, after)
    return user


async def reset_password(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, given: str = ""
) -> str | None:
    """Set `given`, or a temporary password that is returned to be shown once."""
    require(actor, Permission.ADMINISTER)
    user = (await load_user(session, actor, user_id)).user
    temporary = None if given else temporary_password()
    password = given or temporary or ""
    _check_password(password)
    user.password_hash = await hash_in_thread(password)
    user.updated_at = utcnow()
    audit.record_secret(session, actor, ENTITY, user_id, "password")
    await session.flush()
    return temporary


async def set_active(session: AsyncSession, actor: Actor, user_id: uuid.UUID, active: bool) -> User:
    require(actor, Permission.ADMINISTER)
    user = (await load_user(session, actor, user_id)).user
    if user_id == actor.user_id and not active:
        raise InvalidInput("You may not disable your own account.", field="active")
    if user.active == active:
        return user
    now = utcnow()
    audit.record(
        session, actor, ENTITY, user_id, {"active": str(user.active)}, {"active": str(active)}
    )
    user.active, user.updated_at = active, now
    if not active:
        await session.execute(
            update(RefreshToken)
            .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
        await session.execute(
            update(ConsoleSession)
            .where(col(ConsoleSession.user_id) == user_id, col(ConsoleSession.revoked_at).is_(None))
            .values(revoked_at=now)
        )
    await session.flush()
    return user


async def revoke_device(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, device_id: uuid.UUID
) -> Device:
    """Sign one phone out: its refresh tokens, and with them its access tokens, stop working."""
    require(actor, Permission.ADMINISTER)
    device = await session.get(Device, device_id)
    if device is None or device.user_id != user_id:
        raise NotFound("This user has no such device.")
    now = utcnow()
    if device.revoked_at is None:
        audit.record(
            session,
            actor,
            "device",
            device.id,
            {"revoked_at": None},
            {"revoked_at": now.isoformat()},
        )
        device.revoked_at, device.updated_at = now, now
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.device_id) == device_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    await session.flush()
    return device
