"""Complaints and enquiries at the desk: a list, a form to take one, and its page where
it is given an owner, answered and closed (`domain.intake.enquiries`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.forms import uuid_or_none
from server.console.pages import VARY_ON_HTMX, render
from server.db.models import Contractor, Department, Enquiry, Role, User, UserRole
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import GRANTS, Permission
from server.domain.intake import enquiries
from server.domain.intake.requests import RequestErrors
from server.domain.sites import service as sites
from server.errors import RoundsError
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

LIST = "/desk/enquiries"


class NewEnquiry(msgspec.Struct):
    kind: str = ""
    department_id: str = ""
    subject: str = ""
    text: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    contractor_id: str = ""


class ContractorForm(msgspec.Struct):
    contractor_id: str = ""


class OwnerForm(msgspec.Struct):
    owner_id: str = ""


class AnswerForm(msgspec.Struct):
    answer: str = ""


async def _handlers(session: AsyncSession) -> list[User]:
    """Who may own one: the active people of the roles that take calls."""
    roles: list[Role] = sorted(GRANTS[Permission.TAKE_CALLS])
    stmt = (
        select(User)
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(col(UserRole.role).in_(roles), col(User.active).is_(True))
        .order_by(col(User.name))
        .distinct()
    )
    return list((await session.scalars(stmt)).all())


async def _names(session: AsyncSession, enquiry: Enquiry) -> dict[str, str]:
    ids = {
        i
        for i in (
            enquiry.received_by_id,
            enquiry.owner_id,
            enquiry.owned_by_id,
            enquiry.answered_by_id,
            enquiry.closed_by_id,
        )
        if i is not None
    }
    rows = await session.execute(select(col(User.id), col(User.name)).where(col(User.id).in_(ids)))
    return {str(i): name for i, name in rows.all()}


async def _contractor_names(session: AsyncSession, rows: Sequence[Enquiry]) -> dict[str, str]:
    ids = {row.contractor_id for row in rows if row.contractor_id is not None}
    if not ids:
        return {}
    found = await session.execute(
        select(col(Contractor.id), col(Contractor.name)).where(col(Contractor.id).in_(ids))
    )
    return {str(i): name for i, name in found.all()}


def _go(request: HTMXRequest, url: str) -> Response[Any]:
    if request.htmx:
        return ClientRedirect(redirect_to=url)
    return Redirect(url, status_code=303)


async def _detail(
    request: HTMXRequest,
    session: AsyncSession,
    actor: Actor,
    enquiry_id: uuid.UUID,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    refusal: str = "",
) -> Template:
    enquiry = await enquiries.load(session, actor, enquiry_id)
    department = (
        await session.get(Department, enquiry.department_id) if enquiry.department_id else None
    )
    contractor = (
        await session.get(Contractor, enquiry.contractor_id) if enquiry.contractor_id else None
    )
    return render(
        request,
        "enquiries/detail.html",
        status=status,
        enquiry=enquiry,
        department=department,
        contractor=contractor,
        contractors=await enquiries.contractors(session, actor),
        names=await _names(session, enquiry),
        handlers=await _handlers(session),
        errors=errors or {},
        refusal=refusal,
    )


class EnquiryConsoleController(Controller):
    path = "/enquiries"
    guards = requires(Permission.TAKE_CALLS)

    @get("/")
    async def list_page(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        kind: FromQuery[str] = "",
        status: FromQuery[str] = "",
    ) -> Template:
        rows = await enquiries.listing(db_session, actor, kind=kind, status=status)
        return render(
            request,
            "enquiries/list.html",
            headers=VARY_ON_HTMX,
            rows=rows,
            contractor_names=await _contractor_names(db_session, rows),
            kind=kind,
            shown_status=status,
        )

    @get("/new")
    async def form_page(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return render(
            request,
            "enquiries/form.html",
            values=asdict(enquiries.EnquiryForm()),
            errors={},
            departments=await sites.list_departments(db_session),
            contractors=await enquiries.contractors(db_session, actor),
        )

    @post("/", status_code=200)
    async def receive(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[NewEnquiry],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        form = enquiries.EnquiryForm(**msgspec.structs.asdict(data))
        try:
            enquiry = await enquiries.receive(db_session, actor, form, utcnow())
        except RequestErrors as refused:
            template = "enquiries/partials/form.html" if request.htmx else "enquiries/form.html"
            return render(
                request,
                template,
                status=422,
                values=asdict(form),
                errors=refused.errors,
                departments=await sites.list_departments(db_session),
                contractors=await enquiries.contractors(db_session, actor),
            )
        return _go(request, f"{LIST}/{enquiry.id}")

    @get("/{enquiry_id:uuid}")
    async def detail(
        self,
        request: HTMXRequest,
        enquiry_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        return await _detail(request, db_session, actor, enquiry_id)

    @post("/{enquiry_id:uuid}/owner", status_code=200)
    async def set_owner(
        self,
        request: HTMXRequest,
        enquiry_id: FromPath[uuid.UUID],
        data: URLEncodedBody[OwnerForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def step(enquiry: Enquiry) -> None:
            owner = uuid_or_none(data.owner_id)
            if owner is None:
                raise RequestErrors({"owner_id": "intake.err.owner"})
            await enquiries.take_ownership(db_session, actor, enquiry, owner, utcnow())

        return await self._step(request, db_session, actor, enquiry_id, step)

    @post("/{enquiry_id:uuid}/contractor", status_code=200)
    async def set_contractor(
        self,
        request: HTMXRequest,
        enquiry_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ContractorForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def step(enquiry: Enquiry) -> None:
            await enquiries.name_contractor(db_session, actor, enquiry, data.contractor_id)

        return await self._step(request, db_session, actor, enquiry_id, step)

    @post("/{enquiry_id:uuid}/answer", status_code=200)
    async def answer(
        self,
        request: HTMXRequest,
        enquiry_id: FromPath[uuid.UUID],
        data: URLEncodedBody[AnswerForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def step(enquiry: Enquiry) -> None:
            enquiries.answer(actor, enquiry, data.answer, utcnow())

        return await self._step(request, db_session, actor, enquiry_id, step)

    @post("/{enquiry_id:uuid}/close", status_code=200)
    async def close(
        self,
        request: HTMXRequest,
        enquiry_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def step(enquiry: Enquiry) -> None:
            enquiries.close(actor, enquiry, utcnow())

        return await self._step(request, db_session, actor, enquiry_id, step)

    async def _step(
        self,
        request: HTMXRequest,
        session: AsyncSession,
        actor: Actor,
        enquiry_id: uuid.UUID,
        step: Any,
    ) -> Response[Any]:
        """Run one step on the locked enquiry; a refusal shows its page with the reason."""
        enquiry = await enquiries.load(session, actor, enquiry_id)
        try:
            await step(enquiry)
            await session.flush()
        except RequestErrors as refused:
            await session.rollback()
            return await _detail(
                request, session, actor, enquiry_id, status=422, errors=refused.errors
            )
        except RoundsError as refusal:
            if refusal.status == 404:
                raise
            await session.rollback()
            return await _detail(
                request,
                session,
                actor,
                enquiry_id,
                status=refusal.status,
                refusal=str(refusal.extra.get("reason", "")) or refusal.message,
            )
        return _go(request, f"{LIST}/{enquiry_id}")
