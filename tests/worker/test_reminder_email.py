"""The end-of-day reminder through the whole deployment (issue 12): the API's own scheduler
(ticking every second) queues the reminder at the user's chosen time in their timezone, the
API-side job finds no entries that day and queues the email, and a real `englog-worker`
sends it to a real SMTP server. A user with an entry that day gets nothing; nobody gets two."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import register

# Half an hour off whole hours: a reminder computed in UTC (or the server's zone) would be
# far from the chosen time, and the email would never arrive in the test's wait.
TZ = "Asia/Kolkata"
EVERY_DAY = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.fixture(scope="module")
def stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    stack = start_stack(api_env, Path(tmp_path_factory.mktemp("eod")), "eod",
                        ENGLOG_SCHEDULER_ENABLED="true",
                        ENGLOG_QUEUE_SCHEDULER_TICK_SECONDS="1")
    yield stack
    stack.stop()
    drop_stack_database(stack)


def reminder_time(now_local: datetime) -> datetime:
    # The next whole minute, with room for the scheduler's first tick to queue it.
    minute = now_local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return minute if now_local.second < 40 else minute + timedelta(minutes=1)


async def _task_rows(db, user_id: str, task_type: str):
    return await db.fetch("SELECT status, payload, result, dedupe_key FROM tasks "
                          "WHERE user_id = $1::uuid AND task_type = $2", user_id, task_type)


async def _reminder_emails(db, user_id: str):
    # Registering also queues a welcome email; only the reminders count here.
    return [r for r in await _task_rows(db, user_id, "send_email")
            if json.loads(r["payload"]).get("kind") == "end_of_day_reminder"]


def _reminders_received(smtp_server) -> list[list[str]]:
    return [m.rcpt_tos for m in smtp_server.messages
            if m.message["X-EngLog-Kind"] == "end_of_day_reminder"]


async def test_reminder_email_once_for_an_empty_day_and_none_for_a_logged_one(stack,
                                                                               smtp_server):
    worker = stack.start_worker(
        "worker-1", worker_id="eod-worker", ENGLOG_WORKER_SMTP_HOST="127.0.0.1",
        ENGLOG_WORKER_SMTP_PORT=str(smtp_server.port))
    db = await asyncpg.connect(stack.database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            idle = await register(client, timezone=TZ, first_name="Idle")
            busy = await register(client, timezone=TZ, first_name="Busy")
            now = datetime.now(UTC)
            at = reminder_time(now.astimezone(ZoneInfo(TZ)))
            day = at.date()
            # On the reminder's day, which is tomorrow when the test runs in the last
            # minutes before midnight in TZ (18:28-18:30 UTC).
            start = max(now, datetime.combine(day, time.min, tzinfo=ZoneInfo(TZ)))
            r = await busy.post("/v1/logs", json={
                "title": "Logged today", "type": "code", "start_time": start.isoformat(),
                "end_time": (start + timedelta(minutes=30)).isoformat()})
            assert r.status_code == 201, r.text
            for user in (idle, busy):
                r = await user.put("/v1/users/preferences", json={
                    "end_of_day_reminder_email": True,
                    "end_of_day_reminder_time": f"{at:%H:%M}",
                    "end_of_day_reminder_days": EVERY_DAY})
                assert r.status_code == 200, r.text

            mail = None
            for _ in range(800):  # up to ~2.5 minutes: the chosen minute, then delivery
                found = [m for m in smtp_server.messages if m.rcpt_tos == [idle.email]
                         and m.message["X-EngLog-Kind"] == "end_of_day_reminder"]
                if found:
                    mail = found[0].message
                    break
                assert worker.poll() is None, "worker exited"
                await asyncio.sleep(0.2)
            assert mail is not None, "no reminder email arrived"
            assert mail["X-EngLog-Kind"] == "end_of_day_reminder"
            assert mail["Subject"] == f"Nothing logged today ({day:%A} {day.day} {day:%B})"
            assert "Hi Idle" in mail.get_body(preferencelist=("plain",)).get_content()
            # Sent at (not before) the chosen time in the user's timezone.
            [job] = [r for r in await _task_rows(db, idle.id, "eod_reminders")
                     if json.loads(r["payload"])["date"] == day.isoformat()]
            assert json.loads(job["payload"]) == {
                "user_id": idle.id, "date": day.isoformat(), "time": f"{at:%H:%M}",
                "timezone": TZ}
            assert datetime.now(UTC) >= at

            # The busy user's reminder ran too, and found the entry.
            for _ in range(100):
                busy_jobs = [r for r in await _task_rows(db, busy.id, "eod_reminders")
                             if json.loads(r["payload"])["date"] == day.isoformat()]
                if busy_jobs and busy_jobs[0]["status"] == "completed":
                    break
                await asyncio.sleep(0.2)
            assert json.loads(busy_jobs[0]["result"]) == {"skipped": "the day has entries"}
            assert await _reminder_emails(db, busy.id) == []

            # More scheduler ticks go by: still one reminder job and one email for the day.
            await asyncio.sleep(3)
            todays = [r for r in await _task_rows(db, idle.id, "eod_reminders")
                      if json.loads(r["payload"])["date"] == day.isoformat()]
            assert len(todays) == 1
            assert len(await _reminder_emails(db, idle.id)) == 1
            assert _reminders_received(smtp_server) == [[idle.email]]
    finally:
        await db.close()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
