"""The field app's barcode decoder is served from /app/ itself: the vendored zxing-wasm
reader module and its WebAssembly, with the media types a browser needs (streaming
compilation refuses a .wasm that is not application/wasm; a module script must be
JavaScript)."""

from __future__ import annotations

import pytest

from server.settings import REPO_ROOT
from tests.integration.console_client import Client

VENDOR = REPO_ROOT / "pwa" / "vendor" / "zxing-wasm"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("zxing_reader.wasm", "application/wasm"),
        ("reader/index.js", "text/javascript"),
        ("share.js", "text/javascript"),
    ],
)
def test_the_vendored_decoder_is_served_with_its_media_type(
    client: Client, path: str, media_type: str
) -> None:
    response = client.get(f"/app/vendor/zxing-wasm/{path}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0].strip() == media_type
    assert response.content == (VENDOR / path).read_bytes()
