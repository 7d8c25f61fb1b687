"""Settings work with nothing set and keep generated secrets across restarts."""

from __future__ import annotations

from pathlib import Path

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
