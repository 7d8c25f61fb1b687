"""Steps of the browser tests where the phone's sync meets trouble (test_field_restore.py,
test_field_storage.py, test_field_background_sync.py): the technician's taps on an order,
what the phone holds in its own IndexedDB (read from the page, as DevTools would), and a
PostgreSQL database dumped and restored as an operator would.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.databases import PG_SERVER
from tests.e2e.browser import ROOT
from tests.e2e.field_steps import SYNC_MS, pending_badge, sheet, sync_state

_PG_HOST = re.match(r"postgresql://(?P<user>[^@]+)@(?P<host>[^:/]+):(?P<port>\d+)", PG_SERVER)
assert _PG_HOST is not None, PG_SERVER
PG_ARGS = ["-h", _PG_HOST["host"], "-p", _PG_HOST["port"], "-U", _PG_HOST["user"]]

# Every op this browser's database for `employee_no` holds: queued and kept after its ack.
_PHONE_OPS = """async (employeeNo) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('rounds:' + employeeNo);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (store) => new Promise((resolve, reject) => {
    const request = db.transaction(store, 'readonly').objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const meta = (key) => new Promise((resolve) => {
    const request = db.transaction('meta', 'readonly').objectStore('meta').get(key);
    request.onsuccess = () => resolve(request.result);
  });
  const found = { queued: await all('outbox'), retained: await all('retained'),
                  incarnation: await meta('incarnation') };
  db.close();
  return found;
}"""


def phone_ops(page: Page, employee_no: str) -> dict[str, Any]:
    """`queued`, `retained` (ops acknowledged and kept) and the current `incarnation`."""
    found: dict[str, Any] = page.evaluate(_PHONE_OPS, employee_no)
    return found


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def pg_dump(url: str, path: Path) -> None:
    subprocess.run(["pg_dump", *PG_ARGS, "-Fc", "-f", str(path), database_name(url)], check=True)


def pg_restore(url: str, path: Path) -> None:
    """Drop the database and create it again from the dump (its server must be stopped)."""
    name = database_name(url)
    for sql in (f'DROP DATABASE "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", *PG_ARGS, "-d", "postgres", "-qc", sql], check=True)
    subprocess.run(["pg_restore", *PG_ARGS, "-d", name, "--no-owner", str(path)], check=True)


def pg_rows(url: str, sql: str) -> list[list[str]]:
    """Rows of a query, as text (psql, unaligned, tab-separated)."""
    done = subprocess.run(
        ["psql", *PG_ARGS, "-d", database_name(url), "-AtF", "\t", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return [line.split("\t") for line in done.stdout.splitlines() if line]


def tool(page: Page, label: str) -> None:
    page.locator(".actions-panel .tools button", has_text=label).click()


def primary(page: Page, label: str, then_status: str) -> None:
    page.locator("button[data-key=primary]", has_text=label).click()
    expect(page.locator(".page-head .badge").first).to_have_text(then_status)


def log_labour(page: Page, minutes: int) -> None:
    tool(page, "Log labour")
    sheet(page).locator("input[name=minutes]").fill(str(minutes))
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


def add_note(page: Page, text: str) -> None:
    tool(page, "Add note")
    sheet(page).locator("textarea[name=text]").fill(text)
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


def add_part(page: Page, item: dict[str, Any]) -> None:
    """The part found by its code in the sheet's search, quantity 1."""
    tool(page, "Add part")
    parts = sheet(page)
    parts.locator("input[type=search]").fill(str(item["code"]))
    parts.locator("button.pick", has_text=str(item["name"])).first.click()
    expect(parts.locator(".picked strong")).to_have_text(str(item["name"]))
    parts.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


def complete(page: Page, resolution: str) -> None:
    page.locator("button[data-key=primary]", has_text="Complete").click()
    done = sheet(page)
    done.locator("textarea[name=resolution]").fill(resolution)
    done.locator("button[type=submit]").click()
    # The requester's confirmation opens next on the technician's phone: not this time.
    confirm = sheet(page)
    expect(confirm.locator("h2")).to_have_text("Requester’s confirmation")
    confirm.locator("button", has_text="Cancel").click()
    expect(sheet(page)).to_have_count(0)


def wait_pending(page: Page, count: int) -> None:
    expect(pending_badge(page)).to_have_text(str(count), timeout=SYNC_MS)


def sync_again(page: Page) -> None:
    """What the phone does when the network comes back: a sync at once, whatever backoff."""
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(sync_state(page)).to_have_class(re.compile(r"\bsync-synced\b"), timeout=SYNC_MS)
    expect(pending_badge(page)).to_have_count(0, timeout=SYNC_MS)


def message(language: str, key: str) -> str:
    """A plain message of the field app's catalogue (pwa/src/app/messages/<language>.js)."""
    text = (ROOT / "pwa" / "src" / "app" / "messages" / f"{language}.js").read_text()
    found = re.search(rf"^\s*'{re.escape(key)}': '((?:[^'\\]|\\.)*)',$", text, re.MULTILINE)
    assert found is not None, key
    return found[1].replace("\\'", "'")


# Records every connection the page opens to IndexedDB (window.openedDatabases), so a test
# can close them under the app as WebKit does to a backgrounded page; with
# window.storageBroken set, every connection opened is closed at once.
RECORD_CONNECTIONS = """(() => {
  const open = IDBFactory.prototype.open;
  window.openedDatabases = [];
  IDBFactory.prototype.open = function (...args) {
    const request = open.apply(this, args);
    request.addEventListener('success', () => {
      window.openedDatabases.push(request.result);
      if (window.storageBroken) request.result.close();
    });
    return request;
  };
})();"""


def close_connections(page: Page) -> int:
    """Close every IndexedDB connection the page holds; returns how many were open."""
    closed: int = page.evaluate("window.openedDatabases.splice(0).map((db) => db.close()).length")
    return closed
