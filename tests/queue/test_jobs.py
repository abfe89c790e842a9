"""Retention cleanups and scheduled GDPR deletions, called the way the API-side runner does."""

from __future__ import annotations

import uuid

from backend.jobs import cleanup, deletions

USER_TABLES = {
    "projects": "owner_id", "log_entries": "user_id", "tags": "user_id", "tasks": "user_id",
    "generated_insights": "user_id", "auth_sessions": "user_id",
    "refresh_token_denylist": "user_id", "active_timers": "user_id",
    "scheduled_deletions": "user_id",
}


async def _user_with_data(db, *, due_in: str | None) -> uuid.UUID:
    uid = await db.fetchval(
        "INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id",
        f"del-{uuid.uuid4().hex[:10]}@example.com")
    pid = await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1, 'p') RETURNING id", uid)
    eid = await db.fetchval(
        "INSERT INTO log_entries (user_id, project_id, title, type, start_time, "
        "end_time) VALUES ($1, $2, 't', 'code', now() - interval '1 hour', now()) RETURNING id",
        uid, pid)
    tid = await db.fetchval(
        "INSERT INTO tags (user_id, name) VALUES ($1, 'mine') RETURNING id", uid)
    await db.execute("INSERT INTO log_entry_tags VALUES ($1, $2)", eid, tid)
    await db.execute("INSERT INTO tasks (user_id, task_type) VALUES ($1, 'send_email')", uid)
    await db.execute(
        "INSERT INTO generated_insights (user_id, report_type, period_start, period_end) "
        "VALUES ($1, 'weekly', current_date, current_date)", uid)
    await db.execute(
        "INSERT INTO auth_sessions (id, user_id, current_jti, expires_at) "
        "VALUES (gen_random_uuid(), $1, gen_random_uuid(), now() + interval '1 day')", uid)
    await db.execute(
        "INSERT INTO refresh_token_denylist (jti, user_id, expires_at) "
        "VALUES (gen_random_uuid(), $1, now() + interval '1 day')", uid)
    await db.execute("INSERT INTO active_timers (user_id) VALUES ($1)", uid)
    if due_in is not None:
        await db.execute(
            "INSERT INTO scheduled_deletions (user_id, scheduled_for, reason) "
            f"VALUES ($1, now() + interval '{due_in}', 'gdpr')", uid)
    return uid


async def _rows_of(db, uid) -> dict[str, int]:
    counts = {t: await db.fetchval(f"SELECT count(*) FROM {t} WHERE {c} = $1", uid)
              for t, c in USER_TABLES.items()}
    counts["users"] = await db.fetchval("SELECT count(*) FROM users WHERE id = $1", uid)
    return counts


async def test_due_deletion_removes_every_row_of_that_user_only(orm, db):
    doomed = await _user_with_data(db, due_in="-1 minute")
    later = await _user_with_data(db, due_in="7 days")
    bystander = await _user_with_data(db, due_in=None)
    before_later, before_bystander = await _rows_of(db, later), await _rows_of(db, bystander)

    out = await deletions.process_due_deletions()

    # Asserted on rows, not on `out`: an API process's runner may take the deletion first.
    assert out["failed"] == []
    assert set((await _rows_of(db, doomed)).values()) == {0}
    assert await _rows_of(db, later) == before_later
    assert await _rows_of(db, bystander) == before_bystander
    assert set(before_bystander.values()) - {0} == {1}  # the fixture really made rows
    record = await db.fetchrow("SELECT reason, completed_at FROM completed_deletions "
                               "WHERE user_id = $1", doomed)
    assert record["reason"] == "gdpr" and record["completed_at"] is not None


async def test_task_cleanup_deletes_only_old_finished_tasks(orm, db):
    ids = {}
    for name, status, age in [("old_done", "completed", "31 days"), ("old_failed", "failed",
                              "40 days"), ("new_done", "completed", "29 days"),
                              ("old_queued", "queued", None)]:
        ids[name] = await db.fetchval(
            "INSERT INTO tasks (task_type, status, completed_at) VALUES ('test_cleanup', $1, "
            "now() - $2::text::interval) RETURNING id", status, age)
    await cleanup.cleanup_tasks()
    left = {r["id"] for r in await db.fetch("SELECT id FROM tasks WHERE id = ANY($1::uuid[])",
                                            list(ids.values()))}
    assert left == {ids["new_done"], ids["old_queued"]}


async def test_insight_cleanup_keeps_a_years_reports(orm, db):
    uid = await _user_with_data(db, due_in=None)
    old = await db.fetchval(
        "INSERT INTO generated_insights (user_id, report_type, period_start, period_end, "
        "status, created_at) VALUES ($1, 'weekly', '2024-01-01', '2024-01-07', 'completed', "
        "now() - interval '366 days') RETURNING id", uid)
    recent = await db.fetchval(
        "INSERT INTO generated_insights (user_id, report_type, period_start, period_end, "
        "status, created_at) VALUES ($1, 'weekly', '2025-01-01', '2025-01-07', 'completed', "
        "now() - interval '300 days') RETURNING id", uid)
    await cleanup.cleanup_insights()
    left = {r["id"] for r in await db.fetch(
        "SELECT id FROM generated_insights WHERE id = ANY($1::uuid[])", [old, recent])}
    assert left == {recent}


async def test_denylist_cleanup_drops_only_expired_entries(orm, db):
    uid = await _user_with_data(db, due_in=None)
    expired = await db.fetchval(
        "INSERT INTO refresh_token_denylist (jti, user_id, expires_at) "
        "VALUES (gen_random_uuid(), $1, now() - interval '1 hour') RETURNING jti", uid)
    live = await db.fetchval("SELECT jti FROM refresh_token_denylist WHERE user_id = $1 "
                             "AND expires_at > now()", uid)
    await cleanup.cleanup_denylist()
    left = {r["jti"] for r in await db.fetch(
        "SELECT jti FROM refresh_token_denylist WHERE jti = ANY($1::uuid[])", [expired, live])}
    assert left == {live}
