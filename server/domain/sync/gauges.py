"""What /metrics reads from the database at each scrape: open conflicts and how far the
sync horizon lags behind.

The horizon (pull.py) is the reading snapshot's `xmin`: the oldest transaction still in
flight anywhere in the PostgreSQL cluster, since xmin is cluster-wide. A long transaction
in another database of the same cluster, an idle-in-transaction session or a forgotten
`BEGIN` in psql holds it back, and phones stop hearing of changes committed after it
began until it ends. Two figures show it: the transactions between the horizon and the
newest (`xmax - xmin`), and the age of the oldest transaction holding an xid or a snapshot.
SQLite serialises writers and has no horizon: both are 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from server.db.models import Conflict

_LAG = text(
    """
    SELECT pg_snapshot_xmax(s)::text::bigint - pg_snapshot_xmin(s)::text::bigint,
           coalesce((SELECT extract(epoch FROM max(clock_timestamp() - xact_start))
                     FROM pg_stat_activity
                     WHERE (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)
                       AND pid <> pg_backend_pid()), 0)
    FROM pg_current_snapshot() AS s
    """
)


@dataclass(frozen=True)
class SyncGauges:
    open_conflicts: int
    horizon_lag_transactions: int
    horizon_lag_seconds: float


async def read_gauges(connection: AsyncConnection) -> SyncGauges:
    open_conflicts = await connection.scalar(
        select(func.count()).select_from(Conflict).where(col(Conflict.status) == "open")
    )
    transactions, seconds = 0, 0.0
    if connection.dialect.name == "postgresql":
        row = (await connection.execute(_LAG)).one()
        transactions, seconds = int(row[0]), float(row[1])
    return SyncGauges(int(open_conflicts or 0), transactions, seconds)
