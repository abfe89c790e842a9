"""Long-poll claiming: try, then sleep until a NOTIFY, the next due run_at or the deadline."""

from __future__ import annotations

import asyncio
import contextlib
import time

from backend.queue import service
from backend.queue.notify import TaskNotifier
from backend.queue.settings import QueueSettings


async def claim_wait(notifier: TaskNotifier | None, worker_id: str, task_types,
                     wait_seconds: float, settings: QueueSettings) -> dict | None:
    deadline = time.monotonic() + max(0.0, min(wait_seconds, settings.max_wait_seconds))
    while True:
        wake = notifier.generation() if notifier else None
        task = await service.claim(worker_id, task_types, lease_seconds=settings.lease_seconds)
        if task is not None:
            return task
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        timeout = min(remaining, settings.poll_cap_seconds)
        due = await service.seconds_until_next_due(task_types)
        if due is not None:
            # A future run_at (retry backoff, scheduled job) sends no NOTIFY when it falls due.
            timeout = min(timeout, due + 0.01)
        if wake is None:
            await asyncio.sleep(timeout)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)
