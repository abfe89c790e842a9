"""The worker's health as sent with each claim and heartbeat (LLM and SMTP reachability)."""

from __future__ import annotations

import asyncio

from englog.v1 import tasks_pb2 as pb

from worker import __version__
from worker.email import SmtpConfig, smtp_health
from worker.llm import LLMBackend


class HealthMonitor:
    def __init__(self, worker_id: str, backend: LLMBackend, smtp: SmtpConfig, concurrency: int,
                 probe_timeout_s: float = 10.0):
        self.worker_id = worker_id
        self.backend = backend
        self.smtp = smtp
        self.concurrency = concurrency
        self.probe_timeout_s = probe_timeout_s
        self.busy = 0
        self.llm_ok = False
        self.smtp_ok = False
        self.detail = "not probed yet"

    async def refresh(self) -> pb.WorkerHealth:
        async def probe(coro) -> tuple[bool, str]:
            try:
                return await asyncio.wait_for(coro, self.probe_timeout_s)
            except TimeoutError:
                return False, "probe timed out"

        (self.llm_ok, llm_detail), (self.smtp_ok, smtp_detail) = await asyncio.gather(
            probe(self.backend.health()), probe(smtp_health(self.smtp)))
        self.detail = f"{llm_detail}; {smtp_detail}"
        return self.message()

    def message(self) -> pb.WorkerHealth:
        return pb.WorkerHealth(
            worker_id=self.worker_id, version=__version__, llm_backend=self.backend.name,
            llm_model=self.backend.model, llm_ok=self.llm_ok, smtp_ok=self.smtp_ok,
            detail=self.detail[:500], concurrency=self.concurrency, busy=self.busy)
