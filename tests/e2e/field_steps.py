"""Steps the field-app browser tests share: a phone-sized context, signing in, going offline
with the app reloaded from its service worker, waiting for a sync, screenshots, a photo.

The app is driven as a person would: taps on its buttons and typing into its forms; the
sync state is read from the status bar, never from inside the app's modules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import ROOT, FieldServer

VIEWPORT: ViewportSize = {"width": 360, "height": 740}
SCREENS = ROOT / "artifacts" / "screens"
# A sync against a real server (PostgreSQL included) with photos to upload: seconds, not ms,
# and on a loaded 2-core machine a backoff or two before it goes through.
SYNC_MS = 90_000
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def phone_context(browser: Browser) -> BrowserContext:
    """A fresh profile the size of a small phone, with a touch screen."""
    return browser.new_context(
        viewport=VIEWPORT, device_scale_factor=1, is_mobile=True, has_touch=True
    )


def go(page: Page, route: str) -> None:
    """Follow an in-app link (a hash route such as /inbox) and wait for its screen."""
    page.evaluate("(route) => { location.hash = '#' + route; }", route)
    page.wait_for_function(
        "(route) => location.hash.startsWith('#' + route)"
        " && !document.getElementById('main').hasAttribute('aria-busy')",
        arg=route,
    )


def heading(page: Page) -> Locator:
    return page.locator("#main h1")


def sign_in(page: Page, server: FieldServer, employee_no: str) -> None:
    """Sign in on the app's own screen (online), then wait for the first sync and for the
    service worker that lets the app open offline."""
    page.goto(server.app_url)
    page.fill("#si-emp", employee_no)
    page.fill("#si-pw", DEMO_PASSWORD)
    page.click("form.signin button[type=submit]")
    # Signed in once the app leaves the sign-in screen for the user's home: it does so
    # after the first sync. (The tab bar and an idle status bar show up earlier, as soon as
    # the user's database is open: a route opened then is replaced by the home screen.)
    page.wait_for_function("!location.hash.startsWith('#/signin')", timeout=SYNC_MS)
    expect(page.locator("#tabs")).to_be_visible()
    wait_synced(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def sync_state(page: Page) -> Locator:
    return page.locator(".status-bar .sync")


def pending_badge(page: Page) -> Locator:
    """The status bar's count of actions not sent yet (absent at 0)."""
    return page.locator(".status-bar .count.pending [aria-hidden=true]")


def problems_badge(page: Page) -> Locator:
    """The count on the status bar's inbox link (absent when the inbox is empty)."""
    return page.locator(".status-bar .inbox-link .count.problems [aria-hidden=true]")


def wait_synced(page: Page) -> None:
    """The status bar says up to date: nothing pending, the last sync went through."""
    expect(sync_state(page)).to_have_class(re.compile(r"\bsync-synced\b"), timeout=SYNC_MS)
    expect(pending_badge(page)).to_have_count(0, timeout=SYNC_MS)


def until(check: Callable[[], bool], what: str, timeout_ms: int = SYNC_MS) -> None:
    """Poll the server (through `check`) until it holds what the phone sent."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never had {what}")
        time.sleep(0.2)


def reload_offline(context: BrowserContext, page: Page) -> None:
    """Cut the network and reload: the shell must come from the service worker."""
    context.set_offline(True)
    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    expect(sync_state(page)).to_have_class(re.compile(r"\bsync-offline\b"), timeout=SYNC_MS)


def sheet(page: Page) -> Locator:
    """The bottom sheet open now."""
    return page.locator("dialog.sheet[open]")


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """What the phone shows now (360x740, or the whole screen's length with full_page)
    into artifacts/screens/<name>.png."""
    # A toast ("Saved on this phone...") would cover the screen: it fades out after 4 s and
    # its text goes once it has faded.
    expect(page.locator("#toast")).to_have_text("", timeout=10_000)
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def device_id(page: Page) -> str:
    """The id this browser registered as its device at sign-in."""
    found: str = page.evaluate("localStorage.getItem('rounds:device_id')")
    return found


def photo(path: Path, size: tuple[int, int] = (800, 600)) -> Path:
    """A real JPEG, as a phone camera would hand it over (small, to keep uploads quick)."""
    image = Image.new("RGB", size, (200, 210, 220))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(30, 30, 30))
    draw.ellipse((width // 3, height // 3, width // 2, height // 2), fill=(220, 40, 40))
    image.save(path, "JPEG", quality=85)
    return path


def draw_signature(page: Page, canvas: Locator) -> None:
    """A scribble across the signature box, as one continuous stroke."""
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.1 * w, y + 0.6 * h)
    page.mouse.down()
    for i in range(1, 21):
        dx = 0.8 * w * i / 20
        dy = (0.25 if i % 2 else -0.25) * h
        page.mouse.move(x + 0.1 * w + dx, y + 0.5 * h + dy, steps=2)
    page.mouse.up()
