"""The public asset card at /a/{tag}: readable by anyone, leaking nothing, and its QR label."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from server.db.demo import DEMO_LOGINS
from tests.conftest import api_login
from tests.integration.console_client import Client, api_json, page_text

PUBLIC_URL = "https://rounds.example.org"  # ROUNDS_PUBLIC_URL in tests/conftest.py


def _asset_with_open_faults(client: Client) -> tuple[dict[str, Any], int]:
    """A demo asset with open work orders whose department is not part of its own name or
    place, so finding the department's name on the card can only mean a leak."""
    orders = api_json(client, "D0001", "/api/v1/work-orders", open_only=True, limit=200)
    open_by_asset = Counter(o["asset_id"] for o in orders["items"] if o["asset_id"])
    assert orders["total"] <= 200, "all open orders were counted"
    for asset_id, open_count in open_by_asset.most_common():
        detail = api_json(client, "D0001", f"/api/v1/assets/{asset_id}")
        public_text = detail["asset"]["name"] + " ".join(detail["location_path"])
        if detail["department"] and detail["department"] not in public_text:
            return detail, open_count
    raise AssertionError("the demo has an asset with open faults and a department")


def _everyone(client: Client) -> list[str]:
    people = api_json(client, "A0001", "/api/v1/people", limit=200)["items"]
    return [person["name"] for person in people] + [login.name for login in DEMO_LOGINS]


def test_card_shows_what_a_passer_by_needs_without_sign_in(client: Client) -> None:
    detail, open_count = _asset_with_open_faults(client)
    asset = detail["asset"]
    client.cookies.clear()

    response = client.get(f"/a/{asset['tag_code']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-robots-tag"] == "noindex"
    body = page_text(response.text)
    assert '<meta name="robots" content="noindex">' in body
    assert asset["name"] in body
    assert asset["category"] in body
    assert " › ".join(detail["location_path"]) in body
    assert (detail["contractor"] or detail["team"]) in body
    assert f'data-open-faults="{open_count}"' in body
    assert f'href="/app/#/report?asset={asset["tag_code"]}"' in body
    assert "Report a fault" in body
    assert "rounds_session" not in response.headers.get("set-cookie", "")


def test_card_leaks_nothing_sensitive(client: Client) -> None:
    detail, _ = _asset_with_open_faults(client)
    asset = detail["asset"]
    names = _everyone(client)
    client.cookies.clear()
    for accept in ("text/html", "application/json"):
        body = page_text(client.get(f"/a/{asset['tag_code']}", headers={"Accept": accept}).text)
        assert asset["serial"] not in body
        assert detail["department"] not in body
        assert asset["id"] not in body
        for uuid_field in ("location_id", "site_id", "team_id", "contractor_id"):
            assert not asset[uuid_field] or asset[uuid_field] not in body
        leaked = [name for name in names if name in body]
        assert leaked == []


def test_card_is_the_same_for_a_signed_in_person(client: Client) -> None:
    tag = api_json(client, "A0001", "/api/v1/assets", limit=1)["items"][0]["tag_code"]
    anonymous = client.get(f"/a/{tag}").text
    signed_in = client.get(f"/a/{tag}", headers=api_login(client, "A0001")).text
    assert signed_in == anonymous


def test_tags_are_read_case_insensitively(client: Client) -> None:
    tag = api_json(client, "A0001", "/api/v1/assets", limit=1)["items"][0]["tag_code"]
    assert client.get(f"/a/{tag.lower()}").status_code == 200


def test_unknown_tags_get_a_friendly_404_page(client: Client) -> None:
    for tag in ("ZZZZZZZZZZ", "not-a-tag", "0" * 40):
        response = client.get(f"/a/{tag}")
        assert response.status_code == 404
        assert "<html" in response.text
        assert "We don't know this label" in page_text(response.text)
        assert '<meta name="robots" content="noindex">' in response.text
        main = response.text.split("<main", 1)[1]
        assert tag not in main  # what was typed is not echoed back as content


def test_card_as_json(client: Client) -> None:
    detail, open_count = _asset_with_open_faults(client)
    asset = detail["asset"]
    response = client.get(f"/a/{asset['tag_code']}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    card = response.json()
    assert set(card) == {
        "tag_code", "name", "category", "location_path", "next_inspection",
        "inspection_overdue", "maintained_by", "open_faults", "status", "report_url",
    }  # fmt: skip
    assert card["tag_code"] == asset["tag_code"]
    assert card["location_path"] == detail["location_path"]
    assert card["open_faults"] == open_count
    assert card["maintained_by"] == (detail["contractor"] or detail["team"])

    html_wins = client.get(f"/a/{asset['tag_code']}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html_wins.headers["content-type"].startswith("text/html")
    missing = client.get("/a/ZZZZZZZZZZ", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_card_in_chinese_through_its_language_switch(client: Client) -> None:
    tag = api_json(client, "A0001", "/api/v1/assets", limit=1)["items"][0]["tag_code"]
    english = client.get(f"/a/{tag}").text
    assert f'href="/desk/lang/zh?next=/a/{tag}"' in english
    chinese = client.get(f"/desk/lang/zh?next=/a/{tag}")
    assert chinese.url.path == f"/a/{tag}"
    assert "我要报修" in chinese.text
    assert "下次巡检" in chinese.text
    assert 'lang="zh-Hans"' in chinese.text


def test_language_switch_never_redirects_off_site(client: Client) -> None:
    for target in ("https://evil.example/a/X", "//evil.example/a/X", "/elsewhere"):
        response = client.get("/desk/lang/zh", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/desk/"


def test_label_png_decodes_to_the_card_url(client: Client) -> None:
    asset = api_json(client, "D0001", "/api/v1/assets", limit=1)["items"][0]
    response = client.get(
        f"/desk/assets/{asset['id']}/label.png", headers=api_login(client, "D0001")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{PUBLIC_URL}/a/{asset['tag_code']}"]


def test_label_png_needs_asset_access(client: Client) -> None:
    asset = api_json(client, "A0001", "/api/v1/assets", limit=1)["items"][0]
    path = f"/desk/assets/{asset['id']}/label.png"
    assert client.get(path, headers=api_login(client, "G0001")).status_code == 403
    sites = {s["code"]: s["id"] for s in api_json(client, "A0001", "/api/v1/sites")}
    east = api_json(client, "A0001", "/api/v1/assets", site_id=sites["EAST"], limit=1)
    east_label = f"/desk/assets/{east['items'][0]['id']}/label.png"
    assert client.get(east_label, headers=api_login(client, "T0003")).status_code == 404
