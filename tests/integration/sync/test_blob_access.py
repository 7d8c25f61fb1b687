"""Who may download a photo: whoever may see a work order it is on; for a photo no order
names yet, its uploader and the desk. Everyone else gets the 404 of a missing file.
The same on both blob stores (local files and S3)."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image

from tests.conftest import BASE_URL, api_login
from tests.integration.test_authorisation import DEMO_USER_BY_ROLE
from tests.integration.work.loop import applied, cast

Client = TestClient[Litestar]


@pytest.fixture
def client(blob_store_app: Litestar) -> Iterator[Client]:
    with TestClient(blob_store_app, base_url=BASE_URL) as test_client:
        yield test_client


# The photo is on an ICU order dispatched to the Electrical team and its technician T0001;
# East Campus's storekeeper K0001 reads the orders of the site, to issue parts to them.
SEES_ORDER_PHOTO = {"A0001", "D0001", "S0001", "L0001", "T0001", "R0001", "K0001"}
OTHERS = {"L0002", "T0002", "T0003", "R0002", "G0001", "C0001", "M0001"}


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (40, 30), os.urandom(40 * 30 * 3)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _upload(client: Client, headers: dict[str, str]) -> str:
    photo = _photo()
    sha256 = hashlib.sha256(photo).hexdigest()
    response = client.put(f"/api/v1/blobs/{sha256}", content=photo, headers=headers)
    assert response.status_code == 201, response.text
    return sha256


def _answers(client: Client, who: str, sha256: str) -> tuple[int, int]:
    headers = api_login(client, who)
    whole = client.get(f"/api/v1/blobs/{sha256}", headers=headers)
    thumbnail = client.get(f"/api/v1/blobs/{sha256}/thumbnail", headers=headers)
    for response in (whole, thumbnail):
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"
            assert response.json()["detail"] == "The server does not have this file (yet)."
    return whole.status_code, thumbnail.status_code


@pytest.fixture(scope="module")
def order_photo(blob_store_app: Litestar) -> str:
    with TestClient(blob_store_app, base_url=BASE_URL) as client:
        c = cast(client)
        order_id = c.report("Defibrillator charger not charging")
        c.to_technician(order_id)
        sha256 = _upload(client, c.technician.headers)
        applied(c.technician, "attach", work_order_id=order_id, sha256=sha256, caption="charger")
        return sha256


def test_the_roles_every_demo_user_covers_are_all_checked() -> None:
    assert set(DEMO_USER_BY_ROLE.values()) <= SEES_ORDER_PHOTO | OTHERS


@pytest.mark.parametrize("who", sorted(SEES_ORDER_PHOTO))
def test_who_sees_the_order_sees_its_photo(client: Client, order_photo: str, who: str) -> None:
    assert _answers(client, who, order_photo) == (200, 200)


@pytest.mark.parametrize("who", sorted(OTHERS))
def test_anyone_else_is_told_the_photo_does_not_exist(
    client: Client, order_photo: str, who: str
) -> None:
    assert _answers(client, who, order_photo) == (404, 404)


def test_a_photo_no_order_names_is_the_uploaders_and_the_desks(client: Client) -> None:
    sha256 = _upload(client, api_login(client, "G0001"))

    seen = {who: _answers(client, who, sha256) for who in ("G0001", "D0001", "G0002", "T0001")}

    assert seen == {
        "G0001": (200, 200),
        "D0001": (200, 200),
        "G0002": (404, 404),
        "T0001": (404, 404),
    }
