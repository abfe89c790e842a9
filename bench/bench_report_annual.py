"""An annual review over 1,250 entries through the real pipeline, cold and warm.

The API (its own database, gRPC on mutual TLS) builds the report request from a year of
entries logged over HTTP; this process plays the worker over gRPC with the worker's own
task code (worker.tasks.run_task) and the embedded model, counting the model calls; the
API stores the result and the week digests it carries.

- cold: no digests stored; every closed week of the year is digested on the way.
- warm: all week digests stored (by the cold run), then one entry of one week edited; the
  next annual review carries 51 valid digests and the entries of the changed week only.

Goals (issue 8): cold < 120 s, warm < 30 s. Run once, not in a loop:

    .venv/bin/python -m bench.bench_report_annual
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc

from tests.support.certs import channel
from tests.support.servers import test_env
from tests.support.stack import drop_stack_database, start_stack
from tests.support.users import ApiUser, register
from tests.worker.synthetic import PROJECTS, random_entries
from worker.config import WorkerSettings
from worker.email import SmtpConfig
from worker.llm.base import LLMBackend
from worker.llm.embedded import EmbeddedBackend
from worker.reports import ReportOptions
from worker.tasks import TaskContext, run_task

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
YEAR = 2025
ENTRIES = 1250
WORKER = "bench-annual"
ANNUAL = {"report_type": "annual", "period_start": f"{YEAR}-01-01",
          "period_end": f"{YEAR}-12-31"}
GOALS = {"cold": 120.0, "warm": 30.0}


@dataclass
class Run:
    name: str
    seconds: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    digests_sent: int
    entries_sent: int
    digests_asked: int
    digests_stored: int
    request_s: float      # POST /v1/insights/generate: facts, week plan, payload, enqueue
    pipeline_s: float     # the worker's generate_report (generation_ms)
    checks: str = ""      # per section: kept/regenerated/replaced


async def seed_year(user: ApiUser) -> list[dict]:
    """1,250 entries over the workdays of the year, in four projects, through the API."""
    project_ids = {}
    for name in PROJECTS:
        r = await user.post("/v1/projects", json={"name": name})
        r.raise_for_status()
        project_ids[name] = r.json()["id"]
    made: list[dict] = []
    items = [{"title": e.title, "type": e.type, "project_id": project_ids[e.project],
              "start_time": e.start_time, "end_time": e.end_time,
              "value_rating": e.value_rating, "impact_level": e.impact_level,
              "description": f"{e.type} work for {e.project}"}
             for e in random_entries(date(YEAR, 1, 1), 365, ENTRIES, seed=2025)]
    for i in range(0, len(items), 500):
        r = await user.post("/v1/logs/bulk", json={"entries": items[i:i + 500]})
        r.raise_for_status()
        made += r.json()["items"]
    return made


async def play_worker(stub, backend: LLMBackend, options: ReportOptions
                      ) -> tuple[pb.Task, pb.GenerateInsightResponse]:
    """Claim the report task and run it exactly as englog-worker would."""
    r = await stub.Claim(pb.ClaimRequest(worker_id=WORKER, task_types=["generate_insight"],
                                         wait_seconds=30), timeout=60)
    assert r.has_task, "no report task"
    ctx = TaskContext(backend=backend, smtp=SmtpConfig(host="127.0.0.1", port=1),
                      report_options=options)

    async def progress(percent: int, stage: str) -> None:
        await stub.ReportProgress(pb.ProgressRequest(task_id=r.task.id, worker_id=WORKER,
                                                     percent=percent, stage=stage))

    async def keep_lease() -> None:
        # As englog-worker's runner does: the lease outlives no long report on its own.
        while True:
            await asyncio.sleep(max(1.0, r.lease_seconds / 3))
            await stub.RenewLease(pb.RenewLeaseRequest(task_id=r.task.id, worker_id=WORKER))

    renewer = asyncio.create_task(keep_lease())
    try:
        result = await run_task(r.task, ctx, progress)
    finally:
        renewer.cancel()
    ack = await stub.Complete(pb.CompleteRequest(task_id=r.task.id, worker_id=WORKER,
                                                 **result), timeout=60)
    assert ack.ok, ack.detail
    return r.task, result["generate_insight"]


async def annual(name: str, user: ApiUser, stub, backend: LLMBackend, options: ReportOptions,
                 db: asyncpg.Connection) -> Run:
    stored_before = await db.fetchval(
        "SELECT count(*) FROM week_digests WHERE user_id = $1::uuid", user.id)
    started = time.perf_counter()
    r = await user.post("/v1/insights/generate", json=ANNUAL)
    assert r.status_code == 202, r.text
    request_s = time.perf_counter() - started
    insight_id = r.json()["id"]
    task, response = await play_worker(stub, backend, options)
    body = (await user.get(f"/v1/insights/{insight_id}")).json()
    seconds = time.perf_counter() - started
    assert body["status"] == "completed", body
    req = task.generate_insight
    stored_after = await db.fetchval(
        "SELECT count(*) FROM week_digests WHERE user_id = $1::uuid", user.id)
    return Run(name, seconds, response.model_calls, body["prompt_tokens"],
               body["completion_tokens"], len(req.digests), len(req.entries),
               len(req.weeks_to_digest), stored_after - stored_before, request_s,
               response.generation_ms / 1000,
               ", ".join(f"{c.section}: {c.kept}/{c.regenerated}/{c.replaced}"
                         for c in response.sentence_checks))


async def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="englog-bench-annual-"))
    stack = start_stack(test_env(f"{PG}/englog_bench", f"englog-bench-{os.getpid()}:"),
                        tmp, "annual")
    s = WorkerSettings()
    backend = EmbeddedBackend(s.model_path, s.n_ctx, s.n_threads, s.seed)
    await backend.load()
    # The worker's own options (worker/main.py builds them from the same settings).
    options = ReportOptions(claim_max_tokens=s.claim_max_tokens, temperature=s.temperature)
    runs: list[Run] = []
    try:
        db = await asyncpg.connect(stack.database_url.replace("postgres://", "postgresql://"))
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=120) as client, \
                channel(stack.grpc_target, stack.pki.ca, *stack.pki.client("worker-1")) as ch:
            stub = pb_grpc.TaskQueueStub(ch)
            user = await register(client)
            t0 = time.perf_counter()
            entries = await seed_year(user)
            print(f"seeded {len(entries)} entries over {YEAR} in {time.perf_counter() - t0:.1f} s",
                  flush=True)

            runs.append(await annual("cold", user, stub, backend, options, db))
            print(runs[-1], flush=True)
            # One week changes: an entry in mid-June gets a new title.
            weeks = Counter(date.fromisoformat(e["start_time"][:10]) for e in entries)
            june = sorted((e for e in entries if e["start_time"].startswith(f"{YEAR}-06-1")),
                          key=lambda e: e["start_time"])
            edited = june[0] if june else entries[len(entries) // 2]
            r = await user.patch(f"/v1/logs/{edited['id']}",
                                 json={"title": edited["title"] + " (follow-up)"})
            r.raise_for_status()
            monday = date.fromisoformat(edited["start_time"][:10])
            monday -= timedelta(days=monday.weekday())
            print(f"edited one entry in the week of {monday} ({len(weeks)} active days)")
            runs.append(await annual("warm", user, stub, backend, options, db))
            print(runs[-1], flush=True)
        await db.close()
    finally:
        stack.stop()
        drop_stack_database(stack)

    print(f"\nannual review, {ENTRIES} entries, model {backend.model}, {s.n_threads} threads, "
          f"{s.claim_max_tokens} max tokens per model job, load {os.getloadavg()[0]:.1f}")
    print(f"{'run':5} {'wall s':>7} {'goal s':>6} {'calls':>5} {'prompt tok':>10} "
          f"{'compl tok':>9} {'digests in':>10} {'entries in':>10} {'asked':>5} {'stored':>6} "
          f"{'API req s':>9} {'pipeline s':>10}")
    for run in runs:
        print(f"{run.name:5} {run.seconds:7.1f} {GOALS[run.name]:6.0f} {run.calls:5d} "
              f"{run.prompt_tokens:10d} {run.completion_tokens:9d} {run.digests_sent:10d} "
              f"{run.entries_sent:10d} {run.digests_asked:5d} {run.digests_stored:6d} "
              f"{run.request_s:9.1f} {run.pipeline_s:10.1f}")
    for run in runs:
        print(f"{run.name}: kept/regenerated/replaced per section: {run.checks}")
    for run in runs:
        goal = GOALS[run.name]
        verdict = "met" if run.seconds < goal else f"MISSED by {run.seconds - goal:.1f} s"
        print(f"{run.name}: {run.seconds:.1f} s vs goal {goal:.0f} s: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
