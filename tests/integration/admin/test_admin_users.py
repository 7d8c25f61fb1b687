"""The users screens: search, create, edit roles and scoping, reset a password, disable,
sign a phone out; every change audited with before and after, refusals answered 422."""

from __future__ import annotations

from typing import Any

import pytest

from server.db.demo import DEMO_PASSWORD
from server.settings import Settings
from tests.integration.admin.helpers import SECRET, created_id, history, latest, unique_no
from tests.integration.console_client import Client, page_text
from tests.integration.patrol.desk_rows import user
from tests.integration.stock.builders import desk, form_post
from tests.phone import Phone

pytestmark = pytest.mark.db
USERS = "/desk/admin/users"


def _login(client: Client, employee_no: str, password: str) -> int:
    response = client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": password}
    )
    return response.status_code


def _new(client: Client, **fields: str) -> tuple[str, Any]:
    number = fields.pop("employee_no", unique_no())
    data = {"employee_no": number, "name": "Wang Fang", "roles": "technician", **fields}
    return number, form_post(client, USERS, **data)


def test_the_list_searches_by_name_and_number_and_filters_by_role(client: Client) -> None:
    desk(client, "A0001")
    page = client.get(USERS, params={"q": "a0001"})
    assert page.status_code == 200
    assert 'data-user="A0001"' in page.text
    assert 'data-user="T0001"' not in page.text
    guards = client.get(USERS, params={"role": "guard"}, headers={"HX-Request": "true"})
    assert "<html" not in guards.text  # the results alone, for htmx
    assert 'data-user="G0001"' in guards.text
    assert 'data-user="A0001"' not in guards.text
    second = client.get(USERS, params={"page": 2})
    assert second.status_code == 200


def test_create_refuses_bad_fields_then_saves_with_a_given_password(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    _, bad_number = _new(client, employee_no="no spaces", password="long enough")
    assert bad_number.status_code == 422
    assert 'data-error-field="employee_no"' in bad_number.text
    _, no_role = _new(client, roles="", password="long enough")
    assert no_role.status_code == 422
    assert 'data-error-field="roles"' in no_role.text
    _, short = _new(client, password="short")
    assert short.status_code == 422
    assert 'data-error-field="password"' in short.text
    _, guard = _new(client, roles="guard", password="long enough")
    assert 'data-error-field="contractor_id"' in guard.text
    _, taken = _new(client, employee_no="t0001", password="long enough")
    assert 'data-error-field="employee_no"' in taken.text
    assert "already has an account" in page_text(taken.text)

    number, saved = _new(client, password="long enough", phone="13800000000")
    user_id = created_id(saved)
    assert _login(client, number, "long enough") == 200
    admin = user(demo_settings, "A0001")
    rows = history(demo_settings, user_id)
    assert {row.user_id for row in rows} == {admin.id}
    changes = latest(rows)
    assert changes["employee_no"] == (None, number)
    assert changes["roles"] == (None, "technician")
    assert changes["password"] == (None, "(changed)")  # never the password itself


def test_an_account_made_through_the_api_is_audited_too(
    client: Client, demo_settings: Settings
) -> None:
    number = unique_no()
    response = client.post(
        "/api/v1/people",
        headers={"Authorization": _bearer(client, "A0001")},
        json={"employee_no": number, "name": "Li Na", "password": "long enough", "roles": ["desk"]},
    )
    assert response.status_code == 201, response.text
    rows = history(demo_settings, user(demo_settings, number).id)
    assert {r.user_id for r in rows} == {user(demo_settings, "A0001").id}
    assert latest(rows)["roles"] == (None, "desk")


def test_a_temporary_password_is_shown_once_and_signs_in(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    number, shown = _new(client)
    assert shown.status_code == 200, shown.text
    secret = SECRET.search(shown.text)
    assert secret
    assert _login(client, number, secret.group(1)) == 200
    detail = client.get(f"{USERS}/{user(demo_settings, number).id}")
    assert "data-secret" not in detail.text  # shown that once only


def test_editing_roles_and_campuses_is_audited_before_and_after(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    number, saved = _new(client, password="long enough")
    user_id = created_id(saved)
    site = user(demo_settings, "T0003")  # a West Campus technician: read its campus
    me = client.get("/api/v1/auth/me", headers={"Authorization": _bearer(client, "T0003")}).json()
    west = me["site_ids"][0]
    url = f"{USERS}/{user_id}"
    token = client.cookies.get("csrftoken") or ""
    bad = client.post(
        url,
        data={"employee_no": number, "name": "", "roles": ["technician"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert 'data-error-field="name"' in bad.text
    edited = client.post(
        url,
        data={
            "employee_no": number,
            "name": "Wang Fang",
            "roles": ["technician", "team_lead"],
            "site_ids": [west],
            "team_id": str(site.team_id),
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303, edited.text
    changes = latest(history(demo_settings, user_id))
    assert changes["roles"] == ("technician", "team_lead,technician")
    assert changes["sites"] == ("", west)
    assert changes["team_id"] == (None, str(site.team_id))
    signed_in = client.get(
        "/api/v1/auth/me", headers={"Authorization": _bearer(client, number, "long enough")}
    ).json()
    assert sorted(signed_in["roles"]) == ["team_lead", "technician"]
    assert signed_in["site_ids"] == [west]
    page = client.get(url)
    assert 'data-history-field="roles"' in page.text
    team_row = page.text.split('data-history-field="team_id"')[1].split("</tr>")[0]
    assert str(site.team_id) not in team_row  # the team by its code and name, not its id


def _bearer(client: Client, employee_no: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": password}
    )
    assert response.status_code == 200, response.text
    return f"Bearer {response.json()['access_token']}"


def test_a_reset_password_replaces_the_old_one(client: Client, demo_settings: Settings) -> None:
    desk(client, "A0001")
    number, saved = _new(client, password="first password")
    user_id = created_id(saved)
    short = form_post(client, f"{USERS}/{user_id}/password", password="short")
    assert short.status_code == 422
    assert 'data-error-field="password"' in short.text
    given = form_post(client, f"{USERS}/{user_id}/password", password="second password")
    assert given.status_code == 200
    assert "data-password-set" in given.text
    assert _login(client, number, "first password") == 401
    assert _login(client, number, "second password") == 200
    temporary = form_post(client, f"{USERS}/{user_id}/password", password="")
    secret = SECRET.search(temporary.text)
    assert secret
    assert _login(client, number, secret.group(1)) == 200
    assert [r.field_name for r in history(demo_settings, user_id)].count("password") == 3


def test_a_disabled_user_cannot_sign_in_and_their_phone_is_signed_out(
    client: Client, demo_settings: Settings
) -> None:
    desk(client, "A0001")
    number, saved = _new(client, password="long enough")
    user_id = created_id(saved)
    phone = Phone(client, number, password="long enough")
    assert client.get("/api/v1/auth/me", headers=phone.headers).status_code == 200
    desk(client, "A0001")
    assert form_post(client, f"{USERS}/{user_id}/disable").status_code == 303
    assert _login(client, number, "long enough") == 401
    assert client.get("/api/v1/auth/me", headers=phone.headers).status_code == 401
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": phone.refresh_token})
    assert refreshed.status_code == 401
    assert latest(history(demo_settings, user_id))["active"] == ("True", "False")
    listed = client.get(USERS, params={"q": number})
    assert "data-disabled" in listed.text
    assert form_post(client, f"{USERS}/{user_id}/enable").status_code == 303
    assert _login(client, number, "long enough") == 200
    admin = user(demo_settings, "A0001")
    myself = form_post(client, f"{USERS}/{admin.id}/disable")
    assert myself.status_code == 422
    assert 'data-error-field="active"' in myself.text


def test_a_revoked_phone_is_signed_out_and_others_are_not(client: Client) -> None:
    desk(client, "A0001")
    number, saved = _new(client, password="long enough")
    user_id = created_id(saved)
    lost, kept = (Phone(client, number, password="long enough") for _ in range(2))
    desk(client, "A0001")
    page = client.get(f"{USERS}/{user_id}")
    assert f'data-device="{lost.device_id}"' in page.text
    revoked = form_post(client, f"{USERS}/{user_id}/devices/{lost.device_id}/revoke")
    assert revoked.status_code == 303
    assert client.get("/api/v1/auth/me", headers=lost.headers).status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": lost.refresh_token})
    assert again.status_code == 401
    assert client.get("/api/v1/auth/me", headers=kept.headers).status_code == 200
    other = form_post(client, f"{USERS}/{user_id}/devices/{user_id}/revoke")
    assert other.status_code == 404


def test_supervisors_read_and_only_admins_write(client: Client) -> None:
    desk(client, "S0001")
    assert client.get(USERS).status_code == 200
    assert client.get(f"{USERS}/new").status_code == 403
    _, refused = _new(client, password="long enough")
    assert refused.status_code == 403
    desk(client, "D0001")
    assert client.get(USERS).status_code == 403
