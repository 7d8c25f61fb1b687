"""Throttling failed sign-ins, counted in the database so that every worker sees them.

Failures are keyed on the employee number *and* the address they came from. A ward's
phones share one address behind NAT: keyed on the address alone, a few nurses mistyping
at shift change would lock out everyone behind it; keyed on the number alone, anyone
could lock a colleague out from anywhere. Someone trying many badge numbers from one
address is caught by a second count: failures for numbers that belong to nobody. Staff
mistyping a password never add to it, and mistyping a badge number rarely does.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import LoginFailure
from server.db.types import utcnow
from server.errors import TooManyAttempts
from server.settings import AuthSettings

# Failures for unknown employee numbers one address may make, in login_max_failures.
UNKNOWN_NUMBER_FACTOR = 4


async def check_throttle(
    session: AsyncSession, auth: AuthSettings, employee_no: str, remote_addr: str
) -> None:
    """Refuse (429) when this number failed too often from this address, or this address
    tried too many numbers that belong to nobody."""
    same_pair = and_(
        col(LoginFailure.employee_no) == employee_no[:32],
        col(LoginFailure.remote_addr) == remote_addr[:64],
    )
    await _refuse_over(
        session,
        auth,
        same_pair,
        auth.login_max_failures,
        "Too many failed sign-ins for this employee number.",
    )
    spraying = and_(
        col(LoginFailure.remote_addr) == remote_addr[:64], col(LoginFailure.unknown_employee)
    )
    await _refuse_over(
        session,
        auth,
        spraying,
        auth.login_max_failures * UNKNOWN_NUMBER_FACTOR,
        "Too many sign-ins with unknown employee numbers from this network.",
    )


async def _refuse_over(
    session: AsyncSession,
    auth: AuthSettings,
    clause: ColumnElement[bool],
    limit: int,
    reason: str,
) -> None:
    window = timedelta(minutes=auth.login_window_minutes)
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                clause, col(LoginFailure.created_at) > utcnow() - window
            )
        )
    ).one()
    if count >= limit and oldest is not None:
        seconds = max(1, int((oldest + window - utcnow()).total_seconds()) + 1)
        raise TooManyAttempts(
            f"{reason} Try again in {seconds // 60 + 1} minutes,"
            " or ask the service desk to reset your password.",
            retry_after_seconds=seconds,
        )


def failure(employee_no: str, remote_addr: str, *, known: bool) -> LoginFailure:
    return LoginFailure(
        employee_no=employee_no[:32], remote_addr=remote_addr[:64], unknown_employee=not known
    )


async def clear_failures(session: AsyncSession, employee_no: str) -> None:
    """A right password proves who it is: their earlier mistakes, from anywhere, are past."""
    await session.execute(delete(LoginFailure).where(col(LoginFailure.employee_no) == employee_no))
