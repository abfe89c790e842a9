"""Retention jobs. Finished tasks are kept 30 days (long enough to debug a failure a user
reports); generated insights 365 days (an annual review must still find last year's reports).

This module only decides *when* and *how long*; each table is cleaned by the domain that
owns it (queue: tasks, logs: idempotency keys, insights: reports, auth: denylist, sessions
and login throttles)."""

from __future__ import annotations

import logging

from backend.auth import jobs as auth_jobs
from backend.auth import lockout
from backend.insights.retention import delete_finished_reports
from backend.logs import idempotency, snapshots
from backend.queue.handlers import api_job
from backend.queue.service import delete_finished

log = logging.getLogger("englog.jobs.cleanup")

TASK_RETENTION_DAYS = 30
INSIGHT_RETENTION_DAYS = 365
LOGIN_THROTTLE_RETENTION_S = 86_400


async def cleanup_tasks(older_than_days: int = TASK_RETENTION_DAYS) -> int:
    # Idempotency keys ride along: like finished tasks they only matter for a short while;
    # entry versions kept for undo are useless once the undo window has passed.
    return (await delete_finished(older_than_days) + await idempotency.delete_expired()
            + await snapshots.purge_expired())


async def cleanup_insights(older_than_days: int = INSIGHT_RETENTION_DAYS) -> int:
    return await delete_finished_reports(older_than_days)


async def cleanup_denylist() -> int:
    # Login-throttle rows ride along: like the denylist they only matter for a short while.
    return (await auth_jobs.cleanup_denylist()
            + await lockout.cleanup(LOGIN_THROTTLE_RETENTION_S))


@api_job("cleanup_tasks")
async def _cleanup_tasks_job(payload: dict, cache: object) -> dict:
    return {"deleted": await cleanup_tasks()}


@api_job("cleanup_insights")
async def _cleanup_insights_job(payload: dict, cache: object) -> dict:
    return {"deleted": await cleanup_insights()}


@api_job("cleanup_denylist")
async def _cleanup_denylist_job(payload: dict, cache: object) -> dict:
    return {"deleted": await cleanup_denylist()}
