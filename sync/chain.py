"""The per-device hash chain that makes a removed or altered op detectable.

An op's hash is the SHA-256 of its canonical JSON: object keys sorted, no insignificant
white space, UTF-8, with every field of the op (including `prev_hash`, which is what
chains it to the op before). The field `blobs` is included; unknown fields are not.

"""

from __future__ import annotations

import hashlib
import json
from typing import Any

CHAIN_FIELDS = (
    "op_id",
    "incarnation",
    "seq",
    "name",
    "v",
    "args",
    "client_time",
    "hlc",
    "blobs",
    "prev_hash",
)
GENESIS = ""


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def op_hash(op: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({key: op.get(key) for key in CHAIN_FIELDS})).hexdigest()
