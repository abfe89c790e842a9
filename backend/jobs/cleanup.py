"""Retention jobs. Finished tasks are kept 30 days (long enough to debug a failure a user
reports); generated insights 365 days (an annual review must still find last year's reports)."""

from __future__ import annotations

import logging

from tortoise import connections

from backend.auth import jobs as auth_jobs
from backend.auth import lockout
from backend.logs import snapshots
from backend.queue.handlers import api_job

log = logging.getLogger("englog.jobs.cleanup")

TASK_RETENTION_DAYS = 30
INSIGHT_RETENTION_DAYS = 365
IDEMPOTENCY_RETENTION_DAYS = 7


async def _delete(sql: str, params: list) -> int:
    count, _ = await connections.get("default").execute_query(sql, params)
    return int(count or 0)


async def cleanup_tasks(older_than_days: int = TASK_RETENTION_DAYS) -> int:
    deleted = await _delete(
        "DELETE FROM tasks WHERE status IN ('completed', 'failed', 'cancelled') "
        "AND completed_at < now() - make_interval(days => $1)", [older_than_days])
    # Idempotency keys only need to outlive a client's retries (an offline outbox).
    deleted += await _delete(
        "DELETE FROM entry_idempotency_keys WHERE created_at < now() - make_interval(days => $1)",
        [IDEMPOTENCY_RETENTION_DAYS])
    # Entry versions kept for undo are useless once the undo window has passed.
    return deleted + await snapshots.purge_expired()


async def cleanup_insights(older_than_days: int = INSIGHT_RETENTION_DAYS) -> int:
    # Only finished reports: a queued/running one belongs to a live task.
    return await _delete(
        "DELETE FROM generated_insights WHERE status IN ('completed', 'failed') "
        "AND created_at < now() - make_interval(days => $1)", [older_than_days])


LOGIN_THROTTLE_RETENTION_S = 86_400


async def cleanup_denylist() -> int:
    # Login-throttle rows ride along: like the denylist they only matter for a short while.
    return (await auth_jobs.cleanup_denylist()
            + await lockout.cleanup(LOGIN_THROTTLE_RETENTION_S))


@api_job("cleanup_tasks")
async def _cleanup_tasks_job(payload: dict) -> dict:
    return {"deleted": await cleanup_tasks()}


@api_job("cleanup_insights")
async def _cleanup_insights_job(payload: dict) -> dict:
    return {"deleted": await cleanup_insights()}


@api_job("cleanup_denylist")
async def _cleanup_denylist_job(payload: dict) -> dict:
    return {"deleted": await cleanup_denylist()}
