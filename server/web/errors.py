"""One mapper from failures to HTTP: problem details for the API, HTML for the console."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError, OperationalError

from server.errors import FRAMEWORK_CODES, DatabaseBusy, DatabaseUnavailable, RoundsError

log = logging.getLogger("rounds.errors")

PROBLEM_JSON = "application/problem+json"


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return not path.startswith("/api/") and path != "/healthz"


def _problem(
    status: int, code: str, title: str, detail: str, headers: dict[str, str], **extra: Any
) -> Response[dict[str, Any]]:
    body = {
        "type": f"about:blank#{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _respond(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[Any]:
    headers = headers or {}
    if not _wants_html(request):
        return _problem(status, code, title, detail, headers, **extra)
    if status == 401 and request.url.path.startswith("/desk"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/desk/login?next={quote(target)}")
    from server.console.pages import error_page

    return error_page(request, status=status, code=code, detail=detail, headers=headers)


def _rounds_error(request: Request[Any, Any, Any], exc: RoundsError) -> Response[Any]:
    return _respond(request, exc.status, exc.code, exc.title, exc.message, exc.headers, **exc.extra)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code, title = FRAMEWORK_CODES.get(status, ("http_error", "Request failed"))
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
    detail = exc.detail if exc.detail and exc.detail != title else title
    return _respond(request, status, code, title, str(detail), dict(exc.headers or {}), **extra)


def is_transient(exc: BaseException) -> bool:
    """A deadlock or serialisation failure: the same request will succeed if retried."""
    state = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    return isinstance(exc, DBAPIError) and state.startswith("40")


def _database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_transient(exc):
        busy = DatabaseBusy("The database was busy with a conflicting write. Try again.")
        return _rounds_error(request, busy)
    if (
        isinstance(exc, DBAPIError)
        and not exc.connection_invalidated
        and not isinstance(exc, OperationalError)
    ):
        return _internal_error(request, exc)
    log.warning("database unavailable: %s", exc)
    err = DatabaseUnavailable("The database is not reachable right now. Nothing was changed.")
    return _rounds_error(request, err)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        500,
        "internal_error",
        "Internal error",
        "Something went wrong on the server. It has been logged.",
    )


def _connection_refused(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _database_error(request, exc)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    RoundsError: _rounds_error,
    HTTPException: _http_error,
    DBAPIError: _database_error,
    ConnectionRefusedError: _connection_refused,
    Exception: _internal_error,
}
