"""`stock.count`: one blind stocktake line, counted on a phone (offline or not).

The line is stored as sent, at the time the phone counted it (bounded by push). A line
for a stocktake approved or cancelled meanwhile is kept all the same, flagged late.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from server.db.models import Bin, Item, Role, Store
from server.domain.accounts.policy import scope_stores
from server.domain.stock import stocktake as stocktakes
from server.domain.stock.ledger import find_or_create_lot
from server.domain.stock.op_args import Count
from server.domain.sync.context import OPS, OpContext
from server.errors import NotFound
from sync.registry import Applied, OpSpec, Rejected

COUNTERS = frozenset({Role.STOREKEEPER, Role.SUPERVISOR, Role.ADMIN})


async def _count(ctx: OpContext, args: Count) -> Applied:
    session, actor = ctx.session, ctx.actor
    try:
        stocktake = await stocktakes.load(session, actor, args.stocktake_id)
    except NotFound as exc:
        raise Rejected("unknown_stocktake", exc.message) from exc
    store = await session.scalar(
        scope_stores(actor, select(col(Store.id)).where(col(Store.id) == stocktake.store_id))
    )
    if store is None:
        raise Rejected("unknown_stocktake", "No such stocktake in your stores.")
    if await session.get(Item, args.item_id) is None:
        raise Rejected("unknown_item", f"No stock item {args.item_id}.")
    if args.bin_id is not None:
        bin_row = await session.get(Bin, args.bin_id)
        if bin_row is None or bin_row.store_id != stocktake.store_id:
            raise Rejected("unknown_bin", f"Bin {args.bin_id} is not in this stocktake's store.")
    lot = None
    if args.lot is not None:
        lot = (await find_or_create_lot(session, args.item_id, args.lot, None)).id
    await stocktakes.record_count(
        session,
        actor,
        stocktake,
        stocktakes.CountLine(
            line_id=args.line_id,
            item_id=args.item_id,
            counted=args.counted,
            bin_id=args.bin_id,
            lot_id=lot,
            counted_at=ctx.claimed_at or ctx.received_at,
            op_id=ctx.op.op_id,
        ),
    )
    return Applied({f"stocktake:{stocktake.id}": stocktake.version})


OPS.register(
    OpSpec(
        "stock.count",
        1,
        Count,
        COUNTERS,
        _count,
        "Record one blind stocktake line: what was found in a bin.",
    )
)
