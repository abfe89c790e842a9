"""The scheduler: one leader per database, recurring rows, weekly reports per timezone."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime

from backend.jobs import weekly
from backend.jobs.scheduler import Scheduler, enqueue_recurring, recurring_jobs


async def test_advisory_lock_admits_one_scheduler_at_a_time(orm, migrated_db):
    first, second = Scheduler(migrated_db), Scheduler(migrated_db)
    try:
        assert await first.try_acquire() is True
        assert await second.try_acquire() is False
        assert await second.try_acquire() is False
        await first.close()  # the leader's process goes away
        assert await second.try_acquire() is True
        assert await first.try_acquire() is False
    finally:
        await first.close()
        await second.close()


async def test_two_running_schedulers_enqueue_each_job_once(orm, db, migrated_db):
    await db.execute("DELETE FROM tasks WHERE dedupe_key LIKE 'cleanup_%' "
                     "OR dedupe_key LIKE 'process_deletions:%'")
    a, b = Scheduler(migrated_db, tick_seconds=0.05), Scheduler(migrated_db, tick_seconds=0.05)
    runs = [asyncio.create_task(a.run()), asyncio.create_task(b.run())]
    try:
        expected = {key for _, _, key in recurring_jobs(datetime.now(UTC))}
        for _ in range(200):
            keys = {r["dedupe_key"] for r in await db.fetch(
                "SELECT dedupe_key FROM tasks WHERE dedupe_key = ANY($1::text[])",
                list(expected))}
            if keys == expected:
                break
            await asyncio.sleep(0.05)
        assert keys == expected
        assert [a.is_leader, b.is_leader].count(True) == 1
    finally:
        for r in runs:
            r.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
        await a.close()
        await b.close()


def test_recurring_jobs_cover_each_period_with_stable_keys():
    now = datetime(2026, 11, 28, 10, 7, tzinfo=UTC)  # a Saturday
    jobs = {key: (task_type, run_at) for task_type, run_at, key in recurring_jobs(now)}
    assert jobs["cleanup_denylist:2026-11-29"] == (
        "cleanup_denylist", datetime(2026, 11, 29, 3, tzinfo=UTC))
    assert "cleanup_tasks:2026-11-28" in jobs
    assert jobs["cleanup_insights:2026-W49"][1] == datetime(2026, 11, 30, 3, 30, tzinfo=UTC)
    assert jobs["process_deletions:2026-11-28T10:00Z"][1] == datetime(2026, 11, 28, 10,
                                                                      tzinfo=UTC)
    assert "process_deletions:2026-11-28T10:15Z" in jobs


async def test_enqueue_recurring_twice_adds_nothing_new(orm, db):
    now = datetime(2031, 3, 5, 12, 0, tzinfo=UTC)
    await enqueue_recurring(now)
    # Per-user jobs (weekly reports, end-of-day reminders) depend on who is opted in.
    count = await db.fetchval("SELECT count(*) FROM tasks WHERE dedupe_key LIKE '%2031-%' "
                           "AND task_type NOT IN ('weekly_reports', 'eod_reminders')")
    await enqueue_recurring(now)
    assert count == len(recurring_jobs(now))
    assert await db.fetchval(
        "SELECT count(*) FROM tasks WHERE dedupe_key LIKE '%2031-%' "
                           "AND task_type NOT IN ('weekly_reports', 'eod_reminders')") == count


def test_monday_nine_is_a_different_instant_in_tokyo_and_new_york():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday
    tokyo = weekly.next_weekly_run("Asia/Tokyo", now)
    new_york = weekly.next_weekly_run("America/New_York", now)
    assert tokyo == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 09:00 JST = 00:00 UTC
    assert new_york == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 09:00 EST = 14:00 UTC
    assert weekly.report_period(tokyo, "Asia/Tokyo") == (date(2026, 11, 23), date(2026, 11, 29))


def test_weekly_run_follows_daylight_saving_and_rolls_to_next_week():
    # 2026-03-09 is the first Monday of US daylight time: 09:00 EDT = 13:00 UTC.
    assert weekly.next_weekly_run("America/New_York", datetime(2026, 3, 8, tzinfo=UTC)) == \
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    # Monday 09:00:01 in Tokyo has just missed this week's run.
    just_after = datetime(2026, 11, 30, 0, 0, 1, tzinfo=UTC)
    assert weekly.next_weekly_run("Asia/Tokyo", just_after) == datetime(2026, 12, 7, 0, 0,
                                                                        tzinfo=UTC)
    assert weekly.next_weekly_run("Not/AZone", datetime(2026, 11, 28, tzinfo=UTC)) == \
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_weekly_reports_are_scheduled_for_opted_in_users_in_their_timezone(orm, db):
    async def user(tz: str, wants: bool) -> uuid.UUID:
        return await db.fetchval(
            "INSERT INTO users (email, password_hash, timezone, preferences) "
            "VALUES ($1, 'x', $2, $3::jsonb) RETURNING id",
            f"wk-{uuid.uuid4().hex[:10]}@example.com", tz,
            json.dumps({"weekly_report_email": wants}))

    tokyo, new_york, silent = (await user("Asia/Tokyo", True),
                               await user("America/New_York", True),
                               await user("Europe/Paris", False))
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    await weekly.schedule_weekly_reports(now)
    await weekly.schedule_weekly_reports(now)
    rows = {r["user_id"]: r for r in await db.fetch(
        "SELECT user_id, run_at, payload FROM tasks WHERE task_type = 'weekly_reports' "
        "AND user_id = ANY($1::uuid[])", [tokyo, new_york, silent])}
    assert set(rows) == {tokyo, new_york}
    assert rows[tokyo]["run_at"] == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert rows[new_york]["run_at"] == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    payload = json.loads(rows[new_york]["payload"])
    assert (payload["period_start"], payload["period_end"]) == ("2026-11-23", "2026-11-29")
