"""Monday jobs, in each user's own timezone, for the week that just ended.

- Weekly report emails, Monday 09:00: the scheduler enqueues one `weekly_reports` row per
  opted-in user with run_at at that instant (deduplicated per user and Monday); the job hands
  over to the insights domain. That report's request asks the worker for the closed week's
  digest too, and its result stores it.
- Week digests, Monday 11:00: one `week_digests` row per user who logged work that week,
  opted in or not, so a later monthly or annual report finds the week digested. It runs after
  the weekly report, which usually digested the week already; then it does nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backend.db.setup import db
from backend.queue.handlers import api_job
from backend.queue.service import enqueue

log = logging.getLogger("englog.jobs.weekly")

REPORT_WEEKDAY = 0  # Monday
REPORT_TIME = time(9, 0)
# After the weekly report (and its digest) had its turn on the worker.
DIGEST_DELAY = timedelta(hours=2)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_weekly_run(tz_name: str, now: datetime) -> datetime:
    """The first Monday 09:00 in tz_name at or after `now`, as a UTC instant."""
    tz = _zone(tz_name)
    local_today = now.astimezone(tz).date()
    day = local_today + timedelta(days=(REPORT_WEEKDAY - local_today.weekday()) % 7)
    while True:
        # Combining the wall-clock time per candidate date keeps 09:00 right across DST changes.
        at = datetime.combine(day, REPORT_TIME, tzinfo=tz)
        if at >= now:
            return at.astimezone(UTC)
        day += timedelta(days=7)


def report_period(run_at: datetime, tz_name: str) -> tuple[date, date]:
    """Monday..Sunday of the week before the local Monday of run_at."""
    monday = run_at.astimezone(_zone(tz_name)).date()
    return monday - timedelta(days=7), monday - timedelta(days=1)


async def schedule_weekly_reports(now: datetime) -> int:
    """Enqueue the next weekly report of every opted-in user (idempotent). Returns users seen."""
    users = await db().execute_query_dict(
        "SELECT id, timezone FROM users WHERE is_active "
        "AND preferences -> 'weekly_report_email' = 'true'::jsonb"
    )
    for u in users:
        run_at = next_weekly_run(u["timezone"], now)
        start, end = report_period(run_at, u["timezone"])
        await enqueue(
            "weekly_reports",
            {"user_id": str(u["id"]), "period_start": start.isoformat(),
             "period_end": end.isoformat(), "timezone": u["timezone"]},
            user_id=u["id"], run_at=run_at,
            dedupe_key=f"weekly_report:{u['id']}:{end + timedelta(days=1)}",
        )
    await schedule_week_digests(now)
    return len(users)


async def schedule_week_digests(now: datetime) -> int:
    """Enqueue the Monday digest job of every user with entries near the week now running
    (idempotent: one per user and week). Returns how many users have one."""
    users = await db().execute_query_dict(
        "SELECT u.id, u.timezone FROM users u WHERE u.is_active AND EXISTS ("
        "  SELECT 1 FROM log_entries le WHERE le.user_id = u.id "
        "  AND le.start_time >= $1::timestamptz - interval '8 days' "
        "  AND le.start_time < $1::timestamptz + interval '8 days')", [now])
    for u in users:
        run_at = next_weekly_run(u["timezone"], now)
        start, _ = report_period(run_at, u["timezone"])
        await enqueue(
            "week_digests", {"user_id": str(u["id"]), "week_start": start.isoformat()},
            user_id=u["id"], run_at=run_at + DIGEST_DELAY,
            dedupe_key=f"week_digest_job:{u['id']}:{start}")
    return len(users)


@api_job("weekly_reports")
async def run_weekly_report(payload: dict, cache: Any = None) -> dict:
    rows = await db().execute_query_dict(
        "SELECT preferences -> 'weekly_report_email' = 'true'::jsonb AS wanted "
        "FROM users WHERE id = $1 AND is_active", [payload["user_id"]])
    if not rows or not rows[0]["wanted"]:
        return {"skipped": "user opted out or is gone"}
    # Imported here: insights imports the queue, which imports this module at start-up.
    from backend.insights.service import request_report

    result = await request_report(
        payload["user_id"], "weekly", date.fromisoformat(payload["period_start"]),
        date.fromisoformat(payload["period_end"]), scheduled=True, cache=cache)
    return {"report": str(result)}


@api_job("week_digests")
async def run_week_digest(payload: dict, cache: Any = None) -> dict:
    # No cache use: a digest is stored in PostgreSQL when the worker's result comes back.
    from backend.insights.service import request_week_digest

    queued = await request_week_digest(payload["user_id"],
                                       date.fromisoformat(payload["week_start"]))
    return {"digest_requested": queued}
