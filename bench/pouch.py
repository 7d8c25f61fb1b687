"""pouchdb-server as a peer: the same asset records replicated by a PouchDB client into
memory (bench/pouch_peer.mjs: the replication protocol as an app built on PouchDB runs it),
against the rows per second of Rounds' own first sync. The bare read of the same records
through `_changes?include_docs=true` is printed beside it: the floor under any PouchDB
replication, which skips the revision diff, the bulk get, the local writes and the
checkpoints.

pouchdb-server comes from npm into `bench/node_modules` (`npm ci --prefix bench`, run by
`make bench`); nothing is fetched here. It runs in memory on a free loopback port, from a
temporary directory that takes its config and log files.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
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
HERE = Path(__file__).resolve().parent
BIN = HERE / "node_modules" / ".bin" / "pouchdb-server"
PEER = HERE / "pouch_peer.mjs"
DATABASE = "assets"


class ChangesPage(msgspec.Struct):
    results: list[dict[str, Any]]
    last_seq: int | str


@dataclass(frozen=True)
class Replication:
    docs: int
    seconds: float  # a PouchDB client's replication into memory
    read_seconds: float  # the bare `_changes?include_docs=true` read
    wire_bytes: int
    encoding: str  # the Content-Encoding pouchdb-server chose for the pages ("identity": none)
    load_seconds: float
    batch: int  # docs per replication batch and per _changes page: Rounds' page size

    @property
    def rate(self) -> float:
        return per_second(self.docs, self.seconds)

    @property
    def read_rate(self) -> float:
        return per_second(self.docs, self.read_seconds)


def _replicate_with_pouchdb(base: str, expected: int, batch: int) -> float:
    """Run the PouchDB client; returns its replication's seconds (node's start excluded)."""
    node = shutil.which("node") or "node"
    done = subprocess.run(  # noqa: S603 - our own script, a loopback URL and a number
        [node, str(PEER), f"{base}/{DATABASE}", str(batch)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["held"] != expected or not result["ok"]:
        raise RuntimeError(f"the PouchDB client replicated {result} of {expected} docs")
    seconds: float = result["seconds"]
    return seconds


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
        docs, wire_bytes, encoding, read_seconds = _read_all(http, len(assets), chunk)
        seconds = _replicate_with_pouchdb(base, len(assets), chunk)
    if docs != len(assets):
        raise RuntimeError(f"pouchdb-server replicated {docs} docs of {len(assets)}")
    return Replication(docs, seconds, read_seconds, wire_bytes, encoding, load_seconds, chunk)


def describe(backend: str, sync: FirstSync, peer: Replication) -> Line:
    ratio = sync.rate / peer.rate
    text = (
        f"pouchdb ({backend}): Rounds first sync {number(sync.rate)} rows/s vs a PouchDB client "
        f"replicating from pouchdb-server into memory {number(peer.rate)} docs/s "
        f"({peer.docs:,} assets, batches of {peer.batch:,}) = {ratio:.1f}x (aim >= {AIM:.0f}x); "
        f"the bare _changes?include_docs=true read alone "
        f"{number(peer.read_rate)} docs/s = {sync.rate / peer.read_rate:.1f}x "
        f"({peer.wire_bytes / peer.docs:.0f} bytes/doc on the wire, {peer.encoding}; "
        f"loaded by _bulk_docs in {peer.load_seconds:.1f} s)"
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
    if not BIN.exists() or not (HERE / "node_modules" / "pouchdb-core").exists():
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
        except subprocess.CalledProcessError as exc:
            reason = f"the PouchDB client failed: {exc.stderr.strip()[-300:]}"
    lines = [
        describe(backend, sync, peer) if peer else skipped("pouchdb", backend, AIM, str(reason))
        for backend, sync in syncs.items()
    ]
    if not lines:
        lines = [skipped("pouchdb", "-", AIM, str(reason))]
    for line in lines:
        print(line.text, flush=True)
    return lines
