"""`make bench`: push, pull and a pouchdb-server peer on SQLite and PostgreSQL, and the
field app's cold start offline in Chromium.

    python -m bench.run [--quick] [--backend sqlite|postgresql ...] [--workers N]
                        [--only sync|field-app|scanners|patrol|import] [--patrol-guards N]

Every figure is a ratio against a baseline measured in the same run on the same machine;
the run prints them, writes the summary to bench/last-run.txt and exits 0 whatever they
are. Each database is a scratch one, created and dropped here.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import field_app, imports, patrol, pouch, pull, push, report, scanners
from bench.common import FULL, QUICK, Line, Sizes, load_demo_hospital, skipped
from bench.pull import FirstSync
from bench.serving import rounds_server
from tests.databases import BACKENDS, PG_SERVER, pg_reachable, scratch_database

PARTS = ("sync", "field-app", "scanners", "patrol", "import")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--backend", action="append", choices=BACKENDS, help="repeat for several (default: both)"
    )
    parser.add_argument("--workers", type=int, default=1, help="`rounds serve` worker processes")
    parser.add_argument(
        "--only",
        choices=PARTS,
        help="one part: sync (push, pull, pouchdb), field-app, scanners or patrol (a "
        "500-guard month verified), import (50,000 assets from CSV and XLSX; default: all)",
    )
    parser.add_argument(
        "--patrol-guards",
        type=int,
        default=None,
        help="guards of the patrol month (default 500, 50 with --quick): a smaller month "
        "for a loaded machine",
    )
    return parser


def _unavailable(backend: str) -> str | None:
    if backend == "postgresql" and not pg_reachable():
        return f"PostgreSQL at {PG_SERVER} is not reachable"
    return None


def bench_backend(
    backend: str, sizes: Sizes, directory: Path, workers: int
) -> tuple[list[Line], FirstSync]:
    """Load the demo into a scratch database, serve it, then pull and push through it."""
    directory.mkdir(parents=True)
    with scratch_database(backend, directory) as url:
        counts, seconds = load_demo_hospital(url, sizes.demo)
        print(
            f"{backend}: loaded the {sizes.demo} demo hospital ({counts['asset']:,} assets, "
            f"{sum(counts.values()):,} rows) in {seconds:.1f} s",
            flush=True,
        )
        with rounds_server(url, directory / "state", workers) as base:
            pull_line, sync = pull.run(backend, base, url, sizes)
            push_line = push.run(backend, base, url, sizes, sync.assets)
    return [pull_line, push_line], sync


def _skipped_backend(backend: str, reason: str) -> list[Line]:
    lines = [skipped("pull", backend, pull.AIM, reason), skipped("push", backend, push.AIM, reason)]
    for line in lines:
        print(line.text, flush=True)
    return lines


def _title(sizes: Sizes, quick: bool, workers: int, seconds: float, load: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Rounds benchmarks, {'quick' if quick else 'full'} run, {stamp}, {seconds:.0f} s\n"
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start; "
        f"{workers} server worker(s)\n"
        f"sizes: demo {sizes.demo}; push {sizes.devices} devices x {sizes.batches} batches "
        f"of {sizes.batch_ops} ops; pull pages of {sizes.page_limit}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started, load = time.monotonic(), os.getloadavg()[0]  # other work skews every figure
    lines: list[Line] = []
    syncs: dict[str, FirstSync] = {}
    parts = [args.only] if args.only else PARTS
    with tempfile.TemporaryDirectory(prefix="rounds-bench-") as scratch:
        if "sync" in parts:
            for backend in args.backend or BACKENDS:
                reason = _unavailable(backend)
                if reason is not None:
                    lines += _skipped_backend(backend, reason)
                    continue
                done, syncs[backend] = bench_backend(
                    backend, sizes, Path(scratch, backend), args.workers
                )
                lines += done
            lines += pouch.run(Path(scratch, "pouchdb"), syncs, sizes.pouch_chunk)
        if "field-app" in parts:
            lines.append(field_app.run(Path(scratch, "field-app"), sizes, quick=args.quick))
        if "scanners" in parts:
            lines += scanners.run(quick=args.quick)
        if "patrol" in parts:
            backends = list(args.backend or BACKENDS)
            lines += patrol.run(
                Path(scratch, "patrol"), backends, quick=args.quick, guards=args.patrol_guards
            )
        if "import" in parts:
            backends = list(args.backend or BACKENDS)
            lines += imports.run(Path(scratch, "import"), backends, quick=args.quick)
    text = report.summary(
        _title(sizes, args.quick, args.workers, time.monotonic() - started, load), lines
    )
    print(f"\n{text}", end="", flush=True)
    report.write(text)
    print(f"(written to {report.LAST_RUN})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
