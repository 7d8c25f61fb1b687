"""Decoding an uploaded photo off the event loop, with the server's errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread

from scanners import ScanError, parse_scan
from scanners.decode import DEFAULT_MAX_SIDE, Decoded, PhotoError, decode_photo, upright_size
from server.domain.scans.schemas import DecodedSymbol, DecodeResult, ScanProblem
from server.errors import EmptyBlob, PhotoTooLarge, UnsupportedMedia


async def read_limited(body: AsyncIterator[bytes], limit: int) -> bytes:
    """The whole body, refusing it as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise PhotoTooLarge(
                f"This photo is over {limit} bytes, the most the server decodes.", limit=limit
            )
        chunks.append(chunk)
    if size == 0:
        raise EmptyBlob("The request has no photo in its body.")
    return b"".join(chunks)


def _symbol(found: Decoded) -> DecodedSymbol:
    scan: dict[str, Any] | None = None
    problem = None
    try:
        scan = parse_scan(found.text, symbology_id=found.symbology_identifier or None).to_dict()
    except ScanError as exc:
        problem = ScanProblem(exc.code, exc.message)
    return DecodedSymbol(
        text=found.text,
        format=found.format,
        symbology_identifier=found.symbology_identifier,
        gs1=found.gs1,
        corners=list(found.corners),
        orientation=found.orientation,
        scan=scan,
        problem=problem,
    )


def _decode(data: bytes) -> DecodeResult:
    try:
        found = decode_photo(data)
        width, height = upright_size(data)  # the header only: no pixels decoded again
    except PhotoError as exc:
        raise UnsupportedMedia(str(exc), reason=exc.code) from exc
    downscaled = max(width, height) > DEFAULT_MAX_SIDE
    full = downscaled and (not found or found[0].scale == 1.0)
    return DecodeResult([_symbol(item) for item in found], width, height, full)


async def decode_upload(data: bytes) -> DecodeResult:
    """zxing-cpp releases no event loop of ours: the decode runs in a worker thread."""
    return await to_thread.run_sync(_decode, data)
