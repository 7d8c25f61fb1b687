"""The desk's "new request" form: search, validation, creation through the workflow,
duplicates offered and a second call kept on the order. Real HTTP, both databases."""

from __future__ import annotations

from tests.integration.console_client import Client, console_login, page_text
from tests.integration.intake.steps import (
    DUPLICATE,
    a_room,
    created_order,
    department_id,
    error_fields,
    post,
    request_fields,
)
from tests.integration.work.loop import cast, new_person

NEW = "/desk/board/new"


def test_the_board_links_the_form_and_the_form_lists_departments(client: Client) -> None:
    console_login(client, "D0001")
    board = client.get("/desk/board")
    assert 'href="/desk/board/new"' in board.text
    page = client.get(NEW)
    assert page.status_code == 200
    assert "<html" in page.text
    assert 'name="caller_phone"' in page.text
    assert "Intensive Care" in page_text(page.text)


def test_search_as_you_type_finds_assets_by_tag_and_rooms_by_code(client: Client) -> None:
    c = cast(client)
    asset = c.icu_asset()
    room = a_room(c)
    console_login(client, "D0001")
    by_tag = client.get(
        f"{NEW}/search", params={"q": asset["tag_code"]}, headers={"HX-Request": "true"}
    )
    assert by_tag.status_code == 200
    assert "<html" not in by_tag.text
    assert f'value="asset:{asset["id"]}"' in by_tag.text
    by_room = client.get(f"{NEW}/search", params={"q": room["code"]})
    assert f'value="location:{room["id"]}"' in by_room.text
    nothing = client.get(f"{NEW}/search", params={"q": "zzzz-no-such-thing"})
    assert 'data-hits="0"' in nothing.text


def test_search_keeps_to_the_desk_users_sites(client: Client) -> None:
    c = cast(client)
    west_rooms = [
        loc
        for loc in c.get("/api/v1/locations", limit=200)["items"]
        if loc["kind"] == "room"
        and loc["site_id"] == next(s["id"] for s in c.get("/api/v1/sites") if s["code"] == "WEST")
    ]
    assert west_rooms, "the demo has rooms on the West campus"
    room = west_rooms[0]
    east_desk = new_person(client, "desk", site_codes=["EAST"])
    console_login(client, east_desk.employee_no)
    hits = client.get(f"{NEW}/search", params={"q": room["code"]})
    assert f"location:{room['id']}" not in hits.text
    # Posting the id anyway is refused as outside the scope.
    refused = post(client, NEW, **request_fields(c, pick=f"location:{room['id']}"))
    assert refused.status_code == 422
    assert "location_id" in error_fields(refused.text)


def test_every_field_in_error_is_shown_at_once_with_422(client: Client) -> None:
    console_login(client, "D0001")
    response = post(
        client,
        NEW,
        htmx=True,
        department_id="",
        pick="",
        description="  ",
        priority="9",
        caller_name="",
        caller_phone="call me",
    )
    assert response.status_code == 422
    assert "<html" not in response.text, "htmx gets the form alone"
    assert error_fields(response.text) == {
        "department_id",
        "where",
        "description",
        "priority",
        "caller_name",
        "caller_phone",
    }
    assert "Give the caller&#39;s name." in response.text or "Give the caller's name." in page_text(
        response.text
    )
    full = post(client, NEW, caller_name="Ann", caller_phone="123")
    assert full.status_code == 422
    assert "<html" in full.text
    assert 'value="Ann"' in full.text, "what was typed is kept"


def test_errors_are_in_chinese_for_a_chinese_desk(client: Client) -> None:
    console_login(client, "D0001")
    client.cookies.set("rounds_lang", "zh")
    response = post(client, NEW, htmx=True, caller_name="")
    assert response.status_code == 422
    assert "请填写来电人姓名。" in response.text


def test_a_new_request_becomes_an_order_reported_by_the_desk_with_the_caller_kept(
    client: Client,
) -> None:
    c = cast(client)
    room = a_room(c, skip=3)
    console_login(client, "D0001")
    fields = request_fields(
        c,
        pick=f"location:{room['id']}",
        department_id=department_id(c, "RAD"),
        description="Ceiling light out above bed 2",
        decision="new",
    )
    response = post(client, NEW, htmx=True, **fields)
    assert response.status_code == 200
    order_id = created_order(response)
    detail = c.detail(order_id)
    desk = c.get("/api/v1/auth/me")
    assert detail["order"]["status"] == "reported"
    assert detail["order"]["department_id"] == department_id(c, "RAD"), (
        "on behalf of the caller's department"
    )
    assert detail["order"]["location_id"] == room["id"]
    report = next(e for e in detail["timeline"] if e["action"] == "report")
    assert report["actor"] == desk["name"], "the desk user reported it"
    assert report["received_at"]
    page = client.get(f"/desk/orders/{order_id}")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Nurse Jane Doyle" in text
    assert "+44 20 7946 0321" in text
    assert 'data-call="opened"' in page.text


def test_an_open_order_on_the_asset_is_offered_and_the_call_added_to_it(client: Client) -> None:
    c = cast(client)
    console_login(client, "D0001")
    first = created_order(post(client, NEW, **request_fields(c, decision="new")))
    again = request_fields(c, caller_name="Porter Sam Hill", caller_phone="0161 496 0000")
    offered = post(client, NEW, htmx=True, **again)
    assert offered.status_code == 200
    assert first in DUPLICATE.findall(offered.text), "the open order on this asset is offered"
    assert f'value="call:{first}"' in offered.text
    assert 'value="new"' in offered.text
    before = len(c.detail(first)["timeline"])
    added = post(client, NEW, htmx=True, **again, decision=f"call:{first}")
    assert created_order(added) == first, "the desk is taken to the existing order"
    detail = c.detail(first)
    assert len(detail["timeline"]) == before + 1
    call = detail["timeline"][-1]
    assert call["action"] == "call"
    assert "Porter Sam Hill" in call["detail"]
    page = page_text(client.get(f"/desk/orders/{first}").text)
    assert "Porter Sam Hill" in page
    assert "0161 496 0000" in page


def test_create_new_anyway_makes_a_second_order(client: Client) -> None:
    c = cast(client)
    room = a_room(c, skip=5)
    console_login(client, "D0001")
    fields = request_fields(c, pick=f"location:{room['id']}", description="Tap drips")
    first = created_order(post(client, NEW, **fields, decision="new"))
    offered = post(client, NEW, **fields)
    assert first in DUPLICATE.findall(offered.text), "same room, no asset: offered"
    second = created_order(post(client, NEW, **fields, decision="new"))
    assert second != first
    assert c.detail(second)["order"]["status"] == "reported"


def test_a_closed_order_is_not_offered_and_cannot_take_a_call(client: Client) -> None:
    c = cast(client)
    room = a_room(c, skip=7)
    console_login(client, "D0001")
    fields = request_fields(c, pick=f"location:{room['id']}", description="Door closer broken")
    order_id = created_order(post(client, NEW, **fields, decision="new"))
    cancelled = post(client, f"/desk/orders/{order_id}/cancel", reason="Duplicate call")
    assert cancelled.status_code in (200, 303), cancelled.text
    assert c.detail(order_id)["order"]["status"] == "cancelled"
    offered = post(client, NEW, **fields)
    assert order_id not in DUPLICATE.findall(offered.text)
    refused = post(client, NEW, **fields, decision=f"call:{order_id}")
    assert refused.status_code == 409
