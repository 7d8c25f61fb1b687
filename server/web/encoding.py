"""gzip for large JSON bodies, for clients that accept it (RFC 9110 Accept-Encoding).

A page of a first sync is some 700 KB of JSON and about a fifth of that gzipped, which
is what a phone on a weak ward signal waits for. Level 1 keeps most of that saving for
the least CPU on the server, which serves every phone.
"""

from __future__ import annotations

import zlib

from litestar import Response
from litestar.enums import MediaType

GZIP_LEVEL = 1
GZIP_MIN_BYTES = 1024  # below this the header and the CPU outweigh the saving
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # the gzip container, not raw deflate


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether gzip is acceptable: named with q > 0, or not named and `*` is."""
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    for coding in ("gzip", "x-gzip"):
        if coding in weights:
            return weights[coding] > 0
    return weights.get("*", 0.0) > 0


def gzip_bytes(body: bytes, level: int = GZIP_LEVEL) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, _GZIP_WBITS)
    return compressor.compress(body) + compressor.flush()


def json_response(body: bytes, accept_encoding: str) -> Response[bytes]:
    """An encoded JSON body, gzipped when it is worth it and the client accepts it."""
    headers = {"Vary": "Accept-Encoding"}
    if len(body) >= GZIP_MIN_BYTES and accepts_gzip(accept_encoding):
        body = gzip_bytes(body)
        headers["Content-Encoding"] = "gzip"
    return Response(content=body, media_type=MediaType.JSON, headers=headers)
