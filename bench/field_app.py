"""The field app's cold start offline: a new Chromium process on the profile of a technician
who signed in once online, with no network, until the work-order list is on the screen;
against the same cold start of the app's shell with JavaScript off, from the same service
worker cache.

Both start the same way (a new headless Debian Chromium on the same user-data directory,
offline, as a 360x740 touch phone) and load the same document (/app/) from the service
worker's cache. The baseline ends at its load event (the shell's document and stylesheet
in, nothing run); the app ends when its JavaScript has opened IndexedDB, read the
technician's orders and put the list in the document (a MutationObserver notes the
moment). Times are wall clock from just before the browser is launched, the median of
alternating runs; the ratio is the shell's time over the app's (1.0: the app would cost
nothing on top of the bare page). The line also gives both from the page's navigation
start, without the browser's own start-up.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import BrowserContext, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench.common import Line, Sizes, load_demo_hospital, skipped
from server.db.demo import DEMO_PASSWORD
from tests.databases import scratch_database
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, FieldServer, running

NAME = "field-app"
BACKEND = "-"  # offline: the phone's IndexedDB; the server's database is not asked
AIM = 0.5  # the list within twice the time the bare shell takes from the same cache
TECHNICIAN = "T0001"
RUNS = 5
QUICK_RUNS = 3
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}
WAIT_MS = 60_000
T = TypeVar("T")

# Notes (epoch ms) when the work-order list (its "Assigned to me" heading) first is in the
# document, and how many orders it shows.
_WATCH_LIST = """(() => {
  const seen = () => {
    if (window.__listAt === undefined && document.getElementById('mine-h')) {
      window.__listAt = performance.timeOrigin + performance.now();
      window.__listCards = document.querySelectorAll('.order-card').length;
    }
    return window.__listAt !== undefined;
  };
  new MutationObserver((_, observer) => seen() && observer.disconnect())
    .observe(document, { childList: true, subtree: true });
})();"""
_LISTED = "({at: window.__listAt, origin: performance.timeOrigin, cards: window.__listCards})"
_LOADED = """() => {
  const [navigation] = performance.getEntriesByType('navigation');
  return navigation.loadEventEnd > 0
    ? { at: performance.timeOrigin + navigation.loadEventEnd, origin: performance.timeOrigin }
    : null;
}"""


@dataclass(frozen=True)
class Start:
    """One cold start, in ms: from the browser's launch, and from the page's navigation."""

    launch_ms: float
    page_ms: float


@dataclass
class ColdStarts:
    orders: int  # cards on the list, online after the sign-in and offline at every start
    app: list[Start]
    shell: list[Start]

    @staticmethod
    def median(starts: list[Start], *, in_page: bool = False) -> float:
        return statistics.median(s.page_ms if in_page else s.launch_ms for s in starts)


def _launch(
    playwright: Playwright, profile: Path, *, offline: bool, javascript: bool = True
) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        args=list(CHROMIUM_ARGS),
        offline=offline,
        java_script_enabled=javascript,
        **PHONE,
    )


def sign_in_once(playwright: Playwright, profile: Path, server: FieldServer) -> int:
    """Online: sign in as the technician, wait for the first sync and for the service worker
    to control the page. Returns the number of orders on the list."""
    context = _launch(playwright, profile, offline=False)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.app_url)
        page.fill("#si-emp", TECHNICIAN)
        page.fill("#si-pw", DEMO_PASSWORD)
        page.click("form.signin button[type=submit]")
        page.wait_for_selector("#mine-h", timeout=WAIT_MS)
        page.wait_for_selector(".status-bar .sync-synced", timeout=WAIT_MS)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
        return page.locator(".order-card").count()
    finally:
        context.close()


def _from_the_cache(response: Response | None) -> None:
    if response is None or not response.from_service_worker:
        raise RuntimeError("offline, /app/ did not come from the service worker's cache")


def app_cold_start(
    playwright: Playwright, profile: Path, server: FieldServer, orders: int
) -> Start:
    started = time.time() * 1000
    context = _launch(playwright, profile, offline=True)
    try:
        context.add_init_script(_WATCH_LIST)
        page = context.pages[0] if context.pages else context.new_page()
        _from_the_cache(page.goto(server.app_url))
        page.wait_for_function("window.__listAt !== undefined", timeout=WAIT_MS)
        listed: dict[str, float] = page.evaluate(_LISTED)
        if listed["cards"] != orders:
            raise RuntimeError(f"offline, the list shows {listed['cards']} of {orders} orders")
        return Start(listed["at"] - started, listed["at"] - listed["origin"])
    finally:
        context.close()


def shell_cold_start(
    playwright: Playwright, profile: Path, server: FieldServer, orders: int
) -> Start:
    started = time.time() * 1000
    context = _launch(playwright, profile, offline=True, javascript=False)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _from_the_cache(page.goto(server.app_url))
        page.wait_for_function(f"({_LOADED})() !== null", timeout=WAIT_MS)
        loaded: dict[str, float] = page.evaluate(_LOADED)
        return Start(loaded["at"] - started, loaded["at"] - loaded["origin"])
    finally:
        context.close()


def _stage(name: str, step: Callable[[], T]) -> T:
    """Run one step; a browser error says which step it stopped."""
    try:
        return step()
    except PlaywrightError as error:
        raise PlaywrightError(f"{name}: {str(error).splitlines()[0]}") from error


def measure(server: FieldServer, profile: Path, runs: int) -> ColdStarts:
    """One online sign-in, then `runs` cold starts of each, alternating."""
    with sync_playwright() as playwright:
        orders = _stage("sign-in", lambda: sign_in_once(playwright, profile, server))
        cold = ColdStarts(orders, [], [])
        starts: list[tuple[str, list[Start], Callable[..., Start]]] = [
            ("shell cold start", cold.shell, shell_cold_start),
            ("app cold start", cold.app, app_cold_start),
        ]
        for _ in range(runs):
            for name, into, start in starts:
                into.append(_stage(name, partial(start, playwright, profile, server, orders)))
    return cold


def describe(sizes: Sizes, cold: ColdStarts) -> Line:
    app, shell = cold.median(cold.app), cold.median(cold.shell)
    ratio = shell / app
    launches = [s.launch_ms for s in cold.app]
    text = (
        f"{NAME}: cold start offline to {TECHNICIAN}'s work-order list ({cold.orders} orders, "
        f"demo {sizes.demo}): {app:,.0f} ms from the browser's launch (median of "
        f"{len(cold.app)}, {min(launches):,.0f}-{max(launches):,.0f}) vs {shell:,.0f} ms for "
        f"the shell with JavaScript off from the same service worker cache = {ratio:.2f} "
        f"(aim >= {AIM:g}); from the page's navigation start: app "
        f"{cold.median(cold.app, in_page=True):,.0f} ms, shell "
        f"{cold.median(cold.shell, in_page=True):,.0f} ms"
    )
    return Line(NAME, BACKEND, f"{app:,.0f} ms", f"{shell:,.0f} ms", ratio, AIM, text)


def run(directory: Path, sizes: Sizes, *, quick: bool = False) -> Line:
    """A scratch SQLite database with the demo, a server with a copy of pwa/, the runs."""
    directory.mkdir(parents=True)
    try:
        with scratch_database("sqlite", directory) as url:
            counts, seconds = load_demo_hospital(url, sizes.demo)
            print(
                f"{NAME}: loaded the {sizes.demo} demo hospital "
                f"({sum(counts.values()):,} rows) in {seconds:.1f} s",
                flush=True,
            )
            with (
                running(url, directory / "server") as server,
                tempfile.TemporaryDirectory(prefix="profile-", dir=directory) as profile,
            ):
                cold = measure(server, Path(profile), QUICK_RUNS if quick else RUNS)
    except PlaywrightError as error:  # no Chromium, or one that crashed: say so, go on
        line = skipped(NAME, BACKEND, AIM, str(error).splitlines()[0])
        print(line.text, flush=True)
        return line
    line = describe(sizes, cold)
    print(line.text, flush=True)
    return line
