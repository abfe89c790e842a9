"""Redis access that degrades instead of failing.

Redis holds only derived or short-lived data (caches, rate-limit counters, revoked
session ids), so when it is down the API keeps serving from PostgreSQL and /health
reports "degraded". Every call here swallows connection errors and returns a miss.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.connection import Connection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from backend.cache.batching import CommandBatcher
from backend.ops.metrics import REDIS_ERRORS

log = logging.getLogger("englog.redis")

# After a failure, skip Redis for this long so a dead Redis does not add a connect
# attempt to every request.
_RETRY_AFTER_S = 2.0


class _Connection(Connection):
    """redis-py's connection, minus one asyncio task per command.

    With a socket timeout, redis-py sends every command through asyncio.wait_for, which on
    Python 3.11 wraps the send in a new Task (~35 us of a request's CPU, per command) even
    though the write only fills the transport's buffer and cannot block. Here the write
    happens directly; only when the transport could not pass it all to the kernel (a full
    socket buffer: Redis not reading) does the send wait for the drain, under the same
    timeout as before. Connecting and the periodic health check take redis-py's own path.
    A socket the server closed while idle is reopened before use.
    """

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if self.is_connected and self._reader.at_eof():
            # The server closed this socket while it sat idle (Redis restarted): open a new
            # one rather than fail this command on "Connection closed by server".
            await self.disconnect()
        if (not self.is_connected or self._writer.transport.is_closing()
                or (check_health and self.health_check_interval
                    and asyncio.get_running_loop().time() > self.next_health_check)):
            return await super().send_packed_command(command, check_health)
        if isinstance(command, str):
            command = command.encode()
        if isinstance(command, bytes):
            command = [command]
        self._writer.writelines(command)
        if self._writer.transport.get_write_buffer_size():
            await super().send_packed_command([], check_health=False)


class Cache:
    def __init__(self, url: str, prefix: str, timeout_s: float = 0.2) -> None:
        self.prefix = prefix
        # One timeout for connecting and for each answer: a Redis that accepts connections
        # but never answers (hung, or a black-holed network) costs a request at most this
        # long, after which every call is skipped for _RETRY_AFTER_S.
        self.timeout_s = timeout_s
        self.client = Redis.from_url(
            url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s,
            health_check_interval=30,
            # No retries: redis-py's default (3, with backoff) turned one timeout into a
            # second or more. A failed call degrades at once; the back-off window retries.
            retry=Retry(NoBackoff(), 0),
            connection_class=_Connection,
        )
        # The per-request commands (the guard's MGET, the limiter's EVALSHA, GET, INCR) go
        # through this, so concurrent requests share pipelines (backend/cache/batching.py).
        self.batch = CommandBatcher(self.client)
        self._down_until = 0.0
        # Users whose data-version bump failed while Redis was unreachable. Bumped as soon as
        # Redis answers again, so caches filled before the outage are not served stale.
        self._pending_bumps: set[str] = set()
        # Writes that must land even if Redis is briefly away (revoked-session markers):
        # key -> (value, monotonic deadline). Replayed with their remaining TTL.
        self._pending_sets: dict[str, tuple[str | bytes, float]] = {}
        # delete_matching patterns (with their kept keys) that failed during an outage.
        self._pending_deletes: dict[str, tuple[str, ...]] = {}

    def key(self, *parts: Any) -> str:
        return self.prefix + ":".join(map(str, parts))

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        REDIS_ERRORS.inc()
        if self.available:
            log.warning("redis unavailable, degrading: %s", exc or type(exc).__name__)
        self._down_until = time.monotonic() + _RETRY_AFTER_S

    # Public name for other Redis users sharing this client (the rate limiter).
    mark_failed = _failed

    async def ping(self) -> bool:
        try:
            ok = bool(await self.client.ping())
            self._down_until = 0.0
            return ok
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return False

    async def get_json(self, key: str) -> Any | None:
        if not self.available:
            return None
        try:
            raw = await self.client.get(key)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None
        return orjson.loads(raw) if raw is not None else None

    async def mget(self, *keys: str) -> list[bytes | None]:
        if not self.available:
            return [None] * len(keys)
        try:
            return await self.batch.call("MGET", *keys)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return [None] * len(keys)

    async def set_json(self, key: str, value: Any, ttl: int) -> None:
        if not self.available:
            return
        try:
            await self.client.set(key, orjson.dumps(value, default=str), ex=ttl)
        except (RedisError, OSError) as exc:
            self._failed(exc)

    async def set(self, key: str, value: str | bytes, ttl: int, *, must_land: bool = False,
                  nx: bool = False) -> None:
        """`must_land`: if Redis is unreachable now, replay the write once it answers again
        (until the TTL would have run out anyway). `nx`: only if the key is not there."""
        if self.available:
            try:
                await self.client.set(key, value, ex=ttl, nx=nx)
                return
            except (RedisError, OSError) as exc:
                self._failed(exc)
        if must_land:
            self._pending_sets[key] = (value, time.monotonic() + ttl)

    async def get(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            return await self.batch.call("GET", key)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None

    async def delete(self, *keys: str) -> None:
        if not self.available or not keys:
            return
        try:
            await self.client.delete(*keys)
        except (RedisError, OSError) as exc:
            self._failed(exc)

    async def delete_matching(self, pattern: str, *, keep: tuple[str, ...] = ()) -> int:
        """Delete every key under this prefix matching `pattern` (a SCAN glob after the
        prefix), except the keys in `keep`. Used when a user's data goes: if Redis is away,
        the deletion is replayed once it answers again, so nothing derived outlives the rows.
        """
        match = self.prefix + pattern
        if self.available:
            try:
                deleted = 0
                batch: list[bytes] = []
                async for key in self.client.scan_iter(match=match, count=1000):
                    if key.decode() not in keep:
                        batch.append(key)
                    if len(batch) >= 500:
                        deleted += await self.client.delete(*batch)
                        batch.clear()
                if batch:
                    deleted += await self.client.delete(*batch)
                return deleted
            except (RedisError, OSError) as exc:
                self._failed(exc)
        self._pending_deletes[match] = keep
        return 0

    async def incr(self, key: str, ttl: int | None = None) -> int | None:
        if not self.available:
            return None
        try:
            if ttl is None:
                return int(await self.batch.call("INCR", key))
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, ttl, nx=True)
                res = await pipe.execute()
            return int(res[0])
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None

    async def decr(self, key: str) -> None:
        if not self.available:
            return
        try:
            await self.client.decr(key)
        except (RedisError, OSError) as exc:
            self._failed(exc)

    async def ttl(self, key: str) -> int | None:
        if not self.available:
            return None
        try:
            return int(await self.client.ttl(key))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None

    async def close(self) -> None:
        try:
            await self.client.aclose()
        except (RedisError, OSError):
            pass

    # --- per-user data version: bumping it invalidates every cache derived from entries ---

    def data_version_key(self, user_id: Any) -> str:
        return self.key("datav", user_id)

    async def data_version(self, user_id: Any) -> str | None:
        await self.flush_pending()
        raw = await self.get(self.data_version_key(user_id))
        return raw.decode() if raw is not None else "0" if self.available else None

    async def bump_data_version(self, user_id: Any) -> None:
        await self.flush_pending()
        if await self.incr(self.data_version_key(user_id)) is None:
            self._pending_bumps.add(str(user_id))

    async def flush_pending(self) -> None:
        """Replay writes that failed during an outage; cheap no-op when nothing is pending."""
        if not (self._pending_bumps or self._pending_sets or self._pending_deletes) \
                or not self.available:
            return
        for match, keep in list(self._pending_deletes.items()):
            del self._pending_deletes[match]
            await self.delete_matching(match.removeprefix(self.prefix), keep=keep)
            if match in self._pending_deletes:
                return
        for uid in list(self._pending_bumps):
            if await self.incr(self.data_version_key(uid)) is None:
                return
            self._pending_bumps.discard(uid)
        now = time.monotonic()
        for key, (value, deadline) in list(self._pending_sets.items()):
            if deadline > now:
                try:
                    await self.client.set(key, value, ex=max(1, int(deadline - now)))
                except (RedisError, OSError) as exc:
                    self._failed(exc)
                    return
            del self._pending_sets[key]
