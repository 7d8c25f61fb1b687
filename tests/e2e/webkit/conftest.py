"""Browser tests in WebKit: Debian's WebKitGTK (MiniBrowser) through WebKitWebDriver and
Selenium, on an Xvfb screen, against the real servers of tests/e2e/conftest.py.

Fixtures (helpers in engine.py and phone.py):

    webkit_display   one Xvfb screen for these tests, started and stopped by them
    webkit           a WebKitWebDriver and MiniBrowser session with a fresh profile per test;
                     its output in artifacts/webkit/<test>.log
    webkit_phone     that session as a phone on the field app: a WebKitPhone whose link to
                     the test's server (a TCP proxy) the test can cut and restore; the
                     test gives the server through `phone_server`

`make webkit` installs the engine (webkit2gtk-driver, xvfb). Without it these tests are
skipped, with the reason; with CI=true a missing engine fails them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.databases import missing_service
from tests.e2e.browser import ROOT, FieldServer
from tests.e2e.webkit import engine
from tests.e2e.webkit.phone import Link, WebKitPhone, link_to

LOGS = ROOT / "artifacts" / "webkit"


@pytest.fixture(scope="package")
def webkit_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    lacking = engine.missing()
    if lacking:
        missing_service(f"WebKit is not installed ({', '.join(lacking)}): make webkit")
    with engine.virtual_screen(tmp_path_factory.mktemp("xvfb") / "xvfb.log") as display:
        yield display


@pytest.fixture
def webkit_log(request: pytest.FixtureRequest) -> Path:
    """The driver's and the browser's output, kept after the run for a failing test."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name)
    log = LOGS / f"{name}.log"
    LOGS.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    return log


@pytest.fixture
def webkit(webkit_display: str, webkit_log: Path, tmp_path: Path) -> Iterator[WebDriver]:
    with engine.webkit_session(webkit_display, tmp_path / "webkit", webkit_log) as driver:
        yield driver


@pytest.fixture
def phone_link(phone_server: FieldServer) -> Iterator[Link]:
    with link_to(phone_server) as link:
        yield link


@pytest.fixture
def webkit_phone(webkit: WebDriver, phone_link: Link, webkit_log: Path) -> WebKitPhone:
    return WebKitPhone(webkit, phone_link, webkit_log)
