"""The field app at /app/: worker scripts never cached stale, the shell revalidated, the
right media types, and every file of the offline shell served."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.field_app.precache import PWA_DIR, build

Client = TestClient[Litestar]
REVALIDATE = "public, max-age=0, must-revalidate"


@pytest.mark.parametrize(
    "path",
    ["/app/sw.js", "/app/sw-module.js", "/app/src/sw/precache.js", "/app/src/sw/outbox.js"],
)
def test_the_worker_scripts_are_no_cache(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")


def test_every_file_of_the_shell_is_served_cacheable_but_revalidated(client: Client) -> None:
    for url in build().files:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == REVALIDATE, url
        assert response.headers["etag"], url


def test_media_types(client: Client) -> None:
    manifest = client.get("/app/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/app/"
    wasm = next(PWA_DIR.glob("vendor/**/*.wasm"), None)
    assert wasm is not None, "the vendored zxing-wasm reader is under pwa/vendor/"
    response = client.get("/app/" + wasm.relative_to(PWA_DIR).as_posix())
    assert response.headers["content-type"] == "application/wasm"
    assert response.content[:4] == b"\0asm"
    module = client.get("/app/src/app/sw-client.js")
    assert module.headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/app/").headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/app/", "/app/index.html", "/app/sw.js"])
def test_an_unchanged_file_costs_a_304(client: Client, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(path, headers={"If-None-Match": if_none_match})
        assert again.status_code == 304, if_none_match
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == first.headers["cache-control"]
    changed = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    assert changed.content == first.content


def test_the_app_without_its_slash_redirects_into_the_worker_scope(client: Client) -> None:
    response = client.get("/app", follow_redirects=False)
    assert response.status_code in {301, 302, 307, 308}
    assert response.headers["location"] == "/app/"


@pytest.mark.parametrize("path", ["/app/..%2fserver%2fapp.py", "/app/no-such-file.js"])
def test_nothing_else_is_served(client: Client, path: str) -> None:
    response = client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 404
