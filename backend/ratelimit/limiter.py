"""Fixed-window counters in Redis through the `limits` library.

Each (policy, identity) gets one counter per clock-aligned window, bumped by limits' atomic
INCR+EXPIRE script: one round trip answers whether the request may pass, how many remain
and when the window resets, which is all the RateLimit headers need. Fixed windows allow a
burst of up to twice the limit across a window boundary; that is the price of one round
trip per request (a sliding window needs two).

Redis down or slow: the request passes (fail open). Refusing everyone because a cache is
away would turn a Redis outage into a full outage; the login throttles and argon2 still
slow down password guessing, and the failure is logged once per outage.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits.aio.storage import RedisStorage
from redis.exceptions import RedisError

from backend.cache.redis import Cache
from backend.ratelimit.policies import Policy

log = logging.getLogger("englog.ratelimit")


@dataclass(frozen=True)
class Decision:
    policy: Policy
    count: int
    reset_seconds: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.policy.limit

    @property
    def remaining(self) -> int:
        return max(0, self.policy.limit - self.count)


class Limiter:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        # Shares the cache's connection pool, so the same timeouts and the same back-off
        # after a failure apply to rate limiting.
        self.storage = RedisStorage(
            "async+redis://", implementation="redispy", key_prefix=cache.prefix + "rl",
            connection_pool=cache.client.connection_pool)
        self._warned = False

    async def hit(self, policy: Policy, identity: str) -> Decision | None:
        """Count one request; None when Redis cannot be asked (the request passes)."""
        if not self.cache.available:
            self._warn_open()
            return None
        window = policy.window_seconds
        now = time.time()
        index = int(now // window)
        try:
            count = await self.storage.incr(f"{policy.name}/{identity}/{index}", window)
        except (RedisError, OSError, TimeoutError) as exc:
            self.cache.mark_failed(exc)
            self._warn_open()
            return None
        self._warned = False
        reset = max(1, math.ceil((index + 1) * window - now))
        return Decision(policy, int(count), reset)

    def _warn_open(self) -> None:
        if not self._warned:
            log.warning("rate limits are not enforced: Redis is unavailable (failing open)")
            self._warned = True
