"""The patrol and attendance ops guards push. Each records through the patrol services;
a record is refused only when the op itself is wrong (a route outside the guard's
scope, a typed checkpoint with no reason), never for the state it meets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from server.db.models import ClockKind, Role
from server.domain.patrol import incidents, records
from server.domain.patrol.op_args import Clock, EndRound, ReportIncident, ScanCheckpoint, StartRound
from server.domain.sync.context import OPS, OpContext
from server.errors import InvalidInput, NotFound
from sync.registry import Applied, OpSpec, Rejected

GUARDS = frozenset({Role.GUARD, Role.SUPERVISOR, Role.ADMIN})
# Cleaners walk inspection rounds too, and everyone on a contract clocks in.
WALKERS = GUARDS | {Role.CLEANER}


def meta_of(ctx: OpContext) -> records.Meta:
    return records.Meta(
        received_at=ctx.received_at,
        claimed_at=ctx.claimed_at,
        clock_flag=ctx.clock_flag,
        hlc=ctx.op.hlc,
        device_id=ctx.device_id,
        op_id=ctx.op.op_id,
        op_hash=ctx.op_hash,
    )


async def _start(ctx: OpContext, args: StartRound) -> Applied:
    try:
        walked = await records.start_round(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            round_id=args.round_id,
            route_id=args.route_id,
            expected_round_id=args.expected_round_id,
        )
    except NotFound as exc:
        raise Rejected("unknown_route", exc.message) from exc
    return Applied({f"patrol_round:{walked.id}": walked.version})


async def _scan(ctx: OpContext, args: ScanCheckpoint) -> Applied:
    try:
        scan = await records.scan_checkpoint(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            scan_id=args.scan_id,
            payload=args.payload,
            method=args.method,
            round_id=args.round_id,
            manual_reason=args.manual_reason,
        )
    except InvalidInput as exc:
        raise Rejected("manual_needs_reason", exc.message) from exc
    return Applied({f"checkpoint_scan:{scan.id}": scan.version})


async def _end(ctx: OpContext, args: EndRound) -> Applied:
    try:
        walked = await records.end_round(
            ctx.session, ctx.actor, meta_of(ctx), round_id=args.round_id, note=args.note
        )
    except NotFound as exc:
        raise Rejected("unknown_round", exc.message) from exc
    return Applied({f"patrol_round:{walked.id}": walked.version})


async def _incident(ctx: OpContext, args: ReportIncident) -> Applied:
    try:
        incident = await incidents.report_incident(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            incident_id=args.incident_id,
            category=args.category,
            text=args.text,
            photos=args.photos,
            round_id=args.round_id,
            checkpoint_id=args.checkpoint_id,
            location_id=args.location_id,
            open_work_order=args.open_work_order,
        )
    except InvalidInput as exc:
        raise Rejected("unknown_location", exc.message) from exc
    versions = {f"incident:{incident.id}": incident.version}
    if incident.work_order_id is not None:
        versions[f"work_order:{incident.work_order_id}"] = 1
    return Applied(versions)


def _clock(kind: ClockKind) -> Callable[[OpContext, Clock], Awaitable[Applied]]:
    async def handler(ctx: OpContext, args: Clock) -> Applied:
        try:
            event = await records.clock(
                ctx.session,
                ctx.actor,
                meta_of(ctx),
                kind=kind,
                event_id=args.event_id,
                payload=args.payload,
                method=args.method,
                manual_reason=args.manual_reason,
            )
        except InvalidInput as exc:
            raise Rejected("manual_needs_reason", exc.message) from exc
        return Applied({f"clock_event:{event.id}": event.version})

    return handler


def _register() -> None:
    specs = (
        ("patrol.start_round", StartRound, WALKERS, _start, "Start a round of a route."),
        (
            "patrol.scan_checkpoint",
            ScanCheckpoint,
            WALKERS,
            _scan,
            "Record a checkpoint scanned (QR, NFC, or typed with a reason).",
        ),
        ("patrol.end_round", EndRound, WALKERS, _end, "End a round."),
        (
            "patrol.report_incident",
            ReportIncident,
            WALKERS,
            _incident,
            "Report an incident, with photos; may open a work order for facilities.",
        ),
        (
            "attendance.clock_in",
            Clock,
            WALKERS,
            _clock(ClockKind.IN),
            "Clock in by scanning a clock point.",
        ),
        (
            "attendance.clock_out",
            Clock,
            WALKERS,
            _clock(ClockKind.OUT),
            "Clock out by scanning a clock point.",
        ),
    )
    for name, args_type, roles, handler, summary in specs:
        OPS.register(OpSpec(name, 1, args_type, roles, handler, summary))


_register()
