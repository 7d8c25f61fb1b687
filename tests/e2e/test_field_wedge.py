"""The keyboard wedge listens on every screen, against a real server: on the order list (no
scan button there) an asset's label opens its open work order, or the list of them, or
says it has none; another code is said back; keys typed into a text field stay typing."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import go, heading, sheet, sign_in
from tests.e2e.technician_steps import wedge_burst
from tests.integration.work.loop import Cast, applied, cast

pytestmark = pytest.mark.slow

GTIN = "9506000134352"  # GS1's example GTIN-13, on no asset


@pytest.fixture
def crew(field_server: FieldServer) -> Iterator[Cast]:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        yield cast(http)


def untouched_assets(c: Cast, count: int) -> list[dict[str, Any]]:
    """Assets of the requester's department with no open work order yet."""
    busy: set[str] = set()
    for offset in itertools.count(0, 200):
        page = c.get("/api/v1/work-orders", open_only=True, limit=200, offset=offset)
        busy |= {o["asset_id"] for o in page["items"] if o["asset_id"]}
        if offset + 200 >= page["total"]:
            break
    ward = c.icu_asset()["department_id"]
    assets = c.get("/api/v1/assets", limit=200)["items"]
    free = [a for a in assets if a["department_id"] == ward and a["id"] not in busy]
    # The last of them: other tests report at the department's first asset.
    assert len(free) > count
    return free[-count:]


def dispatched_order(c: Cast, asset: dict[str, Any]) -> str:
    order_id = str(uuid.uuid4())
    applied(
        c.requester,
        "report",
        work_order_id=order_id,
        description=f"{asset['name']} alarms",
        asset_id=asset["id"],
    )
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    return order_id


def toast(page: Page) -> Any:
    return page.locator("#toast")


# Keydown times as the page sees them, to tell a burst that was fast enough to be a scan.
_KEY_TIMES = """() => {
  window.fieldKeyTimes = [];
  window.addEventListener('keydown', (e) => window.fieldKeyTimes.push(e.timeStamp), true);
}"""


def type_fast(page: Page, field: Any, text: str) -> None:
    """Type `text` and Enter into `field` as fast as a scanner sends keys (5 ms apart),
    again until the keys reached the page that fast."""
    page.evaluate(_KEY_TIMES)
    for _ in range(3):
        field.fill("")
        field.focus()
        page.evaluate("window.fieldKeyTimes.length = 0")
        page.keyboard.type(text, delay=5)
        page.keyboard.press("Enter")
        times: list[float] = page.evaluate("window.fieldKeyTimes")
        gaps = [b - a for a, b in itertools.pairwise(times)]
        if len(times) == len(text) + 1 and max(gaps[:-1]) <= 50 and gaps[-1] <= 100:
            return
    raise AssertionError("the keys reached the page too slowly to look like a scanner")


def test_the_wedge_on_the_order_list_opens_what_a_label_names(
    phone: BrowserContext, field_server: FieldServer, crew: Cast
) -> None:
    one, two, none = untouched_assets(crew, 3)
    only = dispatched_order(crew, one)
    first, second = dispatched_order(crew, two), dispatched_order(crew, two)

    page = phone.new_page()
    sign_in(page, field_server, "T0001")
    expect(heading(page)).to_have_text("My work orders")
    expect(page.locator(f"a.order-card[data-key='{second}']")).to_have_count(1)

    # The label's QR code: the public card's URL. One open order: it opens.
    wedge_burst(page, f"{field_server.base}/a/{one['tag_code']}")
    expect(page).to_have_url(re.compile(f"#/orders/{only}$"))
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")

    # From an order too (it has no scan button): two open orders, their list.
    wedge_burst(page, two["tag_code"])
    expect(page).to_have_url(re.compile(f"#/orders\\?asset={two['tag_code']}$"))
    expect(heading(page)).to_have_text(f"Open work orders: {two['name']} ({two['tag_code']})")
    cards = page.locator("a.order-card")
    expect(cards).to_have_count(2)
    assert {cards.nth(i).get_attribute("data-key") for i in range(2)} == {first, second}

    go(page, "/orders")
    wedge_burst(page, none["tag_code"])
    expect(toast(page)).to_have_text(f"No open work order for {none['name']} ({none['tag_code']}).")
    expect(heading(page)).to_have_text("My work orders")
    wedge_burst(page, GTIN)
    expect(toast(page)).to_have_text(f"Scanned {GTIN}: that is not an equipment tag.")
    expect(page).to_have_url(re.compile("#/orders$"))


def test_keys_typed_into_a_text_field_are_never_a_scan(
    phone: BrowserContext, field_server: FieldServer, crew: Cast
) -> None:
    (asset,) = untouched_assets(crew, 1)
    order_id = dispatched_order(crew, asset)
    page = phone.new_page()
    sign_in(page, field_server, "T0001")
    go(page, f"/orders/{order_id}")
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    note = sheet(page).locator("textarea[name=text]")
    type_fast(page, note, asset["tag_code"])
    expect(note).to_have_value(f"{asset['tag_code']}\n")
    expect(sheet(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(f"#/orders/{order_id}$"))
    expect(toast(page)).to_have_text("")
