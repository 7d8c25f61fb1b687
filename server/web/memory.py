"""The garbage collector's pace for a server that builds large responses.

A pull page turns a thousand rows into dicts, a JSON body and a gzip stream: tens of
thousands of short-lived containers. At CPython's default threshold (700 allocations)
that sets off a full collection every few pages, each walking the whole heap (some
200,000 long-lived objects: routes, mappers, compiled statements) for 120-160 ms: a
first sync of a large hospital spent about a third of its time there. Rarer young
collections let most of those containers die by reference counting first; the full
collections still run, a tenth as often.
"""

from __future__ import annotations

import gc
from typing import Final

YOUNG_THRESHOLD: Final = 100_000


def pace_garbage_collector() -> None:
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
