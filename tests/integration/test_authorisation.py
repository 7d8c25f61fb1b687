"""The authorisation matrix: every role against every endpoint it must and must not reach.

The expected matrix is written out here on purpose, independently of the policy module,
so a change to the grants that nobody meant shows up as a failing test.
"""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import api_login
from tests.integration.console_client import CSRF_COOKIE, console_login

Client = TestClient[Litestar]

DEMO_USER_BY_ROLE = {
    "admin": "A0001",
    "desk": "D0001",
    "supervisor": "S0001",
    "team_lead": "L0001",
    "technician": "T0001",
    "storekeeper": "K0001",
    "requester": "R0001",
    "guard": "G0001",
    "cleaner": "C0001",
    "contractor_manager": "M0001",
}

REFERENCE = {
    "/api/v1/auth/me",
    "/api/v1/sites",
    "/api/v1/buildings",
    "/api/v1/locations",
    "/api/v1/departments",
    "/api/v1/teams",
    "/api/v1/contractors",
}
ASSETS = "/api/v1/assets"
PEOPLE = "/api/v1/people"
STOCK = {"/api/v1/items", "/api/v1/stores"}
PATROL = {"/api/v1/routes", "/api/v1/checkpoints", "/api/v1/patrol/expected"}
RATES = "/api/v1/rate-card"
WORK = "/api/v1/work-orders"
ALL_READS = REFERENCE | STOCK | PATROL | {ASSETS, PEOPLE, RATES, WORK}

ALLOWED: dict[str, set[str]] = {
    "admin": ALL_READS,
    "desk": ALL_READS,
    "supervisor": ALL_READS,
    "team_lead": REFERENCE | STOCK | {ASSETS, PEOPLE, RATES, WORK},
    "technician": REFERENCE | STOCK | {ASSETS, WORK},
    "storekeeper": REFERENCE | STOCK | {WORK},  # the orders of their sites, to issue parts
    "requester": REFERENCE | {ASSETS, WORK},
    "guard": REFERENCE | PATROL,
    "cleaner": REFERENCE | PATROL,
    "contractor_manager": REFERENCE | PATROL | {ASSETS, PEOPLE, RATES},
}


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_each_role_reaches_exactly_its_endpoints(client: Client, role: str) -> None:
    headers = api_login(client, DEMO_USER_BY_ROLE[role])
    outcome = {path: client.get(path, headers=headers) for path in sorted(ALL_READS)}
    reached = {path for path, response in outcome.items() if response.status_code == 200}
    refused = {path for path, response in outcome.items() if response.status_code == 403}
    assert reached == ALLOWED[role]
    assert refused == ALL_READS - ALLOWED[role]
    for path in refused:
        assert outcome[path].json()["code"] == "forbidden", path


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_admin_creates_accounts(client: Client, role: str) -> None:
    headers = api_login(client, DEMO_USER_BY_ROLE[role])
    response = client.post(
        "/api/v1/people",
        headers=headers,
        json={
            "employee_no": f"N-{role}",
            "name": "New Person",
            "password": "long enough",
            "roles": ["requester"],
        },
    )
    assert response.status_code == (201 if role == "admin" else 403)


def test_signed_out_requests_are_refused_everywhere(client: Client) -> None:
    for path in sorted(ALL_READS):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "unauthenticated"


def test_every_route_names_a_permission_or_is_public(demo_app: Litestar) -> None:
    unguarded = []
    for route in demo_app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = set(getattr(handler, "http_methods", ()))
            # The OpenAPI description is public on purpose; OPTIONS answers CORS preflights.
            if (
                handler.opt.get("public")
                or methods == {"OPTIONS"}
                or route.path.startswith("/schema")
            ):
                continue
            if not handler.resolve_guards():
                unguarded.append(f"{route.path} {sorted(getattr(handler, 'http_methods', []))}")
    assert unguarded == []


# Operations routes: public at the routing layer, because a load balancer and a Prometheus
# scraper have no user account. They reveal no records: health says ok or names the
# failing dependency; /metrics carries counts only and wants ROUNDS_METRICS_TOKEN when set
# (docs/operations.md).
OPERATIONS_ROUTES = {"/healthz": "public", "/readyz": "public", "/metrics": "public, token"}


def test_operations_routes_are_in_the_route_table_and_public(demo_app: Litestar) -> None:
    found = {
        route.path: handler
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if route.path in OPERATIONS_ROUTES and "GET" in getattr(handler, "http_methods", ())
    }
    assert set(found) == set(OPERATIONS_ROUTES)
    assert all(handler.opt.get("public") for handler in found.values())


def test_operations_routes_answer_signed_out(client: Client) -> None:
    for path in sorted(OPERATIONS_ROUTES):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)


LABEL_AND_SCAN_ROUTES = {
    "/api/v1/scans/decode",
    "/desk/labels",
    "/desk/labels/assets.pdf",
    "/desk/labels/items.pdf",
    "/desk/labels/bins.pdf",
    "/desk/labels/calibration.pdf",
    "/desk/labels/checkpoints.pdf",
    "/desk/patrol",
    "/desk/patrol/incidents",
    "/desk/patrol/incidents/{incident_id:uuid}",
    "/desk/patrol/incidents/{incident_id:uuid}/acknowledge",
    "/desk/patrol/incidents/{incident_id:uuid}/answer",
    "/desk/patrol/incidents/{incident_id:uuid}/close",
    "/desk/patrol/incidents/{incident_id:uuid}/work-order",
    "/desk/patrol/checkpoints",
    "/desk/patrol/checkpoints/new",
    "/desk/patrol/checkpoints/{checkpoint_id:uuid}",
    "/desk/patrol/walks",
    "/desk/patrol/sites/{site_id:uuid}/timezone",
    "/desk/patrol/routes",
    "/desk/patrol/routes/new",
    "/desk/patrol/routes/{route_id:uuid}",
    "/desk/patrol/routes/{route_id:uuid}/stops",
    "/desk/patrol/routes/{route_id:uuid}/stops/{position:int}/{how:str}",
    "/desk/patrol/routes/{route_id:uuid}/schedules",
    "/desk/patrol/routes/{route_id:uuid}/schedules/{schedule_id:uuid}",
    "/desk/patrol/routes/{route_id:uuid}/schedules/{schedule_id:uuid}/delete",
    "/desk/patrol/routes/{route_id:uuid}/hand-over",
}
# Who may hand a route over to another contractor: the hospital's side, never a contractor.
HAND_OVER_ROLES = {"admin", "desk", "supervisor"}


def test_label_and_scan_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= LABEL_AND_SCAN_ROUTES


PATROL_VERIFICATION_ROUTES = {
    "/api/v1/patrol/verification",
    "/api/v1/patrol/statement",
    "/api/v1/patrol/statement/check",
    "/api/v1/patrol/attendance",
    "/desk/patrol/verification",
    "/desk/patrol/verification/guards/{guard_id:uuid}",
    "/desk/patrol/verification/guards/{guard_id:uuid}/statement",
    "/desk/patrol/verification/check",
    "/desk/patrol/verification/attendance",
}
# Who may open the month's verification report and attendance sheet of a contractor.
VERIFIERS = {"admin", "desk", "supervisor", "contractor_manager"}


def test_patrol_verification_routes_are_in_the_route_table_and_guarded(
    demo_app: Litestar,
) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= PATROL_VERIFICATION_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_verifiers_open_reports_and_sheets(client: Client, role: str) -> None:
    headers = api_login(client, DEMO_USER_BY_ROLE[role])
    contractor = api_login(client, "M0001")
    me = client.get("/api/v1/auth/me", headers=contractor).json()
    params = {"contractor_id": me["contractor_id"]}
    for path in ("/api/v1/patrol/verification", "/api/v1/patrol/attendance"):
        response = client.get(path, headers=headers, params=params)
        assert response.status_code == (200 if role in VERIFIERS else 403), (path, role)


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_verifiers_open_the_console_verification_pages(client: Client, role: str) -> None:
    me = client.get("/api/v1/auth/me", headers=api_login(client, "M0001")).json()
    console_login(client, DEMO_USER_BY_ROLE[role])
    for path in (
        f"/desk/patrol/verification?contractor_id={me['contractor_id']}",
        f"/desk/patrol/verification/attendance?contractor_id={me['contractor_id']}",
        "/desk/patrol/verification/check",
    ):
        response = client.get(path)
        assert response.status_code == (200 if role in VERIFIERS else 403), (path, role)


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_the_hospitals_side_hands_routes_over(client: Client, role: str) -> None:
    """Past the guard, a route that is not there is a 404; before it, a 403."""
    console_login(client, DEMO_USER_BY_ROLE[role])
    response = client.post(
        "/desk/patrol/routes/00000000-0000-4000-8000-000000000000/hand-over",
        data={"contractor_id": "", "_csrf_token": client.cookies.get("csrftoken") or ""},
        follow_redirects=False,
    )
    assert response.status_code == (404 if role in HAND_OVER_ROLES else 403), role


CLEANING_ROUTES = {"/desk/cleaning", "/desk/cleaning/tasks/{task_id:uuid}/cancel"}
# Who may open the cleaning board (the cleaning contractor's manager watches it too).
CLEANING_WATCHERS = {"admin", "desk", "supervisor", "contractor_manager"}


def test_cleaning_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= CLEANING_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_cleaning_watchers_open_the_cleaning_board(client: Client, role: str) -> None:
    console_login(client, DEMO_USER_BY_ROLE[role])
    response = client.get("/desk/cleaning")
    assert response.status_code == (200 if role in CLEANING_WATCHERS else 403), role


RATINGS_ROUTES = {"/api/v1/ratings", "/desk/ratings", "/desk/ratings/export.csv"}
# Who may read the departments' satisfaction ratings (a contractor manager: their own).
RATING_READERS = {"admin", "desk", "supervisor", "contractor_manager"}


def test_ratings_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= RATINGS_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_rating_readers_open_the_ratings(client: Client, role: str) -> None:
    expected = 200 if role in RATING_READERS else 403
    response = client.get("/api/v1/ratings", headers=api_login(client, DEMO_USER_BY_ROLE[role]))
    assert response.status_code == expected, role
    console_login(client, DEMO_USER_BY_ROLE[role])
    for path in ("/desk/ratings", "/desk/ratings/export.csv"):
        assert client.get(path).status_code == expected, (path, role)


SETTLEMENT_ROUTES = {
    "/api/v1/contracts",
    "/api/v1/contracts/{contract_id:uuid}/scorecard",
    "/api/v1/contracts/{contract_id:uuid}/history",
    "/api/v1/contracts/{contract_id:uuid}/statements",
    "/api/v1/statements",
    "/api/v1/statements/{statement_id:uuid}",
    "/api/v1/statements/{statement_id:uuid}/verify",
    "/api/v1/statements/{statement_id:uuid}/issue",
    "/api/v1/statements/{statement_id:uuid}/accept",
    "/api/v1/statements/{statement_id:uuid}/lines/{line_id:uuid}/dispute",
    "/api/v1/statements/{statement_id:uuid}/disputes/{dispute_id:uuid}/resolve",
    "/api/v1/statements/{statement_id:uuid}/freeze",
    "/desk/contracts",
    "/desk/contracts/{contract_id:uuid}",
    "/desk/contracts/{contract_id:uuid}/indicators",
    "/desk/contracts/{contract_id:uuid}/indicators/{indicator_id:uuid}/delete",
    "/desk/contracts/{contract_id:uuid}/rules",
    "/desk/contracts/{contract_id:uuid}/rules/{rule_id:uuid}/delete",
    "/desk/contracts/{contract_id:uuid}/teams",
    "/desk/contracts/{contract_id:uuid}/teams/{team_id:uuid}/unlink",
    "/desk/scorecards",
    "/desk/statements",
    "/desk/statements/{statement_id:uuid}",
    "/desk/statements/{statement_id:uuid}/issue",
    "/desk/statements/{statement_id:uuid}/accept",
    "/desk/statements/{statement_id:uuid}/lines/{line_id:uuid}/dispute",
    "/desk/statements/{statement_id:uuid}/disputes/{dispute_id:uuid}/resolve",
    "/desk/statements/{statement_id:uuid}/freeze",
    "/desk/statements/{statement_id:uuid}/statement.pdf",
    "/desk/statements/{statement_id:uuid}/statement.xlsx",
}
# Who reads contracts, scorecards and statements (a contractor manager: their own only,
# tests/integration/settlement); who settles (the hospital); who answers a statement.
SETTLEMENT_READERS = {"admin", "desk", "supervisor", "contractor_manager"}
SETTLERS = {"admin", "desk"}
RESPONDERS = {"contractor_manager"}
NOWHERE = "00000000-0000-4000-8000-000000000000"  # no such contract, statement or line


def test_settlement_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= SETTLEMENT_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_settlement_routes_by_role(client: Client, role: str) -> None:
    """Allowed roles pass the guard (404: no such row); the others are refused (403)."""
    headers = api_login(client, DEMO_USER_BY_ROLE[role])
    reads = ["/api/v1/contracts", "/api/v1/statements"]
    for path in reads:
        expected = 200 if role in SETTLEMENT_READERS else 403
        assert client.get(path, headers=headers).status_code == expected, (path, role)
    for path in (f"/api/v1/statements/{NOWHERE}", f"/api/v1/statements/{NOWHERE}/verify"):
        expected = 404 if role in SETTLEMENT_READERS else 403
        assert client.get(path, headers=headers).status_code == expected, (path, role)
    actions: list[tuple[str, dict[str, str] | None, set[str]]] = [
        (f"/api/v1/contracts/{NOWHERE}/statements", {"month": "2025-03"}, SETTLERS),
        (f"/api/v1/statements/{NOWHERE}/issue", None, SETTLERS),
        (f"/api/v1/statements/{NOWHERE}/freeze", None, SETTLERS),
        (
            f"/api/v1/statements/{NOWHERE}/disputes/{NOWHERE}/resolve",
            {"outcome": "rejected", "reason": "x"},
            SETTLERS,
        ),
        (f"/api/v1/statements/{NOWHERE}/accept", None, RESPONDERS),
        (f"/api/v1/statements/{NOWHERE}/lines/{NOWHERE}/dispute", {"comment": "x"}, RESPONDERS),
    ]
    for path, body, allowed in actions:
        response = client.post(path, headers=headers, json=body)
        assert response.status_code == (404 if role in allowed else 403), (path, role)


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_settlement_console_pages_by_role(client: Client, role: str) -> None:
    console_login(client, DEMO_USER_BY_ROLE[role])
    for path in ("/desk/contracts", "/desk/scorecards", "/desk/statements"):
        expected = 200 if role in SETTLEMENT_READERS else 403
        assert client.get(path).status_code == expected, (path, role)
    for path in (
        f"/desk/contracts/{NOWHERE}",
        f"/desk/statements/{NOWHERE}",
        f"/desk/statements/{NOWHERE}/statement.pdf",
        f"/desk/statements/{NOWHERE}/statement.xlsx",
    ):
        expected = 404 if role in SETTLEMENT_READERS else 403
        assert client.get(path).status_code == expected, (path, role)


def test_each_demo_contractor_manager_lists_only_their_own_contract(client: Client) -> None:
    seen = {
        manager: [c["code"] for c in client.get(
            "/api/v1/contracts", headers=api_login(client, manager)
        ).json()]
        for manager in ("M0001", "M0002", "M0003")
    }  # fmt: skip
    assert seen == {"M0001": ["SEC-2026"], "M0002": ["CLN-2026"], "M0003": ["LIFT-2026"]}
    desk = client.get("/api/v1/contracts", headers=api_login(client, "D0001")).json()
    assert {"SEC-2026", "CLN-2026", "LIFT-2026"} <= {c["code"] for c in desk}


INTAKE_ROUTES = {
    "/desk/board/new",
    "/desk/board/new/search",
    "/desk/enquiries",
    "/desk/enquiries/new",
    "/desk/enquiries/{enquiry_id:uuid}",
    "/desk/enquiries/{enquiry_id:uuid}/owner",
    "/desk/enquiries/{enquiry_id:uuid}/contractor",
    "/desk/enquiries/{enquiry_id:uuid}/answer",
    "/desk/enquiries/{enquiry_id:uuid}/close",
}
# Who takes callers' requests, complaints and enquiries at the desk.
CALL_TAKERS = {"admin", "desk", "supervisor"}


def test_intake_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= INTAKE_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_call_takers_reach_the_intake_pages(client: Client, role: str) -> None:
    console_login(client, DEMO_USER_BY_ROLE[role])
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    allowed = role in CALL_TAKERS
    for path in (
        "/desk/board/new",
        "/desk/board/new/search?q=icu",
        "/desk/enquiries",
        "/desk/enquiries/new",
    ):
        response = client.get(path)
        assert response.status_code == (200 if allowed else 403), (path, role)
    someone = uuid.uuid4()
    posts = {
        "/desk/board/new": 422,  # an empty form: refused field by field, nothing made
        "/desk/enquiries": 422,
        f"/desk/enquiries/{someone}/owner": 404,
        f"/desk/enquiries/{someone}/contractor": 404,
        f"/desk/enquiries/{someone}/answer": 404,
        f"/desk/enquiries/{someone}/close": 404,
    }
    for path, status in posts.items():
        response = client.post(path, data={"_csrf_token": token}, follow_redirects=False)
        assert response.status_code == (status if allowed else 403), (path, role)
    assert client.get(f"/desk/enquiries/{someone}").status_code == (404 if allowed else 403)


IMPORT_ROUTES = {
    "/desk/imports",
    "/desk/imports/check",
    "/desk/imports/apply",
    "/desk/imports/{kind:str}/template/{file_format:str}",
    "/desk/imports/{kind:str}/export/{file_format:str}",
}
IMPORTERS = {"admin"}  # master data files: the administrator alone


def test_import_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= IMPORT_ROUTES


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_admin_opens_the_import_pages(client: Client, role: str) -> None:
    console_login(client, DEMO_USER_BY_ROLE[role])
    for path in ("/desk/imports", "/desk/imports/assets/template/xlsx"):
        response = client.get(path)
        assert response.status_code == (200 if role in IMPORTERS else 403), (path, role)


REFERENCE_KINDS = (
    "sites",
    "buildings",
    "floors",
    "locations",
    "departments",
    "teams",
    "contractors",
    "assets",
    "items",
)
ADMINISTRATION_ROUTES = {
    "/desk/admin/users",
    "/desk/admin/users/new",
    "/desk/admin/users/{user_id:uuid}",
    "/desk/admin/users/{user_id:uuid}/password",
    "/desk/admin/users/{user_id:uuid}/disable",
    "/desk/admin/users/{user_id:uuid}/enable",
    "/desk/admin/users/{user_id:uuid}/devices/{device_id:uuid}/revoke",
    *(
        path
        for kind in REFERENCE_KINDS
        for path in (
            f"/desk/admin/{kind}",
            f"/desk/admin/{kind}/new",
            f"/desk/admin/{kind}/{{row_id:uuid}}",
        )
    ),
}
# Supervisors read the administration screens (who holds which role, which phones are
# signed in); only admins change anything there.
ADMINISTRATION_READERS = {"admin", "supervisor"}


def test_administration_routes_are_in_the_route_table_and_guarded(demo_app: Litestar) -> None:
    guarded = {
        route.path
        for route in demo_app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and not handler.opt.get("public")
    }
    assert guarded >= ADMINISTRATION_ROUTES
    listed = {route.path for route in demo_app.routes if route.path.startswith("/desk/admin")}
    assert listed == ADMINISTRATION_ROUTES, "a new administration route belongs in the table"


@pytest.mark.parametrize("role", sorted(DEMO_USER_BY_ROLE))
def test_only_admins_write_and_supervisors_read_the_administration(
    client: Client, role: str
) -> None:
    # The admin's own account: what an admin sends below is refused or changes nothing
    # (they may not disable themselves), so no demo account is touched.
    me = client.get("/api/v1/auth/me", headers=api_login(client, "A0001")).json()
    console_login(client, DEMO_USER_BY_ROLE[role])
    reads = ["/desk/admin/users", f"/desk/admin/users/{me['id']}"]
    for path in reads:
        expected = 200 if role in ADMINISTRATION_READERS else 403
        assert client.get(path).status_code == expected, (path, role)
    token = client.cookies.get("csrftoken") or ""
    writes = [
        "/desk/admin/users",
        f"/desk/admin/users/{me['id']}",
        f"/desk/admin/users/{me['id']}/password",
        f"/desk/admin/users/{me['id']}/disable",
        f"/desk/admin/users/{me['id']}/enable",
        f"/desk/admin/users/{me['id']}/devices/{me['id']}/revoke",
    ]
    for path in writes:
        # Nothing valid is sent: an admin is refused by the form (422) or finds no such
        # device (404), everyone else by their role (403).
        data = {"_csrf_token": token, "password": "x"}
        status = client.post(path, data=data, follow_redirects=False).status_code
        if role == "admin":
            assert status in {303, 404, 422}, (path, status)
        else:
            assert status == 403, (path, role)
    assert (client.get("/desk/admin/users/new").status_code == 200) == (role == "admin")
    for kind in REFERENCE_KINDS:
        listed = client.get(f"/desk/admin/{kind}").status_code
        assert listed == (200 if role in ADMINISTRATION_READERS else 403), (kind, role)
        assert (client.get(f"/desk/admin/{kind}/new").status_code == 200) == (role == "admin")
        status = client.post(f"/desk/admin/{kind}", data={"_csrf_token": token}).status_code
        assert status == (422 if role == "admin" else 403), (kind, role)
