"""The field app's weight: the JavaScript a technician's phone runs to show the work-order
list stays within 150 KB gzipped, and the barcode decoder is not part of it."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Request

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer

pytestmark = pytest.mark.slow

BUDGET_BYTES = 150_000


def test_the_work_order_list_needs_at_most_150_kb_of_gzipped_javascript(
    context: BrowserContext, field_server: FieldServer
) -> None:
    page = context.new_page()
    scripts: set[str] = set()

    def note(request: Request) -> None:
        path = urlsplit(request.url).path
        if path.startswith("/app/") and path.endswith((".js", ".mjs", ".wasm")):
            scripts.add(path)

    page.on("request", note)
    page.goto(field_server.app_url)
    page.fill("#si-emp", "T0001")
    page.fill("#si-pw", DEMO_PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".order-card")

    # The service worker precaches every file when it installs: those fetches are the
    # worker's, not the page's, and do not count.
    loaded = sorted(path for path in scripts if not path.startswith("/app/sw"))
    assert "/app/src/app/main.js" in loaded
    assert "/app/src/app/views/orders.js" in loaded
    assert not [path for path in loaded if "zxing" in path], "the decoder loads only for the camera"

    sizes = {
        path: len(gzip.compress((field_server.pwa_dir / path.removeprefix("/app/")).read_bytes()))
        for path in loaded
    }
    total = sum(sizes.values())
    print(f"\nwork-order list: {len(sizes)} scripts, {total:,} bytes gzipped")
    assert total <= BUDGET_BYTES, sorted(sizes.items(), key=lambda item: -item[1])[:10]
