"""Posting a patrol form: on success go to the page it changed; on a refusal show the form
again with the message beside the field in error, as the whole page or (for htmx) the
form alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time
from typing import Any

from litestar import Response
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from server.console.pages import page_context, render
from server.errors import InvalidInput


def as_int(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput("Give a whole number.", field=field) from None


def as_float(text: str, field: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        raise InvalidInput("Give a number.", field=field) from None


def as_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("Give a time as HH:MM.", field=field) from None


def as_date(text: str, field: str, *, optional: bool = False) -> date | None:
    if optional and not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("Give a date as YYYY-MM-DD.", field=field) from None


def checked(text: str) -> bool:
    return text.lower() in {"on", "true", "1", "yes"}


def done(request: HTMXRequest, url: str) -> Response[Any]:
    if request.htmx:
        return ClientRedirect(redirect_to=url)
    return Redirect(url, status_code=303)


async def submit(
    request: HTMXRequest,
    action: Callable[[], Awaitable[str]],
    *,
    page: str,
    partial: str,
    context: Callable[[], Awaitable[dict[str, Any]]],
    values: dict[str, Any],
) -> Response[Any]:
    """Run `action` (it returns the address to go to); refused, render the form again."""
    try:
        url = await action()
    except InvalidInput as refused:
        extra = await context()
        return refusal(request, refused, page=page, partial=partial, extra=extra, values=values)
    return done(request, url)


def refusal(
    request: HTMXRequest,
    refused: InvalidInput,
    *,
    page: str,
    partial: str,
    extra: dict[str, Any],
    values: dict[str, Any],
) -> Response[Any]:
    """The form again with the message beside the field in error: the form alone for
    htmx, the whole page with 422 otherwise."""
    shown = {
        "error": refused.message,
        "error_field": refused.extra.get("field", ""),
        "values": values,
        **extra,
    }
    if request.htmx:
        return Template(template_name=partial, context=page_context(request, **shown))
    return render(request, page, status=422, **shown)
