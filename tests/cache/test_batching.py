"""Redis commands from concurrent requests share pipelines (backend/cache/batching.py),
against a real Redis: each caller gets exactly its own reply, an error reply reaches only
its own caller, a dead Redis fails every caller of the batch, and a cancelled caller
disturbs nobody."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, ResponseError

from backend.cache.batching import MAX_BATCH, CommandBatcher
from backend.cache.redis import Cache
from tests.conftest import REDIS_URL
from tests.support.servers import free_port


@pytest.fixture
async def redis():
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def key() -> str:
    return f"englog-test-batch:{uuid.uuid4().hex}"


def pool_size(client: Redis) -> int:
    pool = client.connection_pool
    return len(pool._available_connections) + len(pool._in_use_connections)


async def test_concurrent_commands_share_one_connection_and_get_their_own_replies(redis):
    batcher = CommandBatcher(redis)
    counter, names = key(), [key() for _ in range(150)]
    await redis.mset({n: f"value of {n}" for n in names})
    # Issued in one pass of the loop, as concurrent requests do: 150 GETs and 150 INCRs of
    # one counter. Called one by one they would have needed 300 connections at once.
    gets = [batcher.call("GET", n) for n in names]
    incrs = [batcher.call("INCR", counter) for _ in range(150)]
    got = await asyncio.gather(*gets)
    counts = await asyncio.gather(*incrs)
    assert got == [f"value of {n}".encode() for n in names]
    assert counts == list(range(1, 151))  # in order: one connection, replies in order
    assert pool_size(redis) == 1
    await redis.delete(counter, *names)


async def test_values_cross_byte_for_byte_and_a_bad_argument_fails_only_its_caller(redis):
    batcher = CommandBatcher(redis)
    raw, text = key(), key()
    binary, unicode = bytes(range(256)) + b"\r\n$3\r\n", "café ☕ — ünïcode"
    with pytest.raises(DataError):  # refused before anything is queued
        batcher.call("SET", raw, True)
    replies = await asyncio.gather(batcher.call("SET", raw, binary),
                                   batcher.call("SET", text, unicode),
                                   batcher.call("EXPIRE", raw, 60))
    assert replies == [b"OK", b"OK", 1]
    assert await redis.get(raw) == binary and await redis.get(text) == unicode.encode()
    assert 0 < await redis.ttl(raw) <= 60
    await redis.delete(raw, text)


async def test_an_error_reply_reaches_only_its_own_caller(redis):
    batcher = CommandBatcher(redis)
    a_list, counter = key(), key()
    await redis.rpush(a_list, "x")
    wrong = batcher.call("INCR", a_list)  # WRONGTYPE
    right = batcher.call("INCR", counter)
    with pytest.raises(ResponseError, match="WRONGTYPE|not an integer"):
        await wrong
    assert await right == 1
    await redis.delete(a_list, counter)


async def test_a_batch_longer_than_one_pipeline_is_split_and_complete(redis):
    batcher = CommandBatcher(redis)
    counter = key()
    n = MAX_BATCH * 2 + 5
    assert await asyncio.gather(*(batcher.call("INCR", counter) for _ in range(n))) \
        == list(range(1, n + 1))
    await redis.delete(counter)


async def test_a_dead_redis_fails_every_caller_of_the_batch():
    dead = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    batcher = CommandBatcher(dead)
    calls = [batcher.call("INCR", key()) for _ in range(5)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(r, RedisConnectionError | OSError) for r in results), results
    await dead.aclose()


async def test_a_cancelled_caller_does_not_disturb_the_others(redis):
    batcher = CommandBatcher(redis)
    counter = key()
    first, second, third = (batcher.call("INCR", counter) for _ in range(3))
    second.cancel()
    assert [await first, await third] == [1, 3]  # the cancelled one still ran, in order
    assert int(await redis.get(counter)) == 3
    await redis.delete(counter)


async def test_the_cache_counts_and_reads_through_the_batcher():
    # A generous timeout: CI once saw this first localhost connect take over the default
    # 200 ms, and the Cache (rightly) degraded; this test is about batching, not timeouts.
    cache = Cache(REDIS_URL, f"englog-test-batch-{uuid.uuid4().hex[:8]}:", timeout_s=2.0)
    k = cache.key("n")
    try:
        assert await asyncio.gather(*(cache.incr(k) for _ in range(20))) == list(range(1, 21))
        assert await cache.mget(k, cache.key("missing")) == [b"20", None]
        assert await cache.get(k) == b"20"
        assert pool_size(cache.client) == 1
    finally:
        await cache.delete(k)
        await cache.close()


async def test_a_kept_connection_that_was_killed_is_reopened(redis):
    batcher = CommandBatcher(redis)
    counter = key()
    assert await batcher.call("INCR", counter) == 1
    [mine] = [c for c in await redis.client_list() if c["cmd"] == "incr"]
    await redis.client_kill_filter(_id=mine["id"])
    # The batch on the dead socket fails (if the kill has not been noticed yet); its socket
    # is dropped, and the next batch runs on a fresh one.
    first = await asyncio.gather(batcher.call("INCR", counter), return_exceptions=True)
    again = await batcher.call("INCR", counter)
    assert again == (2 if isinstance(first[0], Exception) else 3), first
    assert pool_size(redis) == 2  # the test's own connection and the batcher's one
    await redis.delete(counter)
