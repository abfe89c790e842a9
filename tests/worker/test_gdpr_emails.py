"""Deletion emails through the whole deployment: the API queues them, a real `englog-worker`
sends them to a real SMTP server. The last one goes out after the account is gone."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import register


@pytest.fixture(scope="module")
def stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    stack = start_stack(api_env, Path(tmp_path_factory.mktemp("gdpr")), "gdpr")
    yield stack
    stack.stop()
    drop_stack_database(stack)


async def _mail(smtp_server, to: str, kind: str, worker):
    for _ in range(240):
        found = [m for m in smtp_server.messages
                 if m.rcpt_tos == [to] and m.message["X-EngLog-Kind"] == kind]
        if found:
            return found[0].message
        assert worker.poll() is None, "worker exited"
        await asyncio.sleep(0.25)
    raise AssertionError(f"no {kind} email to {to}")


async def test_deletion_emails_scheduled_cancelled_and_done(stack, smtp_server):
    worker = stack.start_worker(
        "worker-1", worker_id="gdpr-worker", ENGLOG_WORKER_SMTP_HOST="127.0.0.1",
        ENGLOG_WORKER_SMTP_PORT=str(smtp_server.port))
    db = await asyncpg.connect(stack.database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            user = await register(client, first_name="Ada")
            r = await user.post("/v1/users/me/deletion", json={"after_days": 3})
            assert r.status_code == 201, r.text
            scheduled = await _mail(smtp_server, user.email, "deletion_scheduled", worker)
            assert scheduled["Subject"] == "Your EngLog account is scheduled for deletion"
            assert "Hi Ada" in scheduled.get_body(preferencelist=("plain",)).get_content()

            assert (await user.delete("/v1/users/me/deletion")).status_code == 204
            await _mail(smtp_server, user.email, "deletion_cancelled", worker)

            assert (await user.post("/v1/users/me/deletion",
                                    json={"after_days": 1})).status_code == 201
            await db.execute("UPDATE scheduled_deletions SET scheduled_for = now() "
                             "WHERE user_id = $1::uuid", user.id)
            await db.execute("INSERT INTO tasks (task_type) VALUES ('process_deletions')")
            await db.execute("SELECT pg_notify('englog_tasks', 'process_deletions')")

            done = await _mail(smtp_server, user.email, "account_deleted", worker)
            assert done["Subject"] == "Your EngLog account has been deleted"
            assert await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid",
                                     user.id) == 0
            # Sent, so the address is wiped from the task that carried it.
            for _ in range(40):
                payloads = [json.loads(r["payload"]) for r in await db.fetch(
                    "SELECT payload FROM tasks WHERE task_type = 'send_email' "
                    "AND user_id IS NULL AND status = 'completed'")]
                if payloads:
                    break
                await asyncio.sleep(0.25)
            assert payloads == [{"kind": "account_deleted"}]
    finally:
        await db.close()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
