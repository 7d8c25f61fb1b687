"""Browser tests: Debian's Chromium driven by Playwright for Python, against real servers.

Fixtures for any browser test (helpers in tests/e2e/browser.py):

    playwright, chromium       the driver and one headless Chromium for these tests; a test
                               needing other flags (a fake camera) calls launch_chromium()
    context                    a fresh profile per test: its own service workers, caches,
                               IndexedDB and permissions; closed after the test
    phone                      the same at a phone's size (360x740, touch)
    field_server               a real server on SQLite with the small demo, serving a copy of
                               pwa/ taken when first used, with a freshly built precache list
    field_server_each_backend  the same on SQLite and on PostgreSQL, each with a database of
                               its own, for tests whose outcome depends on the database (sync)
    start_field_server         a factory for servers of a test's own (to change their copy of
                               pwa/, or to stop them), on the SQLite demo database

Mark browser test modules `pytestmark = pytest.mark.slow`: they start real servers.

The fixtures are package-scoped, not session-scoped: Playwright's sync API keeps an asyncio
loop running on the main thread while it is started, which would break every later test
that calls asyncio.run (the database fixtures do); leaving tests/e2e/ stops it. Within
these tests, run asyncio code through in_thread() (tests/e2e/browser.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect, sync_playwright

from tests.databases import BACKENDS, PG_MISSING, missing_service, pg_reachable
from tests.e2e.browser import FieldServer, demo_database, in_thread, launch_chromium, running
from tests.e2e.field_steps import phone_context

# Playwright's own default for `expect` is 5 s; on a loaded 2-core machine a first page of
# a fresh server takes longer. Tests wait on states, so a long ceiling costs nothing when
# things go right.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    browser_context = chromium.new_context()
    yield browser_context
    browser_context.close()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[BrowserContext]:
    """A phone-sized touch context (360x740) for the field app's flows."""
    context = phone_context(chromium)
    yield context
    context.close()


@pytest.fixture(scope="package")
def sqlite_demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database("sqlite", tmp_path_factory.mktemp("e2e-sqlite")) as url:
        yield url


@pytest.fixture(scope="package")
def field_server(
    sqlite_demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FieldServer]:
    with running(sqlite_demo_url, tmp_path_factory.mktemp("e2e-server")) as server:
        yield server


@pytest.fixture(scope="package", params=BACKENDS)
def field_server_each_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FieldServer]:
    backend: str = request.param
    if backend == "postgresql" and not in_thread(pg_reachable):
        missing_service(PG_MISSING)
    directory = tmp_path_factory.mktemp(f"e2e-{backend}")
    with demo_database(backend, directory) as url, running(url, directory) as server:
        yield server


@pytest.fixture
def start_field_server(sqlite_demo_url: str, tmp_path: Path) -> Iterator[Callable[[], FieldServer]]:
    """Start a server of this test's own (each with its own copy of pwa/); stopped after."""
    numbers = itertools.count(1)
    with ExitStack() as stack:

        def start() -> FieldServer:
            directory = tmp_path / f"server-{next(numbers)}"
            return stack.enter_context(running(sqlite_demo_url, directory))

        yield start
