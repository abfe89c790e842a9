"""Recurring jobs. Every API process runs a Scheduler, but only the one holding the PostgreSQL
advisory lock enqueues; the lock lives on a dedicated connection, so it is released exactly
when that process (or its connection) dies and another process takes over on its next try."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import asyncpg

from backend.db.setup import asyncpg_dsn
from backend.jobs.reminders import schedule_end_of_day_reminders
from backend.jobs.weekly import schedule_weekly_reports
from backend.queue.service import enqueue

log = logging.getLogger("englog.jobs.scheduler")

# Any fixed bigint shared by all API processes; advisory locks are per database.
LOCK_KEY = 0x656E676C6F67  # "englog"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def recurring_jobs(now: datetime) -> list[tuple[str, datetime, str]]:
    """(task_type, run_at, dedupe_key) for the current and the next period of each job.

    Enqueuing the next period ahead leaves a future-run_at row in place even if every API
    process is down when it falls due; the current one catches up after a restart.
    """
    now = now.astimezone(UTC)
    today = now.date()
    jobs = []
    for day in (today, today + timedelta(days=1)):
        jobs.append(("cleanup_denylist", _at(day, 3), f"cleanup_denylist:{day}"))
        jobs.append(("cleanup_tasks", _at(day, 3, 15), f"cleanup_tasks:{day}"))
    monday = today - timedelta(days=today.weekday())
    for m in (monday, monday + timedelta(days=7)):
        year, week, _ = m.isocalendar()
        jobs.append(("cleanup_insights", _at(m, 3, 30), f"cleanup_insights:{year}-W{week:02d}"))
    slot = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    for s in (slot, slot + timedelta(minutes=15)):
        jobs.append(("process_deletions", s, f"process_deletions:{s:%Y-%m-%dT%H:%M}Z"))
    return jobs


async def enqueue_recurring(now: datetime) -> int:
    for task_type, run_at, key in recurring_jobs(now):
        await enqueue(task_type, {}, run_at=run_at, dedupe_key=key)
    await schedule_end_of_day_reminders(now)
    return await schedule_weekly_reports(now)


class Scheduler:
    def __init__(self, database_url: str, *, tick_seconds: float = 60.0):
        self._dsn = asyncpg_dsn(database_url)
        self.tick_seconds = tick_seconds
        self._conn: asyncpg.Connection | None = None
        self._leader = False

    @property
    def is_leader(self) -> bool:
        return self._leader and self._conn is not None and not self._conn.is_closed()

    async def try_acquire(self) -> bool:
        """Become the leader if no other process holds the lock. Non-blocking."""
        if self.is_leader:
            return True
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self._dsn)
        self._leader = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY))
        if self._leader:
            log.info("this process now enqueues the recurring jobs")
        return self._leader

    async def run(self) -> None:
        while True:
            try:
                if await self.try_acquire():
                    await enqueue_recurring(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed")
                await self.close()
            await asyncio.sleep(self.tick_seconds)

    async def close(self) -> None:
        self._leader = False
        if self._conn is not None and not self._conn.is_closed():
            # Closing the session releases the advisory lock for the next process.
            await self._conn.close()
        self._conn = None
