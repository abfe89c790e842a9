"""Scheduled GDPR deletions: when due, every row of the user goes in one transaction
(backend.gdpr.erase, the same code as DELETE /v1/users/me)."""

from __future__ import annotations

import logging

from tortoise.transactions import in_transaction

from backend.cache.redis import Cache
from backend.config import get_settings
from backend.gdpr.erase import Forget, erase_user
from backend.gdpr.schedule import lock_next_due
from backend.queue.handlers import api_job

log = logging.getLogger("englog.jobs.deletions")


async def _delete_one(skip: list) -> dict | None:
    d = None
    try:
        async with in_transaction() as conn:
            d = await lock_next_due(conn, skip)
            if d is None:
                return None
            forget = await erase_user(
                conn, d["user_id"], record_id=d["id"], requested_at=d["requested_at"],
                scheduled_for=d["scheduled_for"], reason=d["reason"])
    except Exception as exc:
        if d is None:
            raise
        log.exception("deleting user %s failed", d["user_id"])
        return {"id": d["id"], "user_id": d["user_id"], "error": repr(exc)}
    return {"id": d["id"], "user_id": d["user_id"], "forget": forget}


async def process_due_deletions(cache: Cache | None = None) -> dict:
    """Delete every due user. Returns {"deleted": [user ids], "failed": [user ids]}."""
    deleted, failed, skip = [], [], []
    while (done := await _delete_one(skip)) is not None:
        skip.append(done["id"])
        if "error" in done:
            failed.append(str(done["user_id"]))
            continue
        deleted.append(str(done["user_id"]))
        await _forget(done["forget"], cache)
    if deleted or failed:
        log.info("scheduled deletions: %d users deleted, %d failed", len(deleted), len(failed))
    return {"deleted": deleted, "failed": failed}


async def _forget(forget: Forget | None, cache: Cache | None) -> None:
    # A cached profile or a live session marker would keep a deleted user's token working.
    if forget is None or cache is None:
        return
    try:
        await forget.run(cache, get_settings().access_token_minutes * 60)
    except Exception:
        log.warning("could not drop cached data of deleted user %s", forget.user_id)


@api_job("process_deletions")
async def _process_deletions_job(payload: dict, cache: Cache | None) -> dict:
    out = await process_due_deletions(cache)
    if out["failed"]:
        # Surfaces in the task's last_error and retries with backoff.
        raise RuntimeError(f"deletion failed for users {out['failed']}")
    return out
