"""The field app on a WebKit phone: WebDriver steps for the flows of tests/e2e/webkit/.

The same steps as tests/e2e/field_steps.py (sign in, go offline and reload, wait for a
sync), over W3C WebDriver instead of Playwright. WebDriver has no network emulation: the
phone reaches the server through a TCP proxy (tests/tcp_proxy.py) that the test cuts, so
offline is the connection being refused, as in a basement plant room; `navigator.onLine`
stays true, as it does on a phone with Wi-Fi but no route to the server.

Every wait polls for a state with a generous overall limit (the machine is shared and
loaded), never a fixed sleep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import SCREENS, VIEWPORT
from tests.tcp_proxy import TcpProxy

T = TypeVar("T")
# A sync against a real server (PostgreSQL included) with photos to upload, on a loaded
# machine, through WebKitGTK's software rendering: allow two minutes.
SYNC_S = 120
STEP_S = 60
# Runs a function given as source, as Playwright's page.evaluate does, and hands back its
# (awaited) result or its error: the snippets of tests/e2e/ work unchanged here.
_EVALUATE = """
const [source, arg, done] = arguments;
Promise.resolve()
  .then(() => (0, eval)('(' + source + ')')(arg))
  .then((value) => done({value: value === undefined ? null : value}),
        (error) => done({error: String(error && error.stack || error)}));
"""
_SHOWN = """
const [css, text] = arguments;
return [...document.querySelectorAll(css)]
  .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => [e, e.textContent.replace(/\\s+/g, ' ').trim()])
  .filter(([, content]) => text === null || content.includes(text));
"""
_UNMASKED_TOAST = "document.getElementById('hide-toast')?.remove()"
_MASK_TOAST = """
if (!document.getElementById('hide-toast')) {
  const style = document.createElement('style');
  style.id = 'hide-toast';
  style.textContent = '#toast { visibility: hidden !important; }';
  document.head.append(style);
}
"""


class Link:
    """The phone's connection to one server: a TCP proxy the test cuts and restores."""

    def __init__(self, server: FieldServer) -> None:
        self._proxy = TcpProxy("127.0.0.1", server.port)
        self._proxy.start()
        self.app_url = f"http://127.0.0.1:{self._proxy.port}/app/"

    def cut(self) -> None:
        """Connections refused from now on; those open are dropped."""
        self._proxy.cut()

    def restore(self) -> None:
        """Connections accepted again, on the same port (the app's origin)."""
        self._proxy.start()

    def close(self) -> None:
        self._proxy.close()


@contextmanager
def link_to(server: FieldServer) -> Iterator[Link]:
    link = Link(server)
    try:
        yield link
    finally:
        link.close()


class WebKitPhone:
    """One browser session on the field app, reached through `link`."""

    def __init__(self, driver: WebDriver, link: Link, log: Path) -> None:
        self.driver, self.link, self.log = driver, link, log
        # The small phone of the Chromium tests; MiniBrowser's window keeps a minimum width
        # of its own (about 450 px), so the page may get a little more.
        driver.set_window_rect(x=0, y=0, width=VIEWPORT["width"], height=VIEWPORT["height"])

    # -- waiting and reading ---------------------------------------------------------------

    def until(self, check: Callable[[], T], what: str, timeout_s: float = STEP_S) -> T:
        """Poll `check` until it returns something true; returns that."""
        waiter = WebDriverWait(
            self.driver,
            timeout_s,
            poll_frequency=0.2,
            ignored_exceptions=(StaleElementReferenceException,),
        )
        try:
            return waiter.until(lambda _: check())
        except TimeoutException:
            raise AssertionError(
                f"WebKit never showed {what} within {timeout_s} s; the page: {self.describe()}"
                f" (browser log: {self.log})"
            ) from None

    def evaluate(self, source: str, arg: Any = None) -> Any:
        """Run a JavaScript function (source text, maybe async) in the page with `arg`."""
        outcome: dict[str, Any] = self.driver.execute_async_script(_EVALUATE, source, arg)
        if "error" in outcome:
            raise AssertionError(f"in the page: {outcome['error']}")
        return outcome["value"]

    def shown(self, css: str, text: str | None = None) -> list[tuple[WebElement, str]]:
        """Elements matching `css` that are rendered, with their text as Playwright's
        has_text reads it (textContent, screen-reader-only parts included, white space
        collapsed), those containing `text` only; read in one go, so a screen re-rendering
        meanwhile never leaves half an answer."""
        found: list[tuple[WebElement, str]] = self.driver.execute_script(_SHOWN, css, text)
        return found

    def visible(self, css: str, text: str | None = None) -> list[WebElement]:
        return [element for element, _ in self.shown(css, text)]

    def texts(self, css: str) -> list[str]:
        return [content for _, content in self.shown(css)]

    def one(self, css: str, text: str | None = None, timeout_s: float = STEP_S) -> WebElement:
        described = css if text is None else f"{css} with {text!r}"
        return self.until(lambda: next(iter(self.visible(css, text)), None), described, timeout_s)

    def text_of(self, css: str) -> str:
        """The text of the first shown element matching `css`, once there is one."""
        found: str = self.until(lambda: next(iter(self.texts(css)), None), css)
        return found

    def value_of(self, css: str) -> str | None:
        found: str | None = self.driver.execute_script(
            "return document.querySelector(arguments[0])?.value ?? null", css
        )
        return found

    def wait_text(self, css: str, expected: str, timeout_s: float = STEP_S) -> None:
        self.until(lambda: expected in self.texts(css), f"{css} reading {expected!r}", timeout_s)

    def wait_gone(self, css: str, timeout_s: float = STEP_S) -> None:
        self.until(lambda: not self.shown(css), f"{css} gone", timeout_s)

    def tap(self, css: str, text: str | None = None) -> WebElement:
        """Click what a person would tap; waits while something (a sheet opening, a toast)
        is still in the way, the button is busy or disabled, or the screen is drawn again
        under the finger. Returns what was tapped."""

        def clicked() -> WebElement | None:
            element = next(iter(self.visible(css, text)), None)
            if element is None:
                return None
            # A button busy with the step before (a gloved double tap's guard) takes no tap.
            if not element.is_enabled() or element.get_attribute("aria-busy") == "true":
                return None
            try:
                # WebDriver scrolls a target only to the viewport's edge, where the app's
                # fixed tab bar covers it; a thumb would bring it to the middle first.
                self.driver.execute_script(
                    "arguments[0].scrollIntoView({block: 'center'})", element
                )
                element.click()
            except (ElementClickInterceptedException, ElementNotInteractableException):
                return None
            return element

        described = css if text is None else f"{css} with {text!r}"
        return self.until(clicked, f"{described} to tap")

    def fill(self, css: str, value: str) -> None:
        field = self.one(css)
        field.clear()
        field.send_keys(value)

    # -- the field app's screens -------------------------------------------------------------

    def heading(self) -> str:
        return self.text_of("#main h1")

    def go(self, route: str) -> None:
        """Follow an in-app link (a hash route such as /inbox) and wait for its screen."""
        self.driver.execute_script("location.hash = '#' + arguments[0]", route)
        self.until(
            lambda: self.driver.execute_script(
                "return location.hash.startsWith('#' + arguments[0])"
                " && !document.getElementById('main').hasAttribute('aria-busy')",
                route,
            ),
            f"the screen {route}",
        )

    def sync_state(self) -> str:
        """The status bar's sync state: synced, waiting, syncing, offline or error ("" while
        it shows none)."""
        classes: str = self.driver.execute_script(
            "return document.querySelector('.status-bar .sync')?.className ?? ''"
        )
        found = re.search(r"\bsync-(\w+)\b", classes)
        return found.group(1) if found else ""

    def pending(self) -> int:
        """The status bar's count of actions not sent yet (no badge at 0)."""
        badges = self.texts(".status-bar .count.pending [aria-hidden=true]")
        return int(badges[0]) if badges else 0

    def wait_state(self, state: str, timeout_s: float = SYNC_S) -> None:
        self.until(lambda: self.sync_state() == state, f"the status bar {state}", timeout_s)

    def wait_synced(self) -> None:
        """Up to date: nothing pending, the last sync went through."""
        self.until(
            lambda: self.sync_state() == "synced" and self.pending() == 0,
            "the status bar synced with nothing pending",
            SYNC_S,
        )

    def sign_in(self, employee_no: str) -> None:
        """Sign in online on the app's own screen; wait for the first sync and for the
        service worker to control the page (so the app can open offline)."""
        self.driver.get(self.link.app_url)
        self.fill("#si-emp", employee_no)
        self.fill("#si-pw", DEMO_PASSWORD)
        self.tap("form.signin button[type=submit]")
        self.until(
            lambda: not self.driver.execute_script("return location.hash.startsWith('#/signin')"),
            "the home screen after sign-in",
            SYNC_S,
        )
        self.one("#tabs")
        self.wait_synced()
        self.until(self.controlled, "the service worker in control", SYNC_S)

    def controlled(self) -> bool:
        script = "return navigator.serviceWorker.controller !== null"
        return bool(self.driver.execute_script(script))

    def api_reachable(self) -> bool:
        """Whether the page's fetch of the API gets an answer (any status) right now."""
        answer = self.evaluate(
            "() => fetch('/api/v1/push/key', {cache: 'no-store'}).then(() => true, () => false)"
        )
        return bool(answer)

    def reload_offline(self) -> None:
        """Cut the connection and reload: the shell must come from the service worker."""
        self.link.cut()
        self.driver.refresh()
        self.until(self.controlled, "the reloaded page under its service worker")
        assert not self.api_reachable(), "the page still reaches the server"
        self.wait_state("offline")

    def back_online(self) -> None:
        """Signal again. The phone never saw the network go (onLine stayed true), so nothing
        tells the app at once: the technician taps Sync now in the settings, as they would
        after leaving the plant room, rather than wait for the backoff's next try."""
        self.link.restore()
        self.sync_now()

    def sync_now(self) -> None:
        """Tap Sync now in the settings and wait for that sync's outcome, which must be
        "Synced at ...": then up to date, nothing pending. The screen is drawn again with
        the outcome (and meanwhile, on a change, with "Syncing…"): until then the button
        tapped is still there, and any message is an earlier one."""
        self.go("/settings")
        button = self.tap("button", "Sync now")

        def outcome() -> str | None:
            try:
                button.is_enabled()
                return None
            except StaleElementReferenceException:
                pass
            said = next(iter(self.texts("#s-sync ~ p[role=status]")), None)
            return said if said != "Syncing…" else None

        said = self.until(outcome, "the outcome of Sync now", SYNC_S)
        assert said.startswith("Synced at"), f"Sync now: {said}"
        self.wait_synced()

    def device_id(self) -> str:
        found: str = self.driver.execute_script("return localStorage.getItem('rounds:device_id')")
        return found

    def screenshot(self, name: str) -> Path:
        """The screen now into artifacts/screens/<name>.png, the toast left out."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}.png"
        self.driver.execute_script(_MASK_TOAST)
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.execute_script(_UNMASKED_TOAST)
        return path

    def describe(self) -> str:
        """Where the page is and what its screen says, for an assertion's message."""
        try:
            shows = self.driver.execute_script(
                "return {url: location.href, main: document.getElementById('main')?.innerText,"
                " sheet: document.querySelector('dialog[open]')?.innerText}"
            )
        except WebDriverException as error:
            return f"unreadable ({error.msg})"
        return json.dumps(shows, ensure_ascii=False)[:2000]
