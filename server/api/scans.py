"""Scans the phone could not read itself.

- `POST /api/v1/scans/decode`: a photo (JPEG, PNG or WebP) as the request body; answers
  the barcodes found in it. At most `ROUNDS_SCAN_MAX_BYTES` (413 `photo_too_large`); a
  file that is not an image, or claims too many pixels, is 422 `image_rejected`.
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Any

from litestar import Controller, Request, post

from server.domain.accounts.policy import Permission
from server.domain.scans.schemas import DecodeResult
from server.domain.scans.service import decode_upload, read_limited
from server.web.deps import AppSettings
from server.web.security import requires


class ScanController(Controller):
    path = "/scans"
    tags = ["scans"]
    guards = requires(Permission.READ_REFERENCE)  # any signed-in role scans

    @post("/decode", request_max_body_size=None, status_code=200)
    async def decode(self, request: Request[Any, Any, Any], settings: AppSettings) -> DecodeResult:
        """Read the barcodes in a photo: raw text and symbology identifier of each.

        The photo is read downscaled first and at full resolution only when nothing is
        found there; EXIF orientation is applied, so corners are in upright pixels.
        """
        async with aclosing(request.stream()) as body:
            data = await read_limited(body, settings.scan_max_bytes)
        return await decode_upload(data)
