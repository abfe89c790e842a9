"""Login sessions (refresh-token families): create, rotate, revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sanic import Request

from backend.auth import tokens
from backend.config import Settings
from backend.db.models import AuthSession, User


def user_out(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "timezone": u.timezone,
        "preferences": u.preferences or {},
        "created_at": u.created_at.isoformat(),
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
        "user": user_out(user),
    }


async def start_session(request: Request, user: User) -> dict[str, Any]:
    settings: Settings = request.app.ctx.settings
    sid, jti = uuid.uuid4(), uuid.uuid4()
    await AuthSession.create(
        id=sid, user_id=user.id, current_jti=jti,
        user_agent=(request.headers.get("user-agent") or "")[:255],
        ip=(request.remote_addr or request.ip or "")[:64],
        expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
    )
    return token_pair(settings, user, sid, jti)
