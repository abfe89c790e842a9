"""Deleting and anonymising a user: every table in backend/gdpr/tables.py, one transaction.

Both run inside the caller's transaction and return what must happen once it has committed
(`forget`): the sessions' revoked markers, so their access tokens stop at once, and every
Redis key derived from the user (cached profile, analytics, finished reports).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.auth.guard import mark_sessions_revoked
from backend.auth.sessions import revoke_all
from backend.cache.redis import Cache
from backend.gdpr import emails
from backend.gdpr.tables import USER_TABLES

log = logging.getLogger("englog.gdpr")

ANONYMOUS_DOMAIN = "anonymized.invalid"  # RFC 2606: .invalid never resolves, so never routes
ANONYMOUS_PREFERENCES = '{"privacy": "anonymized"}'
# Not an argon2 hash: no password verifies against it, so the anonymous row cannot log in.
UNUSABLE_PASSWORD = "!anonymized"


@dataclass
class Forget:
    """What to clear in Redis after the transaction committed."""

    user_id: uuid.UUID
    session_ids: list[uuid.UUID] = field(default_factory=list)
    keep_data_version: bool = False

    async def run(self, cache: Cache | None, access_token_seconds: int) -> None:
        if cache is None:
            return
        await mark_sessions_revoked(cache, self.session_ids, access_token_seconds)
        keep = (cache.data_version_key(self.user_id),) if self.keep_data_version else ()
        # Every derived key names the user id: user:<id>, datav:<id>, analytics:<id>:...,
        # insight:<id>:... Session markers name the session, so they stay.
        await cache.delete_matching(f"*{self.user_id}*", keep=keep)
        if self.keep_data_version:
            await cache.bump_data_version(self.user_id)


async def erase_user(conn: Any, user_id: uuid.UUID, *, record_id: uuid.UUID | None = None,
                     requested_at: datetime | None = None,
                     scheduled_for: datetime | None = None, reason: str = "") -> Forget | None:
    """Delete every row of the user; None if there is no such user (already deleted).

    Leaves a completed_deletions record and queues the "deleted" email to the address.
    """
    rows = await conn.execute_query_dict(
        "SELECT email, first_name FROM users WHERE id = $1 FOR UPDATE", [user_id])
    if not rows:
        return None
    user = rows[0]
    sids = [r["id"] for r in await conn.execute_query_dict(
        "SELECT id FROM auth_sessions WHERE user_id = $1", [user_id])]
    await conn.execute_query(
        "INSERT INTO completed_deletions (id, user_id, requested_at, scheduled_for, reason) "
        "VALUES ($1, $2, coalesce($3, now()), coalesce($4, now()), $5)",
        [record_id or uuid.uuid4(), user_id, requested_at, scheduled_for, reason])
    for t in USER_TABLES:
        if t.on_erase == "detach":
            sql = f"UPDATE {t.table} SET {t.user_column} = NULL WHERE {t.user_column} = $1"
        else:
            sql = f"DELETE FROM {t.table} WHERE {t.user_column} = $1"
        await conn.execute_query(sql, [user_id])
    await conn.execute_query("DELETE FROM users WHERE id = $1", [user_id])
    if not user["email"].endswith("@" + ANONYMOUS_DOMAIN):  # nobody reads that address
        await emails.enqueue_email(
            emails.account_deleted_email(user["email"], user["first_name"]), None, conn)
    return Forget(user_id, sids)


async def anonymize_user(conn: Any, user_id: uuid.UUID) -> Forget:
    """The spec's anonymisation: the person is gone from the row, the work log's shape stays.

    Names become "Anonymous User", the email a unique address that cannot route, timezone
    UTC, preferences {"privacy": "anonymized"}; descriptions are emptied, reports and tasks
    removed, every session revoked and stripped of its IP and user agent.
    """
    email = f"anonymous-{uuid.uuid4().hex}@{ANONYMOUS_DOMAIN}"
    await conn.execute_query(
        "UPDATE users SET first_name = 'Anonymous', last_name = 'User', email = $2, "
        "timezone = 'UTC', preferences = $3::jsonb, password_hash = $4, updated_at = now() "
        "WHERE id = $1", [user_id, email, ANONYMOUS_PREFERENCES, UNUSABLE_PASSWORD])
    sids = await revoke_all(conn, user_id, "anonymized")
    for t in USER_TABLES:
        if t.on_anonymize == "drop":
            await conn.execute_query(
                f"DELETE FROM {t.table} WHERE {t.user_column} = $1", [user_id])
        elif t.on_anonymize == "scrub":
            cleared = ", ".join(f"{c} = ''" for c in t.scrub)
            await conn.execute_query(
                f"UPDATE {t.table} SET {cleared} WHERE {t.user_column} = $1", [user_id])
    return Forget(user_id, sids, keep_data_version=True)
