"""POST /api/v1/scans/decode: photos of barcodes made here, read through real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import api_login
from tests.integration.console_client import Client
from tests.photos import GS1_RAW, GS1_TEXT, GTIN, Shot, photograph, symbol_image
from tests.unit.test_photo_decode import bomb

DECODE = "/api/v1/scans/decode"
URL = "https://rounds.example.org/a/7K3M9Q2XWD"
MEANS = {
    "qr": {"kind": "asset_tag", "tag": "7K3M9Q2XWD"},
    "gs1-datamatrix": {"kind": "gs1", "gtin": "04006381333931", "lot": "LOT42",
                       "expiry": "2026-12-31"},
    "code128": {"kind": "opaque"},
    "ean13": {"kind": "gtin", "gtin": "04006381333931"},
}  # fmt: skip
CASES = {
    "qr": ("QRCode", URL, Shot(angle=25, blur=1.0), (URL, "]Q1", False)),
    "gs1-datamatrix": ("DataMatrix", GS1_TEXT, Shot(angle=-40, quality=50), (GS1_RAW, "]d2", True)),
    "code128": ("Code128", "ELE-00042", Shot(angle=5, noise=30), ("ELE-00042", "]C0", False)),
    "ean13": ("EAN13", GTIN, Shot(symbol_share=0.2, exif_orientation=6, angle=90),
              (GTIN, "]E0", False)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_photographed_barcode_is_read_by_the_server(client: Client, case: str) -> None:
    kind, content, shot, (text, identifier, gs1) = CASES[case]
    response = client.post(
        DECODE,
        content=photograph(symbol_image(kind, content), shot),
        headers={**api_login(client, "T0001"), "Content-Type": "image/jpeg"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["width"], body["height"]) == (4000, 3000)
    (symbol,) = body["symbols"]
    assert (symbol["text"], symbol["symbology_identifier"], symbol["gs1"]) == (
        text,
        identifier,
        gs1,
    )
    assert all(0 <= x <= 4000 and 0 <= y <= 3000 for x, y in symbol["corners"])
    # The server says what the symbol means, as the phone's parser would.
    assert {key: symbol["scan"].get(key) for key in MEANS[case]} == MEANS[case]
    assert symbol["problem"] is None


def test_a_symbol_breaking_its_standard_is_read_with_the_rule_it_breaks(client: Client) -> None:
    broken = "(01)04006381333932(17)261231(10)LOT42"  # the GTIN's check digit is wrong
    response = client.post(
        DECODE,
        content=photograph(symbol_image("DataMatrix", broken), Shot(angle=10)),
        headers={**api_login(client, "K0001"), "Content-Type": "image/jpeg"},
    )
    assert response.status_code == 200, response.text
    (symbol,) = response.json()["symbols"]
    assert symbol["scan"] is None
    assert symbol["problem"]["code"] == "check_digit"


def test_any_signed_in_role_may_decode_and_nobody_else(client: Client) -> None:
    photo = photograph(symbol_image("QRCode", URL), Shot(frame=(1000, 800)))
    assert client.post(DECODE, content=photo).status_code == 401
    for who in ("G0001", "C0001", "R0001", "K0001"):
        response = client.post(DECODE, content=photo, headers=api_login(client, who))
        assert response.status_code == 200, who
        assert response.json()["symbols"][0]["text"] == URL


@pytest.mark.parametrize(
    ("body", "reason"),
    [(bomb(), "photo_too_many_pixels"), (b"just some text, not a photo", "photo_unreadable")],
)
def test_a_bomb_or_a_non_image_is_a_clear_refusal(client: Client, body: bytes, reason: str) -> None:
    response = client.post(DECODE, content=body, headers=api_login(client, "T0001"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "image_rejected"
    assert problem["reason"] == reason


def test_an_upload_over_the_limit_is_413(client: Client) -> None:
    limit = 10 * 1024 * 1024  # ROUNDS_SCAN_MAX_BYTES's default
    response = client.post(
        DECODE, content=b"\xff\xd8\xff" + bytes(limit), headers=api_login(client, "T0001")
    )
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"


def test_an_empty_body_is_refused(client: Client) -> None:
    response = client.post(DECODE, content=b"", headers=api_login(client, "T0001"))
    assert response.status_code == 422
    assert response.json()["code"] == "empty_blob"
