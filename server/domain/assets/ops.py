"""Ops phones send about assets: move one or change its status (per-field merge by clock),
and add a note (appended)."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from sqlalchemy import select
from sqlmodel import col

from server.db.models import Asset, AssetStatus, FieldClock, FieldHistory, Location, Role
from server.domain.accounts.policy import scope_assets, scope_locations
from server.domain.sync.context import OPS, OpContext
from sync.hlc import Timestamp
from sync.registry import Applied, Conflicted, OpSpec, Rejected

EDITORS = frozenset({Role.TECHNICIAN, Role.TEAM_LEAD, Role.DESK, Role.SUPERVISOR, Role.ADMIN})


class SetLocation(msgspec.Struct, forbid_unknown_fields=True):
    asset_id: uuid.UUID
    location_id: uuid.UUID


class SetStatus(msgspec.Struct, forbid_unknown_fields=True):
    asset_id: uuid.UUID
    status: Annotated[str, msgspec.Meta(pattern="^(in_service|out_of_service)$")]
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class AddNote(msgspec.Struct, forbid_unknown_fields=True):
    asset_id: uuid.UUID
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


async def _asset(ctx: OpContext, asset_id: uuid.UUID) -> Asset:
    # The row lock serialises concurrent edits of one asset (PostgreSQL; SQLite has one
    # writer anyway), so per-field clocks are read and written without races.
    asset = await ctx.session.scalar(
        scope_assets(ctx.actor, select(Asset).where(col(Asset.id) == asset_id)).with_for_update()
    )
    if asset is None:
        raise Rejected("unknown_asset", "This asset does not exist or is not yours to edit.")
    return asset


def _stamp(ctx: OpContext) -> Timestamp:
    try:
        return Timestamp.parse(ctx.op.hlc)
    except ValueError as exc:
        raise Rejected("invalid_hlc", "Field edits need the op's hybrid logical clock.") from exc


async def _wins_clock(ctx: OpContext, asset: Asset, field_name: str, old: str, new: str) -> bool:
    """Per-field last writer by hybrid logical clock. Every write, winning or not, goes
    into the field's history; True when this op's clock is the latest and it applies."""
    stamp = _stamp(ctx)
    clock = await ctx.session.get(FieldClock, ("asset", asset.id, field_name))
    superseded = clock is not None and Timestamp.parse(clock.hlc) >= stamp
    ctx.session.add(
        FieldHistory(
            entity_type="asset",
            entity_id=asset.id,
            field_name=field_name,
            old_value=old,
            new_value=new,
            hlc=str(stamp),
            superseded=superseded,
            user_id=ctx.actor.user_id,
            op_id=ctx.op.op_id,
        )
    )
    if superseded:
        return False
    if clock is None:
        ctx.session.add(
            FieldClock(
                entity_type="asset", entity_id=asset.id, field_name=field_name, hlc=str(stamp)
            )
        )
    else:
        clock.hlc = str(stamp)
    return True


async def set_location(ctx: OpContext, args: SetLocation) -> Applied:
    """Last writer by clock wins; the losing value is kept in the field's history."""
    asset = await _asset(ctx, args.asset_id)
    location = await ctx.session.scalar(
        scope_locations(ctx.actor, select(Location).where(col(Location.id) == args.location_id))
    )
    if location is None:
        raise Rejected("unknown_location", "This location does not exist or is outside your sites.")
    if await _wins_clock(ctx, asset, "location_id", str(asset.location_id), str(location.id)):
        asset.location_id, asset.site_id = location.id, location.site_id
        await ctx.session.flush()
    return Applied({f"asset:{asset.id}": asset.version})


async def set_status(ctx: OpContext, args: SetStatus) -> Applied | Conflicted:
    """Take an asset out of service or back. Retiring is the server's decision: an op that
    meets a retired asset is a conflict for the desk, never a silent un-retirement."""
    asset = await _asset(ctx, args.asset_id)
    if asset.status == AssetStatus.RETIRED:
        return Conflicted(
            message="This asset was retired on the server; the desk decides about this change.",
            entity_type="asset",
            entity_id=asset.id,
            server_side={"status": asset.status.value, "reason": "", "version": asset.version},
            device_side={"status": args.status, "reason": args.reason},
            entity_versions={f"asset:{asset.id}": asset.version},
        )
    if await _wins_clock(ctx, asset, "status", asset.status.value, args.status):
        asset.status = AssetStatus(args.status)
        await ctx.session.flush()
    return Applied({f"asset:{asset.id}": asset.version})


async def add_note(ctx: OpContext, args: AddNote) -> Applied:
    """Notes are appended with who and when; nobody's note is ever replaced."""
    asset = await _asset(ctx, args.asset_id)
    line = f"[{ctx.op.client_time} {ctx.actor.name}] {args.text.strip()}"
    old = asset.notes
    asset.notes = f"{old}\n{line}" if old else line
    ctx.session.add(
        FieldHistory(
            entity_type="asset",
            entity_id=asset.id,
            field_name="notes",
            old_value=None,
            new_value=line,
            hlc=ctx.op.hlc or "",
            user_id=ctx.actor.user_id,
            op_id=ctx.op.op_id,
        )
    )
    await ctx.session.flush()
    return Applied({f"asset:{asset.id}": asset.version})


OPS.register(
    OpSpec(
        "asset.set_location",
        1,
        SetLocation,
        EDITORS,
        set_location,
        "Record that an asset now stands in another location.",
    )
)
OPS.register(
    OpSpec(
        "asset.set_status",
        1,
        SetStatus,
        EDITORS,
        set_status,
        "Take an asset out of service or put it back (a retired asset is a conflict).",
    )
)
OPS.register(
    OpSpec("asset.add_note", 1, AddNote, EDITORS, add_note, "Append a note to an asset's record.")
)
