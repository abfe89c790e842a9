"""The queue over a real gRPC channel: claiming, leases, retries, completion, waking."""

from __future__ import annotations

import asyncio
import json

import pytest
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc
from google.protobuf import json_format

from backend.queue.service import enqueue


def _email(i: int) -> dict:
    return {"to": f"user{i}@example.com", "subject": f"s{i}", "text_body": "hi", "kind": "test"}


async def _claim(stub, worker: str, wait: int = 0, types=("send_email",)) -> pb.ClaimResponse:
    return await stub.Claim(pb.ClaimRequest(worker_id=worker, task_types=list(types),
                                            wait_seconds=wait), timeout=wait + 30)


async def test_concurrent_claimers_get_every_task_exactly_once(grpc_api, empty_queue, db):
    ids = {str(await enqueue("send_email", _email(i))) for i in range(50)}
    claimed: list[str] = []

    async def claimer(name: str) -> None:
        async with grpc_api.worker_channel("worker-1") as ch:
            stub = pb_grpc.TaskQueueStub(ch)
            while (r := await _claim(stub, name)).has_task:
                claimed.append(r.task.id)
                ack = await stub.Complete(pb.CompleteRequest(
                    task_id=r.task.id, worker_id=name,
                    send_email=pb.SendEmailResponse(accepted=True, message_id=name)), timeout=30)
                assert ack.ok

    await asyncio.gather(*(claimer(f"w{n}") for n in range(4)))
    assert len(claimed) == 50
    assert set(claimed) == ids
    rows = await db.fetch("SELECT status, attempts FROM tasks WHERE id = ANY($1::uuid[])",
                          list(ids))
    assert {(r["status"], r["attempts"]) for r in rows} == {("completed", 1)}


async def test_workers_on_two_api_processes_never_share_a_task(grpc_api, grpc_api2,
                                                               empty_queue, db):
    ids = {str(await enqueue("send_email", _email(i))) for i in range(60)}
    claimed: list[str] = []

    async def claimer(api, name: str) -> None:
        async with api.worker_channel("worker-2") as ch:
            stub = pb_grpc.TaskQueueStub(ch)
            while (r := await _claim(stub, name)).has_task:
                claimed.append(r.task.id)
                await stub.Complete(pb.CompleteRequest(
                    task_id=r.task.id, worker_id=name,
                    send_email=pb.SendEmailResponse(accepted=True)), timeout=30)

    await asyncio.gather(*(claimer(api, f"{tag}{n}") for n in range(3)
                           for api, tag in ((grpc_api, "a"), (grpc_api2, "b"))))
    assert sorted(claimed) == sorted(ids)  # every task once: none lost, none twice
    rows = await db.fetch("SELECT status, attempts FROM tasks WHERE id = ANY($1::uuid[])",
                          list(ids))
    assert {(r["status"], r["attempts"]) for r in rows} == {("completed", 1)}


async def test_claimed_task_carries_the_payload_message(queue, empty_queue, db):
    task_id = await enqueue("send_email", _email(7), max_attempts=5)
    r = await _claim(queue, "w1")
    assert r.has_task and r.task.id == str(task_id)
    assert r.task.WhichOneof("payload") == "send_email"
    assert r.task.send_email.to == "user7@example.com"
    assert (r.task.attempt, r.task.max_attempts) == (1, 5)
    row = await db.fetchrow("SELECT status, lease_owner FROM tasks WHERE id = $1", task_id)
    assert (row["status"], row["lease_owner"]) == ("running", "w1")


async def test_long_poll_is_woken_by_notify(queue, empty_queue):
    waiting = asyncio.create_task(_claim(queue, "w1", wait=40))
    await asyncio.sleep(0.5)  # let the claim start waiting; correctness does not depend on it
    task_id = await enqueue("send_email", _email(1))
    r = await waiting
    assert r.has_task
    assert r.task.id == str(task_id)


async def test_expired_lease_goes_to_another_worker(queue, queue2, empty_queue, db):
    task_id = await enqueue("send_email", _email(2))
    first = await _claim(queue, "w1")
    assert first.task.id == str(task_id)
    # w1 never renews; the sweep requeues after the 2 s lease and w2's long poll is woken.
    second = await _claim(queue2, "w2", wait=40)
    assert second.task.id == str(task_id)
    assert second.task.attempt == 2
    # The worker that lost the lease can neither renew, report, complete nor fail.
    assert not (await queue.RenewLease(pb.RenewLeaseRequest(task_id=first.task.id,
                                                            worker_id="w1"))).ok
    assert not (await queue.ReportProgress(pb.ProgressRequest(
        task_id=first.task.id, worker_id="w1", percent=50, stage="late"))).ok
    assert not (await queue.Complete(pb.CompleteRequest(
        task_id=first.task.id, worker_id="w1", send_email=pb.SendEmailResponse()))).ok
    late_fail = await queue.Fail(pb.FailRequest(task_id=first.task.id, worker_id="w1",
                                                error="late", retryable=True))
    assert late_fail.will_retry is False
    row = await db.fetchrow("SELECT status, lease_owner, last_error FROM tasks WHERE id = $1",
                            task_id)
    assert (row["status"], row["lease_owner"]) == ("running", "w2")
    assert "lease expired" in row["last_error"]
    ack = await queue2.Complete(pb.CompleteRequest(
        task_id=second.task.id, worker_id="w2",
        send_email=pb.SendEmailResponse(accepted=True, message_id="m-2")))
    assert ack.ok
    row = await db.fetchrow("SELECT status, lease_owner FROM tasks WHERE id = $1", task_id)
    assert (row["status"], row["lease_owner"]) == ("completed", "w2")


async def test_renew_by_the_wrong_owner_fails(queue, queue2, empty_queue, db):
    await enqueue("send_email", _email(3))
    r = await _claim(queue, "w1")
    before = await db.fetchval("SELECT lease_expires_at FROM tasks WHERE id = $1::uuid",
                               r.task.id)
    wrong = await queue2.RenewLease(pb.RenewLeaseRequest(task_id=r.task.id, worker_id="w2"))
    assert wrong.ok is False
    assert await db.fetchval("SELECT lease_expires_at FROM tasks WHERE id = $1::uuid",
                             r.task.id) == before
    right = await queue.RenewLease(pb.RenewLeaseRequest(task_id=r.task.id, worker_id="w1"))
    assert right.ok is True
    assert await db.fetchval("SELECT lease_expires_at FROM tasks WHERE id = $1::uuid",
                             r.task.id) > before


async def test_three_attempts_with_backoff_then_failed(queue, empty_queue, db):
    task_id = await enqueue("send_email", _email(4))
    delays = []
    for attempt in (1, 2, 3):
        r = await _claim(queue, "w1", wait=40)  # woken when the backoff's run_at falls due
        assert r.task.id == str(task_id) and r.task.attempt == attempt
        out = await queue.Fail(pb.FailRequest(task_id=r.task.id, worker_id="w1",
                                              error=f"smtp down #{attempt}", retryable=True))
        assert out.attempts == attempt
        assert out.will_retry is (attempt < 3)
        row = await db.fetchrow(
            "SELECT status, last_error, EXTRACT(EPOCH FROM run_at - updated_at) AS delay "
            "FROM tasks WHERE id = $1", task_id)
        assert row["last_error"] == f"smtp down #{attempt}"
        if attempt < 3:
            assert row["status"] == "queued"
            delays.append(round(float(row["delay"]), 3))
    assert delays == [0.2, 0.8]  # ENGLOG_QUEUE_BACKOFF_SECONDS * 4 ** (attempt - 1)
    row = await db.fetchrow("SELECT status, attempts, completed_at FROM tasks WHERE id = $1",
                            task_id)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["completed_at"] is not None
    assert not (await _claim(queue, "w1")).has_task


async def test_non_retryable_failure_fails_at_once(queue, empty_queue, db):
    task_id = await enqueue("send_email", _email(5))
    r = await _claim(queue, "w1")
    out = await queue.Fail(pb.FailRequest(task_id=r.task.id, worker_id="w1",
                                          error="bad address", retryable=False))
    assert out.will_retry is False
    row = await db.fetchrow("SELECT status, attempts, last_error FROM tasks WHERE id = $1",
                            task_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "bad address")


async def test_complete_twice_is_harmless(queue, empty_queue, db):
    task_id = await enqueue("send_email", _email(6))
    r = await _claim(queue, "w1")
    first = await queue.Complete(pb.CompleteRequest(
        task_id=r.task.id, worker_id="w1", send_email=pb.SendEmailResponse(message_id="one")))
    again = await queue.Complete(pb.CompleteRequest(
        task_id=r.task.id, worker_id="w1", send_email=pb.SendEmailResponse(message_id="two")))
    assert first.ok and again.ok
    row = await db.fetchrow("SELECT status, result FROM tasks WHERE id = $1", task_id)
    assert row["status"] == "completed"
    assert json.loads(row["result"]) == {"message_id": "one"}  # the first result stays


async def test_progress_is_stored(queue, empty_queue, db):
    task_id = await enqueue("send_email", _email(8))
    r = await _claim(queue, "w1")
    ack = await queue.ReportProgress(pb.ProgressRequest(task_id=r.task.id, worker_id="w1",
                                                        percent=40, stage="rendering"))
    assert ack.ok
    row = await db.fetchrow("SELECT progress, stage FROM tasks WHERE id = $1", task_id)
    assert (row["progress"], row["stage"]) == (40, "rendering")


async def test_api_side_jobs_are_never_given_to_workers(queue, empty_queue, db):
    await enqueue("cleanup_tasks", {}, priority=0)
    r = await _claim(queue, "w1", types=("cleanup_tasks", "process_deletions"))
    assert r.has_task is False


async def test_api_side_job_is_run_by_the_api(grpc_api, empty_queue, db):
    task_id = await enqueue("cleanup_tasks", {})
    for _ in range(200):
        row = await db.fetchrow("SELECT status, result FROM tasks WHERE id = $1", task_id)
        if row["status"] == "completed":
            break
        await asyncio.sleep(0.1)
    assert row["status"] == "completed"
    assert "deleted" in json.loads(row["result"])


async def _insert_raw(db, task_type: str, payload: dict, priority: int) -> str:
    # enqueue() itself refuses a payload that does not fit, so the bad one is written over a
    # good one in the table (as an older API or a hand edit could have left it).
    task_id = await enqueue(task_type, _email(0), priority=priority)
    await db.execute("UPDATE tasks SET payload = $2::jsonb WHERE id = $1", task_id,
                     json.dumps(payload))
    return str(task_id)


async def test_malformed_payload_fails_the_task_and_is_not_handed_out(queue, empty_queue, db):
    bad = await _insert_raw(db, "send_email", {"to": ["not", "a", "string"]}, 1)
    good = await enqueue("send_email", _email(9), priority=2)
    r = await _claim(queue, "w1")
    assert r.task.id == str(good)
    row = await db.fetchrow("SELECT status, last_error FROM tasks WHERE id = $1::uuid", bad)
    assert row["status"] == "failed"
    assert "malformed payload" in row["last_error"]


async def test_misspelt_payload_key_is_an_error_not_silently_dropped(queue, empty_queue, db):
    misspelt = _email(10) | {"subjet": "typo"}
    # At the source: the API never stores it ...
    with pytest.raises(ValueError, match="subjet"):
        await enqueue("send_email", misspelt)
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE payload ? 'subjet'") == 0
    # ... and a stored one (an older API, a hand edit) fails at claim, naming the key.
    bad = await _insert_raw(db, "send_email", misspelt, 1)
    r = await _claim(queue, "w1")
    assert r.has_task is False
    row = await db.fetchrow("SELECT status, last_error FROM tasks WHERE id = $1::uuid", bad)
    assert row["status"] == "failed"
    assert "malformed payload" in row["last_error"] and "subjet" in row["last_error"]


async def test_registration_enqueues_a_welcome_email_for_workers(grpc_api, queue, empty_queue):
    import httpx

    from tests.support.users import register

    async with httpx.AsyncClient(base_url=grpc_api.url, timeout=30) as client:
        user = await register(client)
    r = await _claim(queue, "w1")
    assert r.has_task and r.task.task_type == "send_email"
    email = r.task.send_email
    assert (email.to, email.kind, email.user_id) == (user.email, "welcome", user.id)
    assert email.text_body and "<p>" in email.html_body
    as_dict = json_format.MessageToDict(email, preserving_proto_field_name=True)
    assert as_dict["kind"] == "welcome"


async def test_heartbeat_health_shows_in_api_health(grpc_api, queue):
    import httpx

    health = pb.WorkerHealth(worker_id="hb-worker", llm_backend="embedded",
                             llm_model="smollm2-135m", llm_ok=True, smtp_ok=False)
    assert (await queue.Heartbeat(pb.HeartbeatRequest(health=health))).ok
    async with httpx.AsyncClient(base_url=grpc_api.url, timeout=30) as client:
        body = (await client.get("/health")).json()
    mine = [w for w in body["workers"] if w["worker_id"] == "hb-worker"]
    assert len(mine) == 1
    w = mine[0]
    assert (w["llm_backend"], w["llm_model"], w["llm_ok"], w["smtp_ok"], w["stale"]) == (
        "embedded", "smollm2-135m", True, False, False)
    assert w["last_seen"]


async def test_worker_metrics_travel_in_the_heartbeat_to_api_metrics(grpc_api, queue):
    import httpx

    from tests.support.servers import METRICS_TOKEN

    health = pb.WorkerHealth(worker_id="metrics-worker", llm_ok=True, busy=1)
    metrics = pb.WorkerMetrics(
        tasks=[pb.WorkerTaskStats(task_type="generate_insight", completed=4, failed=1,
                                  seconds_total=42.5)],
        llm_completion_tokens_total=1234, llm_generation_seconds_total=20.0,
        llm_tokens_per_second=61.7)
    assert (await queue.Heartbeat(pb.HeartbeatRequest(health=health, metrics=metrics))).ok
    # A Claim carries health only: the stored figures stay.
    await queue.Claim(pb.ClaimRequest(worker_id="metrics-worker", task_types=["nothing"],
                                      health=health))
    async with httpx.AsyncClient(base_url=grpc_api.url, timeout=30) as client:
        text = (await client.get("/metrics",
                                 headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
    import re

    def value(name: str, **labels: str) -> float:
        want = {"worker": "metrics-worker", **labels}
        for line in text.splitlines():
            m = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
            if m and m[1] == name and dict(re.findall(r'(\w+)="([^"]*)"', m[2])) == want:
                return float(m[3])
        raise AssertionError(f"{name} {want} not in /metrics")

    assert value("englog_worker_tasks_total", task_type="generate_insight",
                 outcome="completed") == 4
    assert value("englog_worker_tasks_total", task_type="generate_insight", outcome="failed") == 1
    assert value("englog_worker_task_seconds_total", task_type="generate_insight") == 42.5
    assert value("englog_worker_llm_completion_tokens_total") == 1234
    assert value("englog_worker_llm_tokens_per_second") == 61.7
    assert value("englog_worker_busy_slots") == 1
    assert 0 <= value("englog_worker_heartbeat_age_seconds") < 60
