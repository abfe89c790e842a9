"""`Idempotency-Key` on POST /v1/logs: the first request with a key creates the entry, every
later one with the same key (from the same user) gets that entry back unchanged.

The key row is inserted first, in the entry's transaction: a concurrent duplicate blocks on
the primary key until the first commits, then finds the entry instead of creating another.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.transactions import in_transaction

from backend.api.errors import ApiError
from backend.db.setup import db

KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
RETENTION_DAYS = 7


def parse_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not KEY_RE.match(key):
        raise ApiError(400, "Bad Request",
                       "Idempotency-Key must be 1-100 characters of letters, digits, '.', '_', "
                       "':' or '-'.", kind="bad-idempotency-key",
                       errors=[{"field": "Idempotency-Key", "message": "invalid format"}])
    return key


async def create_once(
    user_id: uuid.UUID, key: str,
    create: Callable[[Any], Awaitable[dict[str, Any]]],
    load: Callable[[uuid.UUID, Any], Awaitable[dict[str, Any]]],
) -> tuple[dict[str, Any], bool]:
    """Returns (entry, created). `create(conn)` runs only for a key never seen before."""
    async with in_transaction() as conn:
        claimed = await conn.execute_query_dict(
            "INSERT INTO entry_idempotency_keys (user_id, key) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING key", [user_id, key])
        if claimed:
            entry = await create(conn)
            await conn.execute_query(
                "UPDATE entry_idempotency_keys SET log_entry_id = $3 "
                "WHERE user_id = $1 AND key = $2", [user_id, key, uuid.UUID(str(entry["id"]))])
            return entry, True
        rows = await conn.execute_query_dict(
            "SELECT log_entry_id FROM entry_idempotency_keys WHERE user_id = $1 AND key = $2",
            [user_id, key])
    entry_id = rows[0]["log_entry_id"] if rows else None
    if entry_id is None:
        # The entry created under this key was deleted since: the key is spent.
        raise ApiError(409, "Conflict", "This Idempotency-Key was already used for an entry "
                       "that has since been deleted.", kind="idempotency-key-spent")
    return await load(entry_id, None), False


async def delete_expired(older_than_days: int = RETENTION_DAYS) -> int:
    """Retention: a key only needs to outlive a client's retries (an offline outbox)."""
    count, _ = await db().execute_query(
        "DELETE FROM entry_idempotency_keys WHERE created_at < now() - make_interval(days => $1)",
        [older_than_days])
    return int(count or 0)
