"""The stock ops phones push: receive, issue, return, transfer and adjust (v1).

A field record of stock is never refused for want of stock: an issue that takes a balance
below zero, or issues an expired or recalled lot, is posted and opens a `StockException`
for the storekeeper. Refusals are for what cannot be posted at all: a store outside the
sender's scope (`unknown_store`), a bin not of that store (`unknown_bin`), an item not in
the catalogue (`unknown_item`), an issue naming no target or several (`invalid_args`).
Each refusal is decided before anything is written. An op names its movement's id: a
second op with the same id (the desk re-submitting it) finds it posted and adds nothing.

An issue or return naming a work order is that order's part line and goes through the
work workflow (`work.ops.apply_part`), so late and billing rules apply as for
`work_order.add_part`.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlmodel import col

from server.db.models import (
    Bin,
    Item,
    MovementKind,
    Role,
    StockBalance,
    StockLot,
    StockMovement,
    Store,
)
from server.domain.accounts.policy import scope_stores
from server.domain.stock import ledger
from server.domain.stock import op_args as a
from server.domain.stock.ids import balance_id, derived_id
from server.domain.stock.parts import (
    EXPIRY_MISMATCH,
    PartSource,
    Stamp,
    exception,
    item_locked,
    movement,
    post_issue,
)
from server.domain.sync.context import OPS, OpContext
from server.domain.work.ops import PartArgs, apply_part
from sync.registry import Applied, Conflicted, OpSpec, Rejected

KEEPERS = frozenset({Role.STOREKEEPER, Role.SUPERVISOR, Role.ADMIN})
ISSUERS = KEEPERS | {Role.TECHNICIAN, Role.TEAM_LEAD}


def stamp_of(ctx: OpContext) -> Stamp:
    return Stamp(
        ctx.actor.user_id,
        ctx.claimed_at or ctx.received_at,
        ctx.received_at,
        ctx.device_id,
        ctx.op.op_id,
        ctx.clock_flag,
    )


async def _store(ctx: OpContext, store_id: uuid.UUID) -> Store:
    store = await ctx.session.scalar(
        scope_stores(ctx.actor, select(Store).where(col(Store.id) == store_id))
    )
    if store is None:
        raise Rejected("unknown_store", "No such store in your scope (a van: only its holder).")
    return store


async def _bin(ctx: OpContext, store: Store, bin_id: uuid.UUID | None) -> uuid.UUID | None:
    if bin_id is None:
        return None
    found = await ctx.session.get(Bin, bin_id)
    if found is None or found.store_id != store.id:
        raise Rejected("unknown_bin", f"No such bin in {store.name}.")
    return found.id


async def _item(ctx: OpContext, item_id: uuid.UUID) -> Item:
    item = await ctx.session.get(Item, item_id)
    if item is None:
        raise Rejected("unknown_item", "No such stock item in the catalogue.")
    return item


async def _lot(
    ctx: OpContext, item: Item, code: str | None, expiry: date | None = None
) -> StockLot | None:
    """The lot named by its printed code, created on first sight (a lot a phone scanned
    before any receipt of it is still a real lot)."""
    if code is None:
        return None
    return await ledger.find_or_create_lot(ctx.session, item.id, code, expiry)


async def _posted(ctx: OpContext, movement_id: uuid.UUID) -> bool:
    return await ctx.session.get(StockMovement, movement_id) is not None


def _versions(*posted: ledger.Posted) -> Applied:
    return Applied({f"stock_balance:{p.balance.id}": p.balance.version for p in posted})


async def _receive(ctx: OpContext, args: a.Receive) -> Applied:
    store = await _store(ctx, args.store_id)
    bin_id = await _bin(ctx, store, args.bin_id)
    item = await _item(ctx, args.item_id)
    if await _posted(ctx, args.movement_id):
        return Applied()
    lot = await _lot(ctx, item, args.lot, args.expiry)
    moved = movement(
        stamp_of(ctx),
        id=args.movement_id,
        kind=MovementKind.RECEIVE,
        item_id=item.id,
        store_id=store.id,
        bin_id=bin_id,
        lot_id=lot.id if lot else None,
        quantity=args.quantity,
        reference=args.reference,
        scan_text=args.scan,
    )
    posted = await ledger.post(ctx.session, moved, receipt_cost_cents=args.unit_cost_cents)
    if lot is not None and args.expiry is not None and lot.expiry != args.expiry:
        known = lot.expiry.isoformat() if lot.expiry else "none"
        detail = f"Lot {lot.lot} scanned with expiry {args.expiry.isoformat()}; it is {known}"
        ctx.session.add(exception(EXPIRY_MISMATCH, moved, posted.balance.on_hand, detail))
    await ctx.session.flush()
    return _versions(posted)


def _target_count(args: a.Issue | a.Return) -> int:
    cost_centre = bool(getattr(args, "cost_centre", ""))
    return sum((args.work_order_id is not None, args.department_id is not None, cost_centre))


async def _to_order(
    ctx: OpContext,
    args: a.Issue | a.Return,
    quantity: int,
    store: Store,
    bin_id: uuid.UUID | None,
    lot: StockLot | None,
    scan: str,
    reason: str,
) -> Applied | Conflicted:
    assert args.work_order_id is not None
    source = PartSource(args.movement_id, store.id, bin_id, lot.id if lot else None, scan, reason)
    outcome = await apply_part(ctx, PartArgs(args.work_order_id, args.item_id, quantity, source))
    if not isinstance(outcome, Applied):
        return outcome
    row_id = balance_id(store.id, bin_id, args.item_id, source.lot_id)
    balance = await ctx.session.get(StockBalance, row_id)
    versions = dict(outcome.entity_versions)
    if balance is not None:
        versions[f"stock_balance:{balance.id}"] = balance.version
    return Applied(versions)


async def _issue(ctx: OpContext, args: a.Issue) -> Applied | Conflicted:
    if _target_count(args) != 1:
        raise Rejected(
            "invalid_args", "An issue goes to exactly one work order, department or cost centre."
        )
    store = await _store(ctx, args.store_id)
    bin_id = await _bin(ctx, store, args.bin_id)
    item = await _item(ctx, args.item_id)
    lot = await _lot(ctx, item, args.lot)
    if args.work_order_id is not None:
        return await _to_order(ctx, args, args.quantity, store, bin_id, lot, args.scan, "")
    if await _posted(ctx, args.movement_id):
        return Applied()
    moved = movement(
        stamp_of(ctx),
        id=args.movement_id,
        kind=MovementKind.ISSUE,
        item_id=item.id,
        store_id=store.id,
        bin_id=bin_id,
        lot_id=lot.id if lot else None,
        quantity=-args.quantity,
        department_id=args.department_id,
        cost_centre=args.cost_centre,
        scan_text=args.scan,
    )
    posted = await post_issue(ctx.session, moved, lot)
    await ctx.session.flush()
    return _versions(posted)


async def _return(ctx: OpContext, args: a.Return) -> Applied | Conflicted:
    if _target_count(args) > 1:
        raise Rejected("invalid_args", "A return comes back from one work order or department.")
    store = await _store(ctx, args.store_id)
    bin_id = await _bin(ctx, store, args.bin_id)
    item = await _item(ctx, args.item_id)
    lot = await _lot(ctx, item, args.lot)
    if args.work_order_id is not None:  # credits the order: a negative part line
        return await _to_order(ctx, args, -args.quantity, store, bin_id, lot, "", args.reason)
    if await _posted(ctx, args.movement_id):
        return Applied()
    moved = movement(
        stamp_of(ctx),
        id=args.movement_id,
        kind=MovementKind.RETURN,
        item_id=item.id,
        store_id=store.id,
        bin_id=bin_id,
        lot_id=lot.id if lot else None,
        quantity=args.quantity,
        department_id=args.department_id,
        reason=args.reason,
    )
    posted = await ledger.post(ctx.session, moved)
    await ctx.session.flush()
    return _versions(posted)


def transfer_in_id(movement_id: uuid.UUID) -> uuid.UUID:
    """The id of a transfer's second line (the phone derives the same: stock/ids)."""
    return derived_id(f"transfer_in:{movement_id}")


async def _transfer(ctx: OpContext, args: a.Transfer) -> Applied:
    source = await _store(ctx, args.from_store_id)
    target = await _store(ctx, args.to_store_id)
    from_bin = await _bin(ctx, source, args.from_bin_id)
    to_bin = await _bin(ctx, target, args.to_bin_id)
    if source.id == target.id and from_bin == to_bin:
        raise Rejected("invalid_args", "A transfer moves stock to another store or bin.")
    item = await _item(ctx, args.item_id)
    if await _posted(ctx, args.movement_id):
        return Applied()
    lot = await _lot(ctx, item, args.lot)
    lot_id = lot.id if lot else None
    stamp = stamp_of(ctx)
    out = await ledger.post(
        ctx.session,
        movement(
            stamp,
            id=args.movement_id,
            kind=MovementKind.TRANSFER_OUT,
            item_id=item.id,
            store_id=source.id,
            bin_id=from_bin,
            lot_id=lot_id,
            quantity=-args.quantity,
            transfer_id=args.movement_id,
        ),
    )
    into = await ledger.post(
        ctx.session,
        movement(
            stamp,
            id=transfer_in_id(args.movement_id),
            kind=MovementKind.TRANSFER_IN,
            item_id=item.id,
            store_id=target.id,
            bin_id=to_bin,
            lot_id=lot_id,
            quantity=args.quantity,
            transfer_id=args.movement_id,
        ),
    )
    await ctx.session.flush()
    return _versions(out, into)


async def _adjust(ctx: OpContext, args: a.Adjust) -> Applied:
    if args.delta == 0:
        raise Rejected("invalid_args", "An adjustment changes the quantity (delta is not 0).")
    store = await _store(ctx, args.store_id)
    bin_id = await _bin(ctx, store, args.bin_id)
    item = await _item(ctx, args.item_id)
    if await _posted(ctx, args.movement_id):
        return Applied()
    lot = await _lot(ctx, item, args.lot)
    reason = f"{args.reason.value}: {args.note}" if args.note else args.reason.value
    moved = movement(
        stamp_of(ctx),
        id=args.movement_id,
        kind=MovementKind.ADJUST,
        item_id=item.id,
        store_id=store.id,
        bin_id=bin_id,
        lot_id=lot.id if lot else None,
        quantity=args.delta,
        reason=reason[:200],
    )
    posted = await ledger.post(ctx.session, moved)
    await ctx.session.flush()
    return _versions(posted)


def _register() -> None:
    specs = (
        ("receive", a.Receive, KEEPERS, _receive, "Receive stock into a store (lot, expiry)."),
        ("issue", a.Issue, ISSUERS, _issue, "Issue stock to a work order or a department."),
        ("return", a.Return, ISSUERS, _return, "Bring unused stock back into a store."),
        ("transfer", a.Transfer, KEEPERS, _transfer, "Move stock between stores or bins."),
        ("adjust", a.Adjust, KEEPERS, _adjust, "Correct on hand, with a reason."),
    )
    for verb, args_type, roles, handler, summary in specs:
        OPS.register(
            OpSpec(f"stock.{verb}", 1, args_type, roles, handler, summary, locks=item_locked)
        )


_register()
