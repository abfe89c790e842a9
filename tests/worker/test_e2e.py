"""The real API (gRPC on mutual TLS, durable queue) with one `englog-worker` subprocess.

A user logs work and asks for a weekly report over HTTP; the worker claims the
generate_insight task, writes the report with the embedded model and completes it; the API
then enqueues the "report ready" email, which the same worker sends to a real SMTP server.
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.servers import METRICS_TOKEN
from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import register

MONDAY = datetime(2024, 3, 4, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    # Its own database: queued tasks left by other tests must not reach this worker.
    stack = start_stack(api_env, Path(tmp_path_factory.mktemp("e2e")), "e2e")
    yield stack
    stack.stop()
    drop_stack_database(stack)


async def test_report_and_ready_email_through_the_real_api(stack, smtp_server):
    worker = stack.start_worker(
        "worker-1", worker_id="e2e-worker", ENGLOG_WORKER_SMTP_HOST="127.0.0.1",
        ENGLOG_WORKER_SMTP_PORT=str(smtp_server.port))
    try:
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as client:
            user = await register(client)
            for i, (kind, minutes) in enumerate([("code", 120), ("review", 45), ("debug", 90)]):
                start = MONDAY + timedelta(days=i)
                r = await user.post("/v1/logs", json={
                    "title": f"Ship export step {i + 1}", "type": kind,
                    "start_time": start.isoformat(),
                    "end_time": (start + timedelta(minutes=minutes)).isoformat(),
                    "value_rating": "high", "impact_level": "product"})
                assert r.status_code == 201, r.text
            r = await user.post("/v1/insights/generate", json={
                "report_type": "weekly", "period_start": "2024-03-04",
                "period_end": "2024-03-10"})
            assert r.status_code == 202, r.text
            insight_id = r.json()["id"]

            body: dict = {}
            for _ in range(600):  # the worker needs the model for 5 sections; be patient
                body = (await user.get(f"/v1/insights/{insight_id}")).json()
                if body.get("status") in ("completed", "failed"):
                    break
                assert worker.poll() is None, "worker exited"
                await asyncio.sleep(1)
            assert body.get("status") == "completed", body
            content = body["content"]
            assert "| Entries | 3 |" in content and "4.25 h (255 min)" in content
            for section in ("Key Accomplishments", "Recommendations"):
                assert f"## {section}" in content
            # Each accomplishment names its entry; the per-section check counts come back.
            assert re.search(r"\[Ship export step \d, 2024-03-0[4-6]\]", content), content
            assert {c["section"] for c in body["sentence_checks"]} >= {"Key Accomplishments"}
            assert all(c["kept"] + c["regenerated"] + c["replaced"] >= 1
                       for c in body["sentence_checks"])
            assert body["model"] == "SmolLM2-135M-Instruct.Q4_1"
            assert body["prompt_tokens"] > 0 and body["completion_tokens"] > 0

            def ready_mails():
                return [m for m in smtp_server.messages
                        if m.message["X-EngLog-Kind"] == "report_ready"]

            for _ in range(120):
                if ready_mails():
                    break
                await asyncio.sleep(0.5)
            [mail] = ready_mails()  # registration's welcome email is sent by the worker too
            assert mail.rcpt_tos == [user.email]
            assert mail.message.get_body(preferencelist=("html",)) is not None
            assert {m.message["X-EngLog-Kind"] for m in smtp_server.messages} == \
                {"welcome", "report_ready"}

            health = (await client.get("/health")).text
            assert "e2e-worker" in health

            # The worker's own figures reach the API's /metrics through its heartbeat.
            def figure(text: str, name: str, **labels: str) -> float:
                want = {"worker": "e2e-worker", **labels}
                for line in text.splitlines():
                    m = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
                    if m and m[1] == name and dict(re.findall(r'(\w+)="([^"]*)"', m[2])) == want:
                        return float(m[3])
                return 0.0

            auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
            for _ in range(40):
                text = (await client.get("/metrics", headers=auth)).text
                if figure(text, "englog_worker_tasks_total", task_type="send_email",
                          outcome="completed") >= 2:
                    break
                await asyncio.sleep(0.5)
            assert figure(text, "englog_worker_tasks_total", task_type="generate_insight",
                          outcome="completed") == 1
            assert figure(text, "englog_worker_tasks_total", task_type="send_email",
                          outcome="completed") == 2
            assert figure(text, "englog_worker_llm_completion_tokens_total") >= \
                body["completion_tokens"]
            assert figure(text, "englog_worker_llm_tokens_per_second") > 0
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
