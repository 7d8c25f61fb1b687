"""The phone's storage failing under the field app, in Chromium, against a real server.

- IndexedDB connections closed under the app (WebKit does it to a backgrounded page): the
  app opens the database again and the action goes through; when the storage keeps
  failing, the sheet says to reload and keeps the text, and the action is saved after the
  reload.
- A full disk (a page-level stand-in: this Chromium does not enforce DevTools' quota
  override, Storage.overrideQuotaForOrigin, once the app has used its storage): storage
  nearly full is shown, an action that cannot be stored says so in the user's language and
  keeps what was typed, and a sync still frees space, after which it fits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SYNC_MS,
    go,
    photo,
    sheet,
    sign_in,
    wait_synced,
)
from tests.e2e.resilience_steps import (
    RECORD_CONNECTIONS,
    add_note,
    close_connections,
    log_labour,
    message,
    primary,
    tool,
    wait_pending,
)
from tests.e2e.technician_steps import Setup, blob, prepare
from tests.integration.work.loop import Cast, cast

pytestmark = pytest.mark.slow

# A full disk for the app's databases: while `window.diskFull`, a put or an add throws
# QuotaExceededError, as the browser's do when the origin's quota is used up, and
# navigator.storage.estimate() reports the quota used up; deleting a photo's bytes
# (blob_chunks) frees the disk once its transaction commits.
FULL_DISK = """(() => {
  const store = IDBObjectStore.prototype;
  const ours = (s) => s.transaction.db.name.startsWith('rounds:');
  for (const method of ['put', 'add']) {
    const write = store[method];
    store[method] = function (...args) {
      if (window.diskFull && ours(this)) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return write.apply(this, args);
    };
  }
  const remove = store.delete;
  store.delete = function (...args) {
    const request = remove.apply(this, args);
    if (ours(this) && this.name === 'blob_chunks') {
      this.transaction.addEventListener('complete', () => { window.diskFull = false; });
    }
    return request;
  };
  const estimate = StorageManager.prototype.estimate;
  StorageManager.prototype.estimate = async function () {
    const real = await estimate.call(this);
    return window.diskFull ? { ...real, quota: real.usage } : real;
  };
})();"""


@pytest.fixture
def scenario(field_server: FieldServer) -> Iterator[tuple[FieldServer, Cast, Setup]]:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        c = cast(http)
        yield field_server, c, prepare(c)


def open_order(page: Page, server: FieldServer, order_id: str) -> None:
    sign_in(page, server, "T0001")
    page.locator(f"a.order-card[data-key='{order_id}']").click()
    expect(page.locator(".actions-panel")).to_be_visible()


def notes_of(c: Cast, order_id: str) -> list[str]:
    return [note["text"] for note in c.detail(order_id)["notes"]]


def test_a_connection_closed_under_the_app_is_opened_again(
    phone: BrowserContext, scenario: tuple[FieldServer, Cast, Setup]
) -> None:
    server, c, setup = scenario
    phone.add_init_script(RECORD_CONNECTIONS)
    page = phone.new_page()
    open_order(page, server, setup.order_id)
    primary(page, "Accept", "Accepted")
    primary(page, "Start work", "In progress")
    wait_synced(page)
    assert close_connections(page) >= 1
    log_labour(page, 30)  # the sheet closes: the action was stored
    wait_synced(page)
    assert close_connections(page) >= 1
    add_note(page, "After the phone slept in a pocket")
    wait_synced(page)
    assert [line["minutes"] for line in c.detail(setup.order_id)["labour"]] == [30]
    assert notes_of(c, setup.order_id) == ["After the phone slept in a pocket"]


def test_storage_failing_again_asks_for_a_reload_and_saves_the_action_after_it(
    phone: BrowserContext, scenario: tuple[FieldServer, Cast, Setup]
) -> None:
    server, c, setup = scenario
    phone.add_init_script(RECORD_CONNECTIONS)
    page = phone.new_page()
    open_order(page, server, setup.order_id)
    page.evaluate("window.storageBroken = true")
    close_connections(page)
    text = "Cable tray loose above bed 4"
    tool(page, "Add note")
    sheet(page).locator("textarea[name=text]").fill(text)
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page).locator(".alert")).to_have_text(message("en", "error.storage_lost"))
    expect(sheet(page).locator("textarea[name=text]")).to_have_value(text)
    # What was typed is kept for after the reload: closing the sheet loses nothing.
    sheet(page).locator(".sheet-actions button[type=button]").click()
    reload = page.locator(".banners .banner-error button", has_text="Reload the app")
    expect(reload).to_be_visible()
    with page.expect_navigation():
        reload.click()
    wait_synced(page)
    assert notes_of(c, setup.order_id) == [text], "saved once, after the reload"


def test_a_full_disk_is_shown_refused_in_words_and_freed_by_a_sync(
    phone: BrowserContext, scenario: tuple[FieldServer, Cast, Setup], tmp_path: Path
) -> None:
    server, c, setup = scenario
    phone.add_init_script(FULL_DISK)
    page = phone.new_page()
    open_order(page, server, setup.order_id)
    # Offline, a photo: its bytes stay on the phone until the server has them.
    phone.set_offline(True)
    page.locator(".actions-panel input[type=file]").set_input_files(
        photo(tmp_path / "panel.jpg", (3000, 2000))
    )
    expect(page.locator("ul.thumbs img")).to_have_count(1, timeout=SYNC_MS)
    wait_pending(page, 1)
    page.evaluate("window.diskFull = true")

    text = "Isolator seized: needs replacing, parts ordered"
    tool(page, "Add note")
    sheet(page).locator("textarea[name=text]").fill(text)
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page).locator(".alert")).to_have_text(message("en", "error.storage_full"))
    expect(sheet(page).locator("textarea[name=text]")).to_have_value(text)
    expect(page.locator(".banners .banner-warning")).to_contain_text("Storage almost full")
    sheet(page).locator(".sheet-actions button[type=button]").click()
    wait_pending(page, 1)

    # In Chinese, the same refusal in Chinese.
    go(page, "/settings")
    expect(page.locator("section[aria-labelledby=s-storage] .alert")).to_contain_text(
        "Storage almost full"
    )
    page.locator("input[name=lang][value='zh-CN']").check()
    go(page, f"/orders/{setup.order_id}")
    page.locator(".actions-panel .tools button", has_text="添加备注").click()
    sheet(page).locator("textarea[name=text]").fill(text)
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page).locator(".alert")).to_have_text(message("zh-CN", "error.storage_full"))
    sheet(page).locator(".sheet-actions button[type=button]").click()
    go(page, "/settings")
    page.locator("input[name=lang][value=en]").check()
    go(page, f"/orders/{setup.order_id}")

    # Online again, on the full disk: the photo goes up, its bytes are freed, the sync ends
    # well; then the note fits.
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("window.diskFull === false")  # the photo's bytes went
    wait_synced(page)
    add_note(page, text)
    wait_synced(page)
    detail = c.detail(setup.order_id)
    assert [note["text"] for note in detail["notes"]] == [text], "stored once, when it fitted"
    photos = [a for a in detail["attachments"] if a["kind"] == "photo"]
    assert len(photos) == 1
    assert blob(c, photos[0]["sha256"])[:2] == b"\xff\xd8"
