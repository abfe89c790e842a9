"""Registries through which other domains plug into the queue without the queue importing them.

    @on_complete("generate_insight")
    async def store(task_row: dict, result_msg, conn, cache) -> None: ...

Completion/failure/progress handlers run inside the transaction that updates the task row,
so the domain rows and the task status commit together. Completion handlers and API jobs
also get the API's Redis cache (None outside the API: scripts, tests), passed down from the
app's wiring (backend/lifecycle.py) rather than read from a process-wide global.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

CompleteHandler = Callable[[dict, Any, Any, Any], Awaitable[None]]
FailedHandler = Callable[[dict, str, Any], Awaitable[None]]
ProgressHandler = Callable[[dict, int, str, Any], Awaitable[None]]
ApiJob = Callable[[dict, Any], Awaitable[dict | None]]

_complete: dict[str, CompleteHandler] = {}
_failed: dict[str, FailedHandler] = {}
_progress: dict[str, ProgressHandler] = {}
_api_jobs: dict[str, ApiJob] = {}


def _register(registry: dict, task_type: str):
    def deco(fn):
        registry[task_type] = fn
        return fn

    return deco


def on_complete(task_type: str):
    return _register(_complete, task_type)


def on_failed(task_type: str):
    return _register(_failed, task_type)


def on_progress(task_type: str):
    return _register(_progress, task_type)


def api_job(task_type: str):
    return _register(_api_jobs, task_type)


def complete_handler(task_type: str) -> CompleteHandler | None:
    return _complete.get(task_type)


def failed_handler(task_type: str) -> FailedHandler | None:
    return _failed.get(task_type)


def progress_handler(task_type: str) -> ProgressHandler | None:
    return _progress.get(task_type)


def api_job_for(task_type: str) -> ApiJob | None:
    return _api_jobs.get(task_type)
