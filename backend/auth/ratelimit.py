"""Failed-login rate limit per (email, client IP), counted in Redis.

Each attempt reserves a slot with INCR *before* the password is checked, so a burst
of parallel guesses cannot all slip past a read-then-write check. A successful login
deletes the counter; a failed one leaves its slot used. The window is fixed: it starts
at the first counted attempt (EXPIRE NX) and is not extended by later ones.

Redis down: the limit fails open. Locking every user out because a cache is gone
would turn a Redis outage into a full outage; argon2 still makes each guess slow.
"""

from __future__ import annotations

import hashlib
import logging

from backend.api.errors import ApiError
from backend.cache.redis import Cache
from backend.config import Settings

log = logging.getLogger("englog.auth.ratelimit")


def attempts_key(cache: Cache, email: str, ip: str) -> str:
    # Hashed so the key space holds no email addresses.
    digest = hashlib.sha256(f"{email.strip().lower()}\x00{ip}".encode()).hexdigest()[:32]
    return cache.key("login-fail", digest)


def too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, "Too Many Requests",
        f"Too many failed logins. Try again in {retry_after} seconds.",
        kind="rate-limited", headers={"Retry-After": str(retry_after)},
        extra={"retry_after": retry_after},
    )


async def reserve_attempt(cache: Cache, settings: Settings, email: str, ip: str) -> None:
    """Count this attempt; raise 429 (with Retry-After) once the failures are used up."""
    key = attempts_key(cache, email, ip)
    count = await cache.incr(key, settings.login_window_seconds)
    if count is None:
        log.warning("login rate limit unavailable (Redis down): allowing the attempt")
        return
    if count <= settings.login_max_failures:
        return
    ttl = await cache.ttl(key)
    if ttl == -1:
        # No expiry should not happen after INCR+EXPIRE NX, but a stuck key must not lock forever.
        await cache.set(key, str(count), settings.login_window_seconds)
        ttl = settings.login_window_seconds
    elif ttl is None or ttl < 1:
        ttl = 1  # the key is expiring right now
    raise too_many(ttl)


async def reset(cache: Cache, email: str, ip: str) -> None:
    await cache.delete(attempts_key(cache, email, ip))
