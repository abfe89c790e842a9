"""/v1/insights: validation, queueing, the fingerprint cache, result handlers, SSE, isolation.

The queue's result handlers are called directly (with the `orm` fixture and a real
GenerateInsightResponse), the way the queue calls them inside its completing transaction.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format
from tortoise.transactions import in_transaction

from backend.insights import results
from backend.insights.service import request_report
from backend.queue import service as queue
from tests.api.test_report_facts import at
from tests.support.rows import add_entry, add_project
from tests.support.users import register

GEN = "/v1/insights/generate"
WEEK = {"report_type": "weekly", "period_start": "2026-11-02", "period_end": "2026-11-08"}
UTC_TZ = ZoneInfo("UTC")


async def _user_with_week(client, db):
    """A UTC user with 3 entries (30 + 60 + 90 = 180 min) in the week 2026-11-02..08."""
    user = await register(client, timezone="UTC")
    ids = [await add_entry(db, user.id, at("2026-11-02", "09:00", UTC_TZ), 30, "code"),
           await add_entry(db, user.id, at("2026-11-04", "10:00", UTC_TZ), 60, "review",
                           "high", "team"),
           await add_entry(db, user.id, at("2026-11-06", "15:00", UTC_TZ), 90, "docs")]
    return user, ids


async def _counts(db, user_id: str) -> tuple[int, int]:
    insights = await db.fetchval(
        "SELECT count(*) FROM generated_insights WHERE user_id = $1::uuid", user_id)
    tasks = await db.fetchval(
        "SELECT count(*) FROM tasks WHERE user_id = $1::uuid AND task_type = "
        "'generate_insight'", user_id)
    return insights, tasks


async def _task_row(db, insight_id: str) -> dict:
    task_id = await db.fetchval(
        "SELECT task_id FROM generated_insights WHERE id = $1::uuid", insight_id)
    return await queue.get_task(task_id)


def _response(insight_id: str, **kw) -> pb.GenerateInsightResponse:
    fields = {"title": "Week 45: billing shipped", "content_markdown": "# Week 45\n\nShipped.",
              "summary": "3 entries, 180 minutes.", "model": "smollm2-135m",
              "backend": "embedded", "prompt_tokens": 900, "completion_tokens": 250,
              "generation_ms": 4200, "dropped_sentences": 2, "fingerprint": "fp",
              "model_calls": 9,
              "sentence_checks": [pb.SectionCheck(section="Key Accomplishments", kept=1,
                                                  regenerated=1, replaced=1)]}
    return pb.GenerateInsightResponse(insight_id=insight_id, **(fields | kw))


async def _complete(orm, db, insight_id: str, **kw) -> None:
    row = await _task_row(db, insight_id)
    async with in_transaction() as conn:
        await results.store_result(row, _response(insight_id, **kw), conn)


# --- no data and validation ----------------------------------------------------------------


async def test_period_without_entries_is_422_with_a_clear_message(client, db):
    user = await register(client, timezone="UTC")
    await add_entry(db, user.id, at("2026-10-20", "10:00", UTC_TZ), 30, "code")  # not that week
    r = await user.post(GEN, json=WEEK)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == ("No entries between 2026-11-02 and 2026-11-08; "
                                  "log some work first.")
    assert await _counts(db, user.id) == (0, 0)


def _today() -> date:
    return datetime.now(UTC).date()


@pytest.mark.parametrize("body, field", [
    ({}, "report_type"),
    ({"report_type": "hourly"}, "report_type"),
    ({"report_type": "weekly", "period_start": "2026-11-02"}, "period_end"),
    ({"report_type": "weekly", "period_end": "2026-11-08"}, "period_start"),
    ({"report_type": "weekly", "period_start": "2026-11-08", "period_end": "2026-11-02"},
     "period_end"),
    ({"report_type": "weekly", "period_start": "2026-13-01", "period_end": "2026-11-08"},
     "period_start"),
    ({"report_type": "daily", "period_start": "2026-11-02", "period_end": "2026-11-03"},
     "period_end"),
    ({"report_type": "annual", "period_start": "2026-11-02", "period_end": "2026-11-04"},
     "period_end"),
    ({"report_type": "monthly", "period_start": "2026-10-01", "period_end": "2026-10-10"},
     "period_end"),
    ({"report_type": "weekly", "period_start": "1899-12-25", "period_end": "1899-12-31"},
     "period_start"),
    ({"report_type": "weekly", "focus_areas": [f"area {i}" for i in range(11)]}, "focus_areas"),
    ({"report_type": "weekly", "focus_areas": ["x" * 101]}, "focus_areas.0"),
    ({"report_type": "weekly", "focus_areas": ["ok", "  "]}, "focus_areas.1"),
    ({"report_type": "weekly", "include_projects": ["no such project"]}, "include_projects.0"),
    ({"report_type": "weekly", "include_projects": "Atlas"}, "include_projects"),
    ({"report_type": "weekly", "colour": "blue"}, "colour"),
])
async def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, db, body, field):
    user, _ = await _user_with_week(client, db)
    r = await user.post(GEN, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await _counts(db, user.id) == (0, 0)


async def test_dates_in_the_future_are_refused(client, db):
    user, _ = await _user_with_week(client, db)
    soon = _today() + timedelta(days=2)
    r = await user.post(GEN, json={"report_type": "daily", "period_start": soon.isoformat(),
                                   "period_end": soon.isoformat()})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "period_start"
    far = _today() + timedelta(days=400)
    r = await user.post(GEN, json={"report_type": "sprint", "period_start": "2026-11-20",
                                   "period_end": far.isoformat()})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "period_end"
    assert await _counts(db, user.id) == (0, 0)


async def test_default_period_is_the_current_one(client, db):
    user = await register(client, timezone="UTC")
    today = _today()
    await add_entry(db, user.id, datetime.combine(today, datetime.min.time(), UTC), 30, "code")
    r = await user.post(GEN, json={"report_type": "weekly"})
    assert r.status_code == 202, r.text
    monday = today - timedelta(days=today.weekday())
    assert (r.json()["period_start"], r.json()["period_end"]) == (
        monday.isoformat(), (monday + timedelta(days=6)).isoformat())
    r = await user.post(GEN, json={"report_type": "monthly"})
    assert r.status_code == 202, r.text
    assert r.json()["period_start"] == today.replace(day=1).isoformat()


# --- queueing ------------------------------------------------------------------------------


async def test_generate_stores_a_queued_report_and_its_task(client, db):
    user, _ = await _user_with_week(client, db)
    r = await user.post(GEN, json=WEEK | {"focus_areas": ["testing"]})
    assert r.status_code == 202, r.text
    body = r.json()
    iid = body["id"]
    assert body == {"id": iid, "status": "queued", "report_type": "weekly",
                    "period_start": "2026-11-02", "period_end": "2026-11-08", "progress": 0,
                    "stage": "queued", "cached": False,
                    "links": {"self": f"/v1/insights/{iid}",
                              "events": f"/v1/insights/{iid}/events"}}
    row = await db.fetchrow("SELECT * FROM generated_insights WHERE id = $1::uuid", iid)
    assert (row["status"], row["report_type"], str(row["user_id"])) == (
        "queued", "weekly", user.id)
    assert json.loads(row["options"]) == {"include_projects": [], "focus_areas": ["testing"]}
    task = await db.fetchrow("SELECT * FROM tasks WHERE id = $1", row["task_id"])
    assert (task["task_type"], task["status"], str(task["user_id"])) == (
        "generate_insight", "queued", user.id)
    msg = json_format.ParseDict(json.loads(task["payload"]), pb.GenerateInsightRequest())
    assert msg.insight_id == iid and msg.fingerprint == row["fingerprint"]
    assert len(msg.entries) == 3
    # The facts travel typed (englog.v1.ReportFacts), not as JSON in a string.
    facts = msg.facts
    assert facts.totals.minutes == 180 and facts.totals.entries == 3
    assert (facts.counts["review"].entries, facts.counts["review"].minutes) == (1, 60)
    assert await _counts(db, user.id) == (1, 1)


async def test_asking_again_while_queued_returns_the_same_report(client, db):
    user, _ = await _user_with_week(client, db)
    first = (await user.post(GEN, json=WEEK)).json()
    again = await user.post(GEN, json=WEEK)
    assert again.status_code == 202 and again.json()["id"] == first["id"]
    assert await _counts(db, user.id) == (1, 1)
    other = await user.post(GEN, json=WEEK | {"focus_areas": ["hiring"]})
    assert other.status_code == 202 and other.json()["id"] != first["id"]  # other options
    assert await _counts(db, user.id) == (2, 2)


# --- results, cache and fingerprint --------------------------------------------------------


async def test_completion_stores_the_report_and_the_next_request_is_served_from_cache(
        client, db, orm, redis_client, redis_prefix):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, iid)

    row = await db.fetchrow("SELECT * FROM generated_insights WHERE id = $1::uuid", iid)
    assert (row["status"], row["progress"], row["title"], row["content"]) == (
        "completed", 100, "Week 45: billing shipped", "# Week 45\n\nShipped.")
    assert (row["model"], row["prompt_tokens"], row["completion_tokens"],
            row["generation_ms"]) == ("smollm2-135m", 900, 250, 4200)
    assert row["completed_at"] is not None and row["error"] is None
    meta = json.loads(row["metadata"])
    assert (meta["backend"], meta["dropped_sentences"], meta["fingerprint"],
            meta["attempts"], meta["model_calls"]) == ("embedded", 2, "fp", 0, 9)
    checks = [{"section": "Key Accomplishments", "kept": 1, "regenerated": 1, "replaced": 1}]
    assert meta["sentence_checks"] == checks

    r = await user.post(GEN, json=WEEK)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["cached"] is True and body["id"] == iid and body["status"] == "completed"
    assert body["content"] == "# Week 45\n\nShipped." and body["facts"]["totals"]["minutes"] == 180
    assert body["sentence_checks"] == checks  # the per-section counts, exposed by the API
    assert await _counts(db, user.id) == (1, 1)  # no new task
    keys = [k async for k in redis_client.scan_iter(
        match=f"{redis_prefix}insight:{user.id}:weekly:*")]
    assert len(keys) == 1
    assert json.loads(await redis_client.get(keys[0]))["id"] == iid
    again = await user.post(GEN, json=WEEK)  # now from Redis
    assert again.status_code == 200 and again.json()["id"] == iid
    assert await _counts(db, user.id) == (1, 1)


async def test_editing_an_entry_changes_the_fingerprint_and_regenerates(client, db, orm):
    user, ids = await _user_with_week(client, db)
    first = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, first)
    assert (await user.post(GEN, json=WEEK)).status_code == 200

    r = await user.patch(f"/v1/logs/{ids[1]}", json={"title": "Reviewed the billing PR"})
    assert r.status_code == 200, r.text
    r = await user.post(GEN, json=WEEK)
    assert r.status_code == 202, r.text
    second = r.json()["id"]
    assert second != first
    fps = await db.fetch("SELECT fingerprint FROM generated_insights WHERE user_id = $1::uuid",
                         user.id)
    assert len({f["fingerprint"] for f in fps}) == 2
    assert await _counts(db, user.id) == (2, 2)
    msg = json_format.ParseDict((await _task_row(db, second))["payload"],
                                pb.GenerateInsightRequest())
    assert "Reviewed the billing PR" in [e.title for e in msg.entries]


async def test_an_entry_in_the_previous_period_also_changes_the_fingerprint(client, db, orm):
    user, _ = await _user_with_week(client, db)
    first = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, first)
    # The facts compare with the week before, so a new entry there changes them.
    await add_entry(db, user.id, at("2026-10-28", "10:00", UTC_TZ), 45, "code")
    r = await user.post(GEN, json=WEEK)
    assert r.status_code == 202 and r.json()["id"] != first


async def test_progress_then_failure_are_recorded_and_shown(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    row = await _task_row(db, iid)
    async with in_transaction() as conn:
        await results.record_progress(row, 40, "summarising week 1 of 1", conn)
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert (got["status"], got["progress"], got["stage"]) == (
        "running", 40, "summarising week 1 of 1")

    row["attempts"] = 3
    async with in_transaction() as conn:
        await results.mark_failed(row, "LLM backend unreachable: connection refused", conn)
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert got["status"] == "failed"
    assert got["error"] == ("Report generation failed after 3 attempts: LLM backend "
                            "unreachable: connection refused")
    stored = await db.fetchrow("SELECT status, completed_at FROM generated_insights "
                               "WHERE id = $1::uuid", iid)
    assert stored["status"] == "failed" and stored["completed_at"] is not None
    # A failed report is not a cache hit: asking again starts a new generation.
    r = await user.post(GEN, json=WEEK)
    assert r.status_code == 202 and r.json()["id"] != iid


async def test_completion_queues_the_report_ready_email_unless_turned_off(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, iid)
    email = await db.fetchrow("SELECT payload FROM tasks WHERE task_type = 'send_email' "
                              "AND dedupe_key = $1", f"report_ready:{iid}")
    assert email is not None
    msg = json_format.ParseDict(json.loads(email["payload"]), pb.SendEmailRequest())
    assert (msg.to, msg.kind, msg.user_id) == (user.email, "report_ready", user.id)
    assert iid in msg.text_body and iid in msg.html_body
    assert "Week 45: billing shipped" in msg.text_body

    quiet, _ = await _user_with_week(client, db)
    await db.execute("UPDATE users SET preferences = '{\"report_ready_email\": false}' "
                     "WHERE id = $1::uuid", quiet.id)
    qid = (await quiet.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, qid)
    assert await db.fetchval("SELECT status FROM generated_insights WHERE id = $1::uuid",
                             qid) == "completed"
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE task_type = 'send_email' "
                             "AND user_id = $1::uuid AND dedupe_key LIKE 'report_ready:%'",
                             quiet.id) == 0


async def test_a_result_without_content_fails_the_report(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, iid, content_markdown="  ")
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert got["status"] == "failed" and "without a report" in got["error"]


async def _lease(db, task_id, worker: str = "test-worker") -> None:
    # What queue.claim does to the row; claim itself would take the most urgent task of the
    # whole test database, not necessarily this one.
    await db.execute(
        "UPDATE tasks SET status = 'running', attempts = attempts + 1, lease_owner = $2, "
        "lease_expires_at = now() + interval '5 minutes', started_at = now() WHERE id = $1",
        task_id, worker)


async def test_status_follows_the_task_through_the_queue(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    task_id = (await _task_row(db, iid))["id"]

    await _lease(db, task_id)
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert (got["status"], got["stage"], got["attempts"]) == ("running", "started", 1)
    assert [i["id"] for i in (await user.get(
        "/v1/insights", params={"status": "running"})).json()["items"]] == [iid]

    out = await queue.fail(task_id, "test-worker", "ollama timed out", retryable=True,
                           backoff_seconds=60, backoff_factor=1)
    assert out.will_retry
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert got["status"] == "queued"
    assert got["stage"] == "retrying after attempt 1 failed: ollama timed out"

    await _lease(db, task_id)
    assert await queue.report_progress(task_id, "test-worker", 70, "writing")
    assert (await user.get(f"/v1/insights/{iid}")).json()["progress"] == 70
    result = _response(iid)
    ok = await queue.complete(task_id, "test-worker",
                              json_format.MessageToDict(result, preserving_proto_field_name=True),
                              result)
    assert ok
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert (got["status"], got["progress"], got["attempts"]) == ("completed", 100, 2)
    assert got["metadata"]["attempts"] == 2 and got["title"] == "Week 45: billing shipped"


async def test_final_failure_through_the_queue_marks_the_report_failed(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    task_id = (await _task_row(db, iid))["id"]
    await _lease(db, task_id)
    out = await queue.fail(task_id, "test-worker", "prompt too long", retryable=False,
                           backoff_seconds=1, backoff_factor=1)
    assert not out.will_retry
    got = (await user.get(f"/v1/insights/{iid}")).json()
    assert got["status"] == "failed"
    assert got["error"] == "Report generation failed after 1 attempt: prompt too long"


# --- reading, listing, deleting ------------------------------------------------------------


async def test_get_list_and_delete(client, db, orm):
    user, _ = await _user_with_week(client, db)
    done = (await user.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, done)
    queued = (await user.post(GEN, json={"report_type": "daily", "period_start": "2026-11-04",
                                         "period_end": "2026-11-04"})).json()["id"]

    full = (await user.get(f"/v1/insights/{done}")).json()
    assert full["content"] == "# Week 45\n\nShipped." and full["facts"]["totals"]["entries"] == 3
    assert full["metadata"]["backend"] == "embedded" and full["status"] == "completed"

    page = (await user.get("/v1/insights")).json()
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [queued, done]
    assert "content" not in page["items"][0] and "facts" not in page["items"][0]
    only = (await user.get("/v1/insights", params={"status": "completed"})).json()
    assert [i["id"] for i in only["items"]] == [done]
    daily = (await user.get("/v1/insights", params={"type": "daily", "limit": 1})).json()
    assert [i["id"] for i in daily["items"]] == [queued] and daily["limit"] == 1
    bad = await user.get("/v1/insights", params={"status": "lost"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"

    task_id = await db.fetchval("SELECT task_id FROM generated_insights WHERE id = $1::uuid",
                                queued)
    assert (await user.delete(f"/v1/insights/{queued}")).status_code == 204
    assert (await user.get(f"/v1/insights/{queued}")).status_code == 404
    assert await db.fetchval("SELECT status FROM tasks WHERE id = $1", task_id) == "cancelled"
    assert (await user.delete(f"/v1/insights/{queued}")).status_code == 404
    assert (await user.get("/v1/insights/not-a-uuid")).status_code == 404


# --- Server-Sent Events --------------------------------------------------------------------


async def _follow(user, iid: str, on_event) -> list[tuple[str, dict]]:
    seen: list[tuple[str, dict]] = []
    async with user.client.stream("GET", f"/v1/insights/{iid}/events",
                                  headers=user.headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        event = None
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                seen.append((event, json.loads(line[6:])))
                await on_event(event, seen[-1][1])
    return seen


async def test_events_stream_progress_and_end_on_completion(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    row = await _task_row(db, iid)

    async def drive(event: str, data: dict) -> None:
        # Each step waits for the stream to show the previous one, so none can be missed.
        if data["status"] == "queued":
            async with in_transaction() as conn:
                await results.record_progress(row, 40, "writing", conn)
        elif data.get("progress") == 40:
            await _complete(orm, db, iid)

    seen = await asyncio.wait_for(_follow(user, iid, drive), timeout=60)
    assert seen[0] == ("progress", {"status": "queued", "progress": 0, "stage": "queued"})
    assert ("progress", {"status": "running", "progress": 40, "stage": "writing"}) in seen
    assert seen[-1] == ("completed", {"status": "completed", "progress": 100,
                                      "stage": "completed"})


async def test_events_of_a_failed_report_end_at_once_with_the_error(client, db, orm):
    user, _ = await _user_with_week(client, db)
    iid = (await user.post(GEN, json=WEEK)).json()["id"]
    async with in_transaction() as conn:
        await results.mark_failed(await _task_row(db, iid), "model crashed", conn)

    async def ignore(event: str, data: dict) -> None:
        return None

    seen = await asyncio.wait_for(_follow(user, iid, ignore), timeout=60)
    assert seen == [("failed", {"status": "failed", "progress": 0, "stage": "failed",
                                "error": "Report generation failed: model crashed"})]


# --- the scheduler's entry point -----------------------------------------------------------


async def test_request_report_skips_empty_periods_and_queues_scheduled_ones(client, db, orm):
    empty = await register(client, timezone="UTC")
    assert await request_report(empty.id, "weekly", date(2026, 11, 2), date(2026, 11, 8),
                                scheduled=True) is None
    assert await _counts(db, empty.id) == (0, 0)

    user, _ = await _user_with_week(client, db)
    iid = await request_report(user.id, "weekly", date(2026, 11, 2), date(2026, 11, 8),
                               scheduled=True)
    row = await db.fetchrow("SELECT gi.metadata, t.priority FROM generated_insights gi "
                            "JOIN tasks t ON t.id = gi.task_id WHERE gi.id = $1", iid)
    assert json.loads(row["metadata"]) == {"scheduled": True} and row["priority"] == 200
    await _complete(orm, db, str(iid))
    # Already generated for this data: same report, and the Monday email still goes out.
    await db.execute("DELETE FROM tasks WHERE dedupe_key = $1", f"report_ready:{iid}")
    assert await request_report(user.id, "weekly", date(2026, 11, 2), date(2026, 11, 8),
                                scheduled=True) == iid
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE dedupe_key = $1",
                             f"report_ready:{iid}") == 1
    assert await _counts(db, user.id) == (1, 1)


# --- isolation -----------------------------------------------------------------------------


async def test_another_user_cannot_see_follow_delete_or_use_alices_reports(client, db, orm):
    alice, _ = await _user_with_week(client, db)
    bob, _ = await _user_with_week(client, db)
    atlas = await add_project(db, alice.id, "Atlas")
    iid = (await alice.post(GEN, json=WEEK)).json()["id"]
    await _complete(orm, db, iid)
    before = await db.fetchrow("SELECT * FROM generated_insights WHERE id = $1::uuid", iid)

    assert (await bob.get(f"/v1/insights/{iid}")).status_code == 404
    assert (await bob.get(f"/v1/insights/{iid}/events")).status_code == 404
    assert (await bob.delete(f"/v1/insights/{iid}")).status_code == 404
    assert (await bob.get("/v1/insights")).json()["total"] == 0
    r = await bob.post(GEN, json=WEEK | {"include_projects": [str(atlas)]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "include_projects.0"
    r = await bob.post(GEN, json=WEEK | {"include_projects": ["Atlas"]})
    assert r.status_code == 422
    # Bob's own identical-looking week is his own report, never Alice's cached one.
    r = await bob.post(GEN, json=WEEK)
    assert r.status_code == 202 and r.json()["id"] != iid
    assert await db.fetchrow("SELECT * FROM generated_insights WHERE id = $1::uuid",
                             iid) == before
    assert (await alice.get(f"/v1/insights/{iid}")).status_code == 200


@pytest.mark.parametrize("raw", [b"", b"[]", b"not json", b'{"report_type": null}',
                                 b'{"report_type": "weekly", "period_start": 20261102}',
                                 b'{"report_type": "weekly", "include_projects": [7]}',
                                 b'{"report_type": "weekly", "focus_areas": null}',
                                 b'{"report_type": "weekly", "period_start": "9999-12-31", '
                                 b'"period_end": "9999-12-31"}'])
async def test_malformed_bodies_are_4xx_problems(client, db, raw):
    user, _ = await _user_with_week(client, db)
    r = await user.client.post(GEN, content=raw, headers=user.headers
                               | {"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _counts(db, user.id) == (0, 0)


async def test_openapi_documents_every_insights_operation(client):
    spec = (await client.get("/docs/openapi.json")).json()
    ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item
           if p.startswith("/v1/insights")}
    assert {("POST", "/v1/insights/generate"), ("GET", "/v1/insights"),
            ("GET", "/v1/insights/{raw_id}"), ("DELETE", "/v1/insights/{raw_id}"),
            ("GET", "/v1/insights/{raw_id}/events")} <= ops
    gen = spec["paths"]["/v1/insights/generate"]["post"]
    assert gen["security"] == [{"bearer": []}]
    assert {"200", "202", "401", "422"} <= set(gen["responses"])
