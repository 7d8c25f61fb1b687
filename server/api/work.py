"""Work orders as far as they exist yet: the scoped list, and the rate card that prices labour."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.rates.service import RateCardOut, rate_card_in_force
from server.domain.work.detail import WorkOrderDetail, work_order_detail
from server.domain.work.schemas import WorkOrderPage
from server.domain.work.service import search_work_orders, work_order_out
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class WorkOrderController(Controller):
    tags = ["work"]

    @get("/work-orders", guards=requires(Permission.READ_WORK_ORDERS))
    async def work_orders(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        open_only: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> WorkOrderPage:
        """Requesters see their department's orders, technicians and leads their team's."""
        page = PageRequest(limit, offset)
        rows, total = await search_work_orders(db_session, actor, page, open_only=open_only)
        return WorkOrderPage([work_order_out(r) for r in rows], total, page.limit, page.offset)

    @get("/work-orders/{order_id:uuid}", guards=requires(Permission.READ_WORK_ORDERS))
    async def work_order(
        self, order_id: FromPath[uuid.UUID], db_session: DbSession, actor: CurrentActor
    ) -> WorkOrderDetail:
        """The order with its timeline (who, device, claimed and received time) and cost."""
        return await work_order_detail(db_session, actor, order_id)

    @get("/rate-card", guards=requires(Permission.READ_RATE_CARD))
    async def rate_card(self, db_session: DbSession) -> RateCardOut:
        return await rate_card_in_force(db_session, date.today())
