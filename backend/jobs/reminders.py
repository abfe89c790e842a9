"""End-of-day reminder emails: on a workday (end_of_day_reminder_days, Monday-Friday unless
changed, in the user's timezone) with no entries, at the time the user chose, once per day.
Opt-in (preference end_of_day_reminder_email); the worker sends the email through the
send_email task.

The scheduler enqueues one `eod_reminders` row per opted-in user for their next reminder
instant, deduplicated per user, local day and chosen time. The job decides when it runs,
against the user's current settings and entries, and the email task it enqueues is
deduplicated per user and local day, so nobody is reminded twice for one day whatever
happens to the settings or the schedule in between.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from backend.auth.emails import end_of_day_reminder_email
from backend.db.setup import db
from backend.queue.handlers import api_job
from backend.queue.service import enqueue
from backend.users.schemas import WEEKDAYS, effective_preferences

log = logging.getLogger("englog.jobs.reminders")

TASK_TYPE = "eod_reminders"

OPTED_IN = """SELECT id, timezone, preferences FROM users WHERE is_active
AND preferences -> 'end_of_day_reminder_email' = 'true'::jsonb"""

USER = """SELECT email, first_name, timezone, preferences FROM users
WHERE id = $1 AND is_active"""

# Entries are counted by start time, like every "which day" question in EngLog.
HAS_ENTRY = """SELECT EXISTS (SELECT 1 FROM log_entries
    WHERE user_id = $1 AND start_time >= $2 AND start_time < $3) AS logged,
  EXISTS (SELECT 1 FROM active_timers WHERE user_id = $1) AS timing"""


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _prefs(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str | bytes):  # asyncpg hands jsonb back as text
        raw = orjson.loads(raw)
    return effective_preferences(raw)


def is_workday(day: date, days: list[str]) -> bool:
    return WEEKDAYS[day.weekday()] in days


def next_reminder(tz_name: str, at: str, days: list[str], now: datetime
                  ) -> tuple[datetime, date] | None:
    """(the first of `days` at `at` (HH:MM) in tz_name at or after `now`, as a UTC instant;
    that local day), or None without workdays. The wall-clock time is combined per day, so
    DST changes keep it right."""
    if not days:
        return None
    tz = _zone(tz_name)
    wall = time.fromisoformat(at)
    day = now.astimezone(tz).date()
    while True:  # ends within 8 days: some weekday is in `days`
        if is_workday(day, days):
            instant = datetime.combine(day, wall, tzinfo=tz)
            if instant >= now:
                return instant.astimezone(UTC), day
        day += timedelta(days=1)


def local_day(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as instants."""
    tz = _zone(tz_name)
    return (datetime.combine(day, time(0), tzinfo=tz),
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz))


def dedupe_key(user_id: Any, day: date, at: str) -> str:
    return f"eod_reminder:{user_id}:{day.isoformat()}:{at}"


def email_dedupe_key(user_id: Any, day: date) -> str:
    # Per day only (not per time): moving the time after the email went out sends nothing.
    return f"eod_reminder_email:{user_id}:{day.isoformat()}"


async def schedule_end_of_day_reminders(now: datetime) -> int:
    """Enqueue the next reminder of every opted-in user (idempotent). Returns users seen."""
    users = await db().execute_query_dict(OPTED_IN)
    for u in users:
        prefs = _prefs(u["preferences"])
        at = prefs["end_of_day_reminder_time"]
        nxt = next_reminder(u["timezone"], at, prefs["end_of_day_reminder_days"], now)
        if nxt is None:
            continue
        run_at, day = nxt
        await enqueue(
            TASK_TYPE,
            {"user_id": str(u["id"]), "date": day.isoformat(), "time": at,
             "timezone": u["timezone"]},
            user_id=u["id"], run_at=run_at, dedupe_key=dedupe_key(u["id"], day, at))
    return len(users)


async def remind_if_nothing_logged(payload: dict, now: datetime | None = None) -> dict:
    """Queue the reminder email for payload's user and day, unless there is no reason to."""
    now = now or datetime.now(UTC)
    conn = db()
    rows = await conn.execute_query_dict(USER, [payload["user_id"]])
    if not rows:
        return {"skipped": "user is gone"}
    user = rows[0]
    prefs = _prefs(user["preferences"])
    if not prefs["end_of_day_reminder_email"]:
        return {"skipped": "opted out"}
    if (prefs["end_of_day_reminder_time"], user["timezone"]) != (payload["time"],
                                                                 payload["timezone"]):
        # The settings changed after this row was queued; the scheduler queues the reminder
        # for the new time (under its own key), so this one stands down.
        return {"skipped": "reminder time or timezone changed"}
    day = date.fromisoformat(payload["date"])
    if not is_workday(day, prefs["end_of_day_reminder_days"]):
        return {"skipped": "no longer a workday"}
    start, end = local_day(day, user["timezone"])
    if now >= end:
        # Queued for a day that is over (the API was down): "nothing logged today" would be
        # wrong now, and yesterday's reminder is no longer useful.
        return {"skipped": "the day is over"}
    state = (await conn.execute_query_dict(HAS_ENTRY, [payload["user_id"], start, end]))[0]
    if state["logged"]:
        return {"skipped": "the day has entries"}
    if state["timing"]:
        return {"skipped": "a timer is running"}
    email = end_of_day_reminder_email(user["email"], user["first_name"], payload["user_id"],
                                      f"{day:%A} {day.day} {day:%B}")
    task_id = await enqueue("send_email", email, user_id=payload["user_id"], priority=50,
                            dedupe_key=email_dedupe_key(payload["user_id"], day))
    return {"email_task": str(task_id)}


@api_job(TASK_TYPE)
async def _run_end_of_day_reminder(payload: dict, cache: object) -> dict:
    return await remind_if_nothing_logged(payload)
