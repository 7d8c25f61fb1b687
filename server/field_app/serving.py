"""Serving `pwa/` at `/app/`: the right media types, and caching that never strands a phone.

The service worker's scripts (`sw.js`, `sw-module.js`, `src/sw/*`) are `no-cache`, so an
update check always reaches the server. Everything else may be stored but is revalidated
on every use (`max-age=0, must-revalidate`); a file that has not changed costs a 304, so a
new worker's install (which revalidates each listed file) downloads only what changed.
`/app` redirects to `/app/`, the worker's scope.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.response import Redirect
from litestar.response.file import ASGIFileResponse
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED
from litestar.types import ASGIApp

from server.field_app.precache import URL_PREFIX, WORKER_ONLY
from server.web.security import PUBLIC

WORKER_CACHING = "no-cache"
SHELL_CACHING = "public, max-age=0, must-revalidate"
# Set here rather than left to the `mimetypes` tables, which differ between systems.
MEDIA_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
}


def _etag(path: Path) -> str:
    stat = path.stat()
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _caching(relative: str) -> str:
    return WORKER_CACHING if relative.startswith(WORKER_ONLY) else SHELL_CACHING


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = {value.strip().removeprefix("W/") for value in if_none_match.split(",")}
    return etag in candidates or "*" in candidates


def field_app_router(pwa_dir: Path) -> Router:
    """`/app/` from `pwa_dir` in HTML mode (a directory serves its index.html)."""
    root = pwa_dir.resolve()

    def served_file(request: Request[Any, Any, Any]) -> Path | None:
        relative = request.url.path.removeprefix(URL_PREFIX.rstrip("/")).lstrip("/")
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            return None
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None

    # Both hooks stat files, so they are sync: Litestar runs them in its thread pool.
    def before(request: Request[Any, Any, Any]) -> Response[None] | None:
        # Routing drops a trailing slash from the path; the raw path keeps it.
        if request.scope.get("raw_path") == URL_PREFIX.rstrip("/").encode():
            # Outside the worker's scope, and relative URLs would resolve one level up.
            return Redirect(URL_PREFIX)
        if_none_match = request.headers.get("if-none-match")
        path = served_file(request) if if_none_match else None
        if path is None or if_none_match is None or not _matches(if_none_match, _etag(path)):
            return None
        headers = {
            "etag": _etag(path),
            "cache-control": _caching(path.relative_to(root).as_posix()),
        }
        return Response(None, status_code=HTTP_304_NOT_MODIFIED, headers=headers)

    def after(response: ASGIApp) -> ASGIApp:
        if isinstance(response, ASGIFileResponse) and response.status_code == HTTP_200_OK:
            path = Path(os.fspath(response.file_path)).resolve()
            if path.is_relative_to(root):
                response.headers["cache-control"] = _caching(path.relative_to(root).as_posix())
                response.headers["etag"] = _etag(path)
            if path.suffix in MEDIA_TYPES:
                response.headers["content-type"] = MEDIA_TYPES[path.suffix]
        return response

    return create_static_files_router(
        path=URL_PREFIX,
        directories=[pwa_dir],
        html_mode=True,
        before_request=before,
        after_request=after,
        opt=PUBLIC,
        include_in_schema=False,
    )
