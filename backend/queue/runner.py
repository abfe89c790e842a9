"""Runs API-side task types (cleanup, deletions, weekly reports) inside each API process,
using the same claim/lease/retry rules as remote workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from typing import Any

from backend.queue import handlers, service
from backend.queue.claiming import claim_wait
from backend.queue.notify import TaskNotifier
from backend.queue.settings import QueueSettings

log = logging.getLogger("englog.queue.runner")


def api_worker_id() -> str:
    return f"api:{socket.gethostname()}:{os.getpid()}"


async def run_api_task(row: dict, worker_id: str, settings: QueueSettings,
                       cache: Any = None) -> None:
    job = handlers.api_job_for(row["task_type"])
    if job is None:
        await service.fail(row["id"], worker_id, f"no api_job registered for {row['task_type']}",
                           retryable=False, backoff_seconds=0, backoff_factor=1)
        return
    keep_alive = asyncio.create_task(_renew_forever(row["id"], worker_id, settings))
    try:
        result = await job(row["payload"] or {}, cache)
    except Exception as exc:
        log.exception("api job %s (%s) failed", row["id"], row["task_type"])
        await service.fail(row["id"], worker_id, f"{type(exc).__name__}: {exc}", retryable=True,
                           backoff_seconds=settings.backoff_seconds,
                           backoff_factor=settings.backoff_factor)
        return
    finally:
        keep_alive.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keep_alive
    await service.complete(row["id"], worker_id, result or {}, cache=cache)


async def _renew_forever(task_id, worker_id: str, settings: QueueSettings) -> None:
    while True:
        await asyncio.sleep(max(0.2, settings.lease_seconds / 3))
        if await service.renew(task_id, worker_id, lease_seconds=settings.lease_seconds) is None:
            return


async def run_api_jobs(notifier: TaskNotifier | None, settings: QueueSettings,
                       cache: Any = None) -> None:
    """`cache`: the API's Redis cache, handed to each job (some drop cached user data)."""
    worker_id = api_worker_id()
    while True:
        try:
            row = await claim_wait(notifier, worker_id, service.API_TASK_TYPES,
                                   settings.max_wait_seconds, settings)
            if row is not None:
                await run_api_task(row, worker_id, settings, cache)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("api job runner error; retrying")
            await asyncio.sleep(1.0)


async def sweep_expired_leases(settings: QueueSettings) -> None:
    while True:
        try:
            await service.requeue_expired()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("lease sweep failed")
        await asyncio.sleep(settings.sweep_seconds)
