"""The Web Push VAPID key pair: an ECDSA P-256 key kept as PEM under the state directory."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def ensure_vapid_keys(key_file: Path, *, create: bool) -> str:
    """Return the application server public key (URL-safe base64, as browsers expect).

    Creates the key file when it is missing and `create` is set.
    """
    if not key_file.exists():
        if not create:
            raise FileNotFoundError(f"VAPID private key file not found: {key_file}")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = key_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        if not key_file.exists():
            tmp.replace(key_file)
        else:
            tmp.unlink()
    private_key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_file} does not hold an EC private key")
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
