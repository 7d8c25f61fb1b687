"""What every benchmark shares: sizes, result lines, HTTP sign-in and the demo database."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db.demo import DEMO_PASSWORD, DemoSize, load_demo
from server.db.engine import make_engine
from server.settings import DatabaseSettings

DESK_LOGIN = "D0001"  # the help desk sees every row and may add notes to any asset
HTTP_TIMEOUT = httpx.Timeout(180.0, connect=10.0)


@dataclass(frozen=True)
class Sizes:
    demo: DemoSize
    devices: int  # phones pushing at the same time
    batches: int  # pushes per phone, one after the other
    batch_ops: int  # ops per push (the protocol allows 500)
    page_limit: int = 1000  # pull page size (the protocol's maximum)
    pouch_chunk: int = 1000  # docs per _bulk_docs and per _changes page

    @property
    def push_ops(self) -> int:
        return self.devices * self.batches * self.batch_ops


FULL = Sizes(DemoSize.LARGE, devices=4, batches=5, batch_ops=500)
QUICK = Sizes(DemoSize.HOSPITAL, devices=2, batches=2, batch_ops=250)


@dataclass(frozen=True)
class Line:
    """One benchmark on one database, as printed and as kept in the summary table."""

    name: str
    backend: str
    rounds: str  # the measured figure, e.g. "1,234 ops/s"
    baseline: str
    ratio: float | None  # None when the benchmark could not run
    aim: float
    text: str  # the sentence printed when it ran, or why it did not

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "skipped"
        return "met" if self.ratio >= self.aim else "below"


def skipped(name: str, backend: str, aim: float, reason: str) -> Line:
    return Line(name, backend, "-", "-", None, aim, f"{name} ({backend}): skipped: {reason}")


def number(value: float) -> str:
    return f"{value:,.0f}"


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


class Stopwatch:
    """Wall-clock seconds between `start()` and `stop()`, on the monotonic clock."""

    def __init__(self) -> None:
        self.started = 0.0
        self.seconds = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()

    def stop(self) -> float:
        self.seconds = time.perf_counter() - self.started
        return self.seconds


def expect_ok(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:500]}"
        )
    return response


def sign_in(http: httpx.Client, device_id: uuid.UUID, employee_no: str = DESK_LOGIN) -> str:
    """Sign in from a field device, as the app does; returns the access token."""
    response = http.post(
        "/api/v1/auth/login",
        json={
            "employee_no": employee_no,
            "password": DEMO_PASSWORD,
            "device_id": str(device_id),
            "device_name": "bench phone",
        },
    )
    token: str = expect_ok(response).json()["access_token"]
    return token


@asynccontextmanager
async def engine_for(url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        yield engine
    finally:
        await engine.dispose()


async def _load(url: str, size: DemoSize) -> dict[str, int]:
    async with engine_for(url) as engine:
        return (await load_demo(engine, size)).counts


def load_demo_hospital(url: str, size: DemoSize) -> tuple[dict[str, int], float]:
    """Fill the migrated database with the demo; returns the row counts and the seconds."""
    watch = Stopwatch()
    watch.start()
    counts = asyncio.run(_load(url, size))
    return counts, watch.stop()
