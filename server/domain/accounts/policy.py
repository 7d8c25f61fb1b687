"""Who may do what, and which rows they may see: decided here and nowhere else.

Every endpoint names one `Permission` (the route guard checks it against
`GRANTS`), and every query of scoped data goes through one of the `scope_*`
functions below, which add the row filters for the actor's roles, sites, team,
department and contractor. A user with several roles sees the union of what each
role sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    exists,
    false,
    null,
    or_,
    select,
    true,
)
from sqlalchemy import cast as sql_cast
from sqlmodel import col

from server.db.models import (
    Asset,
    Attachment,
    Blob,
    Checkpoint,
    CleaningAudit,
    CleaningRecord,
    CleaningRoom,
    CleaningTask,
    ClockEvent,
    Contract,
    Contractor,
    ContractorRating,
    Enquiry,
    ExpectedRound,
    Incident,
    Location,
    PatrolRound,
    Role,
    Route,
    RouteCheckpoint,
    SettlementStatement,
    StockBalance,
    Stocktake,
    Store,
    StoreKind,
    User,
    UserSite,
    WorkOrder,
    WorkOrderEvent,
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
    MANAGE_STOCK = "manage_stock"  # open stocktakes, resolve stock exceptions, recall lots
    APPROVE_STOCK = "approve_stock"  # approve a stocktake's adjustments (the lead's four eyes)
    WATCH_PATROL = "watch_patrol"  # the desk's patrol pages: live rounds, incidents, routes
    HANDLE_INCIDENTS = "handle_incidents"  # acknowledge, answer and close a guard's incident
    MANAGE_PATROL = "manage_patrol"  # edit checkpoints, routes, stops, schedules, walking times
    # Hand a route over to another contractor (its rounds to come go with it). The hospital
    # decides who walks its routes: no contractor gives its route away or takes another's.
    HAND_OVER_ROUTES = "hand_over_routes"
    # Patrol verification reports, attendance sheets and the statement check; which guards
    # a caller may name is decided by `scope_patrol_people`.
    VERIFY_PATROL = "verify_patrol"
    # Cleaning tasks and rooms: cleaners and their managers (their contractor's), ward staff
    # (their department's, to ask for terminal cleans and see them done), the overseers.
    READ_CLEANING = "read_cleaning"
    WATCH_CLEANING = "watch_cleaning"  # the desk's cleaning board and audit results
    MANAGE_CLEANING = "manage_cleaning"  # cancel a task at the desk
    # A clinical department's monthly satisfaction rating of the contractors serving it.
    RATE_CONTRACTORS = "rate_contractors"
    # The ratings per contractor and month (a contractor manager: their own company's).
    READ_RATINGS = "read_ratings"
    # Contracts, scorecards and settlement statements; which contractor's rows a caller
    # sees is decided by `scope_contracts` / `scope_statements`.
    READ_SETTLEMENT = "read_settlement"
    MANAGE_CONTRACTS = "manage_contracts"  # contract, indicators, weights, deduction rules
    SETTLE = "settle"  # compute, issue, resolve disputes, freeze: the hospital's side
    RESPOND_STATEMENT = "respond_statement"  # accept or dispute lines: the contractor's side
    # The desk's intake: take a caller's request, complaints and enquiries.
    TAKE_CALLS = "take_calls"
    IMPORT_DATA = "import_data"  # import and export master data files (assets, ...)
    # The administration screens (/desk/admin): supervisors read them (who holds which
    # role, which phones are signed in); only admins change users or reference data.
    READ_ADMINISTRATION = "read_administration"
    ADMINISTER = "administer"


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
    # Storekeepers read the orders of their sites to issue parts to them at the counter.
    Permission.READ_WORK_ORDERS: frozenset(
        {R.REQUESTER, R.DESK, R.TEAM_LEAD, R.TECHNICIAN, R.STOREKEEPER, R.SUPERVISOR, R.ADMIN}
    ),
    Permission.USE_CONSOLE: EVERYONE,
    Permission.RESOLVE_CONFLICTS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.READ_PM_PLANS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.TEAM_LEAD}),
    Permission.DISPATCH: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.READ_REPORTS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.TEAM_LEAD}),
    Permission.MANAGE_STOCK: frozenset({R.STOREKEEPER, R.SUPERVISOR, R.ADMIN}),
    Permission.APPROVE_STOCK: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.WATCH_PATROL: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.HANDLE_INCIDENTS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.MANAGE_PATROL: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.HAND_OVER_ROUTES: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.VERIFY_PATROL: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.READ_CLEANING: frozenset(
        {R.CLEANER, R.CONTRACTOR_MANAGER, R.REQUESTER, R.DESK, R.SUPERVISOR, R.ADMIN}
    ),
    Permission.WATCH_CLEANING: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.MANAGE_CLEANING: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.RATE_CONTRACTORS: frozenset({R.REQUESTER}),
    Permission.READ_RATINGS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.READ_SETTLEMENT: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN, R.CONTRACTOR_MANAGER}),
    Permission.MANAGE_CONTRACTS: frozenset({R.DESK, R.ADMIN}),
    Permission.SETTLE: frozenset({R.DESK, R.ADMIN}),
    Permission.RESPOND_STATEMENT: frozenset({R.CONTRACTOR_MANAGER}),
    Permission.TAKE_CALLS: frozenset({R.DESK, R.SUPERVISOR, R.ADMIN}),
    Permission.IMPORT_DATA: frozenset({R.ADMIN}),
    Permission.READ_ADMINISTRATION: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.ADMINISTER: frozenset({R.ADMIN}),
}

# Roles that see every row of a kind (subject only to their sites, if they have any).
OVERSEERS = frozenset({R.DESK, R.SUPERVISOR, R.ADMIN})


def can(actor: Actor, permission: Permission) -> bool:
    return not actor.roles.isdisjoint(GRANTS[permission])


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise Forbidden(f"Your role may not {permission.value.replace('_', ' ')}.")


S = TypeVar("S", bound=Select[Any])
Rule = Callable[[Actor, "Audience"], ColumnElement[bool] | None]


@dataclass(frozen=True)
class Audience:
    """The columns that decide who sees a row.

    A rule reads them from the row's own table when rows are queried, and from the
    change log when the pull's change feed is (each change row carries the values its
    entity had, before and after the write: server/domain/sync/capture.py), so one rule
    decides both who sees a row and who hears of its changes.
    """

    site: Any = None
    team: Any = None
    department: Any = None
    contractor: Any = None


AudienceRule = Callable[[Actor, Audience], ColumnElement[bool]]


def _combine(actor: Actor, on: Audience, rules: dict[Role, Rule]) -> ColumnElement[bool]:
    """OR the rules of the actor's roles; a role without a rule sees nothing."""
    clauses: list[ColumnElement[bool]] = []
    for role in actor.roles:
        rule = rules.get(role)
        if rule is None:
            continue
        clause = rule(actor, on)
        if clause is not None:
            clauses.append(clause)
    return or_(*clauses) if clauses else false()


def _in_sites(actor: Actor, site_column: Any) -> ColumnElement[bool]:
    return col(site_column).in_(actor.site_ids) if actor.site_limited else true()


def _everything(_: Actor, __: Audience) -> ColumnElement[bool]:
    return true()


def _same(column: Any, value: Any) -> ColumnElement[bool]:
    return false() if value is None or column is None else and_(col(column) == value)


def sites_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    """Reference rows of a campus (sites, buildings, locations, stores)."""
    return _in_sites(actor, on.site)


_ASSET_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.TEAM_LEAD: _everything,
    R.TECHNICIAN: _everything,
    R.REQUESTER: lambda a, on: _same(on.department, a.department_id),
    R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
}


def asset_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    return and_(_combine(actor, on, _ASSET_RULES), _in_sites(actor, on.site))


_PATROL_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.GUARD: lambda a, on: _same(on.contractor, a.contractor_id),
    R.CLEANER: lambda a, on: _same(on.contractor, a.contractor_id),
    R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
}


def route_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    """A route is its contractor's; overseers see every route of their sites. A checkpoint's
    changes are logged once per route it is on, with that route's audience, so the same
    rule tells who hears of them."""
    return and_(_combine(actor, on, _PATROL_RULES), _in_sites(actor, on.site))


_WORK_ORDER_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.TEAM_LEAD: lambda a, on: _same(on.team, a.team_id),
    R.TECHNICIAN: lambda a, on: _same(on.team, a.team_id),
    R.REQUESTER: lambda a, on: _same(on.department, a.department_id),
    R.STOREKEEPER: _everything,  # within their sites
}


def work_order_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    return and_(_combine(actor, on, _WORK_ORDER_RULES), _in_sites(actor, on.site))


ASSET_AUDIENCE = Audience(
    site=Asset.site_id, department=Asset.department_id, contractor=Asset.contractor_id
)
ROUTE_AUDIENCE = Audience(site=Route.site_id, contractor=Route.contractor_id)
EXPECTED_ROUND_AUDIENCE = Audience(
    site=ExpectedRound.site_id, contractor=ExpectedRound.contractor_id
)
PATROL_ROUND_AUDIENCE = Audience(site=PatrolRound.site_id, contractor=PatrolRound.contractor_id)
WORK_ORDER_AUDIENCE = Audience(
    site=WorkOrder.site_id, team=WorkOrder.team_id, department=WorkOrder.department_id
)


def scope_assets(actor: Actor, stmt: S) -> S:
    return stmt.where(asset_rule(actor, ASSET_AUDIENCE))


def scope_locations(actor: Actor, stmt: S) -> S:
    return stmt.where(sites_rule(actor, Audience(site=Location.site_id)))


def scope_site_ids(actor: Actor, site_column: Any, stmt: S) -> S:
    """For reference rows that belong to a campus (sites, buildings, stores)."""
    return stmt.where(sites_rule(actor, Audience(site=site_column)))


def scope_people(actor: Actor, stmt: S) -> S:
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.TEAM_LEAD: lambda a, _: _same(User.team_id, a.team_id),
        R.CONTRACTOR_MANAGER: lambda a, _: _same(User.contractor_id, a.contractor_id),
    }
    return stmt.where(_combine(actor, Audience(), rules))


def _in_user_sites(actor: Actor) -> ColumnElement[bool]:
    if not actor.site_limited:
        return true()
    return exists().where(
        col(UserSite.user_id) == col(User.id), col(UserSite.site_id).in_(actor.site_ids)
    )


def scope_patrol_people(actor: Actor, stmt: S) -> S:
    """Whose patrol and attendance records (verification report, statement, attendance
    sheet, statement check) the actor may read: the hospital's desk, supervisors and
    admins everyone of their sites; a contractor manager their own contractor's people
    only; a guard or cleaner themselves."""
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, lambda a, _: _in_user_sites(a)),
        R.CONTRACTOR_MANAGER: lambda a, _: _same(User.contractor_id, a.contractor_id),
        R.GUARD: lambda a, _: col(User.id) == a.user_id,
        R.CLEANER: lambda a, _: col(User.id) == a.user_id,
    }
    return stmt.where(_combine(actor, Audience(), rules))


def scope_contractors(actor: Actor, stmt: S) -> S:
    """People of a contractor see their own company only; everyone else sees all."""
    if actor.contractor_id is not None:
        return stmt.where(col(Contractor.id) == actor.contractor_id)
    return stmt


_SETTLEMENT_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
}


def scope_contracts(actor: Actor, stmt: S) -> S:
    """A contractor manager sees their own contractor's contracts (and so its scorecards);
    the hospital's desk, supervisors and admins see every contract."""
    return stmt.where(
        _combine(actor, Audience(contractor=Contract.contractor_id), _SETTLEMENT_RULES)
    )


def scope_statements(actor: Actor, stmt: S) -> S:
    """Settlement statements (their lines, evidence, disputes and exports) by the same rule."""
    return stmt.where(
        _combine(actor, Audience(contractor=SettlementStatement.contractor_id), _SETTLEMENT_RULES)
    )


def scope_routes(actor: Actor, stmt: S) -> S:
    return stmt.where(route_rule(actor, ROUTE_AUDIENCE))


def scope_expected_rounds(actor: Actor, stmt: S) -> S:
    """Rounds the schedule asks of a contractor are seen like its routes: by its people
    (guards, managers) and by the overseers of the site."""
    return stmt.where(route_rule(actor, EXPECTED_ROUND_AUDIENCE))


def scope_patrol_rounds(actor: Actor, stmt: S) -> S:
    return stmt.where(route_rule(actor, PATROL_ROUND_AUDIENCE))


CLOCK_EVENT_AUDIENCE = Audience(site=ClockEvent.site_id, contractor=ClockEvent.contractor_id)


def scope_clock_events(actor: Actor, stmt: S) -> S:
    """Clock events are seen like the rounds: by the people of the contractor (a guard's
    phone shows its own; a manager's, the shift's) and the overseers of the site."""
    return stmt.where(route_rule(actor, CLOCK_EVENT_AUDIENCE))


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


# Who may move the stock of a van besides its holder: the storekeepers and overseers of
# its site.
VAN_KEEPERS = OVERSEERS | {R.STOREKEEPER}


def scope_stores(actor: Actor, stmt: S) -> S:
    """Stores whose stock the actor may move: the stores of their sites, and of the vans
    there, only their own unless they keep the site's stock (`VAN_KEEPERS`). Phones still
    replicate every store of their sites (`scope_store_sites`), so a technician sees what a
    colleague's van carries."""
    own_van = col(Store.holder_id) == actor.user_id
    vans = true() if actor.has(*VAN_KEEPERS) else own_van
    return stmt.where(
        sites_rule(actor, Audience(site=Store.site_id)),
        or_(col(Store.kind) == StoreKind.STORE, vans),
    )


def scope_store_sites(actor: Actor, stmt: S) -> S:
    """Every store and van of the actor's sites: what they may read (stock on hand, bins)."""
    return stmt.where(sites_rule(actor, Audience(site=Store.site_id)))


def stock_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    """Bins and balances: heard by whoever reads stock, on the store's site."""
    return sites_rule(actor, on) if can(actor, Permission.READ_STOCK) else false()


def scope_stock_balances(actor: Actor, stmt: S) -> S:
    """On hand rows carry their store's site."""
    return stmt.where(sites_rule(actor, Audience(site=StockBalance.site_id)))


def scope_stocktakes(actor: Actor, stmt: S) -> S:
    return stmt.where(sites_rule(actor, Audience(site=Stocktake.site_id)))


def scope_by_store(actor: Actor, store_column: Any, stmt: S) -> S:
    """Rows that name a store (movements, exceptions) are seen with their store."""
    return stmt.where(col(store_column).in_(scope_stores(actor, select(col(Store.id)))))


def scope_work_orders(actor: Actor, stmt: S) -> S:
    return stmt.where(work_order_rule(actor, WORK_ORDER_AUDIENCE))


def scope_tied_work_orders(actor: Actor, stmt: S) -> S:
    """Orders the actor was tied to, whether or not they still see them: they are or were
    its assignee, it was on their team (a technician's or team lead's), or they acted on
    it. Work they report on such an order after it moved away is kept as a late report;
    anyone else who names it learns nothing of it."""
    ties: list[ColumnElement[bool]] = [
        col(WorkOrderEvent.actor_id) == actor.user_id,
        col(WorkOrderEvent.assignee_id) == actor.user_id,
    ]
    if actor.team_id is not None and actor.has(R.TECHNICIAN, R.TEAM_LEAD):
        ties.append(col(WorkOrderEvent.team_id) == actor.team_id)
    tied_by_history = exists().where(
        col(WorkOrderEvent.work_order_id) == col(WorkOrder.id), or_(*ties)
    )
    return stmt.where(or_(col(WorkOrder.assignee_id) == actor.user_id, tied_by_history))


def may_bill_work(actor: Actor, order: WorkOrder) -> bool:
    """Labour and parts are charged to the department when the order's assignee or the
    lead of its team records them (or the desk, which decides billing anyway); a line from
    anyone else waits for the desk's decision."""
    if actor.has(*OVERSEERS):
        return True
    if actor.has(R.STOREKEEPER):  # parts the store itself issued at its counter
        return True
    if order.assignee_id is not None and order.assignee_id == actor.user_id:
        return True
    return actor.has(R.TEAM_LEAD) and order.team_id is not None and actor.team_id == order.team_id


def scope_queue_items(
    actor: Actor, stmt: S, *, entity_type: Any, entity_id: Any, sender_id: Any
) -> S:
    """The desk's queue of conflicting and rejected ops, for a desk user limited to sites:
    an item about a work order or an asset falls under that row's site (as it is now);
    an item about nothing with a site (an id that names no row, a callback, an op that
    could not be read) falls under its sender's sites, so an item from a sender with no
    site limits is hospital-wide and goes to the desk without site limits."""
    if not actor.site_limited:
        return stmt
    order_site = select(col(WorkOrder.site_id)).where(col(WorkOrder.id) == entity_id)
    asset_site = select(col(Asset.site_id)).where(col(Asset.id) == entity_id)
    entity_site = case(
        (entity_type == "work_order", order_site.scalar_subquery()),
        (entity_type == "asset", asset_site.scalar_subquery()),
        else_=null(),
    )
    sender_here = exists().where(
        col(UserSite.user_id) == sender_id, col(UserSite.site_id).in_(actor.site_ids)
    )
    return stmt.where(
        or_(entity_site.in_(actor.site_ids), and_(entity_site.is_(None), sender_here))
    )


def scope_incidents(actor: Actor, stmt: S) -> S:
    """An incident is read by whoever reported it, the managers of its contractor, and the
    overseers of its site (supervisors, the desk)."""
    clauses: list[ColumnElement[bool]] = [col(Incident.reported_by_id) == actor.user_id]
    if actor.has(R.CONTRACTOR_MANAGER):
        clauses.append(_same(Incident.contractor_id, actor.contractor_id))
    if actor.has(*OVERSEERS):
        clauses.append(_in_sites(actor, Incident.site_id))
    return stmt.where(or_(*clauses))


_CLEANING_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.CLEANER: lambda a, on: _same(on.contractor, a.contractor_id),
    R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
    # Ward staff: the rooms of their department, to ask for terminal cleans and see them done.
    R.REQUESTER: lambda a, on: _same(on.department, a.department_id),
}


def cleaning_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    """A room and its tasks are the contractor's who cleans it (its cleaners, its manager)
    and the department's it belongs to (ward staff); overseers see all of their sites."""
    return and_(_combine(actor, on, _CLEANING_RULES), _in_sites(actor, on.site))


CLEANING_ROOM_AUDIENCE = Audience(
    site=CleaningRoom.site_id,
    department=CleaningRoom.department_id,
    contractor=CleaningRoom.contractor_id,
)
CLEANING_TASK_AUDIENCE = Audience(
    site=CleaningTask.site_id,
    department=CleaningTask.department_id,
    contractor=CleaningTask.contractor_id,
)


def scope_cleaning_rooms(actor: Actor, stmt: S) -> S:
    return stmt.where(cleaning_rule(actor, CLEANING_ROOM_AUDIENCE))


def scope_cleaning_tasks(actor: Actor, stmt: S) -> S:
    return stmt.where(cleaning_rule(actor, CLEANING_TASK_AUDIENCE))


def scope_spill_rooms(actor: Actor, stmt: S) -> S:
    """Anyone passing may report a spill in any room of their sites."""
    return stmt.where(_in_sites(actor, CleaningRoom.site_id))


def scope_cleaning_records(actor: Actor, stmt: S) -> S:
    """Cleaners' records and audits: the contractor's people and the overseers (ward staff
    see only that their task is done, on the task)."""
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.CLEANER: lambda a, on: _same(on.contractor, a.contractor_id),
        R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
    }
    on = Audience(site=CleaningRecord.site_id, contractor=CleaningRecord.contractor_id)
    return stmt.where(and_(_combine(actor, on, rules), _in_sites(actor, on.site)))


def scope_cleaning_audits(actor: Actor, stmt: S) -> S:
    rules: dict[Role, Rule] = {
        **dict.fromkeys(OVERSEERS, _everything),
        R.CLEANER: lambda a, on: _same(on.contractor, a.contractor_id),
        R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
    }
    on = Audience(site=CleaningAudit.site_id, contractor=CleaningAudit.contractor_id)
    return stmt.where(and_(_combine(actor, on, rules), _in_sites(actor, on.site)))


def scope_blobs(actor: Actor, stmt: S) -> S:
    """Photos and signatures: whoever may see a work order or an incident a blob is on sees
    the blob. One that nothing names yet (uploaded before its op arrived, or its op was
    refused) is seen by whoever uploaded it and by the overseers, who work the conflict
    queue."""
    attached = select(col(Attachment.id)).where(col(Attachment.sha256) == col(Blob.sha256))
    on_visible_order = exists(
        attached.where(
            col(Attachment.work_order_id).in_(scope_work_orders(actor, select(col(WorkOrder.id))))
        )
    )
    # An incident's photos are a JSON list of SHA-256 hex digests: one 64-digit digest
    # inside that text is one of them.
    in_incident = select(col(Incident.id)).where(
        sql_cast(Incident.photos, Text).contains(col(Blob.sha256))
    )
    on_visible_incident = exists(scope_incidents(actor, in_incident))
    in_clean = select(col(CleaningRecord.id)).where(
        sql_cast(CleaningRecord.photos, Text).contains(col(Blob.sha256))
    )
    on_visible_clean = exists(scope_cleaning_records(actor, in_clean))
    unnamed = ~exists(attached) & ~exists(in_incident) & ~exists(in_clean)
    own_or_overseen = true() if actor.has(*OVERSEERS) else col(Blob.uploaded_by_id) == actor.user_id
    return stmt.where(
        or_(on_visible_order, on_visible_incident, on_visible_clean, and_(unnamed, own_or_overseen))
    )


_RATING_RULES: dict[Role, Rule] = {
    **dict.fromkeys(OVERSEERS, _everything),
    R.CONTRACTOR_MANAGER: lambda a, on: _same(on.contractor, a.contractor_id),
    R.REQUESTER: lambda a, on: _same(on.department, a.department_id),
}


def rating_rule(actor: Actor, on: Audience) -> ColumnElement[bool]:
    """A contractor rating is read by the department that gave it, the managers of the
    contractor it rates, and the hospital's overseers. Ratings name no site: a department's
    view of a contractor is hospital-wide, like the contract."""
    return _combine(actor, on, _RATING_RULES)


RATING_AUDIENCE = Audience(
    department=ContractorRating.department_id, contractor=ContractorRating.contractor_id
)


def scope_ratings(actor: Actor, stmt: S) -> S:
    return stmt.where(rating_rule(actor, RATING_AUDIENCE))


def may_rate_for(actor: Actor, department_id: Any) -> bool:
    """Clinical staff rate for their own department only (a desk re-submitting a phone's
    op acts as the requester who sent it, so the same rule holds)."""
    return (
        can(actor, Permission.RATE_CONTRACTORS)
        and actor.department_id is not None
        and actor.department_id == department_id
    )


def serves_sites(sites: Any) -> ColumnElement[bool]:
    """A contractor serves a campus when it walks a patrol route there, maintains an asset
    there, or has a person working there (the records the hospital already keeps of who
    works where, which a contract alone does not say)."""
    route_here = exists().where(
        col(Route.contractor_id) == col(Contractor.id), col(Route.site_id).in_(sites)
    )
    asset_here = exists().where(
        col(Asset.contractor_id) == col(Contractor.id), col(Asset.site_id).in_(sites)
    )
    person_here = exists().where(
        col(User.contractor_id) == col(Contractor.id),
        col(UserSite.user_id) == col(User.id),
        col(UserSite.site_id).in_(sites),
    )
    return or_(route_here, asset_here, person_here)


def scope_contractors_to_rate(actor: Actor, stmt: S) -> S:
    """The contractors a rater sees on their phone: those serving the rater's campuses (a
    rater limited to no campus sees every contractor)."""
    if not can(actor, Permission.RATE_CONTRACTORS):
        return stmt.where(false())
    if not actor.site_limited:
        return stmt
    return stmt.where(serves_sites(sorted(actor.site_ids)))


def scope_enquiries(actor: Actor, stmt: S) -> S:
    """Complaints and enquiries: the desk roles see those of their sites and the ones filed
    under no site (taken by a hospital-wide desk); nobody else sees any."""
    if not can(actor, Permission.TAKE_CALLS):
        return stmt.where(false())
    if not actor.site_limited:
        return stmt
    return stmt.where(or_(col(Enquiry.site_id).is_(None), col(Enquiry.site_id).in_(actor.site_ids)))
