"""Approving a stocktake: the storekeeper's lead (someone who did not count) writes its
adjustments through the ledger, once."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import MovementKind, StockMovement, Stocktake, StocktakeLine, StocktakeStatus
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.stock import ledger
from server.domain.stock.stocktake import counters, load
from server.domain.stock.variance import Variance, VarianceRow, variance
from server.errors import FourEyes, InvalidTransition


async def approve(session: AsyncSession, actor: Actor, stocktake_id: uuid.UUID) -> Stocktake:
    """Write the adjustments of a submitted stocktake: for each bin, item and lot, the
    latest count minus what the ledger held at that count. Once: a stocktake approved
    already is returned as it is, and writes nothing more."""
    require(actor, Permission.APPROVE_STOCK)
    stocktake = await load(session, actor, stocktake_id, lock=True)
    if stocktake.status is StocktakeStatus.APPROVED:
        return stocktake
    if stocktake.status is not StocktakeStatus.SUBMITTED:
        raise InvalidTransition(
            f"This stocktake is {stocktake.status.value}; submit it before approving."
        )
    if actor.user_id in await counters(session, stocktake.id):
        raise FourEyes("You counted in this stocktake: someone who did not must approve it.")
    now = utcnow()
    found: Variance = await variance(session, stocktake, now)
    for row in found.rows:
        line = await _line_for(session, stocktake, row)
        line.expected = row.expected
        delta = row.counted - row.expected
        if delta:
            posted = await ledger.post(
                session,
                StockMovement(
                    kind=MovementKind.COUNT,
                    item_id=row.item_id,
                    store_id=stocktake.store_id,
                    bin_id=row.bin_id,
                    lot_id=row.lot_id,
                    quantity=delta,
                    stocktake_id=stocktake.id,
                    reason="stocktake",
                    actor_id=actor.user_id,
                    occurred_at=row.counted_at,
                    recorded_at=now,
                ),
            )
            line.adjustment_id = posted.movement.id
    for earlier in found.recounted:
        superseded = await session.get(StocktakeLine, earlier.line_id)
        if superseded is not None:
            superseded.expected = earlier.expected
    stocktake.status = StocktakeStatus.APPROVED
    stocktake.approved_by_id, stocktake.approved_at = actor.user_id, now
    await session.flush()
    return stocktake


async def _line_for(session: AsyncSession, stocktake: Stocktake, row: VarianceRow) -> StocktakeLine:
    """The counted line behind a variance row; a balance nobody counted gets a line of its
    own (counted 0, by nobody), so the approved stocktake keeps the whole record."""
    if row.line_id is not None:
        line = await session.get(StocktakeLine, row.line_id)
        assert line is not None
        return line
    line = StocktakeLine(
        stocktake_id=stocktake.id,
        bin_id=row.bin_id,
        item_id=row.item_id,
        lot_id=row.lot_id,
        counted=0,
        counted_at=row.counted_at,
    )
    session.add(line)
    await session.flush()
    return line
