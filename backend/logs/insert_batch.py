"""Single-entry inserts issued by concurrent requests in the same event-loop pass, written
by one statement.

Most of what PostgreSQL spends on one POST /v1/logs is paid per statement, not per row: the
round trip, starting the executor for the statement's ten CTEs and four tables, and the
commit's WAL flush. Inserts that concurrent requests issue in the same pass of the event
loop are therefore queued and written together by queries.INSERT_BATCH, one statement and
one transaction; bench/bench_logs.py shows what that saves under load. Each caller still
gets exactly its own row, with the overlaps it would have got had the batch's entries been
inserted one after another.

A lone insert runs the single-entry statement, so an idle server sees no difference. If a
batch fails (a project or user deleted meanwhile, a deadlock), nothing of it was written and
each of its entries is retried alone, so every caller gets its own answer or its own error.
An entry whose caller was cancelled before its batch was sent is not written.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from backend.db.setup import BATCH_POOL, BATCH_POOL_MAX, db
from backend.logs import queries as sql

log = logging.getLogger("englog.logs")

# A longer queue is written by several statements, one after the other.
MAX_BATCH = 64
# One batch is written at a time; inserts that arrive meanwhile wait for it and go together
# in the next (group commit), so the batches grow with the load. One rather than two: two
# batch transactions at once share-lock the same hot rows for their foreign keys (the
# user's, the tags') and compete for the same two cores; under bench/bench_logs.py's load
# two at a time cost PostgreSQL 10-35% more CPU per entry (multixacts appeared, one-entry
# batches were 4x as many) and the API ~15% of its throughput.
# A batch stuck on a lock (say, a user being deleted) must not hold up everyone's writes:
# once the newest batch has been out for STALLED_AFTER_S (normal ones take a few ms),
# one more may start, up to MAX_IN_FLIGHT (the batch pool's size, BATCH_POOL_MAX).
STALLED_AFTER_S = 0.05
MAX_IN_FLIGHT = BATCH_POOL_MAX


@dataclass(slots=True)
class Pending:
    fields: list[Any]  # user, project, title, description, type, start, end, value, impact
    monday: date  # of the entry's week, in its user's zone: that week's digest is dropped
    tags: list[str]
    future: asyncio.Future[dict[str, Any] | None]


async def insert_one(conn: Any, fields: list[Any], monday: date, tags: list[str]
                     ) -> dict[str, Any] | None:
    """The single-entry statement: the entry's row (with `overlaps`), or None when its
    project is not its user's (nothing written)."""
    params = [*fields, [monday]]
    if tags:
        rows = await conn.execute_query_dict(sql.INSERT_ENTRY_TAGS, [*params, tags])
    else:
        rows = await conn.execute_query_dict(sql.INSERT_ENTRY, params)
    return rows[0] if rows else None


_COLUMNS = ("user_id", "project_id", "title", "description", "type", "start_time",
            "end_time", "value_rating", "impact_level")


def batch_params(batch: list[Pending]) -> list[Any]:
    """INSERT_BATCH's one parameter: the entries as a JSON array."""
    return [orjson.dumps([
        {"n": n, **dict(zip(_COLUMNS, p.fields, strict=True)), "monday": p.monday,
         "tags": p.tags}
        for n, p in enumerate(batch, 1)], default=str).decode()]


class EntryBatcher:
    def __init__(self) -> None:
        self._queue: list[Pending] = []
        self._writing: set[asyncio.Task[None]] = set()
        # The newest batch, while it is out and has not stalled: while there is one, no
        # other starts (and if it has not taken the queue yet, what arrives joins it).
        self._fresh: asyncio.Task[None] | None = None

    def insert(self, fields: list[Any], monday: date, tags: list[str]
               ) -> asyncio.Future[dict[str, Any] | None]:
        """Queue one entry; the future resolves to what insert_one would return for it."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[dict[str, Any] | None] = loop.create_future()
        self._queue.append(Pending(fields, monday, tags, fut))
        self._start(loop)
        return fut

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._fresh is not None or not self._queue or len(self._writing) >= MAX_IN_FLIGHT:
            return
        # The task's first step runs after every callback already due in this pass of the
        # loop: the inserts those issue join its batch.
        task = self._fresh = loop.create_task(self._write())
        self._writing.add(task)
        task.add_done_callback(self._written)
        loop.call_later(STALLED_AFTER_S, self._stalled, task)

    def _stalled(self, task: asyncio.Task[None]) -> None:
        if self._fresh is task:  # still out: what waits for it may start the next batch
            self._fresh = None
            self._start(task.get_loop())

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writing.discard(task)
        if self._fresh is task:  # (if cancelled before its first step, the queue is still here)
            self._fresh = None
        self._start(task.get_loop())  # what queued up meanwhile is the next batch

    async def _write(self) -> None:
        queued, self._queue = self._queue, []
        for start in range(0, len(queued), MAX_BATCH):
            batch = [p for p in queued[start:start + MAX_BATCH] if not p.future.done()]
            try:
                if len(batch) == 1:
                    await _settle(batch[0], insert_one(db(), batch[0].fields, batch[0].monday,
                                                       batch[0].tags))
                elif batch:
                    await self._write_batch(batch)
            except BaseException as exc:  # cancelled (server stopping): no caller waits forever
                for p in queued[start:]:
                    if not p.future.done():
                        p.future.set_exception(ConnectionError("entry insert cancelled"))
                if not isinstance(exc, Exception):
                    raise

    async def _write_batch(self, batch: list[Pending]) -> None:
        try:
            rows = await db(pool=BATCH_POOL).execute_query_dict(sql.INSERT_BATCH,
                                                               batch_params(batch))
        except Exception as exc:
            # Nothing was written: each entry alone, each caller its own answer or error.
            log.info("batch of %d entries failed (%s); writing them one by one",
                     len(batch), type(exc).__name__)
            await asyncio.gather(*(_settle(p, insert_one(db(), p.fields, p.monday, p.tags))
                                   for p in batch))
            return
        by_place = {row["n"]: row for row in rows}
        for n, p in enumerate(batch, 1):
            if not p.future.done():
                p.future.set_result(by_place.get(n))


async def _settle(p: Pending, write: Any) -> None:
    try:
        row = await write
    except Exception as exc:
        if not p.future.done():
            p.future.set_exception(exc)
        return
    if not p.future.done():
        p.future.set_result(row)


# One per process: Sanic runs one event loop per worker process, and the queue never
# outlives the loop pass that filled it.
batcher = EntryBatcher()
