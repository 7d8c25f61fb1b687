"""Rendering console pages: every template gets the language, `t()` and the signed-in actor."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Template

from server.console.i18n import pick_language, translator


def page_context(request: Request[Any, Any, Any], **context: Any) -> dict[str, Any]:
    language = pick_language(request)
    actor = request.scope.get("state", {}).get("actor")
    return {"lang": language, "t": translator(language), "actor": actor, "request": request, **context}


def render(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **context: Any
) -> Template:
    return Template(template_name=template, context=page_context(request, **context), status_code=status)


def error_page(
    request: Request[Any, Any, Any], *, status: int, code: str, detail: str, headers: dict[str, str]
) -> Response[Any]:
    return Template(
        template_name="error.html",
        context=page_context(request, status=status, code=code, detail=detail),
        status_code=status,
        headers=headers,
    )
