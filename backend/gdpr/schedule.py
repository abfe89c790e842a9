"""Scheduled deletion: a scheduled_deletions row the process_deletions job (backend/jobs/
deletions.py) acts on when due. At most one per user (user_id is unique): a cancelled row is
reused when the user schedules again."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from backend.api.errors import ApiError
from backend.db.setup import db
from backend.gdpr import emails

_COLUMNS = "id, status, requested_at, scheduled_for, reason"


def deletion_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "status": row["status"],
            "requested_at": row["requested_at"].isoformat(),
            "scheduled_for": row["scheduled_for"].isoformat(), "reason": row["reason"]}


async def pending(user_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await db().execute_query_dict(
        f"SELECT {_COLUMNS} FROM scheduled_deletions WHERE user_id = $1 AND status = 'pending'",
        [user_id])
    return rows[0] if rows else None


def _already_scheduled(row: dict[str, Any]) -> ApiError:
    return ApiError(409, "Conflict",
                    f"A deletion is already scheduled for {row['scheduled_for'].isoformat()}. "
                    "Cancel it first (DELETE /v1/users/me/deletion) to choose another date.",
                    kind="deletion-already-scheduled", extra={"deletion": deletion_json(row)})


async def schedule(user: Any, after_days: int, reason: str) -> dict[str, Any]:
    """Schedule the deletion and queue the email saying when; 409 if one is pending."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            f"""
            INSERT INTO scheduled_deletions (user_id, scheduled_for, reason)
            VALUES ($1, now() + make_interval(days => $2), $3)
            ON CONFLICT (user_id) DO UPDATE
               SET requested_at = now(), scheduled_for = excluded.scheduled_for,
                   status = 'pending', reason = excluded.reason
             WHERE scheduled_deletions.status <> 'pending'
            RETURNING {_COLUMNS}
            """, [user.id, after_days, reason])
        if not rows:
            current = await pending(user.id)
            if current is not None:
                raise _already_scheduled(current)
            # It ran or was cancelled between the two statements: let the client retry.
            raise ApiError(409, "Conflict", "The deletion changed meanwhile; try again.",
                           kind="deletion-changed")
        await emails.enqueue_email(
            emails.deletion_scheduled_email(user.email, user.first_name, user.id,
                                            rows[0]["scheduled_for"], user.timezone),
            user.id, conn)
    return rows[0]


async def cancel(user: Any) -> bool:
    """Cancel a pending deletion (and say so by email); False if none was pending."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            "UPDATE scheduled_deletions SET status = 'cancelled' "
            "WHERE user_id = $1 AND status = 'pending' RETURNING id", [user.id])
        if not rows:
            return False
        await emails.enqueue_email(
            emails.deletion_cancelled_email(user.email, user.first_name, user.id), user.id, conn)
    return True


async def lock_next_due(conn: Any, skip: list) -> dict[str, Any] | None:
    """The next pending deletion that is due, locked in the caller's transaction (SKIP
    LOCKED: several API processes may run the job at once); rows in `skip` are passed over."""
    rows = await conn.execute_query_dict(
        """
        SELECT * FROM scheduled_deletions
        WHERE status = 'pending' AND scheduled_for <= now()
          AND NOT (id = ANY($1::uuid[]))
        ORDER BY scheduled_for LIMIT 1
        FOR UPDATE SKIP LOCKED
        """,
        [skip],
    )
    return rows[0] if rows else None
