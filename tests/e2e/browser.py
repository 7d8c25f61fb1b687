"""What browser tests share besides fixtures: launching Chromium, real servers serving a copy
of the field app, and installing its service worker in a page.

Playwright's sync API keeps an asyncio loop running on the test's thread, so asyncio code
(scratch databases, the demo loader) must go through in_thread().
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, Page, Playwright

from server.field_app.precache import PWA_DIR, write
from tests.databases import load_small_demo, scratch_database
from tests.servers import Server, server_env, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
T = TypeVar("T")


def in_thread(fn: Callable[[], T]) -> T:
    """Run `fn` in a worker thread (for asyncio.run while Playwright's loop is running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's Chromium, headless; never a browser downloaded by Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


def copy_field_app(destination: Path, source: Path = PWA_DIR) -> Path:
    """A copy of `pwa/` with its precache list rebuilt from the copied files."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".*"))
    write(destination)
    return destination


@contextmanager
def demo_database(backend: str, directory: Path) -> Iterator[str]:
    """A scratch database of `backend` with the small demo loaded; dropped after."""
    stack = ExitStack()
    url = in_thread(lambda: stack.enter_context(scratch_database(backend, directory)))
    try:
        in_thread(lambda: asyncio.run(load_small_demo(url)))
        yield url
    finally:
        in_thread(stack.close)


class FieldServer(Server):
    """A real server process (`rounds serve`, tests/e2e/serve.py) serving a copy of the field
    app from `pwa_dir`; its log is in its state directory."""

    def __init__(self, env: dict[str, str], pwa_dir: Path) -> None:
        super().__init__(env, workers=1)
        self.pwa_dir = pwa_dir
        self.app_url = f"{self.base}/app/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.serve", str(self.port), str(self.pwa_dir)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log(),
            start_new_session=True,
        )
        wait_healthy(self.base, process=self.process)


@contextmanager
def running(database_url: str, directory: Path) -> Iterator[FieldServer]:
    """A server on `database_url` with its state and its copy of pwa/ under `directory`."""
    # The phones' push service in these tests is a stand-in on this machine.
    env = server_env(database_url, directory / "state", ROUNDS_PUSH_ALLOW_PRIVATE_ENDPOINTS="true")
    server = FieldServer(env, copy_field_app(directory / "pwa"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


# Installs the worker the way the app does (src/app/sw-client.js) and waits until it controls
# the page. Leaves `window.swClient` (the module), `window.updatesOffered` (a count) and
# `window.applyUpdate` (the latest offer) for the test. Returns the names of the caches.
INSTALL_WORKER = """async () => {
  const client = await import('/app/src/app/sw-client.js');
  window.swClient = client;
  window.updatesOffered = 0;
  await client.registerServiceWorker({
    onUpdateReady: (applyUpdate) => {
      window.updatesOffered += 1;
      window.applyUpdate = applyUpdate;
    },
  });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  return caches.keys();
}"""


def install_worker(page: Page, server: FieldServer) -> list[str]:
    """Open the app, install its service worker; returns the names of the caches."""
    page.goto(server.app_url)
    caches: list[str] = page.evaluate(INSTALL_WORKER)
    return caches


# The paths of the requests held in the cache named by the argument.
CACHED_PATHS = """async (name) => {
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""
