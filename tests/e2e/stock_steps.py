"""Steps of the stock browser tests (test_field_stock.py): a GS1 DataMatrix label made with
zxing-cpp and shown to Chromium's fake camera, a store and its balances as the server's
lookup API reports them, and the phone's scan lines and recorded lines."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image
from playwright.sync_api import Locator, Page

from tests.e2e.camera_feed import y4m_of
from tests.e2e.technician_steps import LEAD_IN_S
from tests.phone import Phone


def gs1_datamatrix(gtin: str, expiry: date, lot: str) -> Image.Image:
    """A GS1 DataMatrix as on a box of parts: (01) GTIN, (17) expiry YYMMDD, (10) lot."""
    content = f"(01){gtin}(17){expiry:%y%m%d}(10){lot}"
    barcode = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    image = zxingcpp.write_barcode_to_image(barcode, scale=10)
    picture = Image.fromarray(image).convert("RGB")
    # The label reads back as the same GS1 element string (and as GS1: ]d2).
    (read,) = zxingcpp.read_barcodes(picture)
    assert (read.text, read.symbology_identifier) == (content, "]d2")
    return picture


def camera_shows(picture: Image.Image, path: Path) -> Path:
    """Chromium's fake camera: white for LEAD_IN_S, then the label, in a loop."""
    label = y4m_of(picture, path).read_bytes()
    blank = y4m_of(Image.new("RGB", (1, 1), "white"), path.with_name("blank.y4m")).read_bytes()
    header, frames = label.split(b"\n", 1)
    white = blank.split(b"\n", 1)[1]
    path.write_bytes(header + b"\n" + white * (2 * LEAD_IN_S) + frames)
    return path


def fresh_lot() -> tuple[str, date]:
    """A lot code no other test uses, expiring in about 14 months."""
    return f"E2E{uuid.uuid4().hex[:6].upper()}", date.today() + timedelta(days=425)


def get(phone: Phone, path: str, **params: Any) -> Any:
    response = phone.http.get(path, headers=phone.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def store_by_code(phone: Phone, code: str) -> dict[str, Any]:
    stores: list[dict[str, Any]] = get(phone, "/api/v1/stores")
    return next(store for store in stores if store["code"] == code)


def balances(phone: Phone, store_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = get(phone, "/api/v1/stock/balances", store=store_id)
    return rows


def on_hand(phone: Phone, store_id: str, item_id: str) -> int:
    return sum(row["on_hand"] for row in balances(phone, store_id) if row["item_id"] == item_id)


def scan_lines(page: Page) -> Locator:
    """The continuous scan list, newest first."""
    return page.locator("ol.scan-lines:not(.done-lines) > li")


def done_lines(page: Page) -> Locator:
    """What this screen recorded, newest first."""
    return page.locator("ol.done-lines > li")
