"""Profile and preference writes. Each ends with forget_user so the cached user is never stale."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError

from backend.api.errors import ApiError, field_error
from backend.auth.guard import forget_user
from backend.auth.passwords import verify_password
from backend.auth.schemas import email_taken
from backend.auth.sessions import user_json
from backend.cache.redis import Cache
from backend.db.models import User
from backend.db.setup import db
from backend.users.schemas import Preferences, ProfileUpdate, effective_preferences


def profile_json(u: User) -> dict[str, Any]:
    return {**user_json(u),
            "updated_at": u.updated_at.isoformat(),
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None}


async def load(user_id: uuid.UUID) -> User:
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None:  # deleted between the token check and now
        raise ApiError(401, "Unauthorized", "The account no longer exists.", kind="unauthorized")
    return user


async def update_profile(cache: Cache, user_id: uuid.UUID, body: ProfileUpdate) -> User:
    """Apply the given fields in one UPDATE, after every check has passed."""
    user = await load(user_id)
    changes = body.model_dump(exclude_unset=True, exclude={"current_password"})
    if changes.get("email") == user.email.lower():
        del changes["email"]
    if "email" in changes:
        if body.current_password is None:
            raise field_error("current_password", "required to change the email")
        if not await verify_password(user.password_hash, body.current_password):
            # 403, not 401: a 401 would make clients think their session ended.
            raise ApiError(403, "Forbidden", "current_password: incorrect password",
                           kind="wrong-password",
                           errors=[{"field": "current_password", "message": "incorrect password"}])
        if await User.filter(email=changes["email"]).exists():
            raise email_taken()
    if changes:
        try:
            now = datetime.now(UTC)
            await User.filter(id=user_id).update(**changes, updated_at=now)
        except IntegrityError as exc:  # lost a race for the email (unique on lower(email))
            raise email_taken() from exc
        await forget_user(cache, user_id)
        for k, v in {**changes, "updated_at": now}.items():
            setattr(user, k, v)
    return user


async def get_preferences(user_id: uuid.UUID) -> dict[str, Any]:
    return effective_preferences((await load(user_id)).preferences)


async def update_preferences(cache: Cache, user_id: uuid.UUID, body: Preferences
                             ) -> dict[str, Any]:
    given = body.model_dump(mode="json", exclude_unset=True)
    # jsonb || merges in SQL, so two concurrent PUTs of different keys both survive.
    rows = await db().execute_query_dict(
        "UPDATE users SET preferences = preferences || $2::jsonb, updated_at = now() "
        "WHERE id = $1 AND is_active RETURNING preferences",
        [user_id, orjson.dumps(given).decode()])
    if not rows:
        raise ApiError(401, "Unauthorized", "The account no longer exists.", kind="unauthorized")
    await forget_user(cache, user_id)
    stored = rows[0]["preferences"]
    if isinstance(stored, str | bytes):  # asyncpg hands jsonb back as text
        stored = orjson.loads(stored)
    return effective_preferences(stored)


# The users table belongs to this module; auth calls these to create accounts and stamp
# logins (it owns sessions and tokens, not the account row).
async def create_account(conn: Any, *, email: str, password_hash: str, first_name: str,
                         last_name: str, timezone: str) -> User:
    """Insert the account in the caller's transaction (its welcome email commits with it);
    IntegrityError if the email is taken meanwhile."""
    return await User.create(email=email, password_hash=password_hash, first_name=first_name,
                             last_name=last_name, timezone=timezone, using_db=conn)


async def record_login(user: User) -> None:
    user.last_login_at = datetime.now(UTC)
    await User.filter(id=user.id).update(last_login_at=user.last_login_at)
