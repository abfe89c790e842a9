"""A weekly report end to end — HTTP request to the API, task over mTLS gRPC to a real
`englog-worker`, embedded model, result back in PostgreSQL — against raw llama.cpp
generating the same prompts for the same token counts.

The worker's prompts are recovered by re-running the (deterministic, fixed-seed) pipeline
in-process on the exact task payload the API stored, recording each call.

    .venv/bin/python -m bench.bench_report_e2e
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

from bench.bench_report import Recording, load_raw, raw_replay
from tests.support.servers import test_env
from tests.support.stack import drop_stack_database, start_stack
from tests.support.users import register
from worker.config import WorkerSettings
from worker.llm.embedded import EmbeddedBackend
from worker.reports import ReportOptions, generate_report

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MONDAY = datetime(2024, 3, 4, 9, tzinfo=UTC)
WEEK = [  # (day, type, minutes, title, value, impact)
    (0, "code", 150, "Token refresh rotation", "high", "product"),
    (0, "meeting", 60, "Sprint planning", "medium", "team"),
    (1, "review", 60, "Review billing export PR", "medium", "team"),
    (1, "debug", 90, "Flaky login test", "high", "product"),
    (2, "mentoring", 45, "Pairing with Sam", "high", "team"),
    (2, "docs", 120, "API conventions page", "low", "personal"),
    (3, "code", 90, "Refresh race fix", "high", "company"),
    (4, "ops", 45, "Rotate staging certificates", "medium", "team"),
]


async def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="englog-bench-e2e-"))
    stack = start_stack(test_env(f"{PG}/englog_bench", f"englog-bench-{os.getpid()}:"),
                        tmp, "e2e")
    try:
        worker = stack.start_worker("worker-1", ENGLOG_WORKER_CLAIM_MAX_TOKENS=str(
            WorkerSettings().claim_max_tokens))
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=60) as client:
            for _ in range(600):  # the worker has loaded its model when it shows in /health
                if "worker-1" in (await client.get("/health")).text:
                    break
                assert worker.poll() is None, stack.worker_log("worker-1").read_text()
                await asyncio.sleep(0.2)
            user = await register(client)
            for day, kind, minutes, title, value, impact in WEEK:
                start = MONDAY + timedelta(days=day)
                r = await user.post("/v1/logs", json={
                    "title": title, "type": kind, "value_rating": value,
                    "impact_level": impact, "start_time": start.isoformat(),
                    "end_time": (start + timedelta(minutes=minutes)).isoformat()})
                r.raise_for_status()
            await asyncio.sleep(2)  # let the welcome email go first; it is not the report
            started = time.perf_counter()
            r = await user.post("/v1/insights/generate", json={
                "report_type": "weekly", "period_start": "2024-03-04", "period_end": "2024-03-10"})
            r.raise_for_status()
            insight_id = r.json()["id"]
            while True:
                body = (await user.get(f"/v1/insights/{insight_id}")).json()
                if body["status"] in ("completed", "failed"):
                    break
                await asyncio.sleep(0.05)
            e2e_s = time.perf_counter() - started
            assert body["status"] == "completed", body

        conn = await asyncpg.connect(stack.database_url.replace("postgres://", "postgresql://"))
        payload = await conn.fetchval(
            "SELECT t.payload::text FROM tasks t JOIN generated_insights g ON g.task_id = t.id "
            "WHERE g.id = $1::uuid", insight_id)
        await conn.close()
    finally:
        stack.stop()
        drop_stack_database(stack)

    request = json_format.Parse(payload, pb.GenerateInsightRequest())
    s = WorkerSettings()
    backend = Recording(EmbeddedBackend(s.model_path, s.n_ctx, s.n_threads, s.seed))
    await backend.inner.load()
    opts = ReportOptions(claim_max_tokens=s.claim_max_tokens, temperature=s.temperature)
    replayed = await generate_report(request, backend, None, opts)
    raw_llm = load_raw(s)
    raw_s, raw_tokens = raw_replay(raw_llm, s, backend.calls)
    raw_llm.close()

    print(f"\nweekly report, {len(WEEK)} entries, model {body['model']}, {s.n_threads} threads")
    print(f"end to end (HTTP -> API -> gRPC/mTLS -> worker -> PostgreSQL): {e2e_s:.1f} s, "
          f"{body['prompt_tokens']} prompt + {body['completion_tokens']} completion tokens, "
          f"worker-side generation {body.get('generation_ms', 0) / 1000:.1f} s")
    print(f"raw llama.cpp, the same {len(backend.calls)} prompts and token counts: "
          f"{raw_s:.1f} s ({raw_tokens} tokens; in-process replay matched the worker's "
          f"completion tokens: {replayed.completion_tokens == body['completion_tokens']})")
    print(f"ratio raw/end-to-end: {raw_s / e2e_s:.2f}  (target >= 0.9)")


if __name__ == "__main__":
    asyncio.run(main())
