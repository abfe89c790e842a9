"""Login throttles counted in Redis: failures per (email, client IP), and attempts per
client IP across all accounts (one address spraying passwords over many accounts). The
per-account lock across IPs lives in PostgreSQL (backend.auth.lockout).

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


def ip_key(cache: Cache, ip: str) -> str:
    return cache.key("login-ip", ip)


async def _reserve(cache: Cache, key: str, limit: int, window: int) -> None:
    count = await cache.incr(key, window)
    if count is None:
        log.warning("login rate limit unavailable (Redis down): allowing the attempt")
        return
    if count <= limit:
        return
    ttl = await cache.ttl(key)
    if ttl == -1:
        # No expiry should not happen after INCR+EXPIRE NX, but a stuck key must not lock forever.
        await cache.set(key, str(count), window)
        ttl = window
    elif ttl is None or ttl < 1:
        ttl = 1  # the key is expiring right now
    raise too_many(ttl)


async def reserve_attempt(cache: Cache, settings: Settings, email: str, ip: str) -> None:
    """Count this attempt; raise 429 (with Retry-After) once the failures are used up."""
    await _reserve(cache, attempts_key(cache, email, ip), settings.login_max_failures,
                   settings.login_window_seconds)


async def reserve_ip_attempt(cache: Cache, settings: Settings, ip: str) -> None:
    """Count this attempt against the client IP, whatever the account; 429 past the limit."""
    await _reserve(cache, ip_key(cache, ip), settings.login_ip_max_failures,
                   settings.login_ip_window_seconds)


async def release_ip_attempt(cache: Cache, ip: str) -> None:
    # A success gives its slot back, but does not wipe the IP's earlier failures: otherwise
    # logging into one's own account between guesses would reset the count.
    await cache.decr(ip_key(cache, ip))


async def reset(cache: Cache, email: str, ip: str) -> None:
    await cache.delete(attempts_key(cache, email, ip))
