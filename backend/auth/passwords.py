"""argon2id password hashing (argon2-cffi defaults, RFC 9106 low-memory profile).

- One normalisation everywhere a password enters (register, login, email change): Unicode
  NFKC, nothing stripped. Spaces are part of a password; a full-width "Ｐ" and "P" are not
  different passwords to the person typing them (NIST SP 800-63B 5.1.1.2).
- argon2 runs on a small thread pool of its own, at most `argon2_max_concurrency` at a time
  (default: one per core), so hashing never takes the threads other code relies on and a
  burst of logins queues instead of thrashing the CPU.
- A login for an email with no account does no argon2 work at all: it waits as long as a
  real verification recently took (`pretend_verify`). The answer takes the same time, and a
  flood of made-up emails costs the server nothing but timers, so it cannot starve real
  logins of CPU.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.ops.metrics import PASSWORD_HASHES

_hasher = PasswordHasher()


def normalize(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


class _Pool:
    def __init__(self) -> None:
        self.size = 0
        self.executor: ThreadPoolExecutor | None = None
        self.semaphore: asyncio.Semaphore | None = None

    def configure(self, max_concurrency: int) -> None:
        self.size = max_concurrency or os.cpu_count() or 1

    async def run(self, fn, *args):
        if self.executor is None:
            self.size = self.size or os.cpu_count() or 1
            self.executor = ThreadPoolExecutor(self.size, thread_name_prefix="argon2")
            self.semaphore = asyncio.Semaphore(self.size)
        async with self.semaphore:
            return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


_pool = _Pool()
configure = _pool.configure

# Seconds a verification took recently (exponential moving average), seeded by timing one
# hash now; what a login for an unknown email waits.
_t0 = time.perf_counter()
_hasher.hash("englog-timing-seed")
_verify_seconds = time.perf_counter() - _t0


def _observe(seconds: float) -> None:
    global _verify_seconds
    _verify_seconds = 0.8 * _verify_seconds + 0.2 * seconds


async def hash_password(password: str) -> str:
    PASSWORD_HASHES.labels("hash").inc()
    return await _pool.run(_hasher.hash, normalize(password))


async def verify_password(password_hash: str, password: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(password_hash, normalize(password))
        except (VerificationError, InvalidHashError):
            return False

    PASSWORD_HASHES.labels("verify").inc()
    started = time.perf_counter()
    ok = await _pool.run(_verify)
    _observe(time.perf_counter() - started)
    return ok


async def pretend_verify() -> bool:
    """Take as long as verifying a password does, without doing it. Always False."""
    await asyncio.sleep(_verify_seconds * random.uniform(0.9, 1.1))
    return False
