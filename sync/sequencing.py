"""Per-device order: what to do with an op given the last seq applied for its stream.

A stream is one `(device_id, incarnation)`: a wiped phone starts a new incarnation at 1.

>>> decide(known=False, seq=5, last_seq=4)
'apply'
>>> decide(known=False, seq=7, last_seq=4)
'seq_gap'
>>> decide(known=False, seq=3, last_seq=4)
'seq_reused'
>>> decide(known=True, seq=3, last_seq=4)
'duplicate'
"""

from __future__ import annotations

from typing import Literal

Decision = Literal["apply", "duplicate", "seq_gap", "seq_reused"]


def decide(*, known: bool, seq: int, last_seq: int) -> Decision:
    if known:
        return "duplicate"
    if seq == last_seq + 1:
        return "apply"
    if seq > last_seq + 1:
        return "seq_gap"
    return "seq_reused"
