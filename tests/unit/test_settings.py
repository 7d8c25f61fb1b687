"""Settings work with nothing set and keep generated secrets across restarts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.settings import load_settings


def test_defaults_need_nothing_set_and_keep_generated_secrets(tmp_path: Path) -> None:
    first = load_settings({"ROUNDS_STATE_DIR": str(tmp_path)})
    again = load_settings({"ROUNDS_STATE_DIR": str(tmp_path)})

    assert first.database.url == f"sqlite+aiosqlite:///{tmp_path / 'rounds.db'}"
    assert first.blob_dir == tmp_path / "blobs"
    assert first.redis_url is None
    assert len(first.auth.secret_key) >= 40
    assert again.auth.secret_key == first.auth.secret_key
    assert again.push.public_key == first.push.public_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "vapid_private.pem").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "ROUNDS_STATE_DIR": str(tmp_path),
            "ROUNDS_DATABASE_URL": "postgresql+asyncpg://db.internal/rounds",
            "ROUNDS_SECRET_KEY": "from-the-environment",
            "ROUNDS_REDIS_URL": "redis://127.0.0.1:6379/0",
            "ROUNDS_REFRESH_TOKEN_DAYS": "45",
        }
    )
    assert settings.database.url == "postgresql+asyncpg://db.internal/rounds"
    assert settings.auth.secret_key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.auth.refresh_token_days == 45


def test_blobs_stay_local_and_logs_text_with_nothing_set(tmp_path: Path) -> None:
    settings = load_settings({"ROUNDS_STATE_DIR": str(tmp_path)})
    assert (settings.blob_store, settings.s3) == ("local", None)
    assert settings.observability.log_format == "text"
    assert settings.observability.metrics_dir == tmp_path / "metrics"
    assert settings.observability.metrics_token is None


def test_the_s3_store_is_chosen_by_settings(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "ROUNDS_STATE_DIR": str(tmp_path),
            "ROUNDS_BLOB_STORE": "s3",
            "ROUNDS_S3_BUCKET": "hospital-blobs",
            "ROUNDS_S3_ENDPOINT_URL": "http://minio.internal:9000",
            "ROUNDS_S3_PREFIX": "/rounds/",
            "ROUNDS_S3_ADDRESSING_STYLE": "path",
            "ROUNDS_LOG_FORMAT": "JSON",
        }
    )
    assert settings.blob_store == "s3"
    assert settings.s3 is not None
    assert (settings.s3.bucket, settings.s3.prefix) == ("hospital-blobs", "rounds/")
    assert settings.s3.endpoint_url == "http://minio.internal:9000"
    assert settings.observability.log_format == "json"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ROUNDS_BLOB_STORE": "s3"}, "set ROUNDS_S3_BUCKET"),
        ({"ROUNDS_BLOB_STORE": "ftp"}, "ROUNDS_BLOB_STORE is 'ftp'; it must be one of local, s3"),
        ({"ROUNDS_LOG_FORMAT": "xml"}, "ROUNDS_LOG_FORMAT is 'xml'; it must be one of text, json"),
    ],
)
def test_a_wrong_store_or_format_is_a_clear_error(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_settings({"ROUNDS_STATE_DIR": str(tmp_path), **env})
