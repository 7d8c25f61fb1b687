"""Console sign-in with a session cookie (HttpOnly, Secure, SameSite=Lax), sign-out, language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from server.console.i18n import LANG_COOKIE, LANGUAGES
from server.console.pages import render
from server.domain.accounts import service
from server.domain.accounts.policy import Permission
from server.errors import InvalidCredentials
from server.web.deps import AppSettings, DbSession
from server.web.security import PUBLIC, SESSION_COOKIE, requires


class LoginForm(msgspec.Struct):
    employee_no: str
    password: str
    next: str = "/desk/"


def _safe_next(target: str) -> str:
    """Only a path on this console: never an open redirect to another site."""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not parsed.path.startswith("/desk"):
        return "/desk/"
    return target


def _safe_back(target: str) -> str:
    """After a language switch: a console page, or the public card the switch was made on."""
    parsed = urlparse(target)
    if not parsed.scheme and not parsed.netloc and parsed.path.startswith("/a/"):
        return target
    return _safe_next(target)


class ConsoleAuthController(Controller):
    @get("/login", opt=PUBLIC)
    async def login_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = "/desk/"
    ) -> Template:
        return render(request, "login.html", next=_safe_next(next), failed=False)

    @post("/login", opt=PUBLIC, status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LoginForm],
        db_session: DbSession,
        settings: AppSettings,
    ) -> Redirect | Template:
        remote = request.client.host if request.client else ""
        try:
            secret = await service.open_console_session(
                db_session, settings.auth, data.employee_no, data.password, remote
            )
        except InvalidCredentials:
            return render(
                request,
                "login.html",
                status=401,
                next=_safe_next(data.next),
                failed=True,
                employee_no=data.employee_no,
            )
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=secret,
            httponly=True,
            secure=settings.auth.cookie_secure,
            samesite="lax",
            path="/",
            max_age=settings.auth.console_session_hours * 3600,
        )
        return Redirect(_safe_next(data.next), status_code=303, cookies=[cookie])

    @post("/logout", guards=requires(Permission.USE_CONSOLE), status_code=303)
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession) -> Redirect:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            await service.close_console_session(db_session, secret)
        response = Redirect("/desk/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/lang/{language:str}", opt=PUBLIC)
    async def set_language(
        self,
        request: Request[Any, Any, Any],
        language: FromPath[str],
        next: FromQuery[str] = "",
    ) -> Redirect:
        chosen = language if language in LANGUAGES else "en"
        referer = request.headers.get("referer", "/desk/").split(request.base_url.netloc, 1)[-1]
        back = _safe_back(next or referer)
        cookie = Cookie(
            key=LANG_COOKIE, value=chosen, path="/", max_age=365 * 86400, samesite="lax"
        )
        return Redirect(back, cookies=[cookie])
