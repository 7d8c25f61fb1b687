"""Debian's WebKitGTK as a test browser: a virtual screen (Xvfb), the W3C WebDriver server
WebKitGTK ships (WebKitWebDriver, package webkit2gtk-driver) and its MiniBrowser, driven by
Selenium. Nothing here downloads a browser or a driver.

MiniBrowser started with --automation keeps its data in memory (an ephemeral website data
manager), so every session is a fresh profile: no service worker, cache or IndexedDB left
from an earlier one. Its home and XDG directories point into the test's own directory, so
nothing lands in the user's.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
XVFB = "/usr/bin/Xvfb"
# libwebkit2gtk-4.1-0 installs it under the architecture's library directory.
MINIBROWSER_GLOB = "/usr/lib/*/webkit2gtk-4.1/MiniBrowser"
# A loaded machine can take long to start a browser or run a script; a command that has not
# answered in this time will not.
COMMAND_TIMEOUT_S = 180
SCREEN = "1280x1024x24"


def minibrowser() -> str | None:
    found = sorted(glob.glob(MINIBROWSER_GLOB))
    return found[0] if found else None


def missing() -> list[str]:
    """What of the engine this machine lacks (`make webkit` installs it)."""
    needs = {
        "WebKitWebDriver (webkit2gtk-driver)": Path(WEBKIT_DRIVER).is_file(),
        "Xvfb (xvfb)": Path(XVFB).is_file(),
        "MiniBrowser (libwebkit2gtk-4.1-0)": minibrowser() is not None,
    }
    return [name for name, present in needs.items() if not present]


@contextmanager
def virtual_screen(log: Path) -> Iterator[str]:
    """An Xvfb display for the browsers of these tests; it picks a free display number
    itself (-displayfd) and tells it on a pipe. Yields the DISPLAY value."""
    read_end, write_end = os.pipe()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [XVFB, "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        if not number:
            raise AssertionError(f"Xvfb did not start; its log: {log}")
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def end_group(leader: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(leader, signal.SIGKILL)


def browser_options() -> Options:
    options = Options()
    binary = minibrowser()
    assert binary is not None, "MiniBrowser is missing: make webkit"
    options.binary_location = binary
    options.add_argument("--automation")
    return options


@contextmanager
def webkit_session(display: str, directory: Path, log: Path) -> Iterator[webdriver.Remote]:
    """WebKitWebDriver and one MiniBrowser session on `display`, with a fresh profile and
    its home under `directory`; the driver's and the browser's output into `log`."""
    home = directory / "home"
    for sub in ("config", "data", "cache", "runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "runtime").chmod(0o700)
    env = {
        **os.environ,
        "DISPLAY": display,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "NO_AT_BRIDGE": "1",  # no accessibility bus to look for on a bare screen
    }
    env.pop("WAYLAND_DISPLAY", None)
    with ExitStack() as stack:
        output = stack.enter_context(log.open("ab"))
        # In a process group of its own: the browser it starts, and the browser's web
        # processes, are ended with it even when a session did not close cleanly.
        service = Service(
            executable_path=WEBKIT_DRIVER,
            env=env,
            log_output=output,
            popen_kw={"start_new_session": True},
        )
        service.start()
        stack.callback(end_group, service.process.pid)
        stack.callback(service.stop)
        connection = RemoteConnection(
            client_config=ClientConfig(service.service_url, timeout=COMMAND_TIMEOUT_S)
        )
        driver = webdriver.Remote(command_executor=connection, options=browser_options())
        stack.callback(driver.quit)
        # The browser runs here: a file input gets the test's path as it is, not an upload
        # through Selenium Grid's endpoint (which WebKitWebDriver does not have).
        driver.file_detector = UselessFileDetector()
        yield driver
