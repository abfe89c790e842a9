"""End-to-end failure paths: the real API (gRPC on mutual TLS, durable queue) with real
`englog-worker` subprocesses, real certificates, the real embedded model and real SMTP.

- a worker SIGKILLed mid-report: its lease expires, another worker finishes the report once;
- Ollama refusing connections: three attempts, then the user sees a readable failure;
- a worker with a certificate from another CA is refused; one without a certificate won't start;
- two workers draining a burst of emails deliver each exactly once.

The module runs its own API on its own database: the queue hands out the most urgent task in
the whole database, so leftover tasks from other test files would otherwise decide which task
a given worker holds.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from tests.support.certs import make_pki, write_self_signed_client
from tests.support.servers import ROOT, free_port
from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import ApiUser, register
from tests.worker.test_e2e import MONDAY

LEASE_SECONDS = 10  # room for renewals on a busy machine; the sweep waits this long


@pytest.fixture(scope="module")
def stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    """Short lease, fast sweep and near-immediate retries, so failures play out quickly."""
    stack = start_stack(
        api_env, Path(tmp_path_factory.mktemp("e2e-failures")), "wfail",
        worker_names=("worker-a", "worker-b", "worker-c"),
        ENGLOG_QUEUE_LEASE_SECONDS=str(LEASE_SECONDS), ENGLOG_QUEUE_SWEEP_SECONDS="1",
        ENGLOG_QUEUE_BACKOFF_SECONDS="0.2", ENGLOG_QUEUE_BACKOFF_FACTOR="1")
    yield stack
    stack.stop()
    drop_stack_database(stack)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def wdb(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack.database_url.replace("postgres://", "postgresql://", 1),
                                     min_size=1, max_size=2)
    yield pool
    await pool.close()


def worker_env(stack: Stack, worker_id: str, cert: str = "worker-a", smtp_port: int | None = None,
               **overrides: str) -> dict[str, str]:
    env = stack.worker_env(cert, worker_id, ENGLOG_WORKER_SUMMARY_MAX_TOKENS="40")
    if smtp_port is not None:
        env.update({"ENGLOG_WORKER_SMTP_HOST": "127.0.0.1",
                    "ENGLOG_WORKER_SMTP_PORT": str(smtp_port)})
    env.update(overrides)
    return env


def log_path(stack: Stack, worker_id: str) -> Path:
    return stack.worker_log(worker_id)


def spawn(stack: Stack, env: dict[str, str]) -> subprocess.Popen:
    return stack.spawn_worker(env)


def stop(proc: subprocess.Popen | None) -> int | None:
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


async def log_three_days(user: ApiUser) -> None:
    for i, (kind, minutes) in enumerate([("code", 120), ("review", 45), ("debug", 90)]):
        start = MONDAY + timedelta(days=i)
        r = await user.post("/v1/logs", json={
            "title": f"Ship export step {i + 1}", "type": kind,
            "start_time": start.isoformat(),
            "end_time": (start + timedelta(minutes=minutes)).isoformat(),
            "value_rating": "high", "impact_level": "product"})
        assert r.status_code == 201, r.text


async def ask_weekly(user: ApiUser, wdb: asyncpg.Pool) -> tuple[str, object]:
    r = await user.post("/v1/insights/generate", json={
        "report_type": "weekly", "period_start": "2024-03-04", "period_end": "2024-03-10"})
    assert r.status_code == 202, r.text
    insight_id = r.json()["id"]
    task_id = await wdb.fetchval("SELECT task_id FROM generated_insights WHERE id = $1",
                                 insight_id)
    assert task_id is not None
    return insight_id, task_id


async def task_row(wdb: asyncpg.Pool, task_id) -> asyncpg.Record:
    return await wdb.fetchrow(
        "SELECT status, lease_owner, attempts, max_attempts, last_error, progress "
        "FROM tasks WHERE id = $1", task_id)


async def wait_insight_done(user: ApiUser, insight_id: str, workers: list[subprocess.Popen],
                            seconds: int = 600) -> dict:
    body: dict = {}
    for _ in range(seconds):
        body = (await user.get(f"/v1/insights/{insight_id}")).json()
        if body.get("status") in ("completed", "failed"):
            return body
        for w in workers:
            assert w.poll() is None, f"worker exited with {w.returncode}"
        await asyncio.sleep(1)
    raise AssertionError(f"report not finished: {body}")


async def test_sigkilled_worker_task_is_finished_once_by_another(stack, smtp_server, wdb):
    # Worker A may write long claims, so the report is still being written when it is killed.
    a = spawn(stack, worker_env(stack, "worker-a", "worker-a", smtp_server.port,
                                ENGLOG_WORKER_CLAIM_MAX_TOKENS="512"))
    b = None
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            user = await register(client)
            await log_three_days(user)
            insight_id, task_id = await ask_weekly(user, wdb)

            for _ in range(1200):  # A loads the model, sends the welcome email, then claims
                row = await task_row(wdb, task_id)
                if row["status"] == "running" and row["progress"] >= 10:  # writing sections
                    break
                # Queued until A claims it, then running while A reads the prompt.
                assert row["status"] in ("queued", "running"), dict(row)
                assert a.poll() is None, f"worker A exited with {a.returncode}"
                await asyncio.sleep(0.1)
            assert row["lease_owner"] == "worker-a" and row["attempts"] == 1, dict(row)

            a.send_signal(signal.SIGKILL)
            assert a.wait(30) == -signal.SIGKILL

            # Nobody renews the lease any more: the API's sweep puts the task back in the queue.
            for _ in range(600):
                row = await task_row(wdb, task_id)
                if row["status"] != "running":
                    break
                await asyncio.sleep(0.1)
            assert row["status"] == "queued" and row["lease_owner"] is None, dict(row)
            assert "worker-a" in row["last_error"], dict(row)

            b = spawn(stack, worker_env(stack, "worker-b", "worker-b", smtp_server.port))
            body = await wait_insight_done(user, insight_id, [b])
            assert body["status"] == "completed", body
            assert "| Entries | 3 |" in body["content"]
            assert body["attempts"] == 2

            row = await task_row(wdb, task_id)
            assert (row["status"], row["lease_owner"], row["attempts"]) == \
                ("completed", "worker-b", 2), dict(row)
            reports = await wdb.fetch(
                "SELECT id, status, content, task_id FROM generated_insights WHERE user_id = $1",
                user.id)
            assert len(reports) == 1, reports
            assert str(reports[0]["id"]) == insight_id and reports[0]["task_id"] == task_id
            assert reports[0]["status"] == "completed" and reports[0]["content"].strip()

            # The "report ready" email: its task finishes, and it reached SMTP exactly once.
            for _ in range(600):
                mail_status = await wdb.fetchval(
                    "SELECT status FROM tasks WHERE dedupe_key = $1", f"report_ready:{insight_id}")
                if mail_status in ("completed", "failed"):
                    break
                await asyncio.sleep(0.1)
            assert mail_status == "completed"
            ready = [m for m in smtp_server.messages
                     if m.message["X-EngLog-Kind"] == "report_ready" and m.rcpt_tos == [user.email]]
            assert len(ready) == 1, [m.message["Subject"] for m in smtp_server.messages]
    finally:
        if a.poll() is None:
            a.kill()
            a.wait(10)
        assert stop(b) in (None, 0)


async def test_ollama_refusing_connections_fails_the_report_after_three_attempts(stack, wdb):
    dead_port = free_port()  # bound and released: nothing listens there
    w = spawn(stack, worker_env(
        stack, "worker-ollama", "worker-c",
        ENGLOG_WORKER_LLM_BACKEND="ollama",
        ENGLOG_WORKER_OLLAMA_HOST=f"http://127.0.0.1:{dead_port}",
        ENGLOG_WORKER_TASK_TYPES=json.dumps(["generate_insight"])))
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            user = await register(client)
            await log_three_days(user)
            insight_id, task_id = await ask_weekly(user, wdb)

            body = await wait_insight_done(user, insight_id, [w], seconds=300)
            assert body["status"] == "failed", body
            error = body["error"]
            assert error.startswith("Report generation failed after 3 attempts"), error
            assert "ollama at http://127.0.0.1:" in error and "unreachable" in error, error
            assert "connect" in error.lower(), error
            assert body["attempts"] == 3
            assert not body.get("content")

            row = await task_row(wdb, task_id)
            assert row["status"] == "failed", dict(row)
            assert row["attempts"] == row["max_attempts"] == 3, dict(row)
            assert "unreachable" in row["last_error"], dict(row)
            assert row["last_error"] in error

            # The worker told the API its LLM is unreachable; /health shows that.
            health = (await client.get("/health")).json()
            [me] = [x for x in health["workers"] if x["worker_id"] == "worker-ollama"]
            assert me["llm_backend"] == "ollama" and me["llm_ok"] is False, me
    finally:
        assert stop(w) == 0


async def test_worker_with_certificate_from_another_ca_is_refused(stack, wdb):
    rogue_pki = make_pki(stack.tmp / "rogue-pki", "worker-a")
    self_signed = write_self_signed_client(stack.tmp / "self-signed", "worker-a")
    rogues = {
        "rogue-other-ca": rogue_pki.client("worker-a"),
        "rogue-self-signed": self_signed,
    }
    procs = []
    try:
        for worker_id, (crt, key) in rogues.items():
            env = worker_env(stack, worker_id)
            # It trusts the real server, but presents a client certificate our CA never signed.
            env.update(ENGLOG_WORKER_CLIENT_CERT=str(crt), ENGLOG_WORKER_CLIENT_KEY=str(key))
            procs.append(spawn(stack, env))
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            user = await register(client)  # queues a welcome email any worker could claim
            welcome = await wdb.fetchval("SELECT id FROM tasks WHERE dedupe_key = $1",
                                         f"welcome:{user.id}")

            def failures(worker_id: str) -> list[str]:
                path = log_path(stack, worker_id)
                text = path.read_text(errors="replace") if path.exists() else ""
                return [ln for ln in text.splitlines() if "claim failed (UNAVAILABLE" in ln]

            for _ in range(1200):  # each worker loads the model, then tries to claim
                if all(len(failures(w)) >= 3 for w in rogues):
                    break
                for p in procs:
                    assert p.poll() is None, f"rogue worker exited with {p.returncode}"
                await asyncio.sleep(0.1)
            for worker_id in rogues:
                lines = failures(worker_id)
                assert len(lines) >= 3, log_path(stack, worker_id).read_text()
            # The API ends the handshake; under TLS 1.3 the client sees only a closed socket,
            # while the API's log says why.
            api_log = (stack.tmp / "api.log").read_text(errors="replace")
            refused = [ln for ln in api_log.splitlines()
                       if "Handshake failed" in ln and "CERTIFICATE_VERIFY_FAILED" in ln]
            assert any("unable to get local issuer certificate" in ln for ln in refused), refused
            assert any("self signed certificate" in ln for ln in refused), refused

            row = await task_row(wdb, welcome)
            assert (row["status"], row["attempts"], row["lease_owner"]) == \
                ("queued", 0, None), dict(row)
            ids = list(rogues)
            assert await wdb.fetchval(
                "SELECT count(*) FROM tasks WHERE lease_owner = ANY($1::text[])", ids) == 0
            assert await wdb.fetchval(
                "SELECT count(*) FROM worker_status WHERE worker_id = ANY($1::text[])", ids) == 0
            health = (await client.get("/health")).json()
            assert not {x["worker_id"] for x in health["workers"]} & set(ids), health
    finally:
        for p in procs:
            assert stop(p) == 0


def test_worker_without_client_certificate_refuses_to_start(stack):
    env = worker_env(stack, "no-cert", ENGLOG_WORKER_CLIENT_CERT="",
                     ENGLOG_WORKER_CLIENT_KEY="")
    done = subprocess.run([sys.executable, "-m", "worker.main"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "ENGLOG_WORKER_CLIENT_CERT" in done.stderr and "mutual TLS" in done.stderr, \
        done.stderr[-2000:]


async def test_two_workers_deliver_a_burst_of_emails_exactly_once(stack, smtp_server, wdb):
    workers = [spawn(stack, worker_env(stack, wid, cert, smtp_server.port,
                                       ENGLOG_WORKER_TASK_TYPES=json.dumps(["send_email"])))
               for wid, cert in (("mail-1", "worker-a"), ("mail-2", "worker-b"))]
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            # Both workers are connected and long-polling before the burst arrives.
            for _ in range(1200):
                seen = await wdb.fetchval(
                    "SELECT count(*) FROM worker_status WHERE worker_id IN ('mail-1', 'mail-2')")
                if seen == 2:
                    break
                for w in workers:
                    assert w.poll() is None, f"worker exited with {w.returncode}"
                await asyncio.sleep(0.1)
            assert seen == 2

            users = await asyncio.gather(*(register(client) for _ in range(6)))
            keys = [f"welcome:{u.id}" for u in users]
            for _ in range(1200):
                rows = await wdb.fetch(
                    "SELECT status, attempts, lease_owner FROM tasks "
                    "WHERE dedupe_key = ANY($1::text[])", keys)
                if len(rows) == 6 and all(r["status"] in ("completed", "failed") for r in rows):
                    break
                await asyncio.sleep(0.1)
            assert [(r["status"], r["attempts"]) for r in rows] == [("completed", 1)] * 6, rows
            assert {r["lease_owner"] for r in rows} <= {"mail-1", "mail-2"}

            for u in users:
                got = [m for m in smtp_server.messages
                       if m.rcpt_tos == [u.email] and m.message["X-EngLog-Kind"] == "welcome"]
                assert len(got) == 1, (u.email, len(got))
    finally:
        for w in workers:
            assert stop(w) == 0
