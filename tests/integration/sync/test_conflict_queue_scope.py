"""The conflict queue respects site scope: a desk user or supervisor limited to sites lists,
opens and resolves only the items about their sites; those without limits see them all.

An item about a work order or an asset falls under that row's site; an item about nothing
with a site falls under its sender's sites, and one from a sender without site limits is
hospital-wide (for the desk without limits only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import api_login
from tests.integration.console_client import console_login
from tests.integration.work.loop import Cast, applied, cast, new_person
from tests.phone import Phone

Client = TestClient[Litestar]
NOWHERE = "00000000-0000-4000-8000-00000000beef"


@dataclass
class Items:
    """One item of each kind of place, by what decides where it falls."""

    east_order: str  # a conflict about an East Campus work order
    west_asset: str  # refused: about a West Campus asset, sent by an East technician
    west_sender: str  # refused: about no row, sent by the West-only technician
    hospital_wide: str  # refused: about no row, sent by a guard with no site limits

    def all(self) -> set[str]:
        return {self.east_order, self.west_asset, self.west_sender, self.hospital_wide}


def _west_asset(client: Client) -> dict[str, Any]:
    admin = api_login(client, "A0001")
    sites = {s["code"]: s["id"] for s in client.get("/api/v1/sites", headers=admin).json()}
    found = client.get(
        "/api/v1/assets", headers=admin, params={"site_id": sites["WEST"], "limit": 1}
    )
    asset: dict[str, Any] = found.json()["items"][0]
    return asset


def _refused(phone: Phone, name: str, args: dict[str, Any]) -> str:
    result = phone.results([phone.op(name, args)])[0]
    assert result["status"] == "rejected", result
    return str(result["op_id"])


def _make_items(client: Client, c: Cast) -> Items:
    order_id = c.report()
    c.to_technician(order_id)
    labour = c.technician.op("work_order.log_labour", {"work_order_id": order_id, "minutes": 15})
    applied(c.desk, "cancel", work_order_id=order_id, reason="Duplicate")
    conflict = c.technician.results([labour])[0]
    assert conflict["status"] == "conflict", conflict
    west = _west_asset(client)
    return Items(
        east_order=conflict["conflict_id"],
        west_asset=_refused(
            c.technician, "asset.set_status", {"asset_id": west["id"], "status": "exploded"}
        ),
        west_sender=_refused(
            Phone(client, "T0003"), "asset.add_note", {"asset_id": NOWHERE, "text": "Leak"}
        ),
        hospital_wide=_refused(
            Phone(client, "G0001"),
            "work_order.note",
            {"work_order_id": str(uuid.uuid4()), "text": "Door alarm"},
        ),
    )


@pytest.fixture
def items(client: Client) -> Items:
    return _make_items(client, cast(client))


def listed(client: Client, phone: Phone, **params: str) -> set[str]:
    response = client.get(
        "/api/v1/conflicts", headers=phone.headers, params={"limit": 200, **params}
    )
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def visible(client: Client, phone: Phone, items: Items) -> set[str]:
    return listed(client, phone, status="open") & items.all()


@pytest.mark.parametrize(
    ("role", "sites", "sees"),
    [
        ("desk", ["EAST"], {"east_order"}),
        ("supervisor", ["WEST"], {"west_asset", "west_sender"}),
        ("admin", ["EAST"], {"east_order"}),
        ("desk", [], {"east_order", "west_asset", "west_sender", "hospital_wide"}),
        ("supervisor", [], {"east_order", "west_asset", "west_sender", "hospital_wide"}),
    ],
)
def test_each_role_lists_and_opens_the_items_of_its_sites(
    client: Client, items: Items, role: str, sites: list[str], sees: set[str]
) -> None:
    person = new_person(client, role, site_codes=sites)
    expected = {getattr(items, name) for name in sees}
    assert visible(client, person, items) == expected
    for item_id in items.all():
        response = client.get(f"/api/v1/conflicts/{item_id}", headers=person.headers)
        assert response.status_code == (200 if item_id in expected else 404), item_id
        if item_id not in expected:
            assert response.json()["code"] == "not_found"


def test_an_item_of_another_site_cannot_be_resolved_and_stays_open(
    client: Client, items: Items
) -> None:
    east_desk = new_person(client, "desk", site_codes=["EAST"])
    for resolution in ("keep_server", "resubmit"):
        refused = client.post(
            f"/api/v1/conflicts/{items.west_asset}/resolve",
            headers=east_desk.headers,
            json={"resolution": resolution},
        )
        assert refused.status_code == 404, refused.text
    assert items.west_asset in listed(client, Phone(client, "D0001"), status="open")

    done = client.post(
        f"/api/v1/conflicts/{items.east_order}/resolve",
        headers=east_desk.headers,
        json={"resolution": "keep_server"},
    )
    assert done.status_code == 200, done.text
    assert items.east_order in listed(client, east_desk, status="resolved")
    west_supervisor = new_person(client, "supervisor", site_codes=["WEST"])
    assert items.east_order not in listed(client, west_supervisor, status="resolved")


def test_the_console_queue_is_scoped_too(client: Client, items: Items) -> None:
    west_supervisor = new_person(client, "supervisor", site_codes=["WEST"])
    console_login(client, west_supervisor.employee_no)
    page = client.get("/desk/conflicts").text
    assert f'href="/desk/conflicts/{items.west_sender}"' in page
    assert f'href="/desk/conflicts/{items.east_order}"' not in page
    assert f'href="/desk/conflicts/{items.hospital_wide}"' not in page
    assert client.get(f"/desk/conflicts/{items.east_order}").status_code == 404
    assert client.get(f"/desk/conflicts/{items.west_asset}").status_code == 200
