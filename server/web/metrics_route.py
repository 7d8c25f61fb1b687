"""GET /metrics: Prometheus exposition text for the whole server (every worker).

Public at the routing layer (a Prometheus scraper has no user account). When
ROUNDS_METRICS_TOKEN is set the scraper must send `Authorization: Bearer <token>`;
otherwise keep the port reachable only from the monitoring network (docs/operations.md).
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST

from server.domain.sync.gauges import read_gauges
from server.errors import Unauthenticated
from server.observability.metrics import gauge, render
from server.web.security import PUBLIC
from server.web.state import runtime


def _check_token(request: Request[Any, Any, Any], token: str | None) -> None:
    if token is None:
        return
    sent = request.headers.get("authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Unauthenticated(
            "Send the metrics token: Authorization: Bearer <ROUNDS_METRICS_TOKEN>."
        )


@get("/metrics", opt=PUBLIC, include_in_schema=False)
async def metrics(request: Request[Any, Any, Any], state: State) -> Response[bytes]:
    rt = runtime(state)
    _check_token(request, rt.settings.observability.metrics_token)
    async with rt.engine.connect() as connection:
        now = await read_gauges(connection)
    body = render(
        [
            gauge(
                "rounds_sync_conflicts_open", "Conflicts waiting for a person.", now.open_conflicts
            ),
            gauge(
                "rounds_sync_horizon_lag_transactions",
                "Transactions between the sync horizon (cluster snapshot xmin) and the newest.",
                now.horizon_lag_transactions,
            ),
            gauge(
                "rounds_sync_horizon_lag_seconds",
                "Age of the oldest transaction in the cluster holding the horizon back.",
                now.horizon_lag_seconds,
            ),
        ]
    )
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
