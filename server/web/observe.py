"""Around every HTTP request: its id (X-Request-ID) for the logs, and its latency by route
template for /metrics."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from litestar import Litestar
from litestar.types import LifeSpanReceive, LifeSpanScope, LifeSpanSend, Receive, Scope, Send

from server.observability.logs import REQUEST_ID
from server.observability.metrics import REQUEST_SECONDS

HEADER = b"x-request-id"
# Ids from outside are logged: only short, plain ones are taken as they are.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_of(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == HEADER:
            sent = value.decode("latin-1")
            if ACCEPTED_ID.match(sent):
                return sent
    return uuid.uuid4().hex


class ObservedApp(Litestar):
    """The app, with each HTTP request given an id and timed (routing included, so a
    404 for an unknown path is logged with its id too)."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if str(scope["type"]) != "http":
            await super().__call__(scope, receive, send)
            return
        plain_send: Any = send
        http_scope: Any = scope
        request_id = request_id_of(http_scope["headers"])
        token = REQUEST_ID.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers: list[Any] = [
                    *(h for h in message.get("headers", []) if h[0].lower() != HEADER),
                    (HEADER, request_id.encode()),
                ]
                message = {**message, "headers": headers}
            await plain_send(message)

        try:
            await super().__call__(scope, receive, send_with_id)
        finally:
            route = http_scope.get("path_template") or "unmatched"
            method = str(http_scope["method"])
            REQUEST_SECONDS.labels(method, route, str(status)).observe(
                time.perf_counter() - started
            )
            REQUEST_ID.reset(token)
