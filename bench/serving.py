"""Servers run as real processes on a free loopback port, always stopped on the way out."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.1"
ROUNDS = Path(sys.executable).with_name("rounds")  # the console script, as an operator runs it
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


class ServerDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _log_tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_up(process: subprocess.Popen[bytes], health_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"exited with {process.returncode}:\n{_log_tail(log)}")
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise ServerDidNotStart(f"not answering {health_url} after {START_TIMEOUT_S:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


@contextmanager
def running(
    command: Sequence[str], *, cwd: Path, env: dict[str, str], health_url: str, log: Path
) -> Iterator[None]:
    """Start `command`, wait until `health_url` answers 200, and stop it however we leave.

    When the work done with it fails, the end of the server's log goes to stderr.
    """
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own servers, arguments built here
            list(command), cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(process, health_url, log)
            yield
        except Exception:
            print(f"{command[0]} log, last lines:\n{_log_tail(log, 40)}", file=sys.stderr)
            raise
        finally:
            _stop(process)


@contextmanager
def rounds_server(url: str, state_dir: Path, workers: int = 1) -> Iterator[str]:
    """`rounds serve` on the given database; yields its base URL."""
    state_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "ROUNDS_DATABASE_URL": url, "ROUNDS_STATE_DIR": str(state_dir)}
    command = [str(ROUNDS), "serve", "--host", LOOPBACK, "--port", str(port)]
    command += ["--workers", str(workers)]
    with running(
        command, cwd=state_dir, env=env, health_url=f"{base}/healthz", log=state_dir / "serve.log"
    ):
        yield base
