"""The worker's own figures (tasks finished, time spent, model speed), kept in memory and
sent with every heartbeat; the API exposes them on its /metrics. The worker opens no port."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from englog.v1 import tasks_pb2 as pb

from worker.llm.base import Completion, LLMBackend, Prompt


@dataclass
class _TypeStats:
    completed: int = 0
    failed: int = 0
    seconds: float = 0.0


@dataclass
class WorkerStats:
    started: float = field(default_factory=time.monotonic)
    tasks: dict[str, _TypeStats] = field(default_factory=dict)
    completion_tokens: int = 0
    generation_seconds: float = 0.0
    last_tokens_per_second: float = 0.0

    def task_finished(self, task_type: str, seconds: float, ok: bool) -> None:
        stats = self.tasks.setdefault(task_type, _TypeStats())
        stats.seconds += seconds
        if ok:
            stats.completed += 1
        else:
            stats.failed += 1

    def generated(self, c: Completion) -> None:
        seconds = max(c.elapsed_ms, 0) / 1000
        self.completion_tokens += c.completion_tokens
        self.generation_seconds += seconds
        if seconds > 0 and c.completion_tokens:
            self.last_tokens_per_second = c.completion_tokens / seconds

    def message(self) -> pb.WorkerMetrics:
        return pb.WorkerMetrics(
            tasks=[pb.WorkerTaskStats(task_type=t, completed=s.completed, failed=s.failed,
                                      seconds_total=s.seconds)
                   for t, s in sorted(self.tasks.items())],
            llm_completion_tokens_total=self.completion_tokens,
            llm_generation_seconds_total=self.generation_seconds,
            llm_tokens_per_second=self.last_tokens_per_second,
            uptime_seconds=time.monotonic() - self.started)


class MeteredBackend(LLMBackend):
    """Wraps the configured backend and counts what every generation produced."""

    def __init__(self, inner: LLMBackend, stats: WorkerStats):
        self.inner = inner
        self.stats = stats
        self.name = inner.name
        self.model = inner.model

    @property
    def context_window(self) -> int:
        return self.inner.context_window

    async def generate(self, prompt: Prompt, max_tokens: int = 128,
                       temperature: float = 0.2) -> Completion:
        c = await self.inner.generate(prompt, max_tokens=max_tokens, temperature=temperature)
        self.stats.generated(c)
        return c

    async def generate_json(self, prompt: Prompt, schema: dict, max_tokens: int = 128,
                            temperature: float = 0.2) -> Completion:
        c = await self.inner.generate_json(prompt, schema, max_tokens=max_tokens,
                                           temperature=temperature)
        self.stats.generated(c)
        return c

    async def health(self) -> tuple[bool, str]:
        return await self.inner.health()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def count_message_tokens(self, messages) -> int:
        return self.inner.count_message_tokens(messages)

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str):
        # Backend-specific extras (e.g. the embedded model's load()) pass straight through.
        return getattr(self.inner, name)
