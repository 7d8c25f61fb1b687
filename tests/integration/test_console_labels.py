"""The desk's label sheets through real HTTP: the filter's every asset, items, bins, bad input."""

from __future__ import annotations

from collections import Counter

import pytest

from scanners.decode import decode_photo
from scanners.sheets import PRESETS, placements
from tests.integration.console_client import Client, api_json, console_login
from tests.pdf_pages import media_boxes, page_images

PUBLIC_URL = "https://rounds.example.org"


def _scanned(pdf: bytes, preset: str, count: int, start: int = 1) -> list[str]:
    grid, pages = PRESETS[preset], page_images(pdf)
    texts = []
    for spot in placements(grid, count, start):
        left, top, right, bottom = grid.box_px(spot.slot)
        crop = pages[spot.page].crop((left, top, right, bottom))
        texts += [found.text for found in decode_photo(crop, max_side=None)]
    return texts


def _small_category(client: Client) -> tuple[str, set[str]]:
    """A category with more assets than one sheet holds, and every tag URL in it."""
    assets = api_json(client, "D0001", "/api/v1/assets", limit=200)["items"]
    counts = Counter(asset["category"] for asset in assets)
    category = min((c for c, n in counts.items() if n > 21), key=counts.__getitem__)
    every = api_json(client, "D0001", "/api/v1/assets", category=category, limit=200)
    assert every["total"] <= 200
    return category, {f"{PUBLIC_URL}/a/{a['tag_code']}" for a in every["items"]}


def test_assets_pdf_labels_every_asset_the_filter_matches(client: Client) -> None:
    category, urls = _small_category(client)
    console_login(client, "D0001")
    response = client.get(
        "/desk/labels/assets.pdf", params={"category": category, "preset": "L7160", "start": 5}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert all(box[2:] == pytest.approx((595.28, 841.89), abs=0.01)
               for box in media_boxes(response.content))  # fmt: skip
    assert sorted(_scanned(response.content, "L7160", len(urls), start=5)) == sorted(urls)


def test_the_register_offers_print_labels_for_its_filter(client: Client) -> None:
    console_login(client, "D0001")
    page = client.get("/desk/assets", params={"category": "x"}).text
    assert 'formaction="/desk/labels/assets.pdf"' in page
    assert 'form="asset-filters"' in page
    assert client.get("/desk/labels").status_code == 200


def test_items_and_bins_pdfs(client: Client) -> None:
    console_login(client, "K0001")
    items = api_json(client, "K0001", "/api/v1/items", q="ELE-0000", limit=50)
    response = client.get("/desk/labels/items.pdf", params={"q": "ELE-0000", "preset": "L7651"})
    assert response.status_code == 200, response.text
    codes = [item["code"] for item in items["items"]]
    assert _scanned(response.content, "L7651", len(codes)) == codes
    stores = api_json(client, "K0001", "/api/v1/stores")
    store = stores[0]["code"] if isinstance(stores, list) else stores["items"][0]["code"]
    response = client.get("/desk/labels/bins.pdf", params={"store": store, "preset": "L7163"})
    assert response.status_code == 200, response.text
    (first, *_) = _scanned(response.content, "L7163", 1)
    assert first.startswith(f"{store}/")


def test_stock_labels_need_stock_rights_and_assets_need_asset_rights(client: Client) -> None:
    console_login(client, "R0001")  # a requester sees assets, not stock
    assert client.get("/desk/labels/items.pdf").status_code == 403
    assert client.get("/desk/labels/bins.pdf").status_code == 403
    console_login(client, "K0001")  # a storekeeper sees stock, not assets
    assert client.get("/desk/labels/assets.pdf").status_code == 403


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"preset": "L9999"}, "Unknown label sheet"),
        ({"preset": "custom", "columns": 3, "rows": 7, "width": 80, "height": 38,
          "left": 5, "top": 5}, "does not fit on A4"),
        ({"preset": "custom", "columns": 3}, "needs columns, rows"),
    ],
)  # fmt: skip
def test_bad_sheet_parameters_are_a_clear_400(
    client: Client, params: dict[str, object], words: str
) -> None:
    console_login(client, "D0001")
    for path in ("/desk/labels/assets.pdf", "/desk/labels/calibration.pdf"):
        response = client.get(path, params={"q": "zzz-nothing", **params})
        assert response.status_code == 400, (path, response.text[:300])
        assert words in response.text


def test_the_calibration_page_is_one_a4_page(client: Client) -> None:
    console_login(client, "T0001")
    response = client.get("/desk/labels/calibration.pdf", params={"preset": "3475"})
    assert response.status_code == 200
    assert len(media_boxes(response.content)) == 1
    (page,) = page_images(response.content)
    assert page.size == (2480, 3508)
