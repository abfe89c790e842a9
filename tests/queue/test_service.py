"""Queue semantics in-process against the real database: dedupe, transactions, handlers."""

from __future__ import annotations

import uuid

import pytest
from tortoise.transactions import in_transaction

from backend.queue import handlers, service

BACKOFF = {"backoff_seconds": 0.0, "backoff_factor": 1.0}
calls: list[tuple] = []


@handlers.on_complete("test_complete")
async def _completed(task_row, result_msg, conn, cache):
    # Writes through the same transaction as the status change.
    await conn.execute_query("UPDATE tasks SET stage = 'handled' WHERE id = $1",
                             [str(task_row["id"])])
    calls.append(("complete", task_row["id"], result_msg))


@handlers.on_failed("test_fail")
async def _failed(task_row, error, conn):
    calls.append(("failed", task_row["id"], error))


@handlers.on_complete("test_handler_breaks")
async def _breaks(task_row, result_msg, conn, cache):
    raise RuntimeError("domain write failed")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


async def test_dedupe_key_returns_the_existing_task(orm, db):
    key = f"test:{uuid.uuid4()}"
    first = await service.enqueue("test_dedupe", {"n": 1}, dedupe_key=key)
    second = await service.enqueue("test_dedupe", {"n": 2}, dedupe_key=key)
    assert first == second
    rows = await db.fetch("SELECT payload FROM tasks WHERE dedupe_key = $1", key)
    assert len(rows) == 1 and rows[0]["payload"] == '{"n": 1}'


async def test_enqueue_joins_the_callers_transaction(orm, db):
    marker = str(uuid.uuid4())
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await service.enqueue("test_tx", {"marker": marker}, conn=conn)
            raise RuntimeError("the owning write failed")
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE payload->>'marker' = $1",
                             marker) == 0
    async with in_transaction() as conn:
        await service.enqueue("test_tx", {"marker": marker}, conn=conn)
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE payload->>'marker' = $1",
                             marker) == 1


async def test_on_complete_runs_once_in_the_completing_transaction(orm, db):
    task_id = await service.enqueue("test_complete", {})
    row = await service.claim("w", ["test_complete"], lease_seconds=30)
    assert row["id"] == task_id
    assert await service.complete(task_id, "w", {"v": 1}, "msg-1") is True
    assert await service.complete(task_id, "w", {"v": 2}, "msg-2") is True
    assert calls == [("complete", task_id, "msg-1")]
    stored = await db.fetchrow("SELECT status, stage, result FROM tasks WHERE id = $1", task_id)
    assert (stored["status"], stored["stage"], stored["result"]) == (
        "completed", "handled", '{"v": 1}')


async def test_a_failing_handler_leaves_the_task_running(orm, db):
    task_id = await service.enqueue("test_handler_breaks", {})
    await service.claim("w", ["test_handler_breaks"], lease_seconds=30)
    with pytest.raises(RuntimeError):
        await service.complete(task_id, "w", {"v": 1})
    row = await db.fetchrow("SELECT status, result FROM tasks WHERE id = $1", task_id)
    assert (row["status"], row["result"]) == ("running", None)


async def test_on_failed_runs_only_after_the_last_attempt(orm, db):
    task_id = await service.enqueue("test_fail", {}, max_attempts=2)
    for attempt in (1, 2):
        row = await service.claim("w", ["test_fail"], lease_seconds=30)
        assert row["id"] == task_id and row["attempts"] == attempt
        out = await service.fail(task_id, "w", f"boom {attempt}", retryable=True, **BACKOFF)
        assert out.will_retry is (attempt == 1)
        assert calls == ([] if attempt == 1 else [("failed", task_id, "boom 2")])


async def test_expired_lease_on_the_last_attempt_fails_the_task(orm, db):
    task_id = await service.enqueue("test_fail", {}, max_attempts=1)
    await service.claim("w", ["test_fail"], lease_seconds=30)
    await db.execute("UPDATE tasks SET lease_expires_at = now() - interval '1 second' "
                     "WHERE id = $1", task_id)
    await service.requeue_expired()
    row = await db.fetchrow("SELECT status, last_error FROM tasks WHERE id = $1", task_id)
    assert row["status"] == "failed"
    assert row["last_error"].startswith("lease expired")
    assert calls == [("failed", task_id, row["last_error"])]


async def test_future_run_at_is_not_claimed_before_it_is_due(orm, db):
    from datetime import UTC, datetime, timedelta

    task_id = await service.enqueue("test_future", {},
                                    run_at=datetime.now(UTC) + timedelta(hours=1))
    assert await service.claim("w", ["test_future"], lease_seconds=30) is None
    due = await service.seconds_until_next_due(["test_future"])
    assert 3500 < due <= 3600
    await db.execute("UPDATE tasks SET run_at = now() WHERE id = $1", task_id)
    assert (await service.claim("w", ["test_future"], lease_seconds=30))["id"] == task_id
