"""Real server processes for tests that need several workers, a kill, or an outage."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROUNDS = str(Path(sys.executable).with_name("rounds"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(url: str, state: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "ROUNDS_DATABASE_URL": url, "ROUNDS_STATE_DIR": str(state), **extra}


def wait_healthy(
    base: str, timeout: float = 300, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait until the server answers /healthz. On a loaded machine a start with several
    workers can take minutes, so the wait is long; a process that exits ends it at once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server at {base} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server at {base} did not come up")


class Server:
    def __init__(self, env: dict[str, str], workers: int, port: int | None = None) -> None:
        self.env, self.workers = env, workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [ROUNDS, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log(),
            start_new_session=True,
        )
        wait_healthy(self.base, process=self.process)

    def _log(self) -> int:
        """The server's log goes to a file in its state directory, for a failing test to read."""
        state = Path(self.env.get("ROUNDS_STATE_DIR", "."))
        state.mkdir(parents=True, exist_ok=True)
        return os.open(
            state / f"server-{self.port}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown, no chance to finish a request."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def serving(env: dict[str, str], workers: int = 1) -> Iterator[Server]:
    server = Server(env, workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()
