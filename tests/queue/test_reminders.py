"""End-of-day reminders (issue 12): the scheduler's rows per user and timezone, and the job
that decides whether to queue the email. Real database; the job is called as the API-side
runner calls it (tests/worker/test_reminder_email.py sends one through a real worker)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from backend.jobs import reminders
from backend.jobs.scheduler import enqueue_recurring

WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday"]


async def make_user(db, tz="UTC", *, wants=True, at="17:30", days=None, first_name="Ada"):
    prefs = {"end_of_day_reminder_email": wants, "end_of_day_reminder_time": at}
    if days is not None:
        prefs["end_of_day_reminder_days"] = days
    return await db.fetchval(
        "INSERT INTO users (email, password_hash, first_name, timezone, preferences) "
        "VALUES ($1, 'x', $2, $3, $4::jsonb) RETURNING id",
        f"eod-{uuid.uuid4().hex[:10]}@example.com", first_name, tz, json.dumps(prefs))


async def add_entry(db, uid, start: str, end: str):
    await db.execute("INSERT INTO log_entries (user_id, title, type, start_time, end_time) "
                     "VALUES ($1, 'work', 'code', $2::text::timestamptz, $3::text::timestamptz)",
                     uid, start, end)


async def email_tasks(db, uid):
    rows = await db.fetch("SELECT payload, dedupe_key FROM tasks WHERE task_type = 'send_email' "
                          "AND user_id = $1", uid)
    return [json.loads(r["payload"]) | {"_key": r["dedupe_key"]} for r in rows]


def payload(uid, day: str, at="17:30", tz="UTC"):
    return {"user_id": str(uid), "date": day, "time": at, "timezone": tz}


# --- when -----------------------------------------------------------------------------------

def test_the_same_reminder_time_is_a_different_instant_per_timezone():
    now = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday 00:00 UTC
    assert reminders.next_reminder("Asia/Tokyo", "17:30", WEEK, now) == (
        datetime(2026, 11, 30, 8, 30, tzinfo=UTC), date(2026, 11, 30))
    assert reminders.next_reminder("America/New_York", "17:30", WEEK, now) == (
        datetime(2026, 11, 30, 22, 30, tzinfo=UTC), date(2026, 11, 30))
    # 17:30 in Tokyo has passed at 09:00 UTC: the next one is Tuesday's.
    assert reminders.next_reminder("Asia/Tokyo", "17:30", WEEK,
                                   datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) == (
        datetime(2026, 12, 1, 8, 30, tzinfo=UTC), date(2026, 12, 1))


def test_weekends_are_skipped_and_days_can_be_chosen():
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert reminders.next_reminder("UTC", "17:30", WEEK, friday_evening)[1] == date(2026, 11, 30)
    assert reminders.next_reminder("UTC", "17:30", ["saturday"], friday_evening)[1] == \
        date(2026, 11, 28)
    assert reminders.next_reminder("UTC", "17:30", [], friday_evening) is None


def test_daylight_saving_keeps_the_wall_clock_time():
    # US daylight time starts Sunday 2026-03-08: 17:30 EST is 22:30 UTC, 17:30 EDT 21:30 UTC.
    before = reminders.next_reminder("America/New_York", "17:30", WEEK,
                                     datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    after = reminders.next_reminder("America/New_York", "17:30", WEEK,
                                    datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    assert before[0] == datetime(2026, 3, 6, 22, 30, tzinfo=UTC)
    assert after[0] == datetime(2026, 3, 9, 21, 30, tzinfo=UTC)


async def test_the_scheduler_queues_one_row_per_opted_in_user_in_their_timezone(orm, db):
    tokyo = await make_user(db, "Asia/Tokyo", at="18:00")
    berlin = await make_user(db, "Europe/Berlin", at="17:00")
    silent = await make_user(db, "Europe/Berlin", wants=False)
    weekend_only = await make_user(db, "UTC", at="10:00", days=["sunday"])
    now = datetime(2032, 3, 1, 6, 0, tzinfo=UTC)  # a Monday
    await enqueue_recurring(now)  # the scheduler's whole tick
    await enqueue_recurring(now)
    rows = await db.fetch("SELECT user_id, run_at, payload, dedupe_key FROM tasks "
                          "WHERE task_type = 'eod_reminders' AND user_id = ANY($1::uuid[])",
                          [tokyo, berlin, silent, weekend_only])
    got = {r["user_id"]: r for r in rows}
    assert set(got) == {tokyo, berlin, weekend_only} and len(rows) == 3
    assert got[tokyo]["run_at"] == datetime(2032, 3, 1, 9, 0, tzinfo=UTC)
    assert got[berlin]["run_at"] == datetime(2032, 3, 1, 16, 0, tzinfo=UTC)
    assert got[weekend_only]["run_at"] == datetime(2032, 3, 7, 10, 0, tzinfo=UTC)
    assert json.loads(got[tokyo]["payload"]) == payload(tokyo, "2032-03-01", "18:00",
                                                        "Asia/Tokyo")


# --- whether ----------------------------------------------------------------------------------

async def test_a_day_without_entries_queues_one_email_even_if_run_twice(orm, db):
    uid = await make_user(db, "Europe/Berlin", first_name="Grace")
    now = datetime(2026, 11, 30, 16, 30, 5, tzinfo=UTC)  # 17:30 in Berlin
    job = payload(uid, "2026-11-30", tz="Europe/Berlin")
    first = await reminders.remind_if_nothing_logged(job, now)
    second = await reminders.remind_if_nothing_logged(job, now)
    assert "email_task" in first and first == second
    [email] = await email_tasks(db, uid)
    to = await db.fetchval("SELECT email FROM users WHERE id = $1", uid)
    assert email["to"] == to and email["kind"] == "end_of_day_reminder"
    assert email["subject"] == "Nothing logged today (Monday 30 November)"
    assert email["text_body"].startswith("Hi Grace,")
    assert email["_key"] == f"eod_reminder_email:{uid}:2026-11-30"


async def test_no_email_when_the_day_has_entries_in_the_users_timezone(orm, db):
    uid = await make_user(db, "Asia/Tokyo")
    # 23:30 UTC on the 30th is 08:30 on 1 December in Tokyo: it counts for the 1st only.
    await add_entry(db, uid, "2026-11-30T23:30:00Z", "2026-12-01T00:30:00Z")
    on_the_first = await reminders.remind_if_nothing_logged(
        payload(uid, "2026-12-01", tz="Asia/Tokyo"), datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    assert on_the_first == {"skipped": "the day has entries"}
    assert await email_tasks(db, uid) == []
    on_the_30th = await reminders.remind_if_nothing_logged(
        payload(uid, "2026-11-30", tz="Asia/Tokyo"), datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert "email_task" in on_the_30th
    assert [e["_key"] for e in await email_tasks(db, uid)] == [
        f"eod_reminder_email:{uid}:2026-11-30"]


@pytest.mark.parametrize("case, expected", [
    ("opted_out", "opted out"),
    ("time_changed", "reminder time or timezone changed"),
    ("timezone_changed", "reminder time or timezone changed"),
    ("not_a_workday", "no longer a workday"),
    ("day_over", "the day is over"),
    ("timer_running", "a timer is running"),
    ("gone", "user is gone"),
])
async def test_reasons_not_to_remind_queue_nothing(orm, db, case, expected):
    uid = await make_user(db, "UTC")
    job = payload(uid, "2026-11-30")
    now = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    if case == "opted_out":
        await db.execute("UPDATE users SET preferences = preferences || "
                         "'{\"end_of_day_reminder_email\": false}' WHERE id = $1", uid)
    elif case == "time_changed":
        await db.execute("UPDATE users SET preferences = preferences || "
                         "'{\"end_of_day_reminder_time\": \"18:00\"}' WHERE id = $1", uid)
    elif case == "timezone_changed":
        await db.execute("UPDATE users SET timezone = 'Europe/Paris' WHERE id = $1", uid)
    elif case == "not_a_workday":
        await db.execute("UPDATE users SET preferences = preferences || "
                         "'{\"end_of_day_reminder_days\": [\"friday\"]}' WHERE id = $1", uid)
    elif case == "day_over":
        now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    elif case == "timer_running":
        await db.execute("INSERT INTO active_timers (user_id) VALUES ($1)", uid)
    elif case == "gone":
        await db.execute("UPDATE users SET is_active = false WHERE id = $1", uid)
    assert await reminders.remind_if_nothing_logged(job, now) == {"skipped": expected}
    assert await email_tasks(db, uid) == []
