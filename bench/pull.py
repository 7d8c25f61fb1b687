"""Pull: a desk user's first sync through the server against a plain streamed SELECT.

The server pages with the protocol's largest page, following `more`; the client decodes
every page as the app would. The baseline streams the same tables in the same (id) order
over one connection and encodes the rows to JSON with msgspec, a page at a time.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec
from sqlalchemy import select

from bench.common import (
    HTTP_TIMEOUT,
    Line,
    Sizes,
    Stopwatch,
    engine_for,
    expect_ok,
    number,
    per_second,
    sign_in,
)
from server.db.demo.rows import table_of
from server.domain.sync.synced import SYNCED_TYPES
from sync.wire import PullResponse

AIM = 0.6
MAX_PAGES = 5_000  # a million rows at the largest page: far beyond any demo


@dataclass
class FirstSync:
    """What a phone received on its first sync, and how long it took."""

    seconds: float = 0.0
    pages: int = 0
    wire_bytes: int = 0  # response bodies as they crossed the socket
    by_type: Counter[str] = field(default_factory=Counter)
    assets: list[dict[str, Any]] = field(default_factory=list)  # records, "id" included

    @property
    def rows(self) -> int:
        return sum(self.by_type.values())

    @property
    def rate(self) -> float:
        return per_second(self.rows, self.seconds)


@dataclass(frozen=True)
class Streamed:
    rows: int
    json_bytes: int
    seconds: float

    @property
    def rate(self) -> float:
        return per_second(self.rows, self.seconds)


def _take_page(sync: FirstSync, response: httpx.Response) -> PullResponse:
    sync.pages += 1
    sync.wire_bytes += response.num_bytes_downloaded
    page = msgspec.json.decode(response.content, type=PullResponse)
    for change in page.changes:
        sync.by_type[change.type] += 1
        if change.type == "asset" and change.data is not None:
            sync.assets.append(change.data)
    return page


def first_sync(base: str, limit: int) -> FirstSync:
    """Sign in from a new device and pull every page of its scope."""
    sync = FirstSync()
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as http:
        headers = {"Authorization": f"Bearer {sign_in(http, uuid.uuid4())}"}
        params: dict[str, str | int] = {"limit": limit}
        watch = Stopwatch()
        watch.start()
        for _ in range(MAX_PAGES):
            response = expect_ok(http.get("/api/v1/sync/pull", params=params, headers=headers))
            page = _take_page(sync, response)
            params["cursor"] = page.cursor
            if not page.more:
                break
        else:
            raise RuntimeError(f"first sync still had more after {MAX_PAGES} pages")
        sync.seconds = watch.stop()
    return sync


async def _stream_tables(url: str, partition: int) -> Streamed:
    rows = json_bytes = 0
    watch = Stopwatch()
    async with engine_for(url) as engine, engine.connect() as conn:
        await conn.execute(select(1))  # connected before the clock starts, as the server is
        watch.start()
        for synced in SYNCED_TYPES:
            table = table_of(synced.model)
            stmt = select(table).order_by(table.c.id).execution_options(yield_per=partition)
            result = await conn.stream(stmt)
            async for part in result.mappings().partitions(partition):
                json_bytes += len(msgspec.json.encode([dict(row) for row in part]))
                rows += len(part)
        seconds = watch.stop()
    return Streamed(rows, json_bytes, seconds)


def streamed_select(url: str, partition: int) -> Streamed:
    """The same tables read straight from the database and encoded to JSON."""
    return asyncio.run(_stream_tables(url, partition))


def describe(backend: str, sync: FirstSync, plain: Streamed) -> Line:
    ratio = sync.rate / plain.rate
    counts = (
        f"{sync.rows:,} rows"
        if sync.rows == plain.rows
        else (f"{sync.rows:,} rows (the SELECT read {plain.rows:,})")
    )
    text = (
        f"pull ({backend}): first sync of {counts} in {sync.pages} pages: "
        f"{number(sync.rate)} rows/s through HTTP vs {number(plain.rate)} rows/s by a streamed "
        f"SELECT + msgspec JSON = {ratio:.2f} (aim >= {AIM}); "
        f"{sync.wire_bytes / max(sync.rows, 1):.0f} bytes/row on the wire "
        f"({plain.json_bytes / max(plain.rows, 1):.0f} as bare JSON rows)"
    )
    return Line(
        "pull",
        backend,
        f"{number(sync.rate)} rows/s",
        f"{number(plain.rate)} rows/s",
        ratio,
        AIM,
        text,
    )


def run(backend: str, base: str, url: str, sizes: Sizes) -> tuple[Line, FirstSync]:
    sync = first_sync(base, sizes.page_limit)
    plain = streamed_select(url, sizes.page_limit)
    line = describe(backend, sync, plain)
    print(line.text, flush=True)
    return line, sync
