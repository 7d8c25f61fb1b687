"""The offline shell in WebKit: the service worker installs over plain http on 127.0.0.1 (a
secure context), caches the precache list, and opens the app with the server unreachable.

"Unreachable" is the phone's connection refusing (the TCP proxy cut), as in a basement:
WebDriver has no network emulation.
"""

from __future__ import annotations

import pytest

from server.field_app.precache import build
from tests.e2e.browser import CACHED_PATHS, INSTALL_WORKER, FieldServer
from tests.e2e.webkit.phone import WebKitPhone

pytestmark = pytest.mark.slow

# Every file of the shell, fetched from the page: answered (by the worker, offline) or not.
FETCH_ALL = """async (paths) => {
  const outcomes = await Promise.all(paths.map((path) =>
    fetch(path).then((response) => [path, response.status], () => [path, 'network error'])));
  return outcomes.filter(([, status]) => status !== 200);
}"""


@pytest.fixture
def phone_server(field_server: FieldServer) -> FieldServer:
    return field_server


def test_the_shell_is_precached_and_opens_offline_in_webkit(
    webkit_phone: WebKitPhone, field_server: FieldServer
) -> None:
    phone = webkit_phone
    precache = build(field_server.pwa_dir)
    shell_cache = f"rounds-shell-{precache.version}"
    phone.driver.get(phone.link.app_url)
    assert phone.evaluate("() => window.isSecureContext") is True
    assert phone.evaluate(INSTALL_WORKER) == [shell_cache]
    assert sorted(phone.evaluate(CACHED_PATHS, shell_cache)) == sorted(precache.files)

    phone.link.cut()
    assert not phone.api_reachable()
    phone.driver.refresh()
    # The sign-in screen, drawn by the app's modules: all of them came from the cache.
    assert phone.heading() == "Sign in"
    assert phone.controlled()
    assert phone.evaluate(FETCH_ALL, list(precache.files)) == []
    # Any route of the app opens the shell; the API is never answered from the cache.
    phone.driver.get(phone.link.app_url + "orders/x#/orders/x")
    phone.until(phone.controlled, "a deep link opened by the worker")
    phone.one("#main")
    assert not phone.api_reachable()
