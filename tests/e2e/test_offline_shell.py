"""The service worker: the shell opens offline, also after a restart; updates wait for the user.

Each test gets a fresh profile and installs the worker through src/app/sw-client.js (the
call the app's main module makes), whatever index.html does besides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Request, Response

from server.field_app.precache import build, write
from tests.e2e.browser import (
    CACHED_PATHS,
    CHROMIUM,
    CHROMIUM_ARGS,
    FieldServer,
    install_worker,
)

pytestmark = pytest.mark.slow


def assert_shell(response: Response | None, pwa_dir: Path) -> None:
    """The document came from the worker's cache: the shell as the copy of pwa/ holds it."""
    assert response is not None
    assert response.from_service_worker
    assert response.text() == (pwa_dir / "index.html").read_text()


def failed_app_requests(page: Page, pwa_dir: Path) -> list[str]:
    """Collects, from now on, failed requests for files the server has under /app/: offline,
    each is a file the page needs that the shell lacks. (A file missing from pwa/ fails
    online too, with a 404; that is for the page that asks for it.)"""
    failed: list[str] = []

    def check(request: Request) -> None:
        path = urlsplit(request.url).path
        if path.startswith("/app/") and (pwa_dir / path.removeprefix("/app/")).is_file():
            failed.append(path)

    page.on("requestfailed", check)
    return failed


def test_the_shell_is_precached_and_opens_offline(
    context: BrowserContext, field_server: FieldServer
) -> None:
    page = context.new_page()
    precache = build(field_server.pwa_dir)
    assert install_worker(page, field_server) == [f"rounds-shell-{precache.version}"]
    cached = page.evaluate(CACHED_PATHS, f"rounds-shell-{precache.version}")
    assert sorted(cached) == sorted(precache.files)

    context.set_offline(True)
    failed = failed_app_requests(page, field_server.pwa_dir)
    assert_shell(page.reload(), field_server.pwa_dir)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("import('/app/src/app/sw-client.js').then(() => 'loaded')") == "loaded"
    # Any route of the app opens the shell; the API is never answered from the cache.
    assert_shell(page.goto(field_server.app_url + "orders/x#/orders/x"), field_server.pwa_dir)
    page.wait_for_load_state("networkidle")
    assert failed == []
    api = "fetch('/api/v1/push/key').then(() => 'answered', () => 'network error')"
    assert page.evaluate(api) == "network error"


def test_the_shell_opens_after_a_restart_with_the_server_gone(
    playwright: Playwright,
    start_field_server: Callable[[], FieldServer],
    tmp_path: Path,
) -> None:
    server = start_field_server()

    def launch() -> BrowserContext:
        return playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=CHROMIUM, args=list(CHROMIUM_ARGS)
        )

    browser = launch()
    install_worker(browser.new_page(), server)
    browser.close()
    server.stop()

    browser = launch()
    try:
        browser.set_offline(True)
        page = browser.new_page()
        failed = failed_app_requests(page, server.pwa_dir)
        assert_shell(page.goto(server.app_url), server.pwa_dir)
        page.wait_for_load_state("networkidle")
        assert failed == []
    finally:
        browser.close()


def test_a_new_version_waits_until_the_user_accepts_it(
    context: BrowserContext, start_field_server: Callable[[], FieldServer]
) -> None:
    server = start_field_server()
    old = build(server.pwa_dir).version
    page, other_tab = context.new_page(), context.new_page()
    assert install_worker(page, server) == [f"rounds-shell-{old}"]
    install_worker(other_tab, server)
    for tab in (page, other_tab):
        tab.evaluate("window.openedBeforeTheUpdate = true")

    index = server.pwa_dir / "index.html"
    index.write_text(index.read_text().replace("</body>", "<!-- a new version --></body>"))
    _, new = write(server.pwa_dir)
    assert new.version != old
    assert page.evaluate("window.swClient.checkForUpdate()") is True
    page.wait_for_function("window.updatesOffered === 1")
    other_tab.wait_for_function("window.updatesOffered === 1")

    # Offered, not forced: the page and its worker stay as they were, the new one waits.
    page.wait_for_timeout(500)
    state: dict[str, Any] = page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.getRegistration('/app/');
          return {
            untouched: window.openedBeforeTheUpdate === true,
            waiting: registration.waiting !== null,
            controlled: navigator.serviceWorker.controller === registration.active,
            caches: (await caches.keys()).sort(),
          };
        }"""
    )
    assert state == {
        "untouched": True,
        "waiting": True,
        "controlled": True,
        "caches": sorted([f"rounds-shell-{old}", f"rounds-shell-{new.version}"]),
    }

    # Accepted in one tab: that tab reloads once into the new version ...
    with page.expect_navigation():
        page.evaluate("window.applyUpdate()")
    page.wait_for_load_state()
    assert page.evaluate("window.openedBeforeTheUpdate") is None
    assert page.evaluate("caches.keys()") == [f"rounds-shell-{new.version}"]
    assert "<!-- a new version -->" in page.content()
    # ... and the other tab, mid-task, is offered a reload, not reloaded.
    other_tab.wait_for_function("window.updatesOffered === 2")
    assert other_tab.evaluate("window.openedBeforeTheUpdate") is True
    with other_tab.expect_navigation():
        other_tab.evaluate("window.applyUpdate()")
    assert "<!-- a new version -->" in other_tab.content()
