"""The cleaning ops phones push. A start is refused only when the op itself is wrong (a
task outside the sender's scope, another room's tag); a finish is the record of work done
and is kept whatever it meets, with a conflict when its task was cancelled or finished by
someone else (server/domain/cleaning/records.py)."""

from __future__ import annotations

from server.db.models import Role
from server.domain.cleaning import audits, records, requests
from server.domain.cleaning.op_args import (
    AuditClean,
    FinishClean,
    ReportSpill,
    RequestTerminal,
    StartClean,
)
from server.domain.patrol.ops import meta_of
from server.domain.sync.context import OPS, OpContext
from server.errors import InvalidInput, NotFound
from sync.registry import Applied, Conflicted, OpSpec, Rejected

R = Role
CLEANERS = frozenset({R.CLEANER, R.SUPERVISOR, R.ADMIN})
AUDITORS = frozenset({R.SUPERVISOR, R.ADMIN})
# Ward staff ask for terminal cleans of their rooms; the desk and supervisors on their behalf.
REQUESTERS = frozenset({R.REQUESTER, R.DESK, R.SUPERVISOR, R.ADMIN})
# Anyone on the floor may report a spill.
SPILL_REPORTERS = frozenset(Role) - {R.STOREKEEPER}


def _versions(outcome: records.Outcome) -> dict[str, int]:
    return {f"cleaning_task:{outcome.task.id}": outcome.task.version}


def _kept(outcome: records.Outcome, ctx: OpContext) -> Applied | Conflicted:
    if outcome.late_because is None:
        return Applied(_versions(outcome))
    task, record = outcome.task, outcome.record
    said = "cancelled at the desk" if outcome.late_because == "cancelled" else "done by another"
    return Conflicted(
        message=f"The task was {said}; this clean is kept for the desk.",
        entity_type="cleaning_task",
        entity_id=task.id,
        server_side={
            "status": task.status.value,
            "cancel_reason": task.cancel_reason,
            "record_id": str(task.record_id) if task.record_id else None,
        },
        device_side={"op": ctx.op.name, "record_id": str(record.id), **ctx.op.args},
        entity_versions=_versions(outcome),
    )


async def _start(ctx: OpContext, args: StartClean) -> Applied | Conflicted:
    try:
        outcome = await records.start(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            record_id=args.record_id,
            task_id=args.task_id,
            scan=args.scan,
        )
    except NotFound as exc:
        raise Rejected("unknown_cleaning_task", exc.message) from exc
    except records.WrongRoom as exc:
        raise Rejected("wrong_room", exc.message) from exc
    except InvalidInput as exc:
        raise Rejected("manual_needs_reason", exc.message) from exc
    return _kept(outcome, ctx)


async def _finish(ctx: OpContext, args: FinishClean) -> Applied | Conflicted:
    try:
        outcome = await records.finish(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            record_id=args.record_id,
            task_id=args.task_id,
            scan=args.scan,
            product=args.product,
            concentration_ppm=args.concentration_ppm,
            quantity_ml=args.quantity_ml,
            checklist=args.checklist,
            photos=args.photos,
        )
    except NotFound as exc:
        raise Rejected("unknown_cleaning_task", exc.message) from exc
    except InvalidInput as exc:
        raise Rejected("manual_needs_reason", exc.message) from exc
    return _kept(outcome, ctx)


async def _audit(ctx: OpContext, args: AuditClean) -> Applied:
    try:
        row = await audits.audit(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            audit_id=args.audit_id,
            task_id=args.task_id,
            kind=args.kind,
            items=args.items,
            note=args.note,
            reclean_task_id=args.reclean_task_id,
        )
    except NotFound as exc:
        raise Rejected("unknown_cleaning_task", exc.message) from exc
    except InvalidInput as exc:
        raise Rejected("invalid_args", exc.message) from exc
    versions = {f"cleaning_task:{row.task_id}": 1}
    if row.reclean_task_id is not None:
        versions[f"cleaning_task:{row.reclean_task_id}"] = 1
    return Applied(versions)


async def _terminal(ctx: OpContext, args: RequestTerminal) -> Applied:
    try:
        task = await requests.request_terminal(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            task_id=args.task_id,
            location_id=args.location_id,
            reason=args.reason,
            note=args.note,
            due_within_minutes=args.due_within_minutes,
        )
    except NotFound as exc:
        raise Rejected("unknown_room", exc.message) from exc
    return Applied({f"cleaning_task:{task.id}": task.version})


async def _spill(ctx: OpContext, args: ReportSpill) -> Applied:
    try:
        task = await requests.report_spill(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            task_id=args.task_id,
            location_id=args.location_id,
            note=args.note,
            photos=args.photos,
        )
    except NotFound as exc:
        raise Rejected("unknown_room", exc.message) from exc
    return Applied({f"cleaning_task:{task.id}": task.version})


def _register() -> None:
    OPS.register(
        OpSpec("cleaning.start", 1, StartClean, CLEANERS, _start, "Start a clean: scan the room.")
    )
    OPS.register(
        OpSpec(
            "cleaning.finish",
            1,
            FinishClean,
            CLEANERS,
            _finish,
            "Finish a clean: scan the room again; product, checklist, photos.",
        )
    )
    OPS.register(
        OpSpec(
            "cleaning.audit",
            1,
            AuditClean,
            AUDITORS,
            _audit,
            "Audit a clean (markers, ATP, visual); may ask for a re-clean.",
        )
    )
    OPS.register(
        OpSpec(
            "cleaning.request_terminal",
            1,
            RequestTerminal,
            REQUESTERS,
            _terminal,
            "Ask for a terminal disinfection of a room after a discharge or an isolation.",
        )
    )
    OPS.register(
        OpSpec(
            "cleaning.report_spill",
            1,
            ReportSpill,
            SPILL_REPORTERS,
            _spill,
            "Report a spill in a room: an urgent clean.",
        )
    )


_register()
