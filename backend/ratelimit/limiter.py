"""Fixed-window counters in Redis, one Lua call per request.

Each (policy, identity) gets one counter per clock-aligned window: INCR, and EXPIRE when the
window's first request created it (the `limits` library's incr_expire script, whose policy
strings we parse). The same call also reads the keys the auth guard is about to read (the
cached user and the session's revoked/live marker), so an authenticated request costs one
Redis round trip before its handler instead of two. That is why this is not limits'
storage.incr: that API cannot carry the extra reads. Fixed windows allow a burst of up to
twice the limit across a window boundary; that is the price of one round trip per request
(a sliding window needs two).

Redis down or slow: the request passes (fail open). Refusing everyone because a cache is
away would turn a Redis outage into a full outage; the login throttles and argon2 still
slow down password guessing, and the failure is logged once per outage.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from redis.exceptions import NoScriptError, RedisError

from backend.cache.redis import Cache
from backend.ratelimit.policies import Policy

log = logging.getLogger("englog.ratelimit")

# KEYS[1]: the counter; KEYS[2..]: keys to read in the same call. ARGV[1]: window seconds.
# A missing key reads as false, which Redis returns as nil.
_HIT = """
local out = {redis.call('INCR', KEYS[1])}
if out[1] == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
for i = 2, #KEYS do out[i] = redis.call('GET', KEYS[i]) end
return out
"""


@dataclass(frozen=True)
class Decision:
    policy: Policy
    count: int
    reset_seconds: int
    # The values of the keys asked for alongside the count (None: no such key).
    fetched: tuple[bytes | None, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.count <= self.policy.limit

    @property
    def remaining(self) -> int:
        return max(0, self.policy.limit - self.count)


class Limiter:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        # The cache's own client and connection pool, so the same timeouts and the same
        # back-off after a failure apply to rate limiting.
        self.client = cache.client
        # EVALSHA directly rather than through redis-py's Script object, whose wrapper (an
        # import and a type check per call) cost a few percent of a request, and batched with
        # other requests' commands; on NOSCRIPT (a restarted or flushed Redis) the script is
        # loaded again and the call retried once.
        self._sha = hashlib.sha1(_HIT.encode()).hexdigest()
        self._prefix = cache.prefix + "rl:"
        self._warned = False

    async def hit(self, policy: Policy, identity: str, fetch: tuple[str, ...] = ()
                  ) -> Decision | None:
        """Count one request (and read the `fetch` keys); None when Redis cannot be asked
        (the request passes)."""
        if not self.cache.available:
            self._warn_open()
            return None
        window = policy.window_seconds
        now = time.time()
        index = int(now // window)
        key = f"{self._prefix}{policy.name}/{identity}/{index}"
        try:
            call = self.cache.batch.call
            try:
                out = await call("EVALSHA", self._sha, 1 + len(fetch), key, *fetch, window)
            except NoScriptError:
                self._sha = await self.client.script_load(_HIT)
                out = await call("EVALSHA", self._sha, 1 + len(fetch), key, *fetch, window)
        except (RedisError, OSError, TimeoutError) as exc:
            self.cache.mark_failed(exc)
            self._warn_open()
            return None
        self._warned = False
        reset = max(1, math.ceil((index + 1) * window - now))
        return Decision(policy, int(out[0]), reset, tuple(out[1:]))

    def _warn_open(self) -> None:
        if not self._warned:
            log.warning("rate limits are not enforced: Redis is unavailable (failing open)")
            self._warned = True
