"""Redis commands issued by concurrent requests in the same event-loop pass, sent together.

Every authenticated request makes one or two small Redis calls (the rate limiter's count,
the data-version bump after a write). redis-py spends about 100 us of CPU on each call
(connection pool, retry wrapper, timeout context, observability hooks) against about 25 us
for the round trip itself, so under load those calls were a quarter of a request's cost.
Commands issued by different requests in the same pass of the event loop are queued and
written together on one connection, their replies read back in order (pipelining, no MULTI:
each command stands alone, as it did), so that cost is paid once per batch instead of once
per command. The batches go through redis-py's connection (its parser, socket and health
check) but not its Pipeline, per-call pool checkout or general-purpose encoder, whose
bookkeeping was most of the remaining cost: commands are packed by `pack` when queued, and
a batch's replies are read under one deadline.

Redis answers pipelined commands in order on one connection, so each caller gets exactly
its own reply; a reply that is an error (e.g. NOSCRIPT) is raised to its own caller only,
and a failure of the whole batch (connection lost, timeout) is raised to every caller in it.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import DataError, ResponseError

# A longer queue is sent as several pipelines, one after the other.
MAX_BATCH = 64


def _arg(value: Any) -> bytes:
    # What redis-py's Encoder sends for the types these commands carry; like it, a bool (or
    # anything else) is refused rather than guessed at.
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, int) and not isinstance(value, bool):
        return b"%d" % value
    raise DataError(f"Invalid input of type {type(value).__name__} for a batched command")


def pack(*args: Any) -> bytes:
    """One command in the Redis protocol (a RESP array of bulk strings).

    Not redis-py's pack_command: its general encoder (command names with spaces,
    memoryviews, buffer cut-offs, a map() of Python calls per argument) was about 4% of a
    POST /v1/logs; these are a few short commands."""
    out = [b"*%d\r\n" % len(args)]
    for value in args:
        data = _arg(value)
        out.append(b"$%d\r\n%b\r\n" % (len(data), data))
    return b"".join(out)


class CommandBatcher:
    def __init__(self, client: Redis) -> None:
        self.client = client
        self._queue: list[tuple[bytes, asyncio.Future[Any]]] = []
        # Batches in flight, each on its own connection and with its own timeout, so a
        # Redis that hangs delays each caller once, never a queue of batches behind it.
        self._sending: set[asyncio.Task[None]] = set()
        self._idle: list[AbstractConnection] = []

    def call(self, *args: Any) -> asyncio.Future[Any]:
        """Queue one command (e.g. "INCR", key); the future resolves to its parsed reply.
        An argument Redis cannot take raises DataError here, to this caller alone."""
        command = pack(*args)
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        if not self._queue:
            # The task's first step runs after every callback already due in this pass of
            # the loop: the commands those issue join this batch.
            task = loop.create_task(self._send())
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        self._queue.append((command, fut))
        return fut

    async def _send(self) -> None:
        batch, self._queue = self._queue, []
        for start in range(0, len(batch), MAX_BATCH):
            await self._send_batch(batch[start:start + MAX_BATCH])

    async def _send_batch(self, batch: list[tuple[bytes, asyncio.Future[Any]]]
                          ) -> None:
        conn: AbstractConnection | None = None
        try:
            conn = await self._connection()
            await conn.send_packed_command(b"".join(command for command, _ in batch))
            results: list[Any] = []
            # One deadline for all the batch's replies, not redis-py's timeout context per
            # reply: they arrive together, and each context cost more than reading its reply.
            async with asyncio.timeout(conn.socket_timeout):
                for _ in batch:
                    try:
                        results.append(await conn.read_response(timeout=math.inf))
                    except ResponseError as exc:  # an error reply: its own caller's only
                        results.append(exc)
        except BaseException as exc:
            # Replies may be left unread: this socket is closed (the next batch on this
            # connection opens a new one) and every caller of the batch gets the error.
            if conn is not None:
                await conn.disconnect()
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc if isinstance(exc, Exception)
                                      else ConnectionError("redis batch cancelled"))
            if not isinstance(exc, Exception):
                raise
            return
        finally:
            if conn is not None:
                self._idle.append(conn)
        for (_, fut), result in zip(batch, results, strict=True):
            if fut.done():  # its caller was cancelled meanwhile
                continue
            if isinstance(result, Exception):
                fut.set_exception(result)
            else:
                fut.set_result(result)

    async def _connection(self) -> AbstractConnection:
        # Connections are taken from the client's pool once and kept: the pool's checkout
        # (a lock, a check for unread data, observability events) cost more than a
        # batch's own round trip. Every batch reads all of its replies or closes the socket,
        # so a kept connection never holds stale data.
        # (A socket the server closed while idle is reopened by the connection itself,
        # backend/cache/redis.py's _Connection.)
        if self._idle:
            return self._idle.pop()
        return await self.client.connection_pool.get_connection()
