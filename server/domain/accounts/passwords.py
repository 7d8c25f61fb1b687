"""Password hashing with argon2id, run in worker threads.

One argon2id check takes tens of milliseconds of CPU and 64 MiB of memory. On the event
loop it would stall every other request of the worker for that long (a sign-in storm at
shift change would freeze the desk's board), so the async callers hand it to a thread.
At most `HASHING_THREADS` run at once per worker, which bounds the memory a storm takes.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache, partial
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
HASHING_THREADS = 4
_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = WeakKeyDictionary()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return _hasher.hash("decoy password for unknown employee numbers")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; an unknown user costs the same time as a known one."""
    try:
        return _hasher.verify(stored_hash or _decoy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _limiter() -> anyio.CapacityLimiter:
    # A limiter belongs to one event loop; tests and the CLI run several in one process.
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = anyio.CapacityLimiter(HASHING_THREADS)
    return _limiters[loop]


async def verify_in_thread(stored_hash: str | None, password: str) -> bool:
    """`verify_password` off the event loop."""
    check = partial(verify_password, stored_hash, password)
    return await anyio.to_thread.run_sync(check, limiter=_limiter())


async def hash_in_thread(password: str) -> str:
    """`hash_password` off the event loop."""
    return await anyio.to_thread.run_sync(hash_password, password, limiter=_limiter())
