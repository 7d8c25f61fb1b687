"""pouchdb-server as a peer: the same asset records replicated the way a PouchDB client reads
them (`_changes?include_docs=true`, paged with `limit` and `since`), against the rows per
second of Rounds' own first sync.

pouchdb-server comes from npm into `bench/node_modules` (`npm ci --prefix bench`, run by
`make bench`); nothing is fetched here. It runs in memory on a free loopback port, from a
temporary directory that takes its config and log files.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench.common import HTTP_TIMEOUT, Line, Stopwatch, expect_ok, number, per_second, skipped
from bench.pull import FirstSync
from bench.serving import LOOPBACK, ServerDidNotStart, free_port, running

AIM = 3.0
BIN = Path(__file__).resolve().parent / "node_modules" / ".bin" / "pouchdb-server"
DATABASE = "assets"


class ChangesPage(msgspec.Struct):
    results: list[dict[str, Any]]
    last_seq: int | str


@dataclass(frozen=True)
class Replication:
    docs: int
    seconds: float
    wire_bytes: int
    encoding: str  # the Content-Encoding pouchdb-server chose for the pages ("identity": none)
    load_seconds: float

    @property
    def rate(self) -> float:
        return per_second(self.docs, self.seconds)


def _as_docs(assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"_id": str(asset["id"]), **{k: v for k, v in asset.items() if k != "id"}}
        for asset in assets
    ]


def _load(http: httpx.Client, docs: list[dict[str, Any]], chunk: int) -> float:
    """Create the database and write every doc with `_bulk_docs`; returns the seconds."""
    watch = Stopwatch()
    watch.start()
    expect_ok(http.put(f"/{DATABASE}"))
    for start in range(0, len(docs), chunk):
        body = msgspec.json.encode({"docs": docs[start : start + chunk]})
        response = expect_ok(
            http.post(
                f"/{DATABASE}/_bulk_docs",
                content=body,
                headers={"Content-Type": "application/json"},
            )
        )
        failed = [result for result in response.json() if not result.get("ok")]
        if failed:
            raise RuntimeError(f"_bulk_docs refused {len(failed)} docs, e.g. {failed[0]}")
    return watch.stop()


def _read_all(http: httpx.Client, expected: int, limit: int) -> tuple[int, int, str, float]:
    """Page through `_changes` with the docs, as a client's replication does.

    httpx accepts gzip as a browser does, and pouchdb-server compresses large pages.
    """
    docs = wire_bytes = 0
    encodings: set[str] = set()
    since: int | str = 0
    watch = Stopwatch()
    watch.start()
    for _ in range(math.ceil(expected / limit) + 2):
        response = expect_ok(
            http.get(
                f"/{DATABASE}/_changes",
                params={"include_docs": "true", "limit": limit, "since": since},
            )
        )
        wire_bytes += response.num_bytes_downloaded
        encodings.add(response.headers.get("content-encoding", "identity"))
        page = msgspec.json.decode(response.content, type=ChangesPage)
        docs += len(page.results)
        since = page.last_seq
        if len(page.results) < limit:
            break
    return docs, wire_bytes, "+".join(sorted(encodings)), watch.stop()


@contextmanager
def pouchdb_server(directory: Path) -> Iterator[str]:
    """An in-memory pouchdb-server on a free loopback port; yields its base URL."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    command = [str(BIN), "--in-memory", "--host", LOOPBACK, "--port", str(port)]
    command += ["--config", str(directory / "config.json"), "-n"]
    with running(
        command, cwd=directory, env=dict(os.environ), health_url=f"{base}/", log=directory / "log"
    ):
        yield base


def replicate(directory: Path, assets: list[dict[str, Any]], chunk: int) -> Replication:
    with (
        pouchdb_server(directory) as base,
        httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as http,
    ):
        load_seconds = _load(http, _as_docs(assets), chunk)
        docs, wire_bytes, encoding, seconds = _read_all(http, len(assets), chunk)
    if docs != len(assets):
        raise RuntimeError(f"pouchdb-server replicated {docs} docs of {len(assets)}")
    return Replication(docs, seconds, wire_bytes, encoding, load_seconds)


def describe(backend: str, sync: FirstSync, peer: Replication) -> Line:
    ratio = sync.rate / peer.rate
    text = (
        f"pouchdb ({backend}): Rounds first sync {number(sync.rate)} rows/s vs pouchdb-server "
        f"_changes?include_docs=true {number(peer.rate)} docs/s ({peer.docs:,} assets, "
        f"{peer.wire_bytes / peer.docs:.0f} bytes/doc on the wire, {peer.encoding}; "
        f"loaded by _bulk_docs in {peer.load_seconds:.1f} s) = {ratio:.1f}x (aim >= {AIM:.0f}x)"
    )
    return Line(
        "pouchdb",
        backend,
        f"{number(sync.rate)} rows/s",
        f"{number(peer.rate)} docs/s",
        ratio,
        AIM,
        text,
    )


def unavailable() -> str | None:
    if not BIN.exists():
        return f"{BIN} is missing (`npm ci --prefix bench` did not run or failed)"
    return None


def run(directory: Path, syncs: dict[str, FirstSync], chunk: int) -> list[Line]:
    """One replication read, compared with the first sync of each database that ran."""
    assets = next((sync.assets for sync in syncs.values() if sync.assets), [])
    reason = unavailable() or (None if assets else "no Rounds first sync ran to compare with")
    peer: Replication | None = None
    if reason is None:
        try:
            peer = replicate(directory, assets, chunk)
        except (ServerDidNotStart, OSError) as exc:
            reason = f"pouchdb-server did not start: {exc}"
    lines = [
        describe(backend, sync, peer) if peer else skipped("pouchdb", backend, AIM, str(reason))
        for backend, sync in syncs.items()
    ]
    if not lines:
        lines = [skipped("pouchdb", "-", AIM, str(reason))]
    for line in lines:
        print(line.text, flush=True)
    return lines
