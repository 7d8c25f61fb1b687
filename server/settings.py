"""Settings, one dataclass per concern, read from environment variables.

Every default makes `make run` work on a fresh machine with nothing set. Secrets that
are not given (the signing key, the Web Push VAPID key pair) are generated on first
start and kept under the state directory, so they survive restarts and are never in
the repository.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from server.domain.push_keys import ensure_vapid_keys

REPO_ROOT = Path(__file__).resolve().parent.parent
# A phone photo is 2-6 MiB; a signed PDF far less. Larger uploads are refused (413).
DEFAULT_BLOB_MAX_BYTES = 15 * 1024 * 1024
# A technician's busy day is a few dozen photos; this leaves room for ten times that.
DEFAULT_UPLOAD_QUOTA_BYTES = 200 * 1024 * 1024
# A 12-megapixel phone JPEG is 3-6 MiB; a photo sent only to have its barcode read.
DEFAULT_SCAN_MAX_BYTES = 10 * 1024 * 1024


Environ = Mapping[str, str]


def _env(env: Environ, name: str, default: str) -> str:
    return env.get(name, default) or default


def _env_int(env: Environ, name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw else default


def _env_float(env: Environ, name: str, default: float) -> float:
    raw = env.get(name)
    return float(raw) if raw else default


def _env_bool(env: Environ, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class DatabaseSettings:
    """ROUNDS_DATABASE_URL: SQLAlchemy async URL. Default: SQLite file `<state>/rounds.db`.

    PostgreSQL: `postgresql+asyncpg://user@host:5432/rounds`.
    """

    url: str
    echo: bool = False


@dataclass(frozen=True)
class AuthSettings:
    """Token lifetimes and login throttling.

    ROUNDS_ACCESS_TOKEN_MINUTES (15), ROUNDS_REFRESH_TOKEN_DAYS (30: a worker offline for
    a week can still push), ROUNDS_CONSOLE_SESSION_HOURS (12), ROUNDS_COOKIE_SECURE (true;
    set false only when the console is served over plain HTTP to a non-localhost address),
    ROUNDS_LOGIN_MAX_FAILURES (5) per employee number and address within
    ROUNDS_LOGIN_WINDOW_MINUTES (15); four times as many for unknown numbers per address.
    """

    secret_key: str
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    console_session_hours: int = 12
    cookie_secure: bool = True
    login_max_failures: int = 5
    login_window_minutes: int = 15


@dataclass(frozen=True)
class PushSettings:
    """Web Push VAPID key pair (PEM private key, URL-safe base64 public key) and contact.

    ROUNDS_VAPID_PRIVATE_KEY_FILE, ROUNDS_VAPID_SUBJECT (mailto: or https: contact).
    Generated under the state directory on first start when unset.
    ROUNDS_PUSH_INTERVAL_SECONDS (10): how often pending notifications are pushed; 0 turns
    the background delivery off. ROUNDS_PUSH_ALLOW_PRIVATE_ENDPOINTS (false): accept push
    endpoints on loopback and private addresses (and plain http to this machine), for a
    push service inside the hospital's network or a test stand-in; never on a server
    whose users are not all trusted, since it lets them make the server post inside.
    """

    private_key_file: Path
    public_key: str
    subject: str
    interval_seconds: float = 10.0
    allow_private_endpoints: bool = False


@dataclass(frozen=True)
class S3Settings:
    """The bucket blobs go to when ROUNDS_BLOB_STORE=s3 (docs/operations.md).

    ROUNDS_S3_BUCKET (required), ROUNDS_S3_ENDPOINT_URL (unset: AWS; e.g.
    http://minio:9000), ROUNDS_S3_REGION (us-east-1), ROUNDS_S3_PREFIX (key prefix, e.g.
    `rounds/`), ROUNDS_S3_ACCESS_KEY_ID and ROUNDS_S3_SECRET_ACCESS_KEY (unset: the usual
    AWS chain: environment, shared files, instance role), ROUNDS_S3_ADDRESSING_STYLE
    (`auto`; `path` for most self-hosted servers), ROUNDS_S3_TIMEOUT_SECONDS (10).
    """

    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    prefix: str = ""
    access_key_id: str | None = None
    secret_access_key: str | None = None
    addressing_style: str = "auto"
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class ObservabilitySettings:
    """Logs and metrics (docs/operations.md).

    ROUNDS_LOG_FORMAT (`text`; `json`: one JSON object a line), ROUNDS_LOG_LEVEL (INFO),
    ROUNDS_METRICS_DIR (`<state>/metrics`: where the worker processes of `rounds serve`
    keep their Prometheus counters, so /metrics adds every worker up),
    ROUNDS_METRICS_TOKEN (unset: /metrics answers anyone who can reach it, as on a
    hospital network where only the monitoring host reaches the server; set: it wants
    `Authorization: Bearer <token>`).
    """

    log_format: str = "text"
    log_level: str = "INFO"
    metrics_dir: Path | None = None
    metrics_token: str | None = None


@dataclass(frozen=True)
class Settings:
    """ROUNDS_STATE_DIR (`var/`): where the SQLite file, generated keys and blobs live.

    ROUNDS_BLOB_STORE (`local`: files under ROUNDS_BLOB_DIR; `s3`: a bucket, see
    S3Settings), ROUNDS_BLOB_DIR (`<state>/blobs`), ROUNDS_BLOB_MAX_BYTES (15 MiB: the
    largest photo or signature accepted; larger is refused with 413 `blob_too_large`),
    ROUNDS_UPLOAD_QUOTA_BYTES (200 MiB: bytes of new photos and signatures one person may
    start uploading per UTC day; more is 429 `upload_quota_exceeded`; 0: no limit), ROUNDS_REDIS_URL
    (unset: in-memory channels and jobs; set it when running several workers),
    ROUNDS_PUBLIC_URL (the base printed in asset QR tags, default http://127.0.0.1:8000),
    ROUNDS_DEBUG (false), ROUNDS_PM_INTERVAL_SECONDS (3600: how often a worker looks for
    due maintenance plans and opens their work orders; 0 disables it).
    """

    state_dir: Path
    blob_dir: Path
    public_url: str
    redis_url: str | None
    debug: bool
    database: DatabaseSettings
    auth: AuthSettings
    push: PushSettings
    pwa_dir: Path = field(default=REPO_ROOT / "pwa")
    blob_store: str = "local"
    s3: S3Settings | None = None
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    # ROUNDS_SLA_INTERVAL_SECONDS (60): how often service levels are checked; 0 turns it off.
    sla_interval_seconds: float = 60.0
    blob_max_bytes: int = DEFAULT_BLOB_MAX_BYTES
    upload_quota_bytes: int = DEFAULT_UPLOAD_QUOTA_BYTES
    pm_interval_seconds: int = 3600
    # ROUNDS_PATROL_INTERVAL_SECONDS (60): how often expected rounds are made ahead and
    # judged once their window closed (docs/patrol.md); 0 turns it off.
    patrol_interval_seconds: float = 60.0
    # ROUNDS_PATROL_START_GRACE_MINUTES (10): a round started this long before its window
    # opens (19:58 for 20:00) still belongs to that window.
    patrol_start_grace_minutes: int = 10
    # ROUNDS_SCAN_MAX_BYTES (10 MiB): the largest photo POST /api/v1/scans/decode reads;
    # larger is refused with 413 `photo_too_large`.
    scan_max_bytes: int = DEFAULT_SCAN_MAX_BYTES
    # ROUNDS_STOCK_EXPIRY_WARNING_DAYS (30): a lot expiring within this many days is
    # warned of when it is looked up or scanned.
    expiry_warning_days: int = 30
    # ROUNDS_PATROL_CLOCK_SKEW_SECONDS (300): a patrol or attendance op claiming a time
    # this much after the server received it is a clock anomaly on the verification report.
    patrol_clock_skew_seconds: int = 300
    # ROUNDS_CHANGE_PURGE_INTERVAL_SECONDS (3600): how often one worker (under the job
    # lease) deletes change-log rows older than the retention; 0 turns it off.
    change_purge_interval_seconds: float = 3600.0
    # ROUNDS_CHANGE_RETENTION_DAYS (30): how long change-log rows are kept. A phone that
    # has not synced for longer is answered `reset` and pulls afresh (it sends again what
    # it holds first, so none of its work is lost); a longer retention costs disk.
    change_retention_days: float = 30.0


def _read_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    _write_private(path, value)
    return value


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    # A rename is atomic, so two workers starting together agree on one key.
    if not path.exists():
        tmp.replace(path)
    else:
        tmp.unlink()


def _vapid_keys(env: Environ, state_dir: Path) -> tuple[Path, str]:
    configured = env.get("ROUNDS_VAPID_PRIVATE_KEY_FILE")
    key_file = Path(configured) if configured else state_dir / "vapid_private.pem"
    return key_file, ensure_vapid_keys(key_file, create=not configured)


BLOB_STORES = ("local", "s3")
LOG_FORMATS = ("text", "json")


def _s3_settings(env: Environ) -> S3Settings | None:
    bucket = env.get("ROUNDS_S3_BUCKET")
    if not bucket:
        return None
    prefix = env.get("ROUNDS_S3_PREFIX", "")
    return S3Settings(
        bucket=bucket,
        endpoint_url=env.get("ROUNDS_S3_ENDPOINT_URL") or None,
        region=_env(env, "ROUNDS_S3_REGION", "us-east-1"),
        prefix=f"{prefix.strip('/')}/" if prefix.strip("/") else "",
        access_key_id=env.get("ROUNDS_S3_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("ROUNDS_S3_SECRET_ACCESS_KEY") or None,
        addressing_style=_env(env, "ROUNDS_S3_ADDRESSING_STYLE", "auto"),
        timeout_seconds=_env_float(env, "ROUNDS_S3_TIMEOUT_SECONDS", 10.0),
    )


def _choice(env: Environ, name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env(env, name, default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} is {value!r}; it must be one of {', '.join(choices)}.")
    return value


def _observability(env: Environ, state_dir: Path) -> ObservabilitySettings:
    return ObservabilitySettings(
        log_format=_choice(env, "ROUNDS_LOG_FORMAT", "text", LOG_FORMATS),
        log_level=_env(env, "ROUNDS_LOG_LEVEL", "INFO").upper(),
        metrics_dir=Path(_env(env, "ROUNDS_METRICS_DIR", str(state_dir / "metrics"))),
        metrics_token=env.get("ROUNDS_METRICS_TOKEN") or None,
    )


def load_settings(env: Environ | None = None) -> Settings:
    """Read the settings from `env` (the process environment by default)."""
    env = os.environ if env is None else env
    state_dir = Path(_env(env, "ROUNDS_STATE_DIR", str(REPO_ROOT / "var"))).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    database_url = _env(
        env, "ROUNDS_DATABASE_URL", f"sqlite+aiosqlite:///{state_dir / 'rounds.db'}"
    )
    secret = env.get("ROUNDS_SECRET_KEY") or _read_or_create_secret(state_dir / "secret_key")
    key_file, public_key = _vapid_keys(env, state_dir)
    blob_store = _choice(env, "ROUNDS_BLOB_STORE", "local", BLOB_STORES)
    s3 = _s3_settings(env)
    if blob_store == "s3" and s3 is None:
        raise ValueError("ROUNDS_BLOB_STORE is s3: set ROUNDS_S3_BUCKET to the bucket's name.")
    return Settings(
        blob_store=blob_store,
        s3=s3,
        observability=_observability(env, state_dir),
        state_dir=state_dir,
        blob_dir=Path(_env(env, "ROUNDS_BLOB_DIR", str(state_dir / "blobs"))),
        blob_max_bytes=_env_int(env, "ROUNDS_BLOB_MAX_BYTES", DEFAULT_BLOB_MAX_BYTES),
        upload_quota_bytes=_env_int(env, "ROUNDS_UPLOAD_QUOTA_BYTES", DEFAULT_UPLOAD_QUOTA_BYTES),
        scan_max_bytes=_env_int(env, "ROUNDS_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES),
        public_url=_env(env, "ROUNDS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        redis_url=env.get("ROUNDS_REDIS_URL") or None,
        debug=_env_bool(env, "ROUNDS_DEBUG", False),
        pm_interval_seconds=_env_int(env, "ROUNDS_PM_INTERVAL_SECONDS", 3600),
        expiry_warning_days=_env_int(env, "ROUNDS_STOCK_EXPIRY_WARNING_DAYS", 30),
        database=DatabaseSettings(
            url=database_url, echo=_env_bool(env, "ROUNDS_DATABASE_ECHO", False)
        ),
        auth=AuthSettings(
            secret_key=secret,
            access_token_minutes=_env_int(env, "ROUNDS_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=_env_int(env, "ROUNDS_REFRESH_TOKEN_DAYS", 30),
            console_session_hours=_env_int(env, "ROUNDS_CONSOLE_SESSION_HOURS", 12),
            cookie_secure=_env_bool(env, "ROUNDS_COOKIE_SECURE", True),
            login_max_failures=_env_int(env, "ROUNDS_LOGIN_MAX_FAILURES", 5),
            login_window_minutes=_env_int(env, "ROUNDS_LOGIN_WINDOW_MINUTES", 15),
        ),
        push=PushSettings(
            private_key_file=key_file,
            public_key=public_key,
            subject=_env(env, "ROUNDS_VAPID_SUBJECT", "mailto:facilities@example.org"),
            interval_seconds=_env_float(env, "ROUNDS_PUSH_INTERVAL_SECONDS", 10.0),
            allow_private_endpoints=_env_bool(env, "ROUNDS_PUSH_ALLOW_PRIVATE_ENDPOINTS", False),
        ),
        sla_interval_seconds=_env_float(env, "ROUNDS_SLA_INTERVAL_SECONDS", 60.0),
        patrol_interval_seconds=_env_float(env, "ROUNDS_PATROL_INTERVAL_SECONDS", 60.0),
        patrol_clock_skew_seconds=_env_int(env, "ROUNDS_PATROL_CLOCK_SKEW_SECONDS", 300),
        change_purge_interval_seconds=_env_float(
            env, "ROUNDS_CHANGE_PURGE_INTERVAL_SECONDS", 3600.0
        ),
        change_retention_days=_env_float(env, "ROUNDS_CHANGE_RETENTION_DAYS", 30.0),
        patrol_start_grace_minutes=_env_int(env, "ROUNDS_PATROL_START_GRACE_MINUTES", 10),
    )
