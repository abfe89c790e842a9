"""The `authenticated` decorator: validates the access token and loads the current user.

The user row is cached in Redis (invalidated by `forget_user` on any profile change);
a revoked session id is also kept in Redis for the access-token lifetime, so logout
takes effect at once. Both are read in one MGET.
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
from backend.db.models import AuthSession, User


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

    @classmethod
    def from_row(cls, u: User) -> CurrentUser:
        return cls(id=u.id, email=u.email, first_name=u.first_name, last_name=u.last_name,
                   timezone=u.timezone, preferences=dict(u.preferences or {}),
                   created_at=u.created_at.isoformat())


def user_cache_key(cache: Cache, user_id: uuid.UUID | str) -> str:
    return cache.key("user", user_id)


def revoked_sid_key(cache: Cache, sid: uuid.UUID | str) -> str:
    return cache.key("revoked-sid", sid)


async def forget_user(cache: Cache, user_id: uuid.UUID | str) -> None:
    await cache.delete(user_cache_key(cache, user_id))


async def mark_sessions_revoked(cache: Cache, sids: list[uuid.UUID], ttl_seconds: int) -> None:
    # must_land: a logout during a Redis outage would otherwise leave the session's access
    # tokens usable for up to 15 minutes after Redis comes back.
    for sid in sids:
        await cache.set(revoked_sid_key(cache, sid), b"1", ttl_seconds, must_land=True)


async def current_user(request: Request) -> CurrentUser:
    app = request.app
    settings = app.ctx.settings
    cache: Cache = app.ctx.cache
    claims = tokens.decode(settings, tokens.bearer_token(request.headers.get("authorization")),
                           "access")
    await cache.flush_pending()
    cached, revoked = await cache.mget(user_cache_key(cache, claims.sub),
                                       revoked_sid_key(cache, claims.sid))
    if revoked is not None:
        raise _session_gone()
    if cached is not None:
        data = orjson.loads(cached)
        user = CurrentUser(**{**data, "id": uuid.UUID(data["id"])})
    else:
        row = await User.get_or_none(id=claims.sub, is_active=True)
        if row is None:
            raise ApiError(401, "Unauthorized", "The account no longer exists.",
                           kind="unauthorized")
        if not cache.available:
            # Without Redis the revoked-session marker is unavailable; ask PostgreSQL.
            if await AuthSession.filter(id=claims.sid, revoked_at__isnull=False).exists():
                raise _session_gone()
        user = CurrentUser.from_row(row)
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
