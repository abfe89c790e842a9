"""The task queue's operations on the `tasks` table.

Every state change is one UPDATE guarded by (status, lease_owner), so a worker that lost its
lease can never overwrite the work of the worker that holds it now. Domain handlers (see
handlers.py) run in the same transaction as the UPDATE that finishes a task.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from englog.v1.task_types import PAYLOADS
from google.protobuf import json_format
from tortoise.transactions import in_transaction

from backend.db.setup import db
from backend.ops.metrics import TASK_DURATION
from backend.queue import handlers

log = logging.getLogger("englog.queue")

CHANNEL = "englog_tasks"
# The worker's task types are the payload oneof of englog.v1.Task (englog.v1.task_types).
# Run inside the API by backend.queue.runner: they need the database, which workers never see.
API_TASK_TYPES = (
    "cleanup_denylist", "cleanup_tasks", "cleanup_insights", "process_deletions",
    "weekly_reports", "eod_reminders", "week_digests",
)


def _decode(row: dict) -> dict:
    for key in ("payload", "result"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


async def _notify(conn, task_type: str) -> None:
    # Inside a transaction PostgreSQL delivers this at commit, never for a rolled-back row.
    await conn.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, task_type])


async def enqueue(task_type: str, payload: dict, *, user_id=None, run_at: datetime | None = None,
                  priority: int = 100, max_attempts: int = 3, dedupe_key: str | None = None,
                  conn=None) -> UUID:
    """Insert a task (in `conn`'s transaction if given) and wake waiting claimers.

    With a dedupe_key already present, the existing task's id is returned and nothing changes.
    A worker task's payload must fit its englog.v1 message exactly (ValueError otherwise), so
    a misspelt key fails here, where the bug is, and not later on a worker.
    """
    if task_type in PAYLOADS:
        validate_payload(task_type, payload)
    target = db(conn)
    rows = await target.execute_query_dict(
        """
        INSERT INTO tasks (user_id, task_type, payload, run_at, priority, max_attempts, dedupe_key)
        VALUES ($1, $2, $3::jsonb, coalesce($4, now()), $5, $6, $7)
        ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING id
        """,
        [str(user_id) if user_id else None, task_type, _json(payload), run_at, priority,
         max_attempts, dedupe_key],
    )
    if rows:
        await _notify(target, task_type)
        return rows[0]["id"]
    existing = await target.execute_query_dict(
        "SELECT id FROM tasks WHERE dedupe_key = $1", [dedupe_key])
    return existing[0]["id"]


def validate_payload(task_type: str, payload: dict) -> None:
    try:
        json_format.ParseDict(json.loads(_json(payload)), PAYLOADS[task_type]())
    except json_format.ParseError as exc:
        raise ValueError(f"{task_type} payload does not fit its message: {exc}") from exc


async def get_task(task_id, conn=None) -> dict | None:
    rows = await db(conn).execute_query_dict("SELECT * FROM tasks WHERE id = $1", [str(task_id)])
    return _decode(rows[0]) if rows else None


async def claim(worker_id: str, task_types, *, lease_seconds: float) -> dict | None:
    """Atomically take the most urgent due task of the given types and lease it to worker_id."""
    rows = await db().execute_query_dict(
        """
        UPDATE tasks SET status = 'running', attempts = attempts + 1, lease_owner = $1,
               lease_expires_at = now() + make_interval(secs => $3::float8),
               started_at = now(), progress = 0, stage = '', updated_at = now()
        WHERE id = (
            SELECT id FROM tasks
            WHERE status = 'queued' AND run_at <= now() AND task_type = ANY($2::text[])
            ORDER BY priority, run_at
            FOR UPDATE SKIP LOCKED
            LIMIT 1)
        RETURNING *
        """,
        [worker_id, list(task_types), float(lease_seconds)],
    )
    return _decode(rows[0]) if rows else None


async def seconds_until_next_due(task_types) -> float | None:
    """How long until the earliest queued task of these types becomes due (None: none queued)."""
    rows = await db().execute_query_dict(
        "SELECT EXTRACT(EPOCH FROM (min(run_at) - now()))::float8 AS s FROM tasks "
        "WHERE status = 'queued' AND task_type = ANY($1::text[])",
        [list(task_types)],
    )
    s = rows[0]["s"] if rows else None
    return None if s is None else max(0.0, float(s))


async def renew(task_id, worker_id: str, *, lease_seconds: float) -> datetime | None:
    """Extend the lease; None means the worker no longer holds it and must stop."""
    rows = await db().execute_query_dict(
        """
        UPDATE tasks SET lease_expires_at = now() + make_interval(secs => $3::float8),
               updated_at = now()
        WHERE id = $1 AND status = 'running' AND lease_owner = $2
        RETURNING lease_expires_at
        """,
        [str(task_id), worker_id, float(lease_seconds)],
    )
    return rows[0]["lease_expires_at"] if rows else None


async def report_progress(task_id, worker_id: str, percent: int, stage: str) -> bool:
    percent = max(0, min(100, int(percent)))
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            """
            UPDATE tasks SET progress = $3, stage = left($4, 100), updated_at = now()
            WHERE id = $1 AND status = 'running' AND lease_owner = $2
            RETURNING *
            """,
            [str(task_id), worker_id, percent, stage],
        )
        if not rows:
            return False
        row = _decode(rows[0])
        handler = handlers.progress_handler(row["task_type"])
        if handler:
            await handler(row, percent, stage, conn)
    return True


async def complete(task_id, worker_id: str, result: dict | None, result_msg: Any = None, *,
                   cache: Any = None) -> bool:
    """Mark the task completed and run its on_complete handler (given `cache`), once.

    A repeated Complete for a completed task returns True and changes nothing; a Complete
    from a worker that lost the lease of a task still in progress returns False.
    """
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            """
            UPDATE tasks SET status = 'completed', result = $3::jsonb, progress = 100,
                   completed_at = now(), lease_expires_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'running' AND lease_owner = $2
            RETURNING *
            """,
            [str(task_id), worker_id, _json(result) if result is not None else None],
        )
        if rows:
            row = _decode(rows[0])
            handler = handlers.complete_handler(row["task_type"])
            if handler:
                await handler(row, result_msg, conn, cache)
            _observe_duration(row, "completed")
            return True
    current = await get_task(task_id)
    return bool(current and current["status"] == "completed")


def _observe_duration(row: dict, outcome: str) -> None:
    started = row.get("started_at")
    if started is not None:
        seconds = (datetime.now(UTC) - started).total_seconds()
        TASK_DURATION.labels(row["task_type"], outcome).observe(max(seconds, 0.0))


@dataclass
class FailOutcome:
    held_lease: bool
    will_retry: bool
    attempts: int
    next_run_at: datetime | None


async def fail(task_id, worker_id: str, error: str, *, retryable: bool,
               backoff_seconds: float, backoff_factor: float) -> FailOutcome:
    """Record a failed attempt: requeue with backoff while attempts remain, else fail for good."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            """
            WITH retry AS (
                SELECT id, ($4::bool AND attempts < max_attempts) AS again
                FROM tasks WHERE id = $1 AND status = 'running' AND lease_owner = $2
                FOR UPDATE)
            UPDATE tasks t SET
                status = CASE WHEN r.again THEN 'queued' ELSE 'failed' END,
                run_at = CASE WHEN r.again THEN now() + make_interval(
                             secs => $5::float8 * power($6::float8, t.attempts - 1))
                         ELSE t.run_at END,
                completed_at = CASE WHEN r.again THEN NULL ELSE now() END,
                lease_owner = CASE WHEN r.again THEN NULL ELSE t.lease_owner END,
                lease_expires_at = NULL, last_error = $3, updated_at = now()
            FROM retry r WHERE t.id = r.id
            RETURNING t.*
            """,
            [str(task_id), worker_id, error, retryable, float(backoff_seconds),
             float(backoff_factor)],
        )
        if not rows:
            current = await get_task(task_id, conn)
            return FailOutcome(False, False, current["attempts"] if current else 0, None)
        row = _decode(rows[0])
        _observe_duration(row, "retried" if row["status"] == "queued" else "failed")
        if row["status"] == "queued":
            await _notify(conn, row["task_type"])
            return FailOutcome(True, True, row["attempts"], row["run_at"])
        await _run_failed_handler(row, error, conn)
        return FailOutcome(True, False, row["attempts"], None)


async def _run_failed_handler(row: dict, error: str, conn) -> None:
    handler = handlers.failed_handler(row["task_type"])
    if handler:
        await handler(row, error, conn)


async def requeue_expired() -> int:
    """Return tasks whose worker stopped renewing to the queue (or fail them when out of attempts).

    Returns how many were requeued. SKIP LOCKED lets several API processes sweep at once.
    """
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            """
            WITH expired AS (
                SELECT id FROM tasks
                WHERE status = 'running' AND lease_expires_at < now()
                FOR UPDATE SKIP LOCKED)
            UPDATE tasks t SET
                status = CASE WHEN t.attempts >= t.max_attempts THEN 'failed' ELSE 'queued' END,
                completed_at = CASE WHEN t.attempts >= t.max_attempts THEN now() END,
                run_at = CASE WHEN t.attempts >= t.max_attempts THEN t.run_at ELSE now() END,
                last_error = 'lease expired: worker ' || coalesce(t.lease_owner, '?')
                             || ' stopped renewing',
                lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            FROM expired e WHERE t.id = e.id
            RETURNING t.*
            """
        )
        requeued = 0
        for raw in rows:
            row = _decode(raw)
            if row["status"] == "failed":
                await _run_failed_handler(row, row["last_error"], conn)
            else:
                requeued += 1
                await _notify(conn, row["task_type"])
    if rows:
        log.info("lease sweep: %d requeued, %d failed", requeued, len(rows) - requeued)
    return requeued


async def cancel_if_queued(task_id, conn=None) -> bool:
    """Cancel a task no worker has taken yet (its reason to exist went away); a running or
    finished task is left alone. True if it was cancelled."""
    rows = await db(conn).execute_query_dict(
        "UPDATE tasks SET status = 'cancelled', completed_at = now(), updated_at = now() "
        "WHERE id = $1 AND status = 'queued' RETURNING id", [str(task_id)])
    return bool(rows)


async def replace_payload(task_id, payload: dict, conn=None) -> None:
    """Overwrite a task's payload, e.g. to wipe personal data once the task is done."""
    await db(conn).execute_query(
        "UPDATE tasks SET payload = $2::jsonb WHERE id = $1", [str(task_id), _json(payload)])


async def delete_finished(older_than_days: int) -> int:
    """Retention: drop completed, failed and cancelled tasks finished that many days ago."""
    count, _ = await db().execute_query(
        "DELETE FROM tasks WHERE status IN ('completed', 'failed', 'cancelled') "
        "AND completed_at < now() - make_interval(days => $1)", [older_than_days])
    return int(count or 0)
