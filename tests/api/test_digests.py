"""Stored week digests: asked for, stored on completion, reused by later long reports,
invalidated by entry edits in their own week only, and never shared between users.

A deployment of its own (database, API with gRPC on mutual TLS). Most tests play the worker
over a real gRPC channel, so they can see exactly what a report request carries and return
exactly the digests they want stored; the last one runs the real `englog-worker` with the
embedded model.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc

from backend.jobs import weekly
from tests.support.certs import channel
from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import ApiUser, register

# October 2025, long closed: its whole weeks start on these Mondays. 1 October is a
# Wednesday, so the week of 29 September is only partly inside the month; so is the week of
# 27 October, which ends in November.
W1, W2, W3 = date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 20)
PARTIAL_START, PARTIAL_END = date(2025, 9, 29), date(2025, 10, 27)
OCTOBER = {"report_type": "monthly", "period_start": "2025-10-01", "period_end": "2025-10-31"}
Q4 = {"report_type": "quarterly", "period_start": "2025-10-01", "period_end": "2025-12-31"}
YEAR = {"report_type": "annual", "period_start": "2025-01-01", "period_end": "2025-12-31"}
WORKER = "digest-test-worker"


@pytest.fixture(scope="module")
def stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    # Its own database: this module claims every generate_insight task it makes.
    stack = start_stack(api_env, Path(tmp_path_factory.mktemp("digests")), "digests")
    yield stack
    stack.stop()
    drop_stack_database(stack)


@pytest_asyncio.fixture(loop_scope="session")
async def queue(stack) -> AsyncIterator[pb_grpc.TaskQueueStub]:
    async with channel(stack.grpc_target, stack.pki.ca, *stack.pki.client("worker-1")) as ch:
        yield pb_grpc.TaskQueueStub(ch)


@pytest_asyncio.fixture(loop_scope="session")
async def sdb(stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack.database_url.replace("postgres://", "postgresql://"),
                                     min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def web(stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as c:
        yield c


async def log(user: ApiUser, day: date, hour: int, title: str, **fields) -> dict:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    body = {"title": title, "type": "code", "value_rating": "high", "impact_level": "product",
            "start_time": start.isoformat(),
            "end_time": (start + timedelta(minutes=fields.pop("minutes", 90))).isoformat(),
            **fields}
    r = await user.post("/v1/logs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def seed_october(user: ApiUser, project_id: str | None = None) -> dict[date, list[dict]]:
    """Two entries in each whole week of October 2025 and one in each partial week."""
    weeks: dict[date, list[dict]] = {}
    for monday, titles in ((PARTIAL_START, ["Kick off billing rewrite"]),
                           (W1, ["Invoice PDF renderer", "Review tax rounding PR"]),
                           (W2, ["Refund webhook retries", "Mentor Sam on SQL"]),
                           (W3, ["Ledger reconciliation job", "Postmortem checkout outage"]),
                           (PARTIAL_END, ["Plan November billing work"])):
        day = monday + timedelta(days=2)  # Wednesday: inside October for every week here
        weeks[monday] = [await log(user, day, 9 + 3 * i, t, project_id=project_id)
                         for i, t in enumerate(titles)]
    return weeks


async def claim(queue) -> pb.Task:
    r = await queue.Claim(pb.ClaimRequest(worker_id=WORKER, task_types=["generate_insight"],
                                          wait_seconds=10), timeout=40)
    assert r.has_task, "no generate_insight task was queued"
    return r.task


def digest(week: pb.WeekDigest, entries: list[dict], fingerprint: str | None = None
           ) -> pb.WeekDigest:
    """What a worker returns for a week it was asked to digest: facts and cited highlights."""
    e = entries[0]
    return pb.WeekDigest(
        week_start=week.week_start, fingerprint=fingerprint or week.fingerprint,
        facts=pb.ReportFacts(report_type="weekly"),
        highlights=[pb.Highlight(entry_id=e["id"], sentence=f"Shipped {e['title']}.",
                                 title=e["title"], date=e["start_time"][:10], score=810.0)])


async def complete(queue, task: pb.Task, new_digests: list[pb.WeekDigest] = ()) -> None:
    req = task.generate_insight
    ack = await queue.Complete(pb.CompleteRequest(
        task_id=task.id, worker_id=WORKER, generate_insight=pb.GenerateInsightResponse(
            insight_id=req.insight_id, title="Report", content_markdown="# Report\n\nDone.\n",
            summary="Done.", model="test", backend="embedded", fingerprint=req.fingerprint,
            new_digests=list(new_digests))), timeout=30)
    assert ack.ok, ack.detail


async def ask(user: ApiUser, body: dict) -> dict:
    r = await user.post("/v1/insights/generate", json=body)
    assert r.status_code == 202, r.text
    return r.json()


async def stored(sdb, user: ApiUser) -> dict[date, dict]:
    rows = await sdb.fetch("SELECT week_start, fingerprint, facts::text, highlights::text "
                           "FROM week_digests WHERE user_id = $1::uuid", user.id)
    return {r["week_start"]: {"fingerprint": r["fingerprint"], "facts": json.loads(r["facts"]),
                              "highlights": json.loads(r["highlights"])} for r in rows}


def wanted(req: pb.GenerateInsightRequest) -> dict[date, str]:
    return {date.fromisoformat(w.week_start): w.fingerprint for w in req.weeks_to_digest}


async def digested_user(web, queue) -> tuple[ApiUser, dict[date, list[dict]], dict[date, str]]:
    """A user whose October 2025 report has been generated: its three whole weeks digested."""
    user = await register(web)
    weeks = await seed_october(user)
    await ask(user, OCTOBER)
    task = await claim(queue)
    fps = wanted(task.generate_insight)
    await complete(queue, task, [digest(w, weeks[date.fromisoformat(w.week_start)])
                                 for w in task.generate_insight.weeks_to_digest])
    return user, weeks, fps


async def test_a_report_asks_for_its_closed_whole_weeks_and_their_digests_are_stored(
        web, queue, sdb):
    user = await register(web)
    weeks = await seed_october(user)
    accepted = await ask(user, OCTOBER)

    task = await claim(queue)
    req = task.generate_insight
    assert req.insight_id == accepted["id"]
    assert list(req.digests) == []  # nothing stored yet
    fps = wanted(req)
    assert set(fps) == {W1, W2, W3}  # not the partial weeks of 29 Sep and 27 Oct
    assert all(len(fp) == 64 for fp in fps.values()) and len(set(fps.values())) == 3
    assert {e.id for e in req.entries} == {e["id"] for es in weeks.values() for e in es}

    stale = pb.WeekDigest(week_start=PARTIAL_START.isoformat(), fingerprint="0" * 64)
    await complete(queue, task, [*(digest(w, weeks[date.fromisoformat(w.week_start)])
                                   for w in req.weeks_to_digest), stale])

    rows = await stored(sdb, user)
    assert set(rows) == {W1, W2, W3}  # the unasked, wrongly fingerprinted week is not kept
    for monday in (W1, W2, W3):
        assert rows[monday]["fingerprint"] == fps[monday]
        [h] = rows[monday]["highlights"]
        assert h["entry_id"] == weeks[monday][0]["id"]
        assert h["sentence"] == f"Shipped {weeks[monday][0]['title']}." and h["score"] == 810.0
        assert rows[monday]["facts"] == {"report_type": "weekly"}
    report = (await user.get(f"/v1/insights/{accepted['id']}")).json()
    assert report["status"] == "completed"
    assert report["metadata"]["weeks_to_digest"] == 3
    assert report["metadata"]["weeks_from_digests"] == 0


async def test_a_later_long_report_carries_the_digests_and_not_those_weeks_entries(
        web, queue, sdb):
    user, weeks, fps = await digested_user(web, queue)
    # Q4 2025: October's whole weeks are digested; 27 Oct is whole in the quarter (not in
    # October) and has no digest yet, so it is asked for and its entries are sent.
    tail = await log(user, date(2025, 11, 18), 10, "Dunning emails")
    accepted = await ask(user, Q4)

    task = await claim(queue)
    req = task.generate_insight
    carried = {date.fromisoformat(d.week_start): d for d in req.digests}
    assert set(carried) == {W1, W2, W3}
    for monday, d in carried.items():
        assert d.fingerprint == fps[monday]
        assert [h.entry_id for h in d.highlights] == [weeks[monday][0]["id"]]
        assert d.highlights[0].score == 810.0
    sent = {e.id for e in req.entries}
    # 1 October's week is only partly inside Q4: its entry is sent, and no digest asked for.
    assert sent == {weeks[PARTIAL_START][0]["id"], weeks[PARTIAL_END][0]["id"], tail["id"]}
    assert set(wanted(req)) == {PARTIAL_END, date(2025, 11, 17)}
    await complete(queue, task)
    report = (await user.get(f"/v1/insights/{accepted['id']}")).json()
    assert report["metadata"]["weeks_from_digests"] == 3
    assert report["metadata"]["weeks_to_digest"] == 2


async def test_editing_an_entry_invalidates_only_its_own_week(web, queue, sdb):
    user, weeks, fps = await digested_user(web, queue)
    before = await stored(sdb, user)

    r = await user.patch(f"/v1/logs/{weeks[W2][1]['id']}", json={"title": "Mentor Sam on joins"})
    assert r.status_code == 200, r.text

    after = await stored(sdb, user)
    assert set(after) == {W1, W3} and after[W1] == before[W1] and after[W3] == before[W3]
    await ask(user, YEAR)
    task = await claim(queue)
    req = task.generate_insight
    assert {d.week_start for d in req.digests} == {W1.isoformat(), W3.isoformat()}
    new_fps = wanted(req)
    assert W2 in new_fps and new_fps[W2] != fps[W2]  # the edit changed the week's fingerprint
    assert new_fps.keys().isdisjoint({W1, W3})
    assert {e["id"] for e in weeks[W2]} <= {e.id for e in req.entries}
    assert not {e["id"] for e in weeks[W1] + weeks[W3]} & {e.id for e in req.entries}
    [w2] = [w for w in req.weeks_to_digest if w.week_start == W2.isoformat()]
    await complete(queue, task, [digest(w2, weeks[W2])])
    assert (await stored(sdb, user))[W2]["fingerprint"] == new_fps[W2]


async def test_moving_and_deleting_entries_invalidate_the_weeks_they_touch(web, queue, sdb):
    user, weeks, _ = await digested_user(web, queue)
    # Moved from W1 into W3: both weeks change; W2 stays.
    start = datetime(2025, 10, 22, 15, tzinfo=UTC)
    r = await user.patch(f"/v1/logs/{weeks[W1][1]['id']}", json={
        "start_time": start.isoformat(), "end_time": (start + timedelta(hours=1)).isoformat()})
    assert r.status_code == 200, r.text
    assert set(await stored(sdb, user)) == {W2}
    r = await user.delete(f"/v1/logs/{weeks[W2][0]['id']}")
    assert r.status_code == 204, r.text
    assert await stored(sdb, user) == {}


async def test_adding_an_entry_invalidates_its_week(web, queue, sdb):
    user, _, _ = await digested_user(web, queue)
    await log(user, W3 + timedelta(days=4), 16, "Late fix")
    assert set(await stored(sdb, user)) == {W1, W2}
    r = await user.post("/v1/logs/bulk", json={"entries": [{
        "title": "Bulk logged", "type": "docs", "start_time": "2025-10-07T08:00:00+00:00",
        "end_time": "2025-10-07T09:00:00+00:00"}]})
    assert r.status_code == 201, r.text
    assert set(await stored(sdb, user)) == {W2}


async def test_a_new_entry_drops_the_digest_of_its_week_in_the_users_timezone(db, client):
    """The single-entry insert drops its week's digest inside its own statement; the week is
    the user's local one. Sunday 12 Oct 2025 20:00 UTC is Monday 13 Oct 05:00 in Tokyo."""
    tokyo = await register(client, timezone="Asia/Tokyo")
    other = await register(client, timezone="Asia/Tokyo")
    r = await other.post("/v1/projects", json={"name": "Not yours"})
    assert r.status_code == 201, r.text
    foreign_project = r.json()["id"]
    for monday in (W1, W2):
        await db.execute("INSERT INTO week_digests (user_id, week_start, fingerprint, facts, "
                         "highlights) VALUES ($1::uuid, $2, 'fp', '{}', '[]')", tokyo.id, monday)
    body = {"title": "Late Sunday fix", "type": "debug", "tags": ["oncall"],
            "start_time": "2025-10-12T20:00:00+00:00", "end_time": "2025-10-12T21:00:00+00:00"}

    async def weeks() -> set[date]:
        return {r["week_start"] for r in await db.fetch(
            "SELECT week_start FROM week_digests WHERE user_id = $1::uuid", tokyo.id)}

    # Refused (another user's project): nothing is written, no digest is dropped.
    r = await tokyo.post("/v1/logs", json=body | {"project_id": foreign_project})
    assert r.status_code == 422, r.text
    assert await weeks() == {W1, W2}
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             tokyo.id) == 0
    r = await tokyo.post("/v1/logs", json=body)
    assert r.status_code == 201, r.text
    assert await weeks() == {W1}  # W2 (13 Oct) is the entry's week in Tokyo; UTC's is W1


async def test_a_change_outside_the_logs_service_is_caught_by_the_fingerprint(web, queue, sdb):
    r = await (user := await register(web)).post("/v1/projects", json={"name": "Billing"})
    assert r.status_code == 201, r.text
    project = r.json()
    weeks = await seed_october(user, project_id=project["id"])
    await ask(user, OCTOBER)
    task = await claim(queue)
    await complete(queue, task, [digest(w, weeks[date.fromisoformat(w.week_start)])
                                 for w in task.generate_insight.weeks_to_digest])
    assert set(await stored(sdb, user)) == {W1, W2, W3}

    # Renaming the project changes what every week says, without touching an entry row.
    r = await user.patch(f"/v1/projects/{project['id']}", json={"name": "Payments"})
    assert r.status_code == 200, r.text
    assert set(await stored(sdb, user)) == {W1, W2, W3}  # still there, but stale
    await ask(user, Q4)
    task = await claim(queue)
    assert list(task.generate_insight.digests) == []
    assert {W1, W2, W3} <= set(wanted(task.generate_insight))
    await complete(queue, task)


async def test_one_users_digests_never_reach_another(web, queue, sdb):
    alice, _, alice_fps = await digested_user(web, queue)
    alice_rows = await stored(sdb, alice)
    bob = await register(web)
    bob_weeks = await seed_october(bob)  # the same titles and times as alice's

    await ask(bob, OCTOBER)
    task = await claim(queue)
    req = task.generate_insight
    assert list(req.digests) == []
    bob_fps = wanted(req)
    assert set(bob_fps) == {W1, W2, W3}
    assert set(bob_fps.values()).isdisjoint(alice_fps.values())
    assert {e.id for e in req.entries} == {e["id"] for es in bob_weeks.values() for e in es}
    # A result naming alice's fingerprints is not stored under bob (nor under alice).
    forged = [digest(pb.WeekDigest(week_start=w.isoformat(), fingerprint=fp), bob_weeks[w])
              for w, fp in alice_fps.items()]
    await complete(queue, task, forged)
    assert await stored(sdb, bob) == {}
    assert await stored(sdb, alice) == alice_rows

    # Bob's own digests, then bob edits: alice's stay.
    await ask(bob, Q4)
    task = await claim(queue)
    await complete(queue, task, [digest(w, bob_weeks[date.fromisoformat(w.week_start)])
                                 for w in task.generate_insight.weeks_to_digest
                                 if date.fromisoformat(w.week_start) in bob_weeks])
    assert {W1, W2, W3} <= set(await stored(sdb, bob))
    r = await bob.patch(f"/v1/logs/{bob_weeks[W1][0]['id']}", json={"title": "Bob's renderer"})
    assert r.status_code == 200
    assert W1 not in await stored(sdb, bob)
    assert await stored(sdb, alice) == alice_rows
    # Alice's next long report still carries her own digests, none of bob's.
    await ask(alice, YEAR)
    task = await claim(queue)
    carried = {date.fromisoformat(d.week_start): d.fingerprint
               for d in task.generate_insight.digests}
    assert carried == alice_fps
    await complete(queue, task)


async def test_a_project_filtered_report_uses_no_digest_and_asks_for_none(web, queue, sdb):
    user, weeks, _ = await digested_user(web, queue)
    r = await user.post("/v1/projects", json={"name": "Side project"})
    project = r.json()
    await log(user, W1 + timedelta(days=1), 14, "Side work", project_id=project["id"])
    await ask(user, OCTOBER | {"include_projects": [project["id"]]})
    task = await claim(queue)
    req = task.generate_insight
    assert list(req.digests) == [] and list(req.weeks_to_digest) == []
    assert [e.title for e in req.entries] == ["Side work"]
    await complete(queue, task)


async def test_a_weekly_report_of_a_closed_week_asks_for_its_digest(web, queue, sdb):
    user = await register(web)
    weeks = await seed_october(user)
    await ask(user, {"report_type": "weekly", "period_start": W2.isoformat(),
                     "period_end": (W2 + timedelta(days=6)).isoformat()})
    task = await claim(queue)
    req = task.generate_insight
    assert set(wanted(req)) == {W2}
    assert {e.id for e in req.entries} == {e["id"] for e in weeks[W2]}
    [w] = req.weeks_to_digest
    await complete(queue, task, [digest(w, weeks[W2])])
    assert set(await stored(sdb, user)) == {W2}


async def _run_week_digest_job(sdb, user: ApiUser, monday: date) -> None:
    """What the scheduler enqueues for Monday 11:00; the API's job runner takes it."""
    task_id = await sdb.fetchval(
        "INSERT INTO tasks (task_type, user_id, payload) VALUES ('week_digests', $1::uuid, "
        "$2::jsonb) RETURNING id", user.id,
        json.dumps({"user_id": user.id, "week_start": monday.isoformat()}))
    await sdb.execute("SELECT pg_notify('englog_tasks', 'week_digests')")
    for _ in range(300):
        if await sdb.fetchval("SELECT status FROM tasks WHERE id = $1", task_id) == "completed":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the week_digests job did not run")


async def test_the_monday_job_digests_a_closed_week_without_a_report(web, queue, sdb):
    user = await register(web)  # not opted in to weekly report emails
    weeks = await seed_october(user)

    await _run_week_digest_job(sdb, user, W1)
    task = await claim(queue)
    req = task.generate_insight
    assert req.insight_id == "" and req.report_type == "weekly"
    assert (req.period_start, req.period_end) == ("2025-10-06", "2025-10-12")
    assert set(wanted(req)) == {W1}
    assert {e.id for e in req.entries} == {e["id"] for e in weeks[W1]}
    [w] = req.weeks_to_digest
    await complete(queue, task, [digest(w, weeks[W1])])
    assert set(await stored(sdb, user)) == {W1}
    assert await sdb.fetchval("SELECT count(*) FROM generated_insights WHERE user_id = $1::uuid",
                              user.id) == 0

    # Digested already: running the job again asks the worker for nothing.
    await _run_week_digest_job(sdb, user, W1)
    r = await queue.Claim(pb.ClaimRequest(worker_id=WORKER, task_types=["generate_insight"],
                                          wait_seconds=1), timeout=30)
    assert not r.has_task


async def test_users_who_logged_work_get_a_monday_digest_job_in_their_timezone(orm, db, client):
    tokyo = await register(client, timezone="Asia/Tokyo")
    idle = await register(client, timezone="Asia/Tokyo")
    now = datetime(2030, 6, 5, 12, 0, tzinfo=UTC)  # a Wednesday
    r = await tokyo.post("/v1/logs", json={
        "title": "Tokyo work", "type": "code", "start_time": "2030-06-04T01:00:00+00:00",
        "end_time": "2030-06-04T02:00:00+00:00"})
    assert r.status_code == 201, r.text
    await weekly.schedule_week_digests(now)
    await weekly.schedule_week_digests(now)  # idempotent
    rows = await db.fetch("SELECT user_id::text AS user_id, run_at, payload::text FROM tasks "
                          "WHERE task_type = 'week_digests' AND user_id = ANY($1::uuid[])",
                          [tokyo.id, idle.id])
    assert [r["user_id"] for r in rows] == [tokyo.id]
    # Monday 10 June 2030, 11:00 in Tokyo (02:00 UTC), for the week of 3 June.
    assert rows[0]["run_at"] == datetime(2030, 6, 10, 2, 0, tzinfo=UTC)
    assert json.loads(rows[0]["payload"]) == {"user_id": tokyo.id, "week_start": "2030-06-03"}


async def test_the_real_worker_stores_the_digest_of_a_weekly_report(stack, web, sdb):
    # Leftovers of the tests above must not reach the real worker.
    await sdb.execute("UPDATE tasks SET status = 'cancelled' WHERE task_type = "
                      "'generate_insight' AND status = 'queued'")
    user = await register(web)
    weeks = await seed_october(user)
    worker = stack.start_worker("worker-1", worker_id="digest-e2e-worker")
    try:
        accepted = await ask(user, {"report_type": "weekly", "period_start": W3.isoformat(),
                                    "period_end": (W3 + timedelta(days=6)).isoformat()})
        body: dict = {}
        for _ in range(900):
            body = (await user.get(f"/v1/insights/{accepted['id']}")).json()
            if body["status"] in ("completed", "failed"):
                break
            assert worker.poll() is None, stack.worker_log("digest-e2e-worker").read_text()
            await asyncio.sleep(1)
        assert body["status"] == "completed", body
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    rows = await stored(sdb, user)
    assert set(rows) == {W3}
    ids = {e["id"] for e in weeks[W3]}
    assert rows[W3]["highlights"], rows[W3]
    assert {h["entry_id"] for h in rows[W3]["highlights"]} <= ids
    # A later monthly report reuses it and does not send that week's entries again.
    task_payload = await sdb.fetchval(
        "SELECT t.payload::text FROM tasks t JOIN generated_insights g ON g.task_id = t.id "
        "WHERE g.id = $1::uuid", (await ask(user, OCTOBER))["id"])
    payload = json.loads(task_payload)
    assert [d["week_start"] for d in payload["digests"]] == [W3.isoformat()]
    assert not ids & {e["id"] for e in payload["entries"]}


def test_only_whole_weeks_that_are_over_can_be_digested():
    from backend.insights.digests import whole_closed_weeks

    october = (date(2025, 10, 1), date(2025, 10, 31))
    assert whole_closed_weeks(*october, today=date(2025, 11, 5)) == [W1, W2, W3]
    # On Sunday 26 October the week of the 20th is still running.
    assert whole_closed_weeks(*october, today=date(2025, 10, 26)) == [W1, W2]
    assert whole_closed_weeks(date(2025, 10, 8), date(2025, 10, 8), date(2026, 1, 1)) == []


def test_months_keep_their_best_highlights_by_score_then_recency():
    from backend.insights.digests import compose_periods

    def week(monday: date, *scores: float) -> dict:
        return {"week_start": monday.isoformat(), "fingerprint": "f" * 64, "facts": {},
                "highlights": [{"entry_id": f"{monday}-{i}", "score": s,
                                "date": (monday + timedelta(days=i)).isoformat()}
                               for i, s in enumerate(scores)]}

    # W1..W3 are October's (by their Thursdays); 3 November's week is November's.
    weeks = [week(W1, 5, 1), week(W2, 9, 5), week(W3, 2), week(date(2025, 11, 3), 1, 1, 1)]
    composed = compose_periods(weeks, per_month=2)
    kept = {d["week_start"]: [h["entry_id"] for h in d["highlights"]] for d in composed}
    # October's best two: 9 (W2) and the more recent of the two 5s (W2's, on the 13th).
    assert kept == {W1.isoformat(): [], W2.isoformat(): ["2025-10-13-0", "2025-10-13-1"],
                    W3.isoformat(): [], "2025-11-03": ["2025-11-03-1", "2025-11-03-2"]}
    assert [d["fingerprint"] for d in composed] == ["f" * 64] * 4  # weeks stay whole otherwise
