"""Login sessions (refresh-token families): create, rotate, revoke.

A session row is one family; `current_jti` names the only refresh token of it that may
still be used. Rotation swaps it with a conditional UPDATE, so of two requests racing
with the same token exactly one wins; the loser looks like reuse and revokes the family.
Sessions slide: each rotation moves `expires_at` to now + refresh_token_days, the same
as the new refresh token's `exp`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sanic import Request
from tortoise.transactions import in_transaction

from backend.api.clientip import client_ip
from backend.api.errors import ApiError
from backend.auth import tokens
from backend.auth.guard import CurrentUser, mark_sessions_revoked
from backend.cache.redis import Cache
from backend.config import Settings
from backend.db.models import AuthSession, User
from backend.db.setup import db
from backend.users.schemas import effective_preferences

log = logging.getLogger("englog.auth.sessions")


def user_json(u: User | CurrentUser) -> dict[str, Any]:
    """The public user shape, from a users row or the (Redis-cached) authenticated user."""
    created = u.created_at
    return {
        "id": str(u.id),
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "timezone": u.timezone,
        "preferences": effective_preferences(u.preferences),
        "created_at": created if isinstance(created, str) else created.isoformat(),
    }


def token_pair(settings: Settings, user: User, sid: uuid.UUID, refresh_jti: uuid.UUID
               ) -> dict[str, Any]:
    access, _ = tokens.issue(settings, user.id, sid, "access")
    refresh, _ = tokens.issue(settings, user.id, sid, "refresh", jti=refresh_jti)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": settings.access_token_minutes * 60,
        "user": user_json(user),
    }


async def start_session(request: Request, user: User) -> dict[str, Any]:
    settings: Settings = request.app.ctx.settings
    sid, jti = uuid.uuid4(), uuid.uuid4()
    await AuthSession.create(
        id=sid, user_id=user.id, current_jti=jti,
        user_agent=(request.headers.get("user-agent") or "")[:255],
        ip=client_ip(request)[:64],
        expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
    )
    return token_pair(settings, user, sid, jti)


def _rejected(detail: str) -> ApiError:
    return ApiError(401, "Unauthorized", detail, kind="unauthorized",
                    headers={"WWW-Authenticate": 'Bearer realm="englog"'})


_ROTATE = """
UPDATE auth_sessions
   SET current_jti = $1, last_used_at = now(), expires_at = now() + make_interval(days => $2)
 WHERE id = $3 AND user_id = $4 AND current_jti = $5
   AND revoked_at IS NULL AND expires_at > now()
RETURNING id
"""

_DENY = """
INSERT INTO refresh_token_denylist (jti, user_id, session_id, reason, expires_at)
SELECT $1, $2, $3, $4, $5
 WHERE EXISTS (SELECT 1 FROM auth_sessions WHERE id = $3 AND user_id = $2)
ON CONFLICT (jti) DO NOTHING
"""


async def rotate(settings: Settings, cache: Cache, claims: tokens.Claims) -> dict[str, Any]:
    """Swap the family's refresh token for a new pair, or treat a stale token as theft."""
    user = await User.get_or_none(id=claims.sub, is_active=True)
    if user is None:
        raise _rejected("The account no longer exists.")
    new_jti = uuid.uuid4()
    reused = False
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            _ROTATE, [new_jti, settings.refresh_token_days, claims.sid, claims.sub, claims.jti])
        if rows:
            await conn.execute_query(
                _DENY, [claims.jti, claims.sub, claims.sid, "rotated", claims.exp])
        else:
            reused = await _revoke_if_reused(conn, claims)
    if rows:
        return token_pair(settings, user, claims.sid, new_jti)
    if reused:
        # The thief or the victim holds the newer token; we cannot tell which, so both lose it.
        log.warning("refresh token reuse: revoked session %s of user %s", claims.sid, claims.sub)
        await mark_sessions_revoked(cache, [claims.sid], settings.access_token_minutes * 60)
        raise _rejected("This refresh token was already used; the session has been revoked.")
    raise _rejected("The session has expired or was logged out.")


async def _revoke_if_reused(conn: Any, claims: tokens.Claims) -> bool:
    rows = await conn.execute_query_dict(
        "SELECT current_jti, revoked_at FROM auth_sessions WHERE id = $1 AND user_id = $2 "
        "FOR UPDATE", [claims.sid, claims.sub])
    if not rows or rows[0]["revoked_at"] is not None or rows[0]["current_jti"] == claims.jti:
        return False  # unknown, already revoked, or merely expired
    await conn.execute_query(
        "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'reuse' WHERE id = $1",
        [claims.sid])
    return True


async def logout(settings: Settings, cache: Cache, claims: tokens.Claims) -> None:
    """Revoke the token's session and denylist the token. Idempotent.

    Every clause is scoped to the token's own user, so a token can only end its own session.
    """
    async with in_transaction() as conn:
        owned = await conn.execute_query_dict(
            "SELECT id FROM auth_sessions WHERE id = $1 AND user_id = $2",
            [claims.sid, claims.sub])
        if not owned:
            return
        await conn.execute_query(
            "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'logout' "
            "WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL", [claims.sid, claims.sub])
        await conn.execute_query(_DENY, [claims.jti, claims.sub, claims.sid, "logout", claims.exp])
    await mark_sessions_revoked(cache, [claims.sid], settings.access_token_minutes * 60)


_REVOKE_ALL = """
WITH revoked AS (
    UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
     WHERE user_id = $1 AND revoked_at IS NULL
    RETURNING id, current_jti, expires_at
), denied AS (
    INSERT INTO refresh_token_denylist (jti, user_id, session_id, reason, expires_at)
    SELECT current_jti, $1, id, $2, expires_at FROM revoked
    ON CONFLICT (jti) DO NOTHING
)
SELECT id FROM revoked
"""


async def revoke_all(conn: Any, user_id: uuid.UUID, reason: str) -> list[uuid.UUID]:
    """Revoke every live session of the user in `conn`'s transaction; returns their ids.
    The caller marks them revoked in Redis once the transaction has committed."""
    rows = await conn.execute_query_dict(_REVOKE_ALL, [user_id, reason])
    return [r["id"] for r in rows]


async def logout_all(settings: Settings, cache: Cache, user_id: uuid.UUID) -> int:
    """Revoke every live session of the user; returns how many were revoked."""
    sids = await revoke_all(db(), user_id, "logout-all")
    await mark_sessions_revoked(cache, sids, settings.access_token_minutes * 60)
    return len(sids)
