"""Maintenance teams, contractors and the demo logins: one or more per role, same in every size.

The demo logins (password `DEMO_PASSWORD`): A0001 admin, D0001 desk, S0001 supervisor,
L0001/L0002 team leads (Electrical, HVAC), T0001-T0003 in-house technicians (Electrical,
HVAC, Plumbing), T0004 the lift contractor's technician (team Lifts, Apex), K0001
storekeeper, R0001/R0002 requesters, G0001/G0002 guards and M0001 their manager (Sentinel),
C0001 cleaner and M0002 her manager (Brightway), M0003 the lift contract's manager (Apex).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from server.db.demo.campus import Campus
from server.db.demo.names import (
    CLEANING_CONTRACTOR,
    CONTRACTORS,
    EAST,
    LIFT_CONTRACTOR,
    LIFTS,
    SECURITY_CONTRACTOR,
    TEAMS,
    WEST,
)
from server.db.demo.rows import DemoRows
from server.db.models import Contractor, Role, Team, User, UserRole, UserSite

# Public on purpose: it opens only the made-up accounts of a demo hospital.
DEMO_PASSWORD: str = "rounds-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    employee_no: str
    name: str
    roles: tuple[str, ...]
    note: str  # who this is, e.g. "Electrical team, East Campus"


@dataclass(frozen=True)
class _DemoPerson:
    login: DemoLogin
    team_code: str | None = None
    contractor_code: str | None = None
    department_code: str | None = None
    site_codes: tuple[str, ...] = ()


def _person(
    employee_no: str,
    name: str,
    role: Role,
    note: str,
    *,
    team: str | None = None,
    contractor: str | None = None,
    department: str | None = None,
    sites: tuple[str, ...] = (),
) -> _DemoPerson:
    return _DemoPerson(
        login=DemoLogin(employee_no, name, (role.value,), note),
        team_code=team,
        contractor_code=contractor,
        department_code=department,
        site_codes=sites,
    )


_SECURITY = "Sentinel Security Services"
_CLEANING = "Brightway Healthcare Cleaning"
_LIFTS = "Apex Lift & Escalator Services"

_DEMO_PEOPLE: tuple[_DemoPerson, ...] = (
    _person("A0001", "Margaret Ellis", Role.ADMIN, "System administrator"),
    _person("D0001", "Priya Sharma", Role.DESK, "Estates help desk"),
    _person("S0001", "Robert Kane", Role.SUPERVISOR, "Estates supervisor, both campuses"),
    _person("L0001", "David Okafor", Role.TEAM_LEAD, "Electrical team lead", team="ELEC"),
    _person("L0002", "Helen Marsh", Role.TEAM_LEAD, "HVAC team lead", team="HVAC"),
    _person(
        "T0001",
        "Tom Fletcher",
        Role.TECHNICIAN,
        "Electrical team, East Campus",
        team="ELEC",
        sites=(EAST,),
    ),
    _person(
        "T0002",
        "Aisha Rahman",
        Role.TECHNICIAN,
        "HVAC team, East Campus",
        team="HVAC",
        sites=(EAST,),
    ),
    _person(
        "T0003",
        "Liam Gallagher",
        Role.TECHNICIAN,
        "Plumbing team, West Campus only",
        team="PLUMB",
        sites=(WEST,),
    ),
    _person("K0001", "Grace Chen", Role.STOREKEEPER, "Main Stores, East Campus", sites=(EAST,)),
    _person(
        "R0001",
        "Dr Sophie Walsh",
        Role.REQUESTER,
        "Intensive Care Unit, East Campus",
        department="ICU",
        sites=(EAST,),
    ),
    _person("R0002", "James Morrison", Role.REQUESTER, "Radiology", department="RAD"),
    _person("G0001", "Samuel Reid", Role.GUARD, _SECURITY, contractor=SECURITY_CONTRACTOR),
    _person("G0002", "Mohammed Khan", Role.GUARD, _SECURITY, contractor=SECURITY_CONTRACTOR),
    _person("C0001", "Ana Pereira", Role.CLEANER, _CLEANING, contractor=CLEANING_CONTRACTOR),
    _person(
        "M0001",
        "Neil Barker",
        Role.CONTRACTOR_MANAGER,
        f"{_SECURITY} contract manager",
        contractor=SECURITY_CONTRACTOR,
    ),
    _person(
        "M0002",
        "Claire Bennett",
        Role.CONTRACTOR_MANAGER,
        f"{_CLEANING} contract manager",
        contractor=CLEANING_CONTRACTOR,
    ),
    _person(
        "M0003",
        "Paul Harrington",
        Role.CONTRACTOR_MANAGER,
        f"{_LIFTS} contract manager",
        contractor=LIFT_CONTRACTOR,
    ),
    # Last, so every earlier person keeps the phone number it had before the lift crew.
    _person(
        "T0004",
        "Kwame Asante",
        Role.TECHNICIAN,
        f"{_LIFTS} lift technician, both campuses",
        team="LIFTS",
        contractor=LIFT_CONTRACTOR,
    ),
)

DEMO_LOGINS: tuple[DemoLogin, ...] = tuple(person.login for person in _DEMO_PEOPLE)


@dataclass
class Workforce:
    team_ids: dict[str, uuid.UUID] = field(default_factory=dict)  # by team code
    team_ids_by_trade: dict[str, uuid.UUID] = field(default_factory=dict)
    contractor_ids: dict[str, uuid.UUID] = field(default_factory=dict)  # by contractor code
    user_ids: dict[str, uuid.UUID] = field(default_factory=dict)  # by employee number


def build_workforce(rows: DemoRows, campus: Campus, password_hash: str) -> Workforce:
    """Teams, contractors and the demo users, all sharing one precomputed password hash."""
    workforce = Workforce()
    for contractor in CONTRACTORS:
        workforce.contractor_ids[contractor.code] = rows.entity(
            Contractor, code=contractor.code, name=contractor.name, service=contractor.service
        )
    lift_company = workforce.contractor_ids[LIFT_CONTRACTOR]
    for team in TEAMS:
        # The lift crews are the lift contractor's staff: their orders are its scorecard.
        team_id = rows.entity(
            Team,
            code=team.code,
            name=team.name,
            trade=team.trade,
            contractor_id=lift_company if team.trade == LIFTS else None,
        )
        workforce.team_ids[team.code] = team_id
        workforce.team_ids_by_trade[team.trade] = team_id
    for number, person in enumerate(_DEMO_PEOPLE, start=1):
        department = person.department_code
        user_id = rows.entity(
            User,
            employee_no=person.login.employee_no,
            name=person.login.name,
            password_hash=password_hash,
            team_id=workforce.team_ids[person.team_code] if person.team_code else None,
            contractor_id=(
                workforce.contractor_ids[person.contractor_code] if person.contractor_code else None
            ),
            department_id=campus.department_ids[department] if department else None,
            # Ofcom keeps 07700 900xxx for fiction, so no real phone gets a demo call.
            phone=f"+44 7700 900{number:03d}",
            active=True,
        )
        workforce.user_ids[person.login.employee_no] = user_id
        for role in person.login.roles:
            rows.link(UserRole, user_id=user_id, role=role)
        for site_code in person.site_codes:
            rows.link(UserSite, user_id=user_id, site_id=campus.site_ids[site_code])
    return workforce
