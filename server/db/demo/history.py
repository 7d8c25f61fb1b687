"""The history of a demo work order: the loop's times, events, labour, parts and rating.

Every order is built as the workflow (`server.domain.work.workflow`) would have left it:
the times of the nodes it reached and none of the others, due times from `SLA_MINUTES`
with the breach flags the SLA check would have set, one event per node with its actor,
labour priced from the demo rate card, parts at the item's unit cost, and a callback
for every poor rating. All times lie in the past.

Who does the work: the demo has technicians for three trades only, so an order is
assigned only when its trade and campus have a demo technician or team lead
(`ASSIGNEES`): Electrical and HVAC to T0001/T0002 on East Campus (or their leads
L0001/L0002, who cover both campuses), Plumbing to T0003 on West Campus. The other
orders never get past dispatched (or are cancelled before assignment): `work.py`
picks the asset of an order that needs an assignee among the staffed ones. The lift
contractor's orders are added afterwards by `lift_orders.py`, from their own random
stream, with the same `History` and its own assignees (`LIFT_ASSIGNEES`: T0004 of Apex).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.db.demo.assets import PlacedAsset
from server.db.demo.names import EAST, ELECTRICAL, HVAC, LIFTS, PLUMBING, TEAMS, WEST
from server.db.demo.rows import DemoRows
from server.db.models import (
    Callback,
    LabourLine,
    PartLine,
    WorkOrderEvent,
    WorkOrderKind,
)
from server.db.models import WorkOrderStatus as S
from server.domain.work.workflow import POOR_RATING, SLA_MINUTES

# (trade, campus) -> (employee number, weight) of whom the team lead assigns.
ASSIGNEES: dict[tuple[str, str], tuple[tuple[str, int], ...]] = {
    (ELECTRICAL, EAST): (("T0001", 3), ("L0001", 1)),
    (ELECTRICAL, WEST): (("L0001", 1),),
    (HVAC, EAST): (("T0002", 3), ("L0002", 1)),
    (HVAC, WEST): (("L0002", 1),),
    (PLUMBING, WEST): (("T0003", 1),),
}
# The lift contractor's technician takes every lift order, on both campuses. Kept out of
# `ASSIGNEES` so the in-house history (and its random stream) stays as it was.
LIFT_ASSIGNEES: dict[tuple[str, str], tuple[tuple[str, int], ...]] = {
    (LIFTS, EAST): (("T0004", 1),),
    (LIFTS, WEST): (("T0004", 1),),
}
# Who assigns a team's orders: its lead, or the desk for a team without one.
_LEADS = {ELECTRICAL: "L0001", HVAC: "L0002"}
DESK = "D0001"
# The grade each demo technician books labour at.
GRADES = {
    "T0001": "technician",
    "T0002": "senior technician",
    "T0003": "technician",
    "L0001": "engineer",
    "L0002": "engineer",
    "T0004": "technician",
}
# Stock items a trade uses, by the prefix of their code (see parts.py).
PART_PREFIXES = {ELECTRICAL: "EL", HVAC: "HV", PLUMBING: "PL"}
_TEAM_NAMES = {team.trade: team.name for team in TEAMS}

# Statuses the order reached a node of the loop in, in loop order.
LOOP = ("dispatch", "assign", "accept", "start", "complete", "confirm", "rate")
_DEPTH = {
    S.REPORTED: 0,
    S.DISPATCHED: 1,
    S.ACCEPTED_BY_TEAM: 2,
    S.ACCEPTED: 3,
    S.IN_PROGRESS: 4,
    S.ON_HOLD: 4,
    S.COMPLETED: 5,
    S.CONFIRMED: 6,
    S.CLOSED: 7,
}
_TO_STATUS = {
    "dispatch": S.DISPATCHED,
    "assign": S.ACCEPTED_BY_TEAM,
    "accept": S.ACCEPTED,
    "start": S.IN_PROGRESS,
    "hold": S.ON_HOLD,
    "complete": S.COMPLETED,
    "confirm": S.CONFIRMED,
    "rate": S.CLOSED,
    "cancel": S.CANCELLED,
}

_REMEDIES = {
    ELECTRICAL: (
        "replaced the failed component and tested the circuit",
        "remade loose terminations, insulation resistance tested OK",
        "replaced the battery pack, duration test passed",
        "reset the protective device and traced the fault to a damaged lead, replaced",
    ),
    HVAC: (
        "reset the trip, cleaned the coil and checked the controls",
        "replaced the belt and filters, fan running normally",
        "recalibrated the sensor and adjusted the set point",
        "cleared the blocked condensate drain and tested",
    ),
    PLUMBING: (
        "serviced the valve and replaced the cartridge, outlet temperature 41 C",
        "flushed the line and cleaned the strainers, flow restored",
        "replaced the washer and reseated the relief valve",
        "reset the pump controller and bled the system",
    ),
    LIFTS: (
        "adjusted the door operator and cleaned the sill, doors cycling normally",
        "replaced the landing door roller, levelling checked at every floor",
        "reset the controller after a safety circuit trip, traced to a worn door contact, replaced",
        "recalibrated the levelling sensors, car stops flush at every floor",
    ),
}
_HOLD_REASONS = (
    "Waiting for parts from the supplier",
    "Needs a shutdown agreed with the ward",
    "Waiting for the specialist contractor",
)
_CANCEL_REASONS = (
    "Duplicate of an earlier report",
    "Raised in error: equipment working",
    "Covered by planned maintenance",
)
_COMMENTS = {
    5: ("Quick and tidy, thank you", "Excellent, explained what was wrong", ""),
    4: ("Good job", "Fixed, but we had to chase it", ""),
    3: ("Fixed, but it took a while", "Left some mess behind", ""),
    2: ("The fault came back the next day", "Still alarming after the visit"),
    1: ("Not fixed and nobody told us", "Same fault again within hours"),
}
_CALLBACK_NOTES = {
    "explained": "Called the ward: the part is on order, explained the delay",
    "escalated": "Called the ward: escalated to the estates supervisor",
}

# when, action, from status, to status, actor's employee number, detail
_Event = tuple[datetime, str, S | None, S | None, str | None, str]


@dataclass(frozen=True)
class Cast:
    """The demo users the history names: ids and names by employee number."""

    user_ids: dict[str, uuid.UUID]
    names: dict[str, str]
    department_users: dict[uuid.UUID | None, str]  # department id -> employee number
    site_requesters: dict[str, str]  # campus code -> employee number
    rates: dict[tuple[str, str], int]  # (trade, grade) -> hourly rate in cents
    items: dict[str, list[tuple[uuid.UUID, str, int]]]  # trade -> (id, name, unit cost)


@dataclass
class OrderPlan:
    """What `work.py` decided about an order; the history fills in the rest."""

    status: S
    asset: PlacedAsset
    priority: int
    kind: WorkOrderKind
    is_open: bool
    description: str = ""
    offsets: dict[str, float] = field(default_factory=dict)  # node -> minutes after report
    age: float = 0.0  # minutes from the report to now
    work_minutes: float = 0.0  # time on the job, for the labour booked
    assignee: str | None = None
    cancel_after: str | None = None  # the node an order was cancelled after


def needs_assignee(status: S) -> bool:
    return status not in {S.REPORTED, S.DISPATCHED, S.CANCELLED}


def staffed(trade: str, site_code: str) -> bool:
    return (trade, site_code) in ASSIGNEES


def plan_times(rng: random.Random, plan: OrderPlan) -> None:
    """Minutes after the report of every node the order reached, and its age now."""
    respond, resolve = SLA_MINUTES[plan.priority]
    planned = plan.kind is not WorkOrderKind.CORRECTIVE
    chain: dict[str, float] = {}
    # Planned orders are dispatched by the generator that creates them, at once.
    chain["dispatch"] = 0.0 if planned else rng.uniform(3, 15 + respond * 0.25)
    late_arrival = rng.random() < 0.12
    travel = respond * (rng.uniform(1.05, 2.2) if late_arrival else rng.uniform(0.25, 0.95))
    chain["start"] = chain["dispatch"] + travel
    chain["assign"] = chain["dispatch"] + travel * rng.uniform(0.05, 0.35)
    chain["accept"] = chain["assign"] + (chain["start"] - chain["assign"]) * rng.uniform(0.1, 0.7)
    work = rng.uniform(20, 150) if plan.priority <= 2 else rng.uniform(30, 300)
    late_completion = rng.random() < 0.12
    target = resolve * (rng.uniform(1.05, 1.8) if late_completion else rng.uniform(0.15, 0.9))
    chain["complete"] = max(chain["start"] + work, target)
    chain["hold"] = chain["start"] + rng.uniform(15, 120)
    chain["confirm"] = chain["complete"] + (
        rng.uniform(2, 45) if rng.random() < 0.7 else rng.uniform(60, 36 * 60)
    )
    chain["rate"] = chain["confirm"] + (
        rng.uniform(1, 30) if rng.random() < 0.5 else rng.uniform(60, 3 * 24 * 60)
    )
    if plan.status is S.CANCELLED:
        # Planned orders are dispatched as they are made, so never cancelled before.
        plan.cancel_after = "dispatch" if planned else rng.choice(("report", "dispatch"))
        reached = ["dispatch"] if plan.cancel_after == "dispatch" else []
        offsets = {node: chain[node] for node in reached}
        offsets["cancel"] = max(offsets.values(), default=0.0) + rng.uniform(10, 24 * 60)
    else:
        offsets = {node: chain[node] for node in LOOP[: _DEPTH[plan.status]]}
        if plan.status is S.ON_HOLD:
            offsets["hold"] = chain["hold"]
    last = max(offsets.values(), default=0.0)
    if plan.is_open:
        # Open work is mostly within its resolution time; some of the backlog is overdue.
        overdue = rng.random() < (0.5 if plan.status is S.ON_HOLD else 0.2)
        share = rng.uniform(1.0, 2.5) if overdue else rng.uniform(0.05, 0.9)
        plan.age = max(resolve * share, last + rng.uniform(5, 60))
    else:
        plan.age = max(rng.uniform(3, 91) * 24 * 60, last + rng.uniform(30, 24 * 60))
    plan.offsets, plan.work_minutes = offsets, work


@dataclass
class _Walk:
    """One order walked along the loop: its node times, events so far and status."""

    order_id: uuid.UUID
    at: dict[str, datetime]
    requester: str | None  # the demo user of the order's department, if any
    site_requester: str  # who reports and rates for departments without one
    status: S = S.REPORTED
    assignee: str | None = None
    events: list[_Event] = field(default_factory=list)

    def move(self, action: str, actor: str | None, detail: str = "") -> None:
        to = _TO_STATUS[action]
        self.events.append((self.at[action], action, self.status, to, actor, detail))
        self.status = to


class History:
    """Writes one order's row, events, lines and callback into the demo rows."""

    def __init__(
        self,
        rows: DemoRows,
        rng: random.Random,
        cast: Cast,
        assignees: dict[tuple[str, str], tuple[tuple[str, int], ...]] = ASSIGNEES,
    ) -> None:
        self.rows = rows
        self.rng = rng
        self.cast = cast
        self.assignees = assignees

    def _user(self, employee_no: str | None) -> uuid.UUID | None:
        return self.cast.user_ids[employee_no] if employee_no else None

    def order_values(self, plan: OrderPlan, reported_at: datetime) -> dict[str, Any]:
        """Every work order column the history decides, given when it was reported."""
        asset = plan.asset
        respond, resolve = SLA_MINUTES[plan.priority]
        walk = _Walk(
            order_id=uuid.uuid4(),
            at={node: reported_at + timedelta(minutes=m) for node, m in plan.offsets.items()},
            requester=self.cast.department_users.get(asset.place.department_id),
            site_requester=self.cast.site_requesters[asset.place.site_code],
        )
        planned = plan.kind is not WorkOrderKind.CORRECTIVE
        reporter = None if planned else walk.requester or walk.site_requester
        walk.events.append(
            (
                reported_at,
                "schedule" if planned else "report",
                None,
                None,
                DESK if planned else reporter,
                plan.description,
            )
        )
        values = self._work(plan, walk) | self._close(walk)
        self._write_events(walk.order_id, walk.events)
        # What the SLA check would have flagged by now (or by the cancellation).
        end = walk.at.get("cancel", self.rows.now)
        dispatched_at = walk.at.get("dispatch")
        response_due = dispatched_at + timedelta(minutes=respond) if dispatched_at else None
        resolution_due = reported_at + timedelta(minutes=resolve)
        arrived_at, completed_at = walk.at.get("start"), walk.at.get("complete")
        return values | {
            "id": walk.order_id,
            "created_at": reported_at,
            "updated_at": max(when for when, *_ in walk.events),
            "status": walk.status.value,
            "reported_by_id": self._user(reporter),
            "reported_at": reported_at,
            "category": asset.equipment.category,
            "response_due_at": response_due,
            "resolution_due_at": resolution_due,
            "dispatched_at": dispatched_at,
            "arrived_at": arrived_at,
            "completed_at": completed_at,
            "confirmed_at": walk.at.get("confirm"),
            "closed_at": walk.at.get("rate"),
            "signature_sha256": None,
            "response_breached": response_due is not None and (arrived_at or end) > response_due,
            "resolution_breached": (completed_at or end) > resolution_due,
        }

    def _work(self, plan: OrderPlan, walk: _Walk) -> dict[str, Any]:
        """From dispatch to completion: the team's and the technician's nodes."""
        rng, at = self.rng, walk.at
        trade = plan.asset.equipment.trade
        if "dispatch" in at:
            walk.move("dispatch", DESK, f"to {_TEAM_NAMES[trade]}")
        if "assign" in at:
            choices = self.assignees[(trade, plan.asset.place.site_code)]
            walk.assignee = rng.choices([c[0] for c in choices], [c[1] for c in choices])[0]
            walk.move("assign", _LEADS.get(trade, DESK), f"to {self.cast.names[walk.assignee]}")
        for action in ("accept", "start"):
            if action in at:
                walk.move(action, walk.assignee)
        labour, parts = self._lines(plan, walk.order_id, trade, walk.assignee, at)
        for when, action, detail in labour + parts:
            walk.events.append((when, action, walk.status, walk.status, walk.assignee, detail))
        hold_reason = resolution = ""
        if "hold" in at:
            hold_reason = rng.choice(_HOLD_REASONS)
            walk.move("hold", walk.assignee, hold_reason)
        if "complete" in at:
            resolution = self._resolution(plan, trade, [detail for _, _, detail in parts])
            walk.move("complete", walk.assignee, resolution)
        return {
            "assignee_id": self._user(walk.assignee),
            "hold_reason": hold_reason,
            "resolution": resolution,
        }

    def _close(self, walk: _Walk) -> dict[str, Any]:
        """The requester's confirmation and rating, or the desk's cancellation."""
        rng, at = self.rng, walk.at
        confirmer = None
        if "confirm" in at:
            confirmer = walk.requester
            who = self.cast.names[confirmer] if confirmer else "ward staff"
            walk.move("confirm", walk.assignee, f"by {who}")
        rating, comment, fixed = None, "", None
        if "rate" in at:
            rating = rng.choices((5, 4, 3, 2, 1), weights=(45, 30, 15, 6, 4))[0]
            comment = rng.choice(_COMMENTS[rating])
            fixed = rating > POOR_RATING
            walk.move("rate", walk.requester or walk.site_requester, f"{rating}/5")
            if not fixed:
                walk.events.extend(self._callback(walk.order_id, at["rate"], comment))
        if "cancel" in at:
            walk.move("cancel", DESK, rng.choice(_CANCEL_REASONS))
        return {
            "confirmed_by_id": self._user(confirmer),
            "rating": rating,
            "rating_comment": comment,
            "fixed": fixed,
        }

    def _write_events(self, order_id: uuid.UUID, events: list[_Event]) -> None:
        for when, action, before, after, actor, detail in events:
            self.rows.entity(
                WorkOrderEvent,
                created_at=when,
                updated_at=when,
                work_order_id=order_id,
                action=action,
                from_status=before.value if before else None,
                to_status=after.value if after else None,
                actor_id=self._user(actor),
                device_id=None,
                op_id=None,
                claimed_at=when,
                received_at=when,
                detail=detail,
                late=False,
            )

    def _lines(
        self,
        plan: OrderPlan,
        order_id: uuid.UUID,
        trade: str,
        assignee: str | None,
        at: dict[str, datetime],
    ) -> tuple[list[tuple[datetime, str, str]], list[tuple[datetime, str, str]]]:
        """Labour (and sometimes parts) on an order that was started; their event times."""
        rng = self.rng
        started = at.get("start")
        if started is None or assignee is None:
            return [], []
        limit = at.get("complete") or at.get("hold") or self.rows.now
        finished = "complete" in at
        if not finished and rng.random() < (0.2 if "hold" in at else 0.5):
            return [], []  # nothing booked yet
        span = (limit - started).total_seconds() / 60
        minutes = int(min(plan.work_minutes, span - 2) // 5 * 5)
        if minutes < 5:
            return [], []
        workers = [(assignee, minutes)]
        lead = _LEADS.get(trade)
        if finished and lead and lead != assignee and rng.random() < 0.2:
            workers.append((lead, rng.randrange(15, 65, 5)))
        labour = []
        for number, (who, booked) in enumerate(workers, start=1):
            grade = GRADES[who]
            rate = self.cast.rates[(trade, grade)]
            self.rows.entity(
                LabourLine,
                work_order_id=order_id,
                technician_id=self.cast.user_ids[who],
                minutes=booked,
                trade=trade,
                grade=grade,
                hourly_rate_cents=rate,
                cost_cents=round(rate * booked / 60),
                op_id=None,
                late=False,
            )
            labour.append((limit - timedelta(minutes=number), "log_labour", f"{booked} min"))
        parts: list[tuple[datetime, str, str]] = []
        items = self.cast.items.get(trade, [])
        if items and rng.random() < 0.35:
            for item_id, name, unit_cost in rng.sample(items, k=min(len(items), rng.randint(1, 2))):
                quantity = rng.randint(1, 3)
                self.rows.entity(
                    PartLine,
                    work_order_id=order_id,
                    item_id=item_id,
                    quantity=quantity,
                    unit_cost_cents=unit_cost,
                    cost_cents=unit_cost * quantity,
                    op_id=None,
                    late=False,
                )
                when = started + (limit - timedelta(minutes=3) - started) * rng.uniform(0.2, 0.8)
                parts.append((when, "add_part", f"{quantity} x {name}"))
        return labour, parts

    def _resolution(self, plan: OrderPlan, trade: str, fitted: list[str]) -> str:
        if plan.kind is WorkOrderKind.PREVENTIVE:
            text = "Planned maintenance done to the schedule, no defects found"
        elif plan.kind is WorkOrderKind.INSPECTION:
            text = "Inspected and tested: passed, label updated"
        else:
            remedy = self.rng.choice(_REMEDIES.get(trade, ("repaired and tested",)))
            text = f"{plan.description.rstrip('.')}: {remedy}"
        if fitted:
            text += ". Fitted " + "; ".join(fitted)
        return text + "."

    def _callback(self, order_id: uuid.UUID, closed_at: datetime, comment: str) -> list[_Event]:
        """A poor rating's callback: still open when recent, mostly made after two days."""
        rng, now = self.rng, self.rows.now
        reason = f"not fixed: {comment}"[:200]
        waited = (now - closed_at).total_seconds() / 60
        if waited < 2 * 24 * 60 or rng.random() < 0.3:
            self.rows.entity(
                Callback,
                work_order_id=order_id,
                reason=reason,
                status="open",
                called_by_id=None,
                called_at=None,
                outcome=None,
                note="",
            )
            return []
        outcome = rng.choice(tuple(_CALLBACK_NOTES))
        called_at = closed_at + timedelta(minutes=rng.uniform(30, 2 * 24 * 60))
        note = _CALLBACK_NOTES[outcome]
        self.rows.entity(
            Callback,
            work_order_id=order_id,
            reason=reason,
            status="done",
            called_by_id=self.cast.user_ids[DESK],
            called_at=called_at,
            outcome=outcome,
            note=note,
        )
        return [(called_at, "callback", None, None, DESK, f"{outcome}: {note}")]
