"""App wiring of the background machinery: the LISTEN connection, the gRPC server for
workers, the lease sweeper, the API-side job runner and (if enabled) the scheduler.

create_app (backend/app.py) builds one `Background` per app and hangs it on
`app.ctx.background`; the listeners here start and stop it with the server. The queue
package knows none of this: it receives the notifier, its settings and the Redis cache as
arguments, so it never imports the gRPC server, the scheduler or the domains that plug in.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from dataclasses import dataclass, field

from sanic import Sanic

from backend.cache.redis import Cache
from backend.config import Settings
from backend.grpc_server.server import GrpcServer, start_grpc_server
from backend.jobs.scheduler import Scheduler
from backend.queue.notify import TaskNotifier
from backend.queue.runner import run_api_jobs, sweep_expired_leases
from backend.queue.settings import QueueSettings, get_queue_settings

log = logging.getLogger("englog.lifecycle")

# Modules that register handlers/api_jobs on import. Imported when the server starts rather
# than at the top, so building an app has no import-time side effects on the registries.
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


@dataclass
class Background:
    settings: Settings
    queue_settings: QueueSettings
    notifier: TaskNotifier
    scheduler: Scheduler | None
    grpc_server: GrpcServer | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Background:
        qs = get_queue_settings()
        scheduler = (Scheduler(settings.database_url, tick_seconds=qs.scheduler_tick_seconds)
                     if settings.scheduler_enabled else None)
        return cls(settings, qs, TaskNotifier(settings.database_url), scheduler)

    async def start(self, cache: Cache | None) -> None:
        import_handler_modules()
        qs = self.queue_settings
        await self.notifier.start()
        self.grpc_server = await start_grpc_server(self.settings, self.notifier, qs, cache)
        self.tasks = [asyncio.create_task(sweep_expired_leases(qs), name="englog-lease-sweep")]
        if qs.api_runner_enabled:
            self.tasks.append(asyncio.create_task(run_api_jobs(self.notifier, qs, cache),
                                                  name="englog-api-jobs"))
        if self.scheduler is not None:
            self.tasks.append(asyncio.create_task(self.scheduler.run(), name="englog-scheduler"))

    async def stop(self) -> None:
        if self.grpc_server is not None:
            await self.grpc_server.stop()
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.scheduler is not None:
            await self.scheduler.close()
        await self.notifier.stop()


def attach(app: Sanic) -> None:
    """Start the app's Background after the cache exists (listeners run in the order they
    were registered: call this after the ORM/cache listener); stop it before the cache
    closes (after_server_stop)."""

    @app.before_server_start
    async def _start_background(app: Sanic) -> None:
        await app.ctx.background.start(app.ctx.cache)

    @app.before_server_stop
    async def _stop_background(app: Sanic) -> None:
        await app.ctx.background.stop()
