"""The `authenticated` decorator: validates the access token and loads the current user.

PostgreSQL (`auth_sessions.revoked_at`) is the truth about whether a session was logged
out; Redis caches that answer in front of it, together with the user row, and both are read
in one MGET:
- "revoked" is written at logout for the access-token lifetime (replayed if Redis was away);
- "live" is written after PostgreSQL said so, for only `session_cache_seconds`, and only if
  no answer is there yet (NX), so it never overwrites a concurrent logout's "revoked";
- no answer (expired, evicted, or Redis restarted empty) means: ask PostgreSQL again.
So losing Redis's data can never bring a logged-out token back.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from functools import wraps
from typing import Any

import orjson
from sanic import Request

from backend.api.errors import ApiError
from backend.auth import tokens
from backend.cache.redis import Cache
from backend.db.setup import db


@dataclass
class CurrentUser:
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    timezone: str
    preferences: dict[str, Any] = field(default_factory=dict)
    session_id: uuid.UUID | None = None
    created_at: str = ""  # RFC 3339; "" only in cache entries written before it existed


def user_cache_key(cache: Cache, user_id: uuid.UUID | str) -> str:
    return cache.key("user", user_id)


def session_state_key(cache: Cache, sid: uuid.UUID | str) -> str:
    return cache.key("session", sid)


LIVE, REVOKED = b"live", b"revoked"


async def forget_user(cache: Cache, user_id: uuid.UUID | str) -> None:
    await cache.delete(user_cache_key(cache, user_id))


async def mark_sessions_revoked(cache: Cache, sids: list[uuid.UUID], ttl_seconds: int) -> None:
    # must_land: a logout during a Redis outage would otherwise leave the session's access
    # tokens usable for up to 15 minutes after Redis comes back.
    for sid in sids:
        await cache.set(session_state_key(cache, sid), REVOKED, ttl_seconds, must_land=True)


_LIVE_SQL = ("SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 "
             "AND revoked_at IS NULL")
_USER_SQL = ("SELECT id, email, first_name, last_name, timezone, preferences, created_at "
             "FROM users WHERE id = $1 AND is_active")


async def _load_user(user_id: uuid.UUID) -> CurrentUser | None:
    rows = await db().execute_query_dict(_USER_SQL, [user_id])
    if not rows:
        return None
    r = rows[0]
    prefs = r["preferences"]
    return CurrentUser(id=r["id"], email=r["email"], first_name=r["first_name"],
                       last_name=r["last_name"], timezone=r["timezone"],
                       preferences=dict(orjson.loads(prefs) if isinstance(prefs, str | bytes)
                                        else prefs or {}),
                       created_at=r["created_at"].isoformat())


async def _session_live(cache: Cache, settings: Any, claims: tokens.Claims) -> bool:
    """Ask PostgreSQL, and cache its answer. A session row that is gone (cleaned up after
    it expired) counts as revoked."""
    # Plain SQL: with Redis away this runs on every request, and the ORM spent more time
    # building the query than PostgreSQL took to answer it.
    live = bool(await db().execute_query_dict(_LIVE_SQL, [claims.sid, claims.sub]))
    key = session_state_key(cache, claims.sid)
    if live:
        await cache.set(key, LIVE, settings.session_cache_seconds, nx=True)
    else:
        await cache.set(key, REVOKED, settings.access_token_minutes * 60)
    return live


def guard_keys(cache: Cache, claims: tokens.Claims) -> tuple[str, str]:
    """The Redis keys current_user reads: the cached user and the session's marker."""
    return user_cache_key(cache, claims.sub_text), session_state_key(cache, claims.sid_text)


def prefetch_guard_state(request: Request, claims: tokens.Claims,
                         values: tuple[bytes | None, ...]) -> None:
    """Hand current_user the values of guard_keys, read earlier in this same request (by
    the rate limiter, in its round trip), and the claims it verified from this request's
    own Authorization header, so it need neither ask Redis nor decode the token again."""
    request.ctx.guard_state = (claims, values)


async def current_user(request: Request) -> CurrentUser:
    app = request.app
    settings = app.ctx.settings
    cache: Cache = app.ctx.cache
    prefetched = getattr(request.ctx, "guard_state", None)
    if prefetched is not None:
        claims, (cached, state) = prefetched
    else:
        claims = tokens.decode(settings,
                               tokens.bearer_token(request.headers.get("authorization")),
                               "access")
        await cache.flush_pending()
        cached, state = await cache.mget(*guard_keys(cache, claims))
    if state == REVOKED or (state != LIVE and not await _session_live(cache, settings, claims)):
        raise _session_gone()
    if cached is not None:
        data = orjson.loads(cached)
        user = CurrentUser(**{**data, "id": uuid.UUID(data["id"])})
    else:
        loaded = await _load_user(claims.sub)
        if loaded is None:
            raise ApiError(401, "Unauthorized", "The account no longer exists.",
                           kind="unauthorized")
        user = loaded
        await cache.set_json(user_cache_key(cache, claims.sub),
                             {**asdict(user), "id": str(user.id)}, settings.user_cache_seconds)
    user.session_id = claims.sid
    return user


def _session_gone() -> ApiError:
    return ApiError(401, "Unauthorized", "This session has been logged out.", kind="unauthorized",
                    headers={"WWW-Authenticate": 'Bearer realm="englog"'})


Handler = Callable[..., Awaitable[Any]]


def authenticated(handler: Handler) -> Handler:
    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
        request.ctx.user = await current_user(request)
        return await handler(request, *args, **kwargs)

    return wrapper
