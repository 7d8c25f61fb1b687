"""Who is calling: a bearer token (field app, integrations) or the console's session cookie.

Every route handler either names the `Permission` it needs with `requires(...)`, or is
marked public with `PUBLIC`; a test walks the route table to keep it so.

The JSON API (marked `BEARER_ONLY`) takes bearer tokens only. A browser sends the
console's cookie with any request to this origin, including a form another site makes
it post; the console's own pages check a CSRF token for that, the API does not, so the
cookie must not sign anyone in there.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.accounts.service import actor_from_access_token, actor_from_console_session
from server.errors import BearerRequired, Unauthenticated
from server.web.state import runtime

SESSION_COOKIE = "rounds_session"
PUBLIC: dict[str, Any] = {"public": True}
BEARER_ONLY: dict[str, Any] = {"bearer_only": True}


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def resolve_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    cached = connection.scope.get("state", {}).get("actor")
    if isinstance(cached, Actor):
        return cached
    rt = runtime(connection.app.state)
    token = bearer_token(connection)
    cookie = connection.cookies.get(SESSION_COOKIE)
    async with rt.session_factory() as session:
        if token:
            actor = await actor_from_access_token(session, rt.settings.auth, token)
        elif cookie and connection.route_handler.opt.get("bearer_only"):
            raise BearerRequired(
                "The API takes a bearer token (Authorization: Bearer ...) from the field app"
                " or an integration; the desk console's session cookie is not accepted here."
            )
        elif cookie:
            actor = await actor_from_console_session(session, cookie)
        else:
            raise Unauthenticated("Sign in first.")
    connection.state.actor = actor
    return actor


def requires(permission: Permission) -> list[Guard]:
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        require(await resolve_actor(connection), permission)

    guard.__qualname__ = f"requires({permission.value})"
    return [guard]


async def provide_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    return await resolve_actor(request)
