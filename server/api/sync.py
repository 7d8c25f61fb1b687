"""The sync endpoints of protocol version 1 (sync/PROTOCOL.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, QueryParameter
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.sync.catalogue import load_ops
from server.domain.sync.inbox import InboxEntry, device_inbox
from server.domain.sync.pull import pull
from server.domain.sync.push import begin_push, push
from server.errors import BatchTooLarge, DeviceMismatch, DeviceRequired, InvalidRequest
from server.observability.metrics import PULL_PAGES, PULL_ROWS, PUSH_OPS
from server.web.deps import CurrentActor, DbSession
from server.web.encoding import json_response
from server.web.errors import is_transient
from server.web.security import requires
from server.web.state import runtime
from sync.wire import (
    DEFAULT_PULL_LIMIT,
    MAX_OPS_PER_PUSH,
    MAX_PULL_LIMIT,
    PullResponse,
    PushRequest,
    PushResponse,
)

# 500 ops with long notes fit; a photo never travels in a push (blobs are separate).
MAX_PUSH_BYTES = 8 * 1024 * 1024
PUSH_ATTEMPTS = 3
_PAGE_ENCODER = msgspec.json.Encoder()


def _device_of(actor: Actor) -> uuid.UUID:
    if actor.device_id is None:
        raise DeviceRequired("Sign in from the field app: sync is bound to a registered device.")
    return actor.device_id


class SyncController(Controller):
    path = "/sync"
    tags = ["sync"]
    guards = requires(Permission.READ_REFERENCE)

    @post("/push", status_code=200, request_max_body_size=MAX_PUSH_BYTES)
    async def push(
        self, request: Request[Any, Any, Any], actor: CurrentActor, state: State
    ) -> PushResponse:
        """Apply a batch of ops in seq order, each exactly once (see the protocol).

        Body: `{"device_id": "...", "ops": [op, ...]}`. Read by hand so that each op's
        bytes are kept verbatim in the op log.
        """
        try:
            data = msgspec.json.decode(await request.body(), type=PushRequest)
        except msgspec.DecodeError as exc:
            raise InvalidRequest(f"The push body could not be read: {exc}") from exc
        device_id = _device_of(actor)
        if data.device_id != device_id:
            raise DeviceMismatch("These ops belong to another device than the signed-in one.")
        if len(data.ops) > MAX_OPS_PER_PUSH:
            raise BatchTooLarge(
                f"A push carries at most {MAX_OPS_PER_PUSH} ops; this one has {len(data.ops)}."
                " Send the first ones, then the rest.",
                limit=MAX_OPS_PER_PUSH,
            )
        load_ops()
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                async with runtime(state).session_factory() as session:
                    await begin_push(session)
                    result = await push(session, actor, device_id, data.ops)
                    await session.commit()
                    break
            except DBAPIError as exc:
                # Deadlocks between batches touching the same rows: the batch rolled back
                # whole, so running it again is safe.
                if attempt == PUSH_ATTEMPTS or not is_transient(exc):
                    raise
        for answer in result.results:
            PUSH_OPS.labels(answer.status).inc()
        return PushResponse(result.results, result.last_seq, utcnow().isoformat())

    @get(
        "/pull",
        responses={200: ResponseSpec(PullResponse, description="One page of changes.")},
    )
    async def pull(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        state: State,
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
        incarnation: FromQuery[uuid.UUID | None] = None,
    ) -> Response[bytes]:
        """Changes in your scope after `cursor` (all of your scope without one).

        gzipped for a client that sends `Accept-Encoding: gzip`.
        """
        device_id = _device_of(actor)
        engine = runtime(state).engine
        # One snapshot for the data and the acks: REPEATABLE READ on PostgreSQL; a SQLite
        # read transaction is a snapshot already.
        async with engine.connect() as plain:
            connection = plain
            if engine.dialect.name == "postgresql":
                connection = await plain.execution_options(isolation_level="REPEATABLE READ")
            async with AsyncSession(bind=connection) as session, session.begin():
                page = await pull(session, actor, device_id, cursor, limit, incarnation)
        PULL_PAGES.inc()
        PULL_ROWS.inc(len(page.changes))
        return json_response(_PAGE_ENCODER.encode(page), request.headers.get("accept-encoding", ""))

    @get("/ops")
    async def ops(self) -> list[dict[str, Any]]:
        """Every op name and version with the JSON schema of its args and who may send it."""
        return load_ops().catalogue()

    @get("/inbox")
    async def inbox(self, db_session: DbSession, actor: CurrentActor) -> list[InboxEntry]:
        """Your rejected and conflicting ops from this device that nobody has resolved yet."""
        return await device_inbox(db_session, _device_of(actor), actor.user_id)
