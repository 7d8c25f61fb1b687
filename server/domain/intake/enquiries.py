"""Complaints and enquiries: not repairs, so not work orders. Each one is received,
given an owner, answered and closed, keeping who and when at every step."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, Department, Enquiry, EnquiryKind, EnquiryStatus, User
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contractors, scope_enquiries
from server.domain.intake.requests import PHONE, RequestErrors
from server.errors import InvalidTransition, NotFound


@dataclass(frozen=True)
class EnquiryForm:
    kind: str = ""
    department_id: str = ""
    subject: str = ""
    text: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    contractor_id: str = ""


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip()) if text.strip() else None
    except ValueError:
        return None


async def contractors(session: AsyncSession, actor: Actor) -> Sequence[Contractor]:
    """The contractors a complaint taken by this desk user may name."""
    stmt = scope_contractors(actor, select(Contractor).order_by(col(Contractor.name)))
    return (await session.scalars(stmt)).all()


async def _contractor_error(session: AsyncSession, actor: Actor, text: str) -> str | None:
    """None when `text` is empty or names a contractor in the actor's scope."""
    if not text.strip():
        return None
    contractor_id = _uuid(text)
    if contractor_id is None:
        return "intake.err.contractor"
    stmt = scope_contractors(
        actor, select(col(Contractor.id)).where(col(Contractor.id) == contractor_id)
    )
    return None if await session.scalar(stmt) is not None else "intake.err.contractor"


async def _errors(session: AsyncSession, actor: Actor, form: EnquiryForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.kind not in {k.value for k in EnquiryKind}:
        errors["kind"] = "intake.err.kind"
    contractor_error = await _contractor_error(session, actor, form.contractor_id)
    if contractor_error:
        errors["contractor_id"] = contractor_error
    elif form.contractor_id.strip() and form.kind == EnquiryKind.ENQUIRY:
        errors["contractor_id"] = "intake.err.contractor_enquiry"
    department_id = _uuid(form.department_id)
    if form.department_id.strip() and (
        department_id is None or await session.get(Department, department_id) is None
    ):
        errors["department_id"] = "intake.err.no_department"
    if not form.subject.strip():
        errors["subject"] = "intake.err.subject"
    elif len(form.subject.strip()) > 200:
        errors["subject"] = "intake.err.subject_long"
    if len(form.text) > 4000:
        errors["text"] = "intake.err.text_long"
    if not form.caller_name.strip():
        errors["caller_name"] = "intake.err.caller_name"
    elif len(form.caller_name.strip()) > 120:
        errors["caller_name"] = "intake.err.caller_name_long"
    if not PHONE.match(form.caller_phone.strip()):
        errors["caller_phone"] = "intake.err.caller_phone"
    return errors


async def _next_number(session: AsyncSession, kind: EnquiryKind, now: datetime) -> str:
    count = await session.scalar(select(func.count()).select_from(Enquiry)) or 0
    prefix = "CP" if kind is EnquiryKind.COMPLAINT else "EQ"
    return f"{prefix}-{now.year}-{count + 1:06d}-{uuid.uuid4().hex[:4].upper()}"


async def receive(session: AsyncSession, actor: Actor, form: EnquiryForm, now: datetime) -> Enquiry:
    errors = await _errors(session, actor, form)
    if errors:
        raise RequestErrors(errors)
    kind = EnquiryKind(form.kind)
    # A desk user of one campus files it under that campus; a hospital-wide desk: none.
    site_id = next(iter(actor.site_ids)) if len(actor.site_ids) == 1 else None
    enquiry = Enquiry(
        number=await _next_number(session, kind, now),
        kind=kind,
        site_id=site_id,
        department_id=_uuid(form.department_id),
        contractor_id=_uuid(form.contractor_id),
        subject=form.subject.strip(),
        text=form.text.strip(),
        caller_name=form.caller_name.strip(),
        caller_phone=form.caller_phone.strip(),
        received_by_id=actor.user_id,
        received_at=now,
    )
    session.add(enquiry)
    await session.flush()
    return enquiry


async def load(session: AsyncSession, actor: Actor, enquiry_id: uuid.UUID) -> Enquiry:
    """Locked, so two desk users acting at once serialise; a site-limited user sees only
    their sites' (and the unsited) ones."""
    stmt = scope_enquiries(actor, select(Enquiry).where(col(Enquiry.id) == enquiry_id))
    enquiry = await session.scalar(stmt.with_for_update())
    if enquiry is None:
        raise NotFound("No such complaint or enquiry.", enquiry_id=str(enquiry_id))
    return enquiry


def _refuse_closed(enquiry: Enquiry, what: str) -> None:
    if enquiry.status is EnquiryStatus.CLOSED:
        raise InvalidTransition(
            f"Cannot {what}: it is closed.",
            enquiry_status=enquiry.status.value,
            reason="intake.err.closed",
        )


async def take_ownership(
    session: AsyncSession, actor: Actor, enquiry: Enquiry, owner_id: uuid.UUID, now: datetime
) -> None:
    _refuse_closed(enquiry, "change the owner")
    owner = await session.get(User, owner_id)
    if owner is None or not owner.active:
        raise RequestErrors({"owner_id": "intake.err.owner"})
    enquiry.owner_id, enquiry.owned_by_id, enquiry.owned_at = owner.id, actor.user_id, now


async def name_contractor(
    session: AsyncSession, actor: Actor, enquiry: Enquiry, contractor_id: str
) -> None:
    """Name (or, with an empty choice, clear) the contractor a complaint is about; it can
    change until the complaint is closed, as the facts come out."""
    _refuse_closed(enquiry, "change the contractor")
    if enquiry.kind is not EnquiryKind.COMPLAINT and contractor_id.strip():
        raise RequestErrors({"contractor_id": "intake.err.contractor_enquiry"})
    error = await _contractor_error(session, actor, contractor_id)
    if error:
        raise RequestErrors({"contractor_id": error})
    enquiry.contractor_id = _uuid(contractor_id)


def answer(actor: Actor, enquiry: Enquiry, text: str, now: datetime) -> None:
    _refuse_closed(enquiry, "answer")
    if not text.strip():
        raise RequestErrors({"answer": "intake.err.answer"})
    if len(text) > 4000:
        raise RequestErrors({"answer": "intake.err.answer_long"})
    enquiry.answer, enquiry.answered_by_id, enquiry.answered_at = text.strip(), actor.user_id, now
    enquiry.status = EnquiryStatus.ANSWERED


def close(actor: Actor, enquiry: Enquiry, now: datetime) -> None:
    _refuse_closed(enquiry, "close it again")
    if enquiry.status is not EnquiryStatus.ANSWERED:
        raise InvalidTransition(
            "Answer the caller before closing.",
            enquiry_status=enquiry.status.value,
            reason="intake.err.unanswered",
        )
    enquiry.status, enquiry.closed_by_id, enquiry.closed_at = (
        EnquiryStatus.CLOSED,
        actor.user_id,
        now,
    )


async def listing(
    session: AsyncSession, actor: Actor, *, kind: str = "", status: str = ""
) -> Sequence[Enquiry]:
    stmt = select(Enquiry)
    if kind in {k.value for k in EnquiryKind}:
        stmt = stmt.where(col(Enquiry.kind) == kind)
    if status in {s.value for s in EnquiryStatus}:
        stmt = stmt.where(col(Enquiry.status) == status)
    stmt = scope_enquiries(actor, stmt)
    rows = await session.scalars(stmt.order_by(col(Enquiry.received_at).desc()).limit(200))
    return rows.all()
