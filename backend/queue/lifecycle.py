"""Wires the queue into the Sanic app: LISTEN connection, gRPC server, lease sweeper,
API-side job runner and (if enabled) the scheduler. Called by backend.app.create_app."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging

from sanic import Sanic

from backend.queue import runtime
from backend.queue.notify import TaskNotifier
from backend.queue.runner import run_api_jobs, sweep_expired_leases
from backend.queue.settings import get_queue_settings

log = logging.getLogger("englog.queue")

# Modules that register handlers/api_jobs on import. Listed here rather than imported at the
# top so the queue package does not depend on the domains that plug into it.
HANDLER_MODULES = (
    "backend.gdpr.emails",
    "backend.insights.results",
    "backend.jobs.cleanup",
    "backend.jobs.deletions",
    "backend.jobs.reminders",
    "backend.jobs.weekly",
)


def import_handler_modules() -> list[str]:
    for name in HANDLER_MODULES:
        importlib.import_module(name)
    return list(HANDLER_MODULES)


def attach(app: Sanic) -> None:
    @app.before_server_start
    async def _start_queue(app: Sanic) -> None:
        from backend.grpc_server.server import start_grpc_server
        from backend.jobs.scheduler import Scheduler

        import_handler_modules()
        settings = app.ctx.settings
        qs = get_queue_settings()
        runtime.cache = getattr(app.ctx, "cache", None)
        notifier = TaskNotifier(settings.database_url)
        await notifier.start()
        app.ctx.queue_notifier = notifier
        app.ctx.grpc_server = await start_grpc_server(settings, notifier, qs)
        tasks = [asyncio.create_task(sweep_expired_leases(qs), name="englog-lease-sweep")]
        if qs.api_runner_enabled:
            tasks.append(asyncio.create_task(run_api_jobs(notifier, qs), name="englog-api-jobs"))
        app.ctx.scheduler = None
        if settings.scheduler_enabled:
            app.ctx.scheduler = Scheduler(settings.database_url,
                                          tick_seconds=qs.scheduler_tick_seconds)
            tasks.append(asyncio.create_task(app.ctx.scheduler.run(), name="englog-scheduler"))
        app.ctx.queue_tasks = tasks

    @app.before_server_stop
    async def _stop_queue(app: Sanic) -> None:
        grpc_server = getattr(app.ctx, "grpc_server", None)
        if grpc_server is not None:
            await grpc_server.stop()
        for task in getattr(app.ctx, "queue_tasks", []):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        scheduler = getattr(app.ctx, "scheduler", None)
        if scheduler is not None:
            await scheduler.close()
        notifier = getattr(app.ctx, "queue_notifier", None)
        if notifier is not None:
            await notifier.stop()
