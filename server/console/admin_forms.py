"""Posting an administration form: success goes on (or shows a one-time secret), a refusal
shows the form again with a 422 and the message beside the field in error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response
from litestar.datastructures import FormMultiDict
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from server.console.pages import render
from server.console.patrol_forms import done
from server.errors import InvalidInput

Outcome = str | Template


async def form_values(request: HTMXRequest) -> tuple[dict[str, Any], FormMultiDict]:
    """The posted fields: single values as text, and the raw form for repeated ones."""
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if key != "_csrf_token"}
    return values, form


async def submit_form(
    request: HTMXRequest,
    action: Callable[[], Awaitable[Outcome]],
    *,
    page: str,
    context: Callable[[], Awaitable[dict[str, Any]]],
    values: dict[str, Any],
) -> Response[Any]:
    """Run `action`: an address to go to, or a page to show (a password shown once)."""
    try:
        outcome = await action()
    except InvalidInput as refused:
        shown = {
            "error": refused.message,
            "error_field": refused.extra.get("field", ""),
            "values": values,
            **await context(),
        }
        # The administration forms post as plain forms (no hx-post), so the whole page
        # comes back with its 422 and the browser shows it.
        return render(request, page, status=422, **shown)
    if isinstance(outcome, Template):
        return outcome
    return done(request, outcome)
