"""A user can have at most 5 reports queued or running; the 6th gets 429 and writes nothing."""

from __future__ import annotations


async def _log_day(user, day: int) -> None:
    r = await user.post("/v1/logs", json={
        "title": f"Work on day {day}", "type": "code",
        "start_time": f"2026-10-{day:02d}T09:00:00+00:00",
        "end_time": f"2026-10-{day:02d}T10:00:00+00:00"})
    assert r.status_code == 201, r.text


async def _daily(user, day: int):
    return await user.post("/v1/insights/generate", json={
        "report_type": "daily", "period_start": f"2026-10-{day:02d}",
        "period_end": f"2026-10-{day:02d}"})


async def test_sixth_active_report_is_refused(alice, bob, db) -> None:
    for day in range(1, 8):
        await _log_day(alice, day)
    for day in range(1, 6):  # no worker runs here, so these stay queued
        assert (await _daily(alice, day)).status_code == 202
    refused = await _daily(alice, 6)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await db.fetchval("SELECT count(*) FROM generated_insights "
                             "WHERE user_id = $1::uuid", alice.id) == 5
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE user_id = $1::uuid "
                             "AND task_type = 'generate_insight'", alice.id) == 5

    # Asking again for a report already in flight is not a new one: still answered.
    assert (await _daily(alice, 3)).status_code == 202
    # The quota is per user.
    await _log_day(bob, 6)
    assert (await _daily(bob, 6)).status_code == 202

    # Once one finishes (here: fails), there is room again.
    await db.execute("UPDATE generated_insights SET status = 'failed' WHERE user_id = $1::uuid "
                     "AND period_start = '2026-10-01'", alice.id)
    assert (await _daily(alice, 6)).status_code == 202
