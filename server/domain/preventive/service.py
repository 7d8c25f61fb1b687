"""Reading maintenance plans: the list the desk and team leads see."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec
from sqlalchemy import false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Asset, Checklist, PmPlan, Team
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import OVERSEERS


class PmPlanOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    kind: str  # "inspection" with a checklist, else "preventive"
    asset_id: uuid.UUID | None
    asset_name: str
    category: str
    site_id: uuid.UUID | None
    interval_days: int
    checklist_id: uuid.UUID | None
    checklist_name: str
    team_id: uuid.UUID | None
    team_name: str
    priority: int
    next_due: date
    active: bool


async def list_plans(
    session: AsyncSession, actor: Actor, *, active_only: bool = True
) -> list[PmPlanOut]:
    """Plans by next due date. A team lead (without an overseer role) sees their team's;
    a site-limited actor the plans of their sites and those that span every site."""
    stmt = (
        select(PmPlan, Asset, Checklist, Team)
        .outerjoin(Asset, col(Asset.id) == col(PmPlan.asset_id))
        .outerjoin(Checklist, col(Checklist.id) == col(PmPlan.checklist_id))
        .outerjoin(Team, col(Team.id) == col(PmPlan.team_id))
        .order_by(col(PmPlan.next_due), col(PmPlan.name))
    )
    if active_only:
        stmt = stmt.where(col(PmPlan.active).is_(True))
    if not actor.has(*OVERSEERS):
        stmt = stmt.where(
            col(PmPlan.team_id) == actor.team_id if actor.team_id is not None else false()
        )
    if actor.site_limited:
        sites = list(actor.site_ids)
        stmt = stmt.where(
            or_(
                col(Asset.site_id).in_(sites),
                col(PmPlan.site_id).in_(sites),
                col(PmPlan.asset_id).is_(None) & col(PmPlan.site_id).is_(None),
            )
        )
    rows = await session.execute(stmt)
    return [
        PmPlanOut(
            id=plan.id,
            name=plan.name,
            kind="inspection" if plan.checklist_id else "preventive",
            asset_id=plan.asset_id,
            asset_name=asset.name if asset else "",
            category=asset.category if asset else plan.category,
            site_id=asset.site_id if asset else plan.site_id,
            interval_days=plan.interval_days,
            checklist_id=plan.checklist_id,
            checklist_name=checklist.name if checklist else "",
            team_id=plan.team_id,
            team_name=team.name if team else "",
            priority=plan.priority,
            next_due=plan.next_due,
            active=plan.active,
        )
        for plan, asset, checklist, team in rows.all()
    ]
