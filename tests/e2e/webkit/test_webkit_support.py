"""What WebKitGTK offers the field app, against the table in docs/field-app.md ("In
WebKit"): a feature that appears or goes with a new WebKitGTK fails here until the table
says so. Where a feature is missing, the app's own calls answer as the table says the app
copes (no Background Sync: its own triggers; no Push; no storage estimate), and nothing
throws.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.browser import INSTALL_WORKER, ROOT, FieldServer
from tests.e2e.webkit.phone import WebKitPhone
from tests.phone import Phone

pytestmark = pytest.mark.slow

DOC = ROOT / "docs" / "field-app.md"
# Each row of the table: the feature's name there, and how the page tells it is present.
FEATURES = """async () => {
  const registration = await navigator.serviceWorker.getRegistration('/app/');
  return {
    'Service worker': 'serviceWorker' in navigator && Boolean(registration?.active),
    'Cache Storage': typeof caches !== 'undefined',
    'IndexedDB': typeof indexedDB !== 'undefined',
    'Web Locks': 'locks' in navigator,
    'BroadcastChannel': typeof BroadcastChannel === 'function',
    'BarcodeDetector': typeof BarcodeDetector === 'function',
    'Background Sync': Boolean(registration && 'sync' in registration),
    'Push': Boolean(registration && 'pushManager' in registration),
    'storage.estimate': typeof navigator.storage?.estimate === 'function',
    'storage.persist': typeof navigator.storage?.persist === 'function',
  };
}"""
# What the app's one module for these features (src/app/sw-client.js) answers here.
APP_ANSWERS = """async (key) => {
  const client = await import('/app/src/app/sw-client.js');
  return {
    backgroundSync: await client.requestBackgroundSync(),
    persistent: await client.requestPersistentStorage(),
    estimate: await client.storageEstimate(),
    push: await client.subscribePush(key),
  };
}"""


@pytest.fixture
def phone_server(field_server: FieldServer) -> FieldServer:
    return field_server


def documented() -> dict[str, bool]:
    """The table under "### What WebKitGTK offers" in docs/field-app.md: feature -> yes/no."""
    section = DOC.read_text().split("### What WebKitGTK offers", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \| (yes|no)\b[^|]* \|", section, re.M)
    return {name.strip("` "): answer == "yes" for name, answer in rows}


def test_webkitgtk_offers_what_the_docs_say_and_the_app_copes_with_the_rest(
    webkit_phone: WebKitPhone, field_server: FieldServer
) -> None:
    phone = webkit_phone
    phone.driver.get(phone.link.app_url)
    phone.evaluate(INSTALL_WORKER)
    offered: dict[str, bool] = phone.evaluate(FEATURES)
    assert offered == documented()

    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        technician = Phone(http, "T0001")
        response = http.get("/api/v1/push/key", headers=technician.headers)
    assert response.status_code == 200, response.text
    server_key = response.json()["public_key"]
    answers: dict[str, Any] = phone.evaluate(APP_ANSWERS, server_key)
    assert answers == {
        "backgroundSync": offered["Background Sync"],
        "persistent": False,
        "estimate": {"usage": None, "quota": None, "persisted": False},
        "push": None,
    }
