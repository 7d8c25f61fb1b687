"""Rendering console pages: every template gets the language, `t()` and the signed-in actor.

Templates also get `can(actor, Permission.X)` so the navigation and panels show only
what the actor's role may open; the route guards still decide, this only hides links.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import Template

from server.console.i18n import DEFAULT_LANGUAGE, MESSAGES, pick_language, translator
from server.domain.accounts.policy import Permission, can

# A list URL answers a full page or only its results; caches must keep the two apart.
VARY_ON_HTMX = {"Vary": "HX-Request"}


def page_context(request: Request[Any, Any, Any], **context: Any) -> dict[str, Any]:
    language = pick_language(request)
    actor = request.scope.get("state", {}).get("actor")
    return {
        "lang": language,
        "t": translator(language),
        "actor": actor,
        "request": request,
        "can": can,
        "Permission": Permission,
        **context,
    }


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    return Template(
        template_name=template,
        context=page_context(request, **context),
        status_code=status,
        headers=headers,
    )


def render_page_or_partial(
    request: HTMXRequest, page: str, partial: str, *, push_url: str, **context: Any
) -> Template:
    """One handler, two renderings: the results partial for htmx, the whole page otherwise.

    A history restore (the user went back and htmx's cache missed) needs the whole page.
    `push_url` is the clean address of what is shown, without the form's empty fields.
    """
    if request.htmx and not request.htmx.history_restore_request:
        return HTMXTemplate(
            template_name=partial,
            context=page_context(request, **context),
            push_url=push_url,
            headers=VARY_ON_HTMX,
        )
    return Template(
        template_name=page, context=page_context(request, **context), headers=VARY_ON_HTMX
    )


def localised_detail(language: str, code: str, detail: str) -> str:
    """The server's English detail is the most specific; other languages get the code's text."""
    key = f"error.{code}"
    if language == DEFAULT_LANGUAGE or key not in MESSAGES:
        return detail
    return translator(language)(key)


def error_page(
    request: Request[Any, Any, Any], *, status: int, code: str, detail: str, headers: dict[str, str]
) -> Response[Any]:
    message = localised_detail(pick_language(request), code, detail)
    return Template(
        template_name="error.html",
        context=page_context(request, status=status, code=code, detail=message),
        status_code=status,
        headers=headers,
    )
