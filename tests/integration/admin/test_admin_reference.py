"""The organisation screens: each form refuses bad fields with a 422 beside the field and
saves good ones, every change is audited, and a phone hears of a new location at its next
pull."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.integration.admin.helpers import created_id, history, latest, pull_until, unique_no
from tests.integration.console_client import Client
from tests.integration.patrol.desk_rows import one, user
from tests.integration.stock.builders import desk, form_post
from tests.phone import Phone

pytestmark = pytest.mark.db
ADMIN = "/desk/admin"


def _refused(response: object, field: str) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    assert f'data-error-field="{field}"' in response.text  # type: ignore[attr-defined]


def test_a_campus_with_buildings_floors_and_departments(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    code = unique_no("ZS")[:12]
    _refused(form_post(client, f"{ADMIN}/sites", code="a b", name="North"), "code")
    _refused(
        form_post(client, f"{ADMIN}/sites", code=code, name="North", timezone="Mars/Olympus"),
        "timezone",
    )
    site_id = created_id(
        form_post(client, f"{ADMIN}/sites", code=code, name="North", timezone="Asia/Shanghai")
    )
    _refused(form_post(client, f"{ADMIN}/sites", code=code, name="Again"), "code")
    admin = user(demo_settings, "A0001")
    rows = history(demo_settings, site_id)
    assert {r.user_id for r in rows} == {admin.id}
    assert latest(rows)["timezone"] == (None, "Asia/Shanghai")

    _refused(form_post(client, f"{ADMIN}/buildings", code="B1", name="Main"), "site_id")
    building = {"site_id": str(site_id), "code": "ZB1", "name": "Main"}
    building_id = created_id(form_post(client, f"{ADMIN}/buildings", **building))
    _refused(form_post(client, f"{ADMIN}/buildings", **building), "code")
    floor = {"building_id": str(building_id), "level": "x", "name": "Ground"}
    _refused(form_post(client, f"{ADMIN}/floors", **floor), "level")
    created_id(form_post(client, f"{ADMIN}/floors", **{**floor, "level": "0"}))
    _refused(form_post(client, f"{ADMIN}/floors", **{**floor, "level": "0"}), "level")

    department = {"code": unique_no("ZD")[:12], "name": "Cardiology", "cost_centre": ""}
    _refused(form_post(client, f"{ADMIN}/departments", **department), "cost_centre")
    department_id = created_id(
        form_post(client, f"{ADMIN}/departments", **{**department, "cost_centre": "CC-410"})
    )
    edited = form_post(
        client,
        f"{ADMIN}/departments/{department_id}",
        **{**department, "name": "Cardiology East", "cost_centre": "CC-411"},
    )
    assert edited.status_code == 303
    changes = latest(history(demo_settings, department_id))
    assert changes["name"] == ("Cardiology", "Cardiology East")
    assert changes["cost_centre"] == ("CC-410", "CC-411")
    page = client.get(f"{ADMIN}/departments/{department_id}")
    assert 'data-history-field="cost_centre"' in page.text
    listed = client.get(f"{ADMIN}/sites", params={"q": code.lower()})
    assert f'data-row="{code}"' in listed.text


def test_a_location_made_at_the_desk_reaches_the_phones_of_its_campus(
    client: Client, demo_settings: Settings
) -> None:
    phone = Phone(client, "T0003")  # West Campus only
    phone.pull_all()
    building = client.get("/api/v1/buildings", headers=phone.headers).json()[0]
    desk(client, "A0001")
    code = unique_no("ZL")[:20]
    fields = {"building_id": building["id"], "code": code, "name": "Linen room", "kind": "room"}
    _refused(form_post(client, f"{ADMIN}/locations", **{**fields, "kind": "castle"}), "kind")
    _refused(
        form_post(client, f"{ADMIN}/locations", **{**fields, "parent_code": "NO-SUCH"}),
        "parent_code",
    )
    _refused(
        form_post(client, f"{ADMIN}/locations", **{**fields, "floor_id": str(uuid.uuid4())}),
        "floor_id",
    )
    location_id = created_id(form_post(client, f"{ADMIN}/locations", **fields))
    _refused(form_post(client, f"{ADMIN}/locations", **fields), "code")

    pull_until(phone, lambda: str(location_id) in phone.of_type("location"))
    arrived = phone.of_type("location")[str(location_id)]
    assert (arrived["code"], arrived["name"], arrived["site_id"]) == (
        code,
        "Linen room",
        building["site_id"],
    )
    renamed = form_post(
        client, f"{ADMIN}/locations/{location_id}", **{**fields, "name": "Linen store"}
    )
    assert renamed.status_code == 303
    pull_until(phone, lambda: phone.of_type("location")[str(location_id)]["name"] == "Linen store")
    annexe = {"site_id": building["site_id"], "code": unique_no("ZB")[:12], "name": "Annexe"}
    other = created_id(form_post(client, f"{ADMIN}/buildings", **annexe))
    moved = {**fields, "building_id": str(other)}
    _refused(form_post(client, f"{ADMIN}/locations/{location_id}", **moved), "building_id")
    detail = client.get(f"{ADMIN}/locations/{location_id}")
    assert detail.status_code == 200
    assert 'value="Linen store"' in detail.text
    assert latest(history(demo_settings, location_id))["name"] == ("Linen room", "Linen store")


def test_teams_and_contractors(client: Client, demo_settings: Settings) -> None:
    desk(client, "A0001")
    team = {"code": unique_no("ZT")[:12], "name": "Lifts", "trade": ""}
    _refused(form_post(client, f"{ADMIN}/teams", **team), "trade")
    team_id = created_id(form_post(client, f"{ADMIN}/teams", **{**team, "trade": "lifts"}))
    assert latest(history(demo_settings, team_id))["trade"] == (None, "lifts")
    firm = {"code": unique_no("ZC")[:12], "name": "", "service": "security"}
    _refused(form_post(client, f"{ADMIN}/contractors", **firm), "name")
    firm_id = created_id(form_post(client, f"{ADMIN}/contractors", **{**firm, "name": "Safe Co"}))
    renamed = form_post(client, f"{ADMIN}/contractors/{firm_id}", **{**firm, "name": "Safe Ltd"})
    assert renamed.status_code == 303
    assert latest(history(demo_settings, firm_id))["name"] == ("Safe Co", "Safe Ltd")
    phone = Phone(client, "T0001")
    pull_until(phone, lambda: str(team_id) in phone.of_type("team"))
    assert phone.of_type("team")[str(team_id)]["name"] == "Lifts"


def test_an_asset_made_at_the_desk_reaches_the_phones_and_its_status_is_clocked(
    client: Client, demo_settings: Settings
) -> None:
    phone = Phone(client, "T0003")  # West Campus only
    phone.pull_all()
    place = next(iter(phone.of_type("location").values()))
    desk(client, "A0001")
    fields = {
        "name": "Infusion pump",
        "category": "medical",
        "building_id": place["building_id"],
        "location_code": place["code"],
        "status": "in_service",
    }
    url = f"{ADMIN}/assets"
    _refused(form_post(client, url, **{**fields, "tag_code": "IIII"}), "tag_code")
    _refused(form_post(client, url, **{**fields, "location_code": "NO-SUCH"}), "location_code")
    _refused(form_post(client, url, **{**fields, "warranty_end": "soon"}), "warranty_end")
    _refused(form_post(client, url, **{**fields, "name": ""}), "name")
    asset_id = created_id(form_post(client, url, **fields))
    given = unique_no("")[:8].replace("I", "1").replace("O", "0") + "ZZ"
    labelled = created_id(form_post(client, url, **{**fields, "tag_code": given.lower()}))
    _refused(form_post(client, url, **{**fields, "tag_code": given}), "tag_code")

    pull_until(phone, lambda: str(labelled) in phone.of_type("asset"))
    arrived = phone.of_type("asset")
    assert arrived[str(asset_id)]["name"] == "Infusion pump"
    assert len(arrived[str(asset_id)]["tag_code"]) == 10
    assert arrived[str(labelled)]["tag_code"] == given
    assert arrived[str(asset_id)]["site_id"] == place["site_id"]

    # Made offline before the desk's edit, it arrives after it: the desk's value stays.
    stale = phone.op("asset.set_status", {"asset_id": str(asset_id), "status": "in_service"})
    moved = form_post(
        client,
        f"{url}/{asset_id}",
        **{**fields, "tag_code": arrived[str(asset_id)]["tag_code"], "status": "out_of_service"},
    )
    assert moved.status_code == 303, moved.text
    status = [r for r in history(demo_settings, asset_id) if r.field_name == "status"][-1]
    assert (status.old_value, status.new_value) == ("in_service", "out_of_service")
    assert status.hlc.endswith(":desk")  # the merge clock of the field moved with it
    pull_until(phone, lambda: phone.of_type("asset")[str(asset_id)]["status"] == "out_of_service")
    phone.results([stale])
    status_now = one(demo_settings, select(db.Asset).where(col(db.Asset.id) == asset_id)).status
    assert status_now == "out_of_service"
    fresh = phone.op("asset.set_status", {"asset_id": str(asset_id), "status": "in_service"})
    assert phone.results([fresh])[0]["status"] == "applied"
    status_now = one(demo_settings, select(db.Asset).where(col(db.Asset.id) == asset_id)).status
    assert status_now == "in_service"
    page = client.get(f"{url}/{asset_id}")
    assert f'value="{place["code"]}"' in page.text


def test_items_of_the_catalogue_reach_the_technicians(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    item = {"code": unique_no("ZP-"), "name": "Fuse 10 A", "unit": "pcs", "abc_class": "B"}
    _refused(form_post(client, f"{ADMIN}/items", **{**item, "abc_class": "Z"}), "abc_class")
    _refused(
        form_post(client, f"{ADMIN}/items", **{**item, "reorder_point": "-1"}), "reorder_point"
    )
    _refused(form_post(client, f"{ADMIN}/items", **{**item, "unit": ""}), "unit")
    item_id = created_id(form_post(client, f"{ADMIN}/items", **{**item, "reorder_point": "20"}))
    _refused(form_post(client, f"{ADMIN}/items", **item), "code")
    changes = latest(history(demo_settings, item_id))
    assert changes["reorder_point"] == (None, "20")
    phone = Phone(client, "T0001")  # technicians carry the stock catalogue
    pull_until(phone, lambda: str(item_id) in phone.of_type("item"))
    assert phone.of_type("item")[str(item_id)]["name"] == "Fuse 10 A"


def test_supervisors_read_the_organisation_and_only_admins_change_it(client: Client) -> None:
    desk(client, "S0001")
    for kind in (
        "sites",
        "buildings",
        "floors",
        "locations",
        "departments",
        "teams",
        "contractors",
        "assets",
        "items",
    ):
        assert client.get(f"{ADMIN}/{kind}").status_code == 200, kind
        assert client.get(f"{ADMIN}/{kind}/new").status_code == 403, kind
        assert form_post(client, f"{ADMIN}/{kind}", code="X", name="X").status_code == 403
    desk(client, "T0001")
    assert client.get(f"{ADMIN}/sites").status_code == 403
