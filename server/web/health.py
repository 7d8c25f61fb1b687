"""Liveness (`/healthz`) and readiness (`/readyz`) for a load balancer or an orchestrator.

`/healthz` answers while the process can serve and reach its database (a restart would not
help otherwise). `/readyz` checks every dependency a request may need: the database
(migrated), Redis when ROUNDS_REDIS_URL is set, and the blob store (a probe written and
removed). It is 200 with each check's status when all pass, and 503 naming the failing
checks otherwise, so traffic is sent elsewhere until they recover. Both are public and
say nothing beyond "ok" or the kind of error (no addresses, no credentials).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from server.web.security import PUBLIC
from server.web.state import Runtime, runtime

log = logging.getLogger("rounds.health")

# A check slower than this is failing: a load balancer waits a few seconds at most.
CHECK_TIMEOUT_SECONDS = 3.0

Check = Callable[[], Awaitable[None]]


@get("/healthz", opt=PUBLIC, include_in_schema=False)
async def healthz(state: State) -> dict[str, str]:
    """Up and able to reach its database."""
    async with runtime(state).engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


async def _database(rt: Runtime) -> None:
    async with rt.engine.connect() as connection:
        epoch = await connection.scalar(text("SELECT value FROM sync_setting WHERE key = 'epoch'"))
    if epoch is None:
        raise RuntimeError("the database is not migrated (run `rounds db upgrade`)")


async def _redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS)
    try:
        await client.ping()
    finally:
        await client.aclose()


def checks_of(rt: Runtime) -> dict[str, Check]:
    checks: dict[str, Check] = {"database": lambda: _database(rt)}
    redis_url = rt.settings.redis_url
    if redis_url:
        checks["redis"] = lambda: _redis(redis_url)
    checks["blob_storage"] = rt.blobs.check
    return checks


async def _run(name: str, check: Check) -> dict[str, str]:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        log.warning("readiness check %s took over %s s", name, CHECK_TIMEOUT_SECONDS)
        return {"status": "failing", "error": f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"}
    except Exception as exc:  # any failure of a dependency means not ready
        log.warning("readiness check %s failed: %s", name, exc)
        return {"status": "failing", "error": type(exc).__name__}
    return {"status": "ok"}


@get("/readyz", opt=PUBLIC, include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, object]]:
    """Every dependency answers: 200; otherwise 503 with the failing checks named."""
    checks = checks_of(runtime(state))
    results = await asyncio.gather(*(_run(name, check) for name, check in checks.items()))
    report = dict(zip(checks, results, strict=True))
    failing = [name for name, result in report.items() if result["status"] != "ok"]
    body: dict[str, object] = {
        "status": "not_ready" if failing else "ready",
        "failing": failing,
        "checks": report,
    }
    return Response(
        body, status_code=503 if failing else 200, headers={"Cache-Control": "no-store"}
    )
