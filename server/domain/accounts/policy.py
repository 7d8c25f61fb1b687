"""Who may do what, and which rows they may see: decided here and nowhere else.

Every endpoint names one `Permission` (the route guard checks it against
`GRANTS`), and every query of scoped data goes through one of the `scope_*`
functions below, which add the row filters for the actor's roles, sites, team,
department and contractor. A user with several roles sees the union of what each
role sees.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlmodel import col

from server.db.models import (
    Asset,
    Attachment,
    Blob,
    Checkpoint,
    Contractor,
    Location,
    Role,
    Route,
    RouteCheckpoint,
    Store,
    User,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.errors import Forbidden

R = Role


class Permission(StrEnum):
    READ_REFERENCE = "read_reference"  # sites, buildings, locations, departments, teams
    READ_ASSETS = "read_assets"
    READ_PEOPLE = "read_people"
    MANAGE_PEOPLE = "manage_people"
    READ_STOCK = "read_stock"
    READ_PATROL = "read_patrol"
    READ_RATE_CARD = "read_rate_card"
    READ_WORK_ORDERS = "read_work_orders"
    USE_CONSOLE = "use_console"
    RESOLVE_CONFLICTS = "resolve_conflicts"  # the desk's queue of conflicting and rejected ops
    READ_PM_PLANS = "read_pm_plans"  # planned maintenance plans and when they are next due
    DISPATCH = "dispatch"  # the dispatch board, order actions, callbacks (assign: see workflow)
    READ_REPORTS = "read_reports"  # monthly reports; figures scoped like the work orders


EVERYONE = frozenset(Role)

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.READ_REFERENCE: EVERYONE,
    Permission.READ_ASSETS: frozenset(
        {
            R.REQUESTER,
            R.DESK,
            R.TEAM_LEAD,
            R.TECHNICIAN,
            R.SUPERVISOR,
            R.CONTRACTOR_MANAGER,
            R.ADMIN,
        }
    ),
    Permission.READ_PEOPLE: frozenset(
        {R.DESK, R.TEAM_LEAD, R.SUPERVISOR, R.CONTRACTOR_MANAGER, R.ADMIN}
    ),
    Permission.MANAGE_PEOPLE: frozenset({R.ADMIN}),
    Permission.READ_STOCK: frozenset(
        {R.STOREKEEPER, R.TECHNICIAN, R.TEAM_LEAD, R.DESK, R.SUPERVISOR, R.ADMIN}
    ),
    Permission.READ_PATROL: frozenset(
        {R.GUARD, R.CLEANER, R.SUPERVISOR, R.CONTRACTOR_MANAGER, R.DESK, R.ADMIN}
    ),
    Permission.READ_RATE_CARD: frozenset(
        {R.DESK, R.TEAM_LEAD, R.SUPERVISOR, R.CONTRACTOR_MANAGER, R.ADMIN}
    ),
    Permission.READ_WORK_ORDERS: frozenset(
        {R.REQUESTER, R.DESK, R.TEAM_LEAD, R.TECHNICIAN, R.SUPERVISOR, R.ADMIN}
    ),
    Permission.USE_CONSOLE: EVERYONE,
    Permission.RESOLVE_CONFLICTS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.READ_PM_PLANS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.TEAM_LEAD}),
    Permission.DISPATCH: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.READ_REPORTS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.TEAM_LEAD}),
}

# Roles that see every row of a kind (subject only to their sites, if they have any).
OVERSEERS = frozenset({R.DESK, R.SUPERVISOR, R.ADMIN})


def can(actor: Actor, permission: Permission) -> bool:
    return not actor.roles.isdisjoint(GRANTS[permission])


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise Forbidden(f"Your role may not {permission.value.replace('_', ' ')}.")


S = TypeVar("S", bound=Select[Any])
Rule = Callable[[Actor], ColumnElement[bool] | None]


def _combine(actor: Actor, rules: dict[Role, Rule]) -> ColumnElement[bool]:
    """OR the rules of the actor's roles; a role without a rule sees nothing."""
    clauses: list[ColumnElement[bool]] = []
    for role in actor.roles:
        rule = rules.get(role)
        if rule is None:
            continue
        clause = rule(actor)
        if clause is not None:
            clauses.append(clause)
    return or_(*clauses) if clauses else false()


def _in_sites(actor: Actor, site_column: Any) -> ColumnElement[bool]:
    return col(site_column).in_(actor.site_ids) if actor.site_limited else true()


def _everything(_: Actor) -> ColumnElement[bool]:
    return true()


def _same(column: Any, value: Any) -> ColumnElement[bool]:
    return false() if value is None else and_(col(column) == value)


def scope_assets(actor: Actor, stmt: S) -> S:
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.TEAM_LEAD: _everything,
        R.TECHNICIAN: _everything,
        R.REQUESTER: lambda a: _same(Asset.department_id, a.department_id),
        R.CONTRACTOR_MANAGER: lambda a: _same(Asset.contractor_id, a.contractor_id),
    }
    return stmt.where(_combine(actor, rules), _in_sites(actor, Asset.site_id))


def scope_locations(actor: Actor, stmt: S) -> S:
    return stmt.where(_in_sites(actor, Location.site_id))


def scope_site_ids(actor: Actor, site_column: Any, stmt: S) -> S:
    """For reference rows that belong to a campus (sites, buildings, stores)."""
    return stmt.where(_in_sites(actor, site_column))


def scope_people(actor: Actor, stmt: S) -> S:
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.TEAM_LEAD: lambda a: _same(User.team_id, a.team_id),
        R.CONTRACTOR_MANAGER: lambda a: _same(User.contractor_id, a.contractor_id),
    }
    return stmt.where(_combine(actor, rules))


def scope_contractors(actor: Actor, stmt: S) -> S:
    """People of a contractor see their own company only; everyone else sees all."""
    if actor.contractor_id is not None:
        return stmt.where(col(Contractor.id) == actor.contractor_id)
    return stmt


def _own_contractor_routes(actor: Actor) -> ColumnElement[bool]:
    return _same(Route.contractor_id, actor.contractor_id)


_PATROL_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.GUARD: _own_contractor_routes,
    R.CLEANER: _own_contractor_routes,
    R.CONTRACTOR_MANAGER: _own_contractor_routes,
}


def scope_routes(actor: Actor, stmt: S) -> S:
    return stmt.where(_combine(actor, _PATROL_RULES), _in_sites(actor, Route.site_id))


def scope_checkpoints(actor: Actor, stmt: S) -> S:
    """A checkpoint is visible when it is on a route the actor may see."""
    if actor.has(*OVERSEERS):
        return stmt.where(_in_sites(actor, Checkpoint.site_id))
    visible_routes = scope_routes(actor, select(col(Route.id)))
    on_visible_route = (
        select(col(RouteCheckpoint.checkpoint_id))
        .where(col(RouteCheckpoint.route_id).in_(visible_routes))
        .scalar_subquery()
    )
    return stmt.where(col(Checkpoint.id).in_(on_visible_route))


def scope_stores(actor: Actor, stmt: S) -> S:
    return stmt.where(_in_sites(actor, Store.site_id))


def scope_work_orders(actor: Actor, stmt: S) -> S:
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.TEAM_LEAD: lambda a: _same(WorkOrder.team_id, a.team_id),
        R.TECHNICIAN: lambda a: _same(WorkOrder.team_id, a.team_id),
        R.REQUESTER: lambda a: _same(WorkOrder.department_id, a.department_id),
    }
    return stmt.where(_combine(actor, rules), _in_sites(actor, WorkOrder.site_id))


def scope_blobs(actor: Actor, stmt: S) -> S:
    """Photos and signatures: whoever may see a work order a blob is on sees the blob. One
    that no order names yet (uploaded before its op arrived, or its op was refused) is
    seen by whoever uploaded it and by the overseers, who work the conflict queue."""
    attached = select(col(Attachment.id)).where(col(Attachment.sha256) == col(Blob.sha256))
    on_visible_order = exists(
        attached.where(
            col(Attachment.work_order_id).in_(scope_work_orders(actor, select(col(WorkOrder.id))))
        )
    )
    unnamed = ~exists(attached)
    own_or_overseen = true() if actor.has(*OVERSEERS) else col(Blob.uploaded_by_id) == actor.user_id
    return stmt.where(or_(on_visible_order, and_(unnamed, own_or_overseen)))
