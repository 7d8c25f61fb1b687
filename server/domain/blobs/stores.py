"""The blob store the settings choose (ROUNDS_BLOB_STORE)."""

from __future__ import annotations

from server.domain.blobs.storage import BlobStore
from server.domain.blobs.store import LocalBlobStore
from server.settings import Settings


def make_blob_store(settings: Settings) -> BlobStore:
    if settings.blob_store == "s3":
        from server.domain.blobs.s3 import S3BlobStore  # loads botocore only when used

        assert settings.s3 is not None  # load_settings insists on a bucket
        return S3BlobStore(settings.s3)
    return LocalBlobStore(settings.blob_dir)
