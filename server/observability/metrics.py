"""Prometheus metrics, added up over every worker process.

Counters and histograms live in prometheus-client's multiprocess mode when
`PROMETHEUS_MULTIPROC_DIR` is set (`rounds serve` sets it to ROUNDS_METRICS_DIR before any
worker starts): each process writes its own memory-mapped file there and a scrape of any
worker reads them all, so two workers that served ten requests each report twenty. What
describes the database rather than a process (open conflicts, the sync horizon's lag) is
never kept in a process: it is read from the database at each scrape.

Without the variable (tests that run the app in their own process) the process registry
is used as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "rounds_http_request_duration_seconds",
    "Time from a request's arrival to the last byte of its response.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PUSH_OPS = Counter(
    "rounds_sync_push_ops",
    "Ops received by push, by outcome (applied, rejected, conflict, duplicate, gap...).",
    ["status"],
)
PULL_PAGES = Counter("rounds_sync_pull_pages", "Pull pages served.")
PULL_ROWS = Counter("rounds_sync_pull_rows", "Changed rows delivered by pull.")
JOB_RUNS = Counter(
    "rounds_job_runs",
    "Recurring job turns by outcome: ran, skipped (another worker held the lease), failed.",
    ["job", "outcome"],
)
BLOB_UPLOADS = Counter(
    "rounds_blob_uploads",
    "Blob PUTs by outcome (completed, partial, already_complete).",
    ["outcome"],
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class _Families(Collector):
    """Metric families computed for one scrape."""

    def __init__(self, families: Sequence[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


class _Forward(Collector):
    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def render(scraped: Sequence[Metric]) -> bytes:
    """The exposition text: every process's counters plus `scraped` (read at this scrape)."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Forward())
    registry.register(_Families(scraped))
    return generate_latest(registry)
