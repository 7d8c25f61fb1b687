"""Blobs (photos, signatures) by SHA-256: probe, resumable upload, download, thumbnail.

- `HEAD /api/v1/blobs/{sha256}`: 200 with `Upload-Length`, `Upload-Offset` and
  `Blob-Complete`, or 404 when the server has none of it.
- `PUT /api/v1/blobs/{sha256}`: the file, or with `Upload-Offset` the rest of it;
  201 completed now, 200 already complete, 202 bytes held and more expected.
- `GET /api/v1/blobs/{sha256}`: the cleaned file.
- `GET /api/v1/blobs/{sha256}/thumbnail`: a photo's JPEG thumbnail (at most 320 px).
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, head, put
from litestar.datastructures import State
from litestar.params import HeaderParameter, PathParameter
from litestar.response import File, Stream

from server.domain.accounts.policy import Permission
from server.domain.blobs.schemas import BlobOut
from server.domain.blobs.service import (
    BlobReceiver,
    Outcome,
    UploadHeaders,
    blob_state,
)
from server.errors import NotFound
from server.observability.metrics import BLOB_UPLOADS
from server.web.blob_files import blob_file
from server.web.deps import AppSettings, Blobs, CurrentActor, DbSession
from server.web.security import requires
from server.web.state import runtime

Sha256 = Annotated[
    str,
    PathParameter(
        pattern=r"^[0-9a-f]{64}$", description="Lower-case hex SHA-256 of the file's bytes."
    ),
]
UploadOffset = Annotated[
    int | None,
    HeaderParameter(
        name="upload-offset",
        ge=0,
        required=False,
        description="Resume: the bytes the server holds (from HEAD). Absent: start at byte 0.",
    ),
]
UploadLength = Annotated[
    int | None,
    HeaderParameter(
        name="upload-length",
        ge=0,
        required=False,
        description="Size of the whole file in bytes (default: Content-Length).",
    ),
]

STATUS: dict[Outcome, int] = {"completed": 201, "already_complete": 200, "partial": 202}


def progress_headers(blob: BlobOut) -> dict[str, str]:
    return {
        "Upload-Length": str(blob.size),
        "Upload-Offset": str(blob.received),
        "Blob-Complete": "true" if blob.complete else "false",
        "Cache-Control": "no-store",
    }


class BlobController(Controller):
    path = "/blobs"
    tags = ["blobs"]
    guards = requires(Permission.READ_REFERENCE)

    @head("/{sha256:str}")
    async def probe(
        self, sha256: Sha256, db_session: DbSession, blob_store: Blobs
    ) -> Response[None]:
        """Whether the server has this blob, and how many bytes of an upload it holds."""
        blob = await blob_state(db_session, blob_store, sha256)
        if blob is None:
            raise NotFound("The server has none of this file: upload it from the start.")
        return Response(None, status_code=200, headers=progress_headers(blob))

    @put("/{sha256:str}", request_max_body_size=None, status_code=200)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        sha256: Sha256,
        actor: CurrentActor,
        settings: AppSettings,
        state: State,
        upload_offset: UploadOffset = None,
        upload_length: UploadLength = None,
    ) -> Response[BlobOut]:
        """Upload the file, or resume it with `Upload-Offset` from what HEAD says is held.

        The body is written to the blob store as it arrives, so a dropped connection keeps what got
        through. The size limit (`ROUNDS_BLOB_MAX_BYTES`) is enforced on the stream.
        """
        receiver = BlobReceiver(
            runtime(state).session_factory,
            runtime(state).blobs,
            settings.blob_max_bytes,
            settings.upload_quota_bytes,
        )
        headers = UploadHeaders(upload_offset, upload_length, request.content_length)
        async with aclosing(request.stream()) as body:
            result = await receiver.receive(actor, sha256, headers, body)
        BLOB_UPLOADS.labels(result.outcome).inc()
        return Response(
            result.blob,
            status_code=STATUS[result.outcome],
            headers=progress_headers(result.blob),
        )

    @get("/{sha256:str}")
    async def download(
        self, sha256: Sha256, db_session: DbSession, actor: CurrentActor, blob_store: Blobs
    ) -> File | Stream:
        """The stored file: for a photo, the cleaned rendition (upright, no metadata)."""
        return await blob_file(db_session, actor, blob_store, sha256, thumbnail=False)

    @get("/{sha256:str}/thumbnail")
    async def thumbnail(
        self, sha256: Sha256, db_session: DbSession, actor: CurrentActor, blob_store: Blobs
    ) -> File | Stream:
        """A photo's thumbnail: JPEG, at most 320 px a side."""
        return await blob_file(db_session, actor, blob_store, sha256, thumbnail=True)
