"""Scheduled GDPR deletions: when due, every row of the user goes in one transaction."""

from __future__ import annotations

import logging

from tortoise.transactions import in_transaction

from backend.queue import runtime
from backend.queue.handlers import api_job

log = logging.getLogger("englog.jobs.deletions")


async def _delete_one(skip: list) -> dict | None:
    d = None
    try:
        async with in_transaction() as conn:
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
            if not rows:
                return None
            d = rows[0]
            # The record is written first and survives: scheduled_deletions cascades away
            # with the user row below.
            await conn.execute_query(
                "INSERT INTO completed_deletions (id, user_id, requested_at, scheduled_for, "
                "reason) VALUES ($1, $2, $3, $4, $5)",
                [d["id"], d["user_id"], d["requested_at"], d["scheduled_for"], d["reason"]],
            )
            # Entries first: log_entries.project_id is ON DELETE RESTRICT, so letting the
            # user's cascade reach projects before entries could be refused.
            await conn.execute_query("DELETE FROM log_entries WHERE user_id = $1", [d["user_id"]])
            await conn.execute_query("DELETE FROM users WHERE id = $1", [d["user_id"]])
    except Exception as exc:
        if d is None:
            raise
        log.exception("deleting user %s failed", d["user_id"])
        return {"id": d["id"], "user_id": d["user_id"], "error": repr(exc)}
    return {"id": d["id"], "user_id": d["user_id"]}


async def process_due_deletions() -> dict:
    """Delete every due user. Returns {"deleted": [user ids], "failed": [user ids]}."""
    deleted, failed, skip = [], [], []
    while (done := await _delete_one(skip)) is not None:
        skip.append(done["id"])
        if "error" in done:
            failed.append(str(done["user_id"]))
            continue
        deleted.append(str(done["user_id"]))
        await _forget(done["user_id"])
    if deleted or failed:
        log.info("scheduled deletions: %d users deleted, %d failed", len(deleted), len(failed))
    return {"deleted": deleted, "failed": failed}


async def _forget(user_id) -> None:
    # A cached profile would keep a deleted user's token working until it expires.
    if runtime.cache is None:
        return
    from backend.auth.guard import forget_user

    try:
        await forget_user(runtime.cache, user_id)
    except Exception:
        log.warning("could not drop cached profile of deleted user %s", user_id)


@api_job("process_deletions")
async def _process_deletions_job(payload: dict) -> dict:
    out = await process_due_deletions()
    if out["failed"]:
        # Surfaces in the task's last_error and retries with backoff.
        raise RuntimeError(f"deletion failed for users {out['failed']}")
    return out
