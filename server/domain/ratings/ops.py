"""`contractor.rate`: clinical staff rate a contractor for a month from the field app."""

from __future__ import annotations

from server.db.models import Role
from server.domain.ratings.op_args import RateContractor
from server.domain.ratings.service import NewRating, RatingMeta, RatingRefused, rate
from server.domain.sync.context import OPS, OpContext
from sync.registry import Applied, OpSpec, Rejected

RATERS = frozenset({Role.REQUESTER})


async def _rate(ctx: OpContext, args: RateContractor) -> Applied:
    meta = RatingMeta(
        rated_at=ctx.claimed_at or ctx.received_at,
        received_at=ctx.received_at,
        device_id=ctx.device_id,
        op_id=ctx.op.op_id,
        op_hash=ctx.op_hash,
    )
    rating = NewRating(
        rating_id=args.rating_id,
        contractor_id=args.contractor_id,
        department_id=args.department_id,
        month=args.month,
        score=args.score,
        comment=args.comment,
    )
    try:
        row = await rate(ctx.session, ctx.actor, meta, rating)
    except RatingRefused as exc:
        raise Rejected(exc.code, exc.message) from exc
    return Applied({f"contractor_rating:{row.id}": row.version})


def _register() -> None:
    OPS.register(
        OpSpec(
            "contractor.rate",
            1,
            RateContractor,
            RATERS,
            _rate,
            "Rate a contractor serving your campus for a month (1 to 5), for your department; "
            "a later rating of the same month replaces the earlier, which is kept.",
            # Two phones of a ward rating the same contractor queue on it (PostgreSQL).
            locks=lambda args: [("contractor", args.contractor_id)],
        )
    )


_register()
