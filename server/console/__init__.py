"""The desk console under /desk (server-rendered, HTMX) and the public asset card at /a/{tag}."""

from litestar import Router

from server.console.auth import ConsoleAuthController
from server.console.home import HomeController


def console_router() -> Router:
    return Router(
        path="/desk",
        route_handlers=[ConsoleAuthController, HomeController],
        include_in_schema=False,
    )


def public_router() -> Router:
    return Router(path="/", route_handlers=[], include_in_schema=False)
