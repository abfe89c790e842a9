"""Read-through cache for analytics results, keyed by the user's data version.

Any write to a user's entries bumps their data version, so a changed entry is never served
from an old key; old keys simply expire. Without Redis every request computes directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from backend.cache.redis import Cache


def analytics_key(cache: Cache, user_id: Any, version: str, kind: str,
                  params: dict[str, Any]) -> str:
    digest = hashlib.sha256(orjson.dumps(params, default=str, option=orjson.OPT_SORT_KEYS))
    return cache.key("analytics", user_id, "v" + version, kind, digest.hexdigest()[:24])


async def cached(
    cache: Cache, user_id: Any, kind: str, params: dict[str, Any], ttl: int,
    compute: Callable[[], Awaitable[Any]],
) -> Any:
    version = await cache.data_version(user_id)
    if version is None:
        return await compute()
    key = analytics_key(cache, user_id, version, kind, params)
    hit = await cache.get_json(key)
    if hit is not None:
        return hit
    value = await compute()
    await cache.set_json(key, value, ttl)
    return value
