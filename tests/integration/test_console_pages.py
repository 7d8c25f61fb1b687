"""The desk console as each demo role sees it: home panels, register, detail, people, language."""

from __future__ import annotations

import pytest

from server.web.security import SESSION_COOKIE
from tests.integration.console_client import (
    CSRF_COOKIE,
    Client,
    api_json,
    console_login,
    is_full_page,
    page_text,
    shown_tags,
    shown_total,
)

# Which home panels each demo person gets, written out independently of the code.
PANELS = {
    "A0001": {"overview"},
    "D0001": {"overview"},
    "S0001": {"overview"},
    "L0001": {"team_orders"},
    "L0002": {"team_orders"},
    "T0001": {"team_orders"},
    "T0002": {"team_orders"},
    "T0003": {"team_orders"},
    "T0004": {"team_orders"},
    "K0001": {"stock"},
    "R0001": {"requests"},
    "R0002": {"requests"},
    "G0001": {"routes"},
    "G0002": {"routes"},
    "C0001": {"routes"},
    "M0001": {"company"},
    "M0002": {"company"},
    "M0003": {"company"},
}
ALL_PANELS = set().union(*PANELS.values())
MAY_READ_ASSETS = {"A0001", "D0001", "S0001", "L0001", "L0002", "T0001", "T0002", "T0003"}
MAY_READ_ASSETS |= {"T0004"}
MAY_READ_ASSETS |= {"R0001", "R0002", "M0001", "M0002", "M0003"}
MAY_READ_PEOPLE = {"A0001", "D0001", "S0001", "L0001", "L0002", "M0001", "M0002", "M0003"}


@pytest.mark.parametrize("who", sorted(PANELS))
def test_each_role_signs_in_through_the_form_and_sees_its_panels(client: Client, who: str) -> None:
    console_login(client, who)
    home = client.get("/desk/")
    assert home.status_code == 200
    for panel in ALL_PANELS:
        assert (f'data-panel="{panel}"' in home.text) == (panel in PANELS[who]), panel
    assert ('href="/desk/assets"' in home.text) == (who in MAY_READ_ASSETS)
    assert ('href="/desk/people"' in home.text) == (who in MAY_READ_PEOPLE)
    if "routes" in PANELS[who]:
        assert 'class="button primary big" href="/app/"' in home.text


def test_home_panels_show_scoped_numbers_and_names(client: Client) -> None:
    console_login(client, "L0001")
    team_home = page_text(client.get("/desk/").text)
    open_total = api_json(client, "L0001", "/api/v1/work-orders", open_only=True)["total"]
    assert open_total > 0, "the demo gives the Electrical team open work orders"
    assert "Open work orders · Electrical" in team_home
    assert f"{open_total} open in all" in team_home

    console_login(client, "D0001")
    overview = client.get("/desk/").text
    assert f"<dd>{api_json(client, 'D0001', '/api/v1/assets')['total']}</dd>" in overview

    console_login(client, "M0001")
    company_home = page_text(client.get("/desk/").text)
    assert "Sentinel Security Services" in company_home
    assert "Brightway" not in company_home


@pytest.mark.parametrize("who", ["G0001", "C0001", "K0001"])
def test_register_and_detail_are_403_pages_without_asset_access(client: Client, who: str) -> None:
    some_asset = api_json(client, "A0001", "/api/v1/assets", limit=1)["items"][0]
    console_login(client, who)
    for path in ("/desk/assets", f"/desk/assets/{some_asset['id']}"):
        response = client.get(path)
        assert response.status_code == 403
        assert is_full_page(response.text)
        assert "Your role may not read assets." in response.text


def test_register_filters_narrow_the_results(client: Client) -> None:
    console_login(client, "D0001")
    everything = shown_total(client.get("/desk/assets").text)
    assert everything == api_json(client, "D0001", "/api/v1/assets")["total"]
    site = api_json(client, "D0001", "/api/v1/sites")[0]
    building = api_json(client, "D0001", "/api/v1/buildings")[0]
    team = next(t for t in api_json(client, "D0001", "/api/v1/teams") if t["code"] == "ELEC")
    first = api_json(client, "D0001", "/api/v1/assets", limit=1)["items"][0]
    cases = [
        ({"site": site["id"]}, {"site_id": site["id"]}),
        ({"building": building["id"]}, {"building_id": building["id"]}),
        ({"category": first["category"]}, {"category": first["category"]}),
        ({"team": team["id"]}, {"team_id": team["id"]}),
        ({"q": first["name"][:8].lower()}, {"q": first["name"][:8]}),
        ({"site": site["id"], "team": team["id"]}, {"site_id": site["id"], "team_id": team["id"]}),
    ]
    for console_params, api_params in cases:
        body = client.get("/desk/assets", params=console_params).text
        expected = api_json(client, "D0001", "/api/v1/assets", limit=200, **api_params)
        assert 0 < shown_total(body) < everything, console_params
        assert shown_total(body) == expected["total"], console_params
        assert shown_tags(body) <= {row["tag_code"] for row in expected["items"]}


def test_register_pages_by_fifty(client: Client) -> None:
    console_login(client, "A0001")
    first, second = client.get("/desk/assets"), client.get("/desk/assets", params={"page": 2})
    assert len(shown_tags(first.text)) == 50
    assert shown_tags(first.text).isdisjoint(shown_tags(second.text))
    assert 'href="/desk/assets?page=2"' in first.text
    assert 'href="/desk/assets"' in second.text  # back to page 1, without "page=1"


def test_an_htmx_request_gets_only_the_partial(client: Client) -> None:
    console_login(client, "D0001")
    response = client.get(
        "/desk/assets", params={"q": "pump", "site": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert not is_full_page(response.text)
    assert 'data-total="' in response.text
    assert response.headers["HX-Push-Url"] == "/desk/assets?q=pump"
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/desk/assets", params={"q": "pump"})
    assert is_full_page(full.text)
    assert 'hx-get="/desk/assets"' in full.text
    people = client.get("/desk/people", headers={"HX-Request": "true"})
    assert not is_full_page(people.text)
    assert "<table" in people.text


def test_a_requester_sees_only_their_departments_assets(client: Client) -> None:
    mine = api_json(client, "R0001", "/api/v1/assets", limit=200)
    icu = api_json(client, "R0001", "/api/v1/auth/me")["department_id"]
    assert mine["total"] > 0
    assert {a["department_id"] for a in mine["items"]} == {icu}
    console_login(client, "R0001")
    body = client.get("/desk/assets").text
    assert shown_total(body) == mine["total"]
    assert shown_tags(body) <= {a["tag_code"] for a in mine["items"]}


def test_a_west_only_technician_sees_only_west_assets(client: Client) -> None:
    sites = {s["code"]: s for s in api_json(client, "A0001", "/api/v1/sites")}
    west_total = api_json(client, "A0001", "/api/v1/assets", site_id=sites["WEST"]["id"])["total"]
    console_login(client, "T0003")
    body = page_text(client.get("/desk/assets").text)
    assert shown_total(body) == west_total
    assert "West Campus" in body
    assert "East Campus" not in body
    east = api_json(client, "A0001", "/api/v1/assets", site_id=sites["EAST"]["id"], limit=1)
    out_of_scope = client.get(f"/desk/assets/{east['items'][0]['id']}")
    assert out_of_scope.status_code == 404
    assert is_full_page(out_of_scope.text)


def test_asset_detail_shows_the_asset_and_its_label(client: Client) -> None:
    asset = api_json(client, "D0001", "/api/v1/assets", limit=1)["items"][0]
    detail = api_json(client, "D0001", f"/api/v1/assets/{asset['id']}")
    console_login(client, "D0001")
    body = page_text(client.get(f"/desk/assets/{asset['id']}").text)
    assert asset["name"] in body
    assert asset["tag_code"] in body
    assert asset["serial"] in body
    assert " › ".join(detail["location_path"]) in body
    assert '<svg width="' in body
    assert 'class="qr"' in body
    assert f'href="{detail["public_url"]}"' in body
    assert f'href="/desk/assets/{asset["id"]}/label.png"' in body


def test_people_list_is_scoped(client: Client) -> None:
    console_login(client, "L0001")
    body = page_text(client.get("/desk/people").text)
    mine = api_json(client, "L0001", "/api/v1/people", limit=200)
    assert {p["team"] for p in mine["items"]} == {"Electrical"}
    assert shown_total(body) == mine["total"]
    assert "HVAC" not in body.split('id="people-results"')[1]

    console_login(client, "M0001")
    body = page_text(client.get("/desk/people").text)
    mine = api_json(client, "M0001", "/api/v1/people", limit=200)
    assert {p["contractor"] for p in mine["items"]} == {"Sentinel Security Services"}
    assert shown_total(body) == mine["total"]
    assert "Brightway" not in body.split('id="people-results"')[1]

    filtered = client.get("/desk/people", params={"role": "guard", "q": "G000"}).text
    assert shown_total(filtered) == 2

    console_login(client, "G0001")
    assert client.get("/desk/people").status_code == 403


def test_chinese_from_the_browser_and_from_the_switch(client: Client) -> None:
    console_login(client, "D0001")
    zh = client.get("/desk/assets", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert 'lang="zh-Hans"' in zh.text
    assert "设备台账" in zh.text
    assert "全部院区" in zh.text
    assert "下次巡检" in zh.text
    assert "Asset register" not in zh.text

    switched = client.get(
        "/desk/lang/zh",
        headers={"Referer": "https://testserver.local/desk/people"},
        follow_redirects=False,
    )
    assert switched.headers["location"] == "/desk/people"
    home = client.get("/desk/")
    assert "运行概况" in home.text
    assert "未完成工单" in home.text
    client.get("/desk/lang/en")
    assert "At a glance" in client.get("/desk/").text


def test_signed_out_pages_redirect_to_sign_in(client: Client) -> None:
    response = client.get("/desk/assets", params={"q": "pump"}, follow_redirects=False)
    assert response.status_code in {302, 303}
    assert response.headers["location"] == "/desk/login?next=/desk/assets%3Fq%3Dpump"


def test_signing_out_ends_the_session(client: Client) -> None:
    session = console_login(client, "D0001")
    assert client.get("/desk/").status_code == 200
    token = client.cookies.get(CSRF_COOKIE)
    out = client.post("/desk/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/desk/login"
    client.cookies.set(SESSION_COOKIE, session, domain="testserver.local")
    again = client.get("/desk/", follow_redirects=False)
    assert again.status_code in {302, 303}
    assert again.headers["location"].startswith("/desk/login")
