"""Which clients get a gzipped body (RFC 9110 Accept-Encoding)."""

from __future__ import annotations

import gzip

import pytest

from server.web.encoding import GZIP_MIN_BYTES, accepts_gzip, json_response


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("deflate, GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_gzip_is_acceptable_as_the_header_says(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_a_large_body_is_gzipped_and_a_small_one_is_not() -> None:
    large = b'{"changes": [' + b'{"type": "asset"},' * GZIP_MIN_BYTES + b"{}]}"
    response = json_response(large, "gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert isinstance(response.content, bytes)
    assert gzip.decompress(response.content) == large
    small = json_response(b"{}", "gzip")
    assert "Content-Encoding" not in small.headers
    assert json_response(large, "identity").content == large
