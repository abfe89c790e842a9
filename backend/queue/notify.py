"""One LISTEN connection per API process, fanning NOTIFY englog_tasks out to waiting claimers.

Waiters take the current "generation" event *before* they look for a task, so a NOTIFY that
arrives between their empty claim and their wait still wakes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from backend.db.setup import asyncpg_dsn
from backend.queue.service import CHANNEL

log = logging.getLogger("englog.queue.notify")


class TaskNotifier:
    def __init__(self, database_url: str, *, reconnect_seconds: float = 2.0):
        self._dsn = asyncpg_dsn(database_url)
        self._reconnect = reconnect_seconds
        self._event = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self._task: asyncio.Task | None = None
        self._connected = asyncio.Event()

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    def generation(self) -> asyncio.Event:
        """The event the next notification will set."""
        return self._event

    def wake_all(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="englog-task-listener")
        # Do not block startup forever on a database hiccup; the loop keeps retrying.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), 10)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn and not self._conn.is_closed():
            await self._conn.close()
        self.wake_all()

    def _on_notify(self, *_args) -> None:
        self.wake_all()

    async def _run(self) -> None:
        while True:
            try:
                self._conn = await asyncpg.connect(self._dsn)
                lost = asyncio.Event()
                self._conn.add_termination_listener(lambda _c, ev=lost: ev.set())
                await self._conn.add_listener(CHANNEL, self._on_notify)
                self._connected.set()
                # Anything enqueued while we were not listening must not wait for the poll cap.
                self.wake_all()
                await lost.wait()
                log.warning("task listener connection lost; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("task listener cannot connect: %r", exc)
            self._conn = None
            await asyncio.sleep(self._reconnect)
