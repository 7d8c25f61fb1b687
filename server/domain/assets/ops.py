"""Ops phones send about assets: move one or change its status (per-field merge by clock),
and add a note (appended).

Each is written for a run of consecutive ops of its kind in one push: the run's assets,
locations and clocks are read in one query each and its writes go out in one flush. Every
refusal is decided before that op writes anything, as a run's ops share one savepoint.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import msgspec
from sqlalchemy import Select, insert, select
from sqlmodel import col

from server.db.models import Asset, AssetStatus, FieldClock, FieldHistory, Location, Role
from server.db.types import utcnow
from server.domain.accounts.policy import scope_assets, scope_locations
from server.domain.sync.capture import update_rows
from server.domain.sync.context import OPS, OpContext
from sync.clocks import hlc_too_far_ahead
from sync.hlc import Timestamp
from sync.registry import Applied, Conflicted, OpSpec, Outcome, Rejected, one_at_a_time

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


# One locked SELECT for a whole run of ops; well under SQLite's limit of bound parameters.
IDS_PER_QUERY = 500

Run = Sequence[tuple[OpContext, Any]]


async def _locked_assets(ctx: OpContext, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Asset]:
    """The run's assets in the actor's scope, locked in id order.

    The row locks serialise concurrent edits of one asset (PostgreSQL; SQLite has one
    writer anyway), so per-field clocks are read and written without races; taking them
    in id order keeps two runs over the same assets from deadlocking.
    """
    wanted = sorted(set(ids))
    found: dict[uuid.UUID, Asset] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        rows = await ctx.session.scalars(
            scope_assets(
                ctx.actor,
                select(Asset).where(col(Asset.id).in_(wanted[start : start + IDS_PER_QUERY])),
            )
            .order_by(col(Asset.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found.update((asset.id, asset) for asset in rows)
    return found


def _unknown_asset() -> Rejected:
    return Rejected("unknown_asset", "This asset does not exist or is not yours to edit.")


async def _clocks(
    ctx: OpContext, field_name: str, asset_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, FieldClock]:
    wanted = sorted(set(asset_ids))
    found: dict[uuid.UUID, FieldClock] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        rows = await ctx.session.scalars(
            select(FieldClock).where(
                col(FieldClock.entity_type) == "asset",
                col(FieldClock.field_name) == field_name,
                col(FieldClock.entity_id).in_(wanted[start : start + IDS_PER_QUERY]),
            )
        )
        found.update((clock.entity_id, clock) for clock in rows)
    return found


def _stamp(ctx: OpContext) -> Timestamp:
    try:
        stamp = Timestamp.parse(ctx.op.hlc)
    except ValueError as exc:
        raise Rejected("invalid_hlc", "Field edits need the op's hybrid logical clock.") from exc
    if hlc_too_far_ahead(stamp, ctx.received_at):
        raise Rejected(
            "clock_ahead",
            "The phone's clock is more than a day ahead of the server's, so this edit cannot"
            " take part in a merge; set the phone's date and time. The desk can re-submit it.",
        )
    return stamp


def _history(
    ctx: OpContext,
    asset_id: uuid.UUID,
    field_name: str,
    values: tuple[str | None, str],
    hlc: str,
    *,
    superseded: bool = False,
) -> dict[str, Any]:
    """A `field_history` row; a run writes its rows in one statement."""
    old, new = values
    return {
        "id": uuid.uuid4(),
        "entity_type": "asset",
        "entity_id": asset_id,
        "field_name": field_name,
        "old_value": old,
        "new_value": new,
        "hlc": hlc,
        "superseded": superseded,
        "user_id": ctx.actor.user_id,
        "op_id": ctx.op.op_id,
        "at": utcnow(),
    }


def _wins_clock(
    ctx: OpContext,
    stamp: Timestamp,
    asset: Asset,
    field_name: str,
    values: tuple[str, str],
    clocks: dict[uuid.UUID, FieldClock],
    history: list[dict[str, Any]],
) -> bool:
    """Per-field last writer by hybrid logical clock. Every write, winning or not, goes
    into the field's history; True when this op's clock is the latest and it applies."""
    clock = clocks.get(asset.id)
    superseded = clock is not None and Timestamp.parse(clock.hlc) >= stamp
    history.append(_history(ctx, asset.id, field_name, values, str(stamp), superseded=superseded))
    if superseded:
        return False
    if clock is None:
        clocks[asset.id] = clock = FieldClock(
            entity_type="asset", entity_id=asset.id, field_name=field_name, hlc=str(stamp)
        )
        ctx.session.add(clock)
    else:
        clock.hlc = str(stamp)
    return True


async def _applied(
    ctx: OpContext, touched: list[Asset | Outcome], history: list[dict[str, Any]]
) -> list[Outcome]:
    """After the run's one flush, which raised each written asset's version once."""
    if history:
        await ctx.session.execute(insert(FieldHistory.__table__), history)  # type: ignore[attr-defined]
    await ctx.session.flush()
    return [
        Applied({f"asset:{item.id}": item.version}) if isinstance(item, Asset) else item
        for item in touched
    ]


async def set_locations(run: Run) -> list[Outcome]:
    """Last writer by clock wins; the losing value is kept in the field's history."""
    if not run:
        return []
    first = run[0][0]
    assets = await _locked_assets(first, (args.asset_id for _, args in run))
    locations: Select[*tuple[Any, ...]] = select(col(Location.id), col(Location.site_id)).where(
        col(Location.id).in_({args.location_id for _, args in run})
    )
    in_scope = await first.session.execute(scope_locations(first.actor, locations))
    sites = {row[0]: row[1] for row in in_scope}
    clocks = await _clocks(first, "location_id", assets)
    touched: list[Asset | Outcome] = []
    history: list[dict[str, Any]] = []
    for ctx, args in run:
        asset = assets.get(args.asset_id)
        if asset is None:
            touched.append(_unknown_asset())
            continue
        site_id = sites.get(args.location_id)
        if site_id is None:
            touched.append(
                Rejected(
                    "unknown_location", "This location does not exist or is outside your sites."
                )
            )
            continue
        try:
            stamp = _stamp(ctx)
        except Rejected as refusal:
            touched.append(refusal)
            continue
        values = (str(asset.location_id), str(args.location_id))
        if _wins_clock(ctx, stamp, asset, "location_id", values, clocks, history):
            asset.location_id, asset.site_id = args.location_id, site_id
        touched.append(asset)
    return await _applied(first, touched, history)


async def set_statuses(run: Run) -> list[Outcome]:
    """Take an asset out of service or back. Retiring is the server's decision: an op that
    meets a retired asset is a conflict for the desk, never a silent un-retirement."""
    if not run:
        return []
    first = run[0][0]
    assets = await _locked_assets(first, (args.asset_id for _, args in run))
    clocks = await _clocks(first, "status", assets)
    touched: list[Asset | Outcome] = []
    history: list[dict[str, Any]] = []
    for ctx, args in run:
        asset = assets.get(args.asset_id)
        if asset is None:
            touched.append(_unknown_asset())
            continue
        if asset.status == AssetStatus.RETIRED:
            touched.append(
                Conflicted(
                    message="This asset was retired on the server; the desk decides about "
                    "this change.",
                    entity_type="asset",
                    entity_id=asset.id,
                    server_side={
                        "status": asset.status.value,
                        "reason": "",
                        "version": asset.version,
                    },
                    device_side={"status": args.status, "reason": args.reason},
                    entity_versions={f"asset:{asset.id}": asset.version},
                )
            )
            continue
        try:
            stamp = _stamp(ctx)
        except Rejected as refusal:
            touched.append(refusal)
            continue
        values = (asset.status.value, args.status)
        if _wins_clock(ctx, stamp, asset, "status", values, clocks, history):
            asset.status = AssetStatus(args.status)
        touched.append(asset)
    return await _applied(first, touched, history)


async def add_notes(run: Run) -> list[Outcome]:
    """Notes are appended with who and when; nobody's note is ever replaced.

    A run needs no more of an asset than its notes and version: those are read and
    locked in one query and written back in one statement (`capture.update_rows`).
    """
    if not run:
        return []
    first = run[0][0]
    session = first.session
    wanted = sorted({args.asset_id for _, args in run})
    found: dict[uuid.UUID, tuple[int, str]] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        columns: Select[*tuple[Any, ...]] = select(
            col(Asset.id), col(Asset.version), col(Asset.notes)
        ).where(col(Asset.id).in_(wanted[start : start + IDS_PER_QUERY]))
        rows = await session.execute(
            scope_assets(first.actor, columns).order_by(col(Asset.id)).with_for_update()
        )
        found.update((asset_id, (version, notes)) for asset_id, version, notes in rows)
    notes = {asset_id: text for asset_id, (_, text) in found.items()}
    touched: list[uuid.UUID | Outcome] = []
    history: list[dict[str, Any]] = []
    for ctx, args in run:
        asset_id = args.asset_id
        if asset_id not in notes:
            touched.append(_unknown_asset())
            continue
        line = f"[{ctx.op.client_time} {ctx.actor.name}] {args.text.strip()}"
        notes[asset_id] = f"{notes[asset_id]}\n{line}" if notes[asset_id] else line
        history.append(_history(ctx, asset_id, "notes", (None, line), ctx.op.hlc or ""))
        touched.append(asset_id)
    written = {item for item in touched if isinstance(item, uuid.UUID)}
    versions = await update_rows(
        session,
        Asset,
        {asset_id: (found[asset_id][0], {"notes": notes[asset_id]}) for asset_id in written},
    )
    if history:
        await session.execute(insert(FieldHistory.__table__), history)  # type: ignore[attr-defined]
    return [
        Applied({f"asset:{item}": versions[item]}) if isinstance(item, uuid.UUID) else item
        for item in touched
    ]


OPS.register(
    OpSpec(
        "asset.set_location",
        1,
        SetLocation,
        EDITORS,
        one_at_a_time(set_locations),
        "Record that an asset now stands in another location.",
        run=set_locations,
    )
)
OPS.register(
    OpSpec(
        "asset.set_status",
        1,
        SetStatus,
        EDITORS,
        one_at_a_time(set_statuses),
        "Take an asset out of service or put it back (a retired asset is a conflict).",
        run=set_statuses,
    )
)
OPS.register(
    OpSpec(
        "asset.add_note",
        1,
        AddNote,
        EDITORS,
        one_at_a_time(add_notes),
        "Append a note to an asset's record.",
        run=add_notes,
    )
)
