"""The home page: what the signed-in role does first."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from server.console.pages import render
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.web.security import requires


class HomeController(Controller):
    guards = requires(Permission.USE_CONSOLE)

    @get("/")
    async def home(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        return render(request, "home.html")
