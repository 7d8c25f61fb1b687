"""The JSON API takes bearer tokens only: the console's cookie signs nobody in there.

A browser sends the console's cookie with every request to this origin, including a
form another site makes it post. The console's pages check a CSRF token; the API does
not, so a cookie accepted there would let any web page act as the desk.
"""

from __future__ import annotations

import hashlib
import io
import uuid

from PIL import Image

from tests.conftest import api_login
from tests.integration.console_client import Client, console_login
from tests.integration.work.loop import applied, cast


def _people_named(client: Client, name: str) -> list[object]:
    found = client.get("/api/v1/people", headers=api_login(client, "A0001"), params={"q": name})
    assert found.status_code == 200, found.text
    return [p for p in found.json()["items"] if p["name"] == name]


def test_a_cross_site_post_with_only_the_console_cookie_is_refused(client: Client) -> None:
    console_login(client, "A0001")
    name = f"Planted {uuid.uuid4().hex[:6]}"
    # What a page on another site can make the admin's browser send: the cookie goes along.
    forged = client.post(
        "/api/v1/people",
        json={
            "employee_no": f"P{uuid.uuid4().hex[:8]}",
            "name": name,
            "password": "chosen by the attacker",
            "roles": ["admin"],
        },
        headers={"Origin": "https://elsewhere.example"},
    )

    assert forged.status_code == 401
    assert forged.json()["code"] == "bearer_required"
    assert _people_named(client, name) == []
    # Reading with the cookie is refused alike, and the console itself still works.
    assert client.get("/api/v1/auth/me").json()["code"] == "bearer_required"
    assert client.get("/desk/").status_code == 200


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_the_console_shows_photos_through_its_own_session(client: Client) -> None:
    c = cast(client)
    order_id = c.report("Door closer leaking oil")
    c.to_technician(order_id)
    photo = _jpeg()
    sha256 = hashlib.sha256(photo).hexdigest()
    uploaded = client.put(f"/api/v1/blobs/{sha256}", content=photo, headers=c.technician.headers)
    assert uploaded.status_code == 201, uploaded.text
    applied(c.technician, "attach", work_order_id=order_id, sha256=sha256, caption="leak")

    client.cookies.clear()
    console_login(client, "D0001")
    page = client.get(f"/desk/orders/{order_id}")
    assert f'src="/desk/blobs/{sha256}/thumbnail"' in page.text
    thumbnail = client.get(f"/desk/blobs/{sha256}/thumbnail")
    assert thumbnail.status_code == 200
    assert thumbnail.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.content)).size == (64, 48)
    assert client.get(f"/desk/blobs/{sha256}").status_code == 200
    assert client.get(f"/api/v1/blobs/{sha256}/thumbnail").status_code == 401
