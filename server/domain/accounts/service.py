"""Sign-in, token rotation, console sessions and user creation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
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
from server.domain.accounts.passwords import MIN_PASSWORD_LENGTH, hash_in_thread, verify_in_thread
from server.domain.accounts.schemas import LoginRequest, NewUser, TokenPair, UserOut
from server.domain.accounts.throttle import check_throttle, clear_failures, failure
from server.domain.accounts.tokens import (
    AccessClaims,
    digest,
    issue_access_token,
    new_secret,
    read_access_token,
    successor_secret,
)
from server.errors import (
    AlreadyExists,
    InvalidCredentials,
    InvalidInput,
    RefreshRejected,
    RefreshReused,
    Unauthenticated,
)
from server.settings import AuthSettings

# A phone that lost the answer to a refresh presents the spent token again within this.
REFRESH_GRACE = timedelta(seconds=60)


async def load_actor(
    session: AsyncSession, user_id: uuid.UUID, device_id: uuid.UUID | None = None
) -> Actor | None:
    user = await session.get(User, user_id)
    if user is None or not user.active:
        return None
    roles = await session.scalars(
        select(col(UserRole.role)).where(col(UserRole.user_id) == user_id)
    )
    sites = await session.scalars(
        select(col(UserSite.site_id)).where(col(UserSite.user_id) == user_id)
    )
    return Actor(
        user_id=user.id,
        employee_no=user.employee_no,
        name=user.name,
        roles=frozenset(Role(role) for role in roles),
        team_id=user.team_id,
        contractor_id=user.contractor_id,
        department_id=user.department_id,
        site_ids=frozenset(sites),
        device_id=device_id,
    )


def user_out(actor: Actor) -> UserOut:
    return UserOut(
        id=actor.user_id,
        employee_no=actor.employee_no,
        name=actor.name,
        roles=sorted(actor.roles),
        team_id=actor.team_id,
        contractor_id=actor.contractor_id,
        department_id=actor.department_id,
        site_ids=sorted(actor.site_ids, key=str),
    )


async def authenticate(
    session: AsyncSession, auth: AuthSettings, employee_no: str, password: str, remote_addr: str
) -> User:
    """Check a password, counting failures so that guessing is throttled on every worker."""
    employee_no = employee_no.strip()
    await check_throttle(session, auth, employee_no, remote_addr)
    user = await session.scalar(select(User).where(col(User.employee_no) == employee_no))
    matches = await verify_in_thread(user.password_hash if user else None, password)
    if not matches or user is None or not user.active:
        session.add(failure(employee_no, remote_addr, known=user is not None))
        # The failure must be counted even though the request fails.
        await session.commit()
        raise InvalidCredentials("Wrong employee number or password.")
    await clear_failures(session, employee_no)
    return user


@dataclass(frozen=True)
class _Issued:
    access_token: str
    refresh_token: str


async def _issue(
    session: AsyncSession,
    auth: AuthSettings,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    family_id: uuid.UUID,
    now: datetime,
    refresh: str | None = None,
) -> _Issued:
    """Store a new link of the family (`refresh`, or a random one) and sign its access token."""
    refresh = refresh or new_secret()
    session.add(
        RefreshToken(
            token_hash=digest(refresh),
            family_id=family_id,
            user_id=user_id,
            device_id=device_id,
            expires_at=now + timedelta(days=auth.refresh_token_days),
        )
    )
    return _Issued(_access_token(auth, user_id, device_id, family_id, now), refresh)


def _access_token(
    auth: AuthSettings,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    family_id: uuid.UUID,
    issued_at: datetime,
) -> str:
    return issue_access_token(
        AccessClaims(user_id=user_id, device_id=device_id, family_id=family_id),
        secret=auth.secret_key,
        now=issued_at,
        lifetime=timedelta(minutes=auth.access_token_minutes),
    )


async def _register_device(
    session: AsyncSession, user: User, device_id: uuid.UUID | None, device_name: str, now: datetime
) -> uuid.UUID:
    device = await session.get(Device, device_id) if device_id else None
    if device is None:
        device = Device(id=device_id or uuid.uuid4(), user_id=user.id)
        session.add(device)
    # A shared phone changes hands between shifts; the device follows who signed in last.
    device.user_id = user.id
    device.name = device_name[:120] or device.name
    device.last_seen_at = now
    device.revoked_at = None
    device.updated_at = now
    await session.flush()
    return device.id


async def login(
    session: AsyncSession, auth: AuthSettings, request: LoginRequest, remote_addr: str
) -> TokenPair:
    user = await authenticate(session, auth, request.employee_no, request.password, remote_addr)
    now = utcnow()
    device_id = await _register_device(session, user, request.device_id, request.device_name, now)
    issued = await _issue(session, auth, user.id, device_id, uuid.uuid4(), now)
    return await _token_pair(session, auth, user.id, device_id, issued)


async def _token_pair(
    session: AsyncSession,
    auth: AuthSettings,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    issued: _Issued,
) -> TokenPair:
    actor = await load_actor(session, user_id, device_id)
    if actor is None:
        raise Unauthenticated("This account is disabled.")
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        device_id=device_id,
        user=user_out(actor),
        expires_in=auth.access_token_minutes * 60,
    )


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )


async def refresh(session: AsyncSession, auth: AuthSettings, refresh_token: str) -> TokenPair:
    """Rotate: the presented token is spent and its successor of the same family issued.

    A spent token presented again within `REFRESH_GRACE` of its rotation, while its
    successor is still unused, is a retry after a lost response: it gets the same pair
    again (the successor is derived from it, the access token dated at the rotation).
    Otherwise a spent token presented again was copied, so the whole family is revoked
    and the phone must sign in again (its outbox stays on the phone).
    """
    now = utcnow()
    token = await session.scalar(
        select(RefreshToken).where(col(RefreshToken.token_hash) == digest(refresh_token))
    )
    if token is None or token.revoked_at is not None:
        raise RefreshRejected("This refresh token is not valid: sign in again.")
    if token.expires_at <= now:
        raise RefreshRejected("This refresh token has expired: sign in again.")
    successor = successor_secret(refresh_token, key=auth.secret_key)
    spent = await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == token.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount == 1:  # type: ignore[attr-defined]
        issued = await _issue(
            session, auth, token.user_id, token.device_id, token.family_id, now, successor
        )
        return await _token_pair(session, auth, token.user_id, token.device_id, issued)
    await session.refresh(token)  # spent meanwhile: read when
    if await _retry_of_lost_response(session, token, successor, now):
        assert token.used_at is not None
        access = _access_token(auth, token.user_id, token.device_id, token.family_id, token.used_at)
        issued = _Issued(access, successor)
        return await _token_pair(session, auth, token.user_id, token.device_id, issued)
    await _revoke_family(session, token.family_id, now)
    await session.commit()
    raise RefreshReused(
        "This refresh token was already used, so every session of this device was signed"
        " out for safety. Sign in again; nothing queued on the phone is lost."
    )


async def _retry_of_lost_response(
    session: AsyncSession, spent: RefreshToken, successor: str, now: datetime
) -> bool:
    """Spent moments ago, and what it was spent for has not been used: the phone never
    got the answer. A successor already used means someone else holds the chain."""
    if spent.used_at is None or now - spent.used_at > REFRESH_GRACE:
        return False
    unused = await session.scalar(
        select(col(RefreshToken.id)).where(
            col(RefreshToken.token_hash) == digest(successor),
            col(RefreshToken.family_id) == spent.family_id,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
    )
    return unused is not None


async def actor_from_access_token(
    session: AsyncSession, auth: AuthSettings, access_token: str
) -> Actor:
    claims = read_access_token(access_token, secret=auth.secret_key)
    live = await session.scalar(
        select(func.count())
        .select_from(RefreshToken)
        .where(
            col(RefreshToken.family_id) == claims.family_id,
            col(RefreshToken.revoked_at).is_(None),
        )
    )
    if not live:
        raise Unauthenticated("This session was signed out: sign in again.")
    actor = await load_actor(session, claims.user_id, claims.device_id)
    if actor is None:
        raise Unauthenticated("This account is disabled.")
    return actor


async def logout_device(session: AsyncSession, access_token: str, auth: AuthSettings) -> None:
    claims = read_access_token(access_token, secret=auth.secret_key)
    await _revoke_family(session, claims.family_id, utcnow())


async def open_console_session(
    session: AsyncSession, auth: AuthSettings, employee_no: str, password: str, remote_addr: str
) -> str:
    user = await authenticate(session, auth, employee_no, password, remote_addr)
    secret = new_secret()
    session.add(
        ConsoleSession(
            token_hash=digest(secret),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=auth.console_session_hours),
        )
    )
    return secret


async def actor_from_console_session(session: AsyncSession, secret: str) -> Actor:
    row = await session.scalar(
        select(ConsoleSession).where(col(ConsoleSession.token_hash) == digest(secret))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthenticated("Your session has ended: sign in again.")
    actor = await load_actor(session, row.user_id)
    if actor is None:
        raise Unauthenticated("This account is disabled.")
    return actor


async def close_console_session(session: AsyncSession, secret: str) -> None:
    await session.execute(
        update(ConsoleSession)
        .where(col(ConsoleSession.token_hash) == digest(secret))
        .values(revoked_at=utcnow())
    )


async def _id_by_code(
    session: AsyncSession,
    model: type[Site] | type[Team] | type[Contractor] | type[Department],
    code: str,
) -> uuid.UUID:
    found: uuid.UUID | None = await session.scalar(
        select(col(model.id)).where(col(model.code) == code)
    )
    if found is None:
        raise InvalidInput(
            f"No {model.__name__.lower()} has the code {code!r}.", field=model.__name__.lower()
        )
    return found


async def create_user(session: AsyncSession, new: NewUser) -> User:
    """Create a person with roles; used by the admin API and the `rounds user create` CLI."""
    try:
        roles = {Role(role) for role in new.roles}
    except ValueError as exc:
        raise InvalidInput(
            f"Unknown role in {new.roles}; roles are {', '.join(r.value for r in Role)}.",
            field="roles",
        ) from exc
    if not roles:
        raise InvalidInput("A user needs at least one role.", field="roles")
    if len(new.password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if not new.employee_no.strip() or not new.name.strip():
        raise InvalidInput("Employee number and name are required.", field="employee_no")
    if await session.scalar(select(col(User.id)).where(col(User.employee_no) == new.employee_no)):
        raise AlreadyExists(f"Employee number {new.employee_no} already has an account.")
    user = User(
        employee_no=new.employee_no.strip(),
        name=new.name.strip(),
        password_hash=await hash_in_thread(new.password),
        team_id=await _id_by_code(session, Team, new.team_code) if new.team_code else None,
        contractor_id=(
            await _id_by_code(session, Contractor, new.contractor_code)
            if new.contractor_code
            else None
        ),
        department_id=(
            await _id_by_code(session, Department, new.department_code)
            if new.department_code
            else None
        ),
    )
    session.add(user)
    await session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role))
    for code in new.site_codes:
        session.add(UserSite(user_id=user.id, site_id=await _id_by_code(session, Site, code)))
    await session.flush()
    return user
