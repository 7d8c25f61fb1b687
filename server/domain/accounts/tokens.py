"""Access tokens (signed, short-lived) and opaque secrets (refresh tokens, sessions)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from server.errors import TokenExpired, Unauthenticated

ALGORITHM = "HS256"
AUDIENCE = "rounds-api"


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    device_id: uuid.UUID
    family_id: uuid.UUID


def issue_access_token(
    claims: AccessClaims, *, secret: str, now: datetime, lifetime: timedelta
) -> str:
    payload = {
        "sub": str(claims.user_id),
        "did": str(claims.device_id),
        "fam": str(claims.family_id),
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_access_token(token: str, *, secret: str) -> AccessClaims:
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE)
        return AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            device_id=uuid.UUID(payload["did"]),
            family_id=uuid.UUID(payload["fam"]),
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("The access token has expired: refresh it.") from exc
    except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
        raise Unauthenticated("The access token is not valid.") from exc


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def successor_secret(presented: str, *, key: str) -> str:
    """The refresh token that rotation issues for `presented`, the same every time.

    Only digests are stored, so a response lost on the way to the phone could not be
    sent again from the database; deriving the successor from the token the phone still
    holds, under the server's key, lets a retry get the same token without storing it.
    """
    mac = hmac.new(key.encode(), b"rounds-refresh-successor\x00" + presented.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def digest(secret: str) -> str:
    """What is stored for a secret: a database read must not yield usable tokens."""
    return hashlib.sha256(secret.encode()).hexdigest()
